// How long back-query takes for all ten digits of the lesson's 784-90-10 net (issue 15: under
// 2 ms, so the network view can refresh it while training), and one image alone; and the error
// flow of one image (step trace + errorFlow), which the view's backward pass draws.
// Usage: bench_back_query [--model FILE] [--runs N]   (default: the lesson's net, seed 1)
#include "engine/back_query.h"
#include "engine/error_flow.h"
#include "engine/model_io.h"
#include "engine/step_trace.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace nnlab::engine;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kWarmUp = 100; // runs before the timed ones
volatile float g_sink;       // each run's result lands here, so no run is optimised away

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const std::size_t i = std::min(v.size() - 1, std::size_t(std::ceil(p * double(v.size()))) - 1);
    return v[i];
}

// Median, p99 and best of `runs` calls, in milliseconds, after kWarmUp untimed ones.
void time(const char* what, int runs, const std::function<float()>& work)
{
    std::vector<double> ms;
    for (int i = 0; i < kWarmUp; ++i)
        g_sink = work();
    for (int i = 0; i < runs; ++i) {
        const Clock::time_point start = Clock::now();
        g_sink = work();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::printf("%-46s median %.3f ms  p99 %.3f ms  best %.3f ms  (%d runs)\n", what,
                percentile(ms, 0.5), percentile(ms, 0.99), *std::min_element(ms.begin(), ms.end()),
                runs);
}

int run(int argc, char** argv)
{
    std::string modelPath;
    int runs = 2000;
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (!std::strcmp(argv[i], "--model") && hasValue)
            modelPath = argv[++i];
        else if (!std::strcmp(argv[i], "--runs") && hasValue)
            runs = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: bench_back_query [--model FILE] [--runs N]\n");
            return 2;
        }
    }
    Network net{Architecture{}};
    if (modelPath.empty())
        net.initialize(Init::Lesson, 1);
    else
        net = loadModelFile(modelPath).network;
    const Architecture& a = net.architecture();
    std::printf("%s, %s\n", a.describe(Detail::Brief).c_str(),
                modelPath.empty() ? "the lesson's initial weights (seed 1)" : modelPath.c_str());
    if (const std::string why = backQueryUnavailable(a); !why.empty()) {
        std::fprintf(stderr, "%s\n", why.c_str());
        return 1;
    }

    time("back-query, all outputs (backQueryAllOutputs)", runs,
         [&] { return backQueryAllOutputs(net)(0, 0); });
    const Batch one = backQueryTarget(3, a.outputs);
    time("back-query, one target vector", runs, [&] { return backQuery(net, one)(0, 0); });

    std::mt19937 rng(2);
    std::vector<std::uint8_t> pixels(std::size_t(a.inputs));
    for (std::uint8_t& p : pixels)
        p = std::uint8_t(rng() % 256);
    time("error flow, one image (trace + errorFlow)", runs, [&] {
        const LessonTrace t = traceSample(net, pixels.data(), 3, true);
        return errorFlow(net, t, 0.1f, true).layers[0].after(0, 0);
    });
    ErrorFlow reused;
    for (const bool lessonErrors : {true, false})
        time(lessonErrors ? "error flow, one image, into the same ErrorFlow"
                          : "the same, exact gradient",
             runs, [&] {
                 const LessonTrace t = traceSample(net, pixels.data(), 3, lessonErrors);
                 errorFlow(net, t, 0.1f, lessonErrors, reused);
                 return reused.layers[0].after(0, 0);
             });
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_back_query: %s\n", e.what());
        return 1;
    }
}
