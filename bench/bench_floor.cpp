// The FLOP floor of each training path (docs/BENCHMARKS.md, issue 19): the multiply-adds one
// epoch of a preset needs on MNIST's 60,000 training images, and the fastest this machine
// multiplies with nnlab's own kernels, a matrix product held in cache, per kernel copy (avx512,
// avx2, sse2) on one thread and on every core at once. An epoch can take no less than its
// multiply-adds at that rate. Prints one JSON object; bench/run_benchmarks.py --floor puts it
// beside the epochs it measures.
//
// Multiply-adds per training image, for a net whose first layer sees nnz nonzero pixels (the
// sparse path multiplies those alone; the dense one all 784) and whose later layers are
// n_in x n_out: the first layer's forward pass and its update (per image) or gradient (per
// batch), nnz x h_1 each; each later layer's forward pass, the errors it passes back, and its
// update or gradient, n_in x n_out each. The optimizer's step and the activations are not
// multiply-adds of the products and are left out (under 3% of them for a batch of 200).
//
// Usage: bench_floor [--data-dir DIR] [--seconds S]
#include "engine/idx_folder.h"
#include "engine/kernels.h"
#include "engine/presets.h"
#include "engine/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace nnlab::engine;

namespace {

constexpr int kSide = 384; // three 384 x 384 matrices: 1.7 MB, in L2 and L3

// Multiply-adds per second of kernel copy k's matrix product on `threads` threads, each on its
// own matrices, for about `seconds`.
double productRate(const KernelTable& k, int threads, double seconds)
{
    ThreadPool pool(threads);
    const std::size_t size = std::size_t(kSide) * kSide;
    std::vector<std::vector<float>> a(std::size_t(threads), std::vector<float>(size, 0.5f));
    std::vector<std::vector<float>> c(std::size_t(threads), std::vector<float>(size, 0.0f));
    auto once = [&] {
        pool.run(threads, [&](int t) {
            const float* m = a[std::size_t(t)].data();
            k.gemm(false, false, kSide, kSide, kSide, 1.0f, m, kSide, m, kSide, 0.0f,
                   c[std::size_t(t)].data(), kSide);
        });
    };
    once(); // warm: caches, clocks, threads
    using Clock = std::chrono::steady_clock;
    double best = 0;
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
        const auto start = Clock::now();
        for (int i = 0; i < 4; ++i)
            once();
        const double s = std::chrono::duration<double>(Clock::now() - start).count();
        best = std::max(best, 4.0 * threads * double(kSide) * kSide * kSide / s);
    }
    return best;
}

// The nonzero pixels of all of `train`'s images.
double nonzeroPixels(const Dataset& train)
{
    double count = 0;
    for (std::size_t i = 0; i < train.size(); ++i) {
        const std::uint8_t* image = train.image(i);
        count += double(std::count_if(image, image + train.pixelsPerImage(),
                                      [](std::uint8_t b) { return b != 0; }));
    }
    return count;
}

// Multiply-adds of one epoch of `arch` on `images` images whose first layer multiplies
// `pixels` pixels in all (the nonzero ones on the sparse paths, every one on the dense).
double epochMultiplyAdds(const Architecture& arch, double images, double pixels)
{
    std::vector<int> widths{arch.inputs};
    widths.insert(widths.end(), arch.hidden.begin(), arch.hidden.end());
    widths.push_back(arch.outputs);
    double later = 0;
    for (std::size_t l = 2; l < widths.size(); ++l)
        later += 3.0 * widths[l - 1] * widths[l];
    return 2.0 * pixels * widths[1] + images * later;
}

} // namespace

int main(int argc, char** argv)
{
    std::string dataDir = NNLAB_SOURCE_DIR "/data/mnist";
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--data-dir") && i + 1 < argc)
            dataDir = argv[++i];
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) {
            char* end = nullptr;
            seconds = std::strtod(argv[++i], &end);
            if (*end != '\0' || !(seconds > 0 && seconds <= 600)) {
                std::fprintf(stderr, "bench_floor: --seconds needs a number of seconds, 0 to 600, "
                                     "not \"%s\"\n", argv[i]);
                return 2;
            }
        } else {
            std::fprintf(stderr, "usage: bench_floor [--data-dir DIR] [--seconds S]\n");
            return 2;
        }
    }
    TrainTest data;
    try {
        data = loadIdxFolder(dataDir, digitClassNames(), "MNIST ");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_floor: %s\n", e.what());
        return 1;
    }
    const int cores = defaultThreadCount();
    const double images = double(data.train.size());
    const double nonzero = nonzeroPixels(data.train);
    const double every = images * data.train.pixelsPerImage();
    std::printf("{\"images\": %zu, \"cores\": %d, \"multiply_adds\": {", data.train.size(), cores);
    const char* sep = "";
    for (const char* name : {"lesson", "keras-rmsprop", "best"}) {
        const Architecture arch = findPreset(name)->architecture;
        std::printf("%s\"%s\": {\"sparse\": %.6g, \"dense\": %.6g}", sep, name,
                    epochMultiplyAdds(arch, images, nonzero),
                    epochMultiplyAdds(arch, images, every));
        sep = ", ";
    }
    std::printf("}, \"rate\": {");
    const KernelTable* tables[4];
    const int levels = availableKernelTables(tables, 4);
    for (int t = 0; t < levels; ++t) {
        std::printf("%s\"%s\": {\"1\": %.6g, \"%d\": %.6g}", t ? ", " : "", tables[t]->isa,
                    productRate(*tables[t], 1, seconds), cores,
                    productRate(*tables[t], cores, seconds));
        std::fflush(stdout);
    }
    std::printf("}}\n");
    return 0;
}
