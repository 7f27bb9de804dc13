// nnlab-train --sweep: the runs of a sweep spread over the cores, a JSON line per run as it ends,
// then a summary per value (a table, or JSON lines with --json).
#include "train_sweep.h"

#include "app/common/command_line.h"
#include "train_report.h"

#include "engine/sweep.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace nnlab::app {

using namespace nnlab::engine;

namespace {

using Clock = std::chrono::steady_clock;

// A knob's value as JSON: the canonical text of a number is already JSON; a choice is a string.
JsonLine& addValue(JsonLine& line, const SweepKnobInfo& knob, const std::string& value)
{
    return knob.numeric ? line.addRaw("value", value) : line.add("value", value);
}

void printRunJson(const SweepKnobInfo& knob, const SweepRunResult& r)
{
    std::vector<double> trainLoss, trainAccuracy, testLoss, testAccuracy;
    for (const SweepEpochResult& e : r.epochs) {
        trainLoss.push_back(e.trainLoss);
        trainAccuracy.push_back(e.trainAccuracy);
        testLoss.push_back(e.testLoss);
        testAccuracy.push_back(e.testAccuracy);
    }
    JsonLine line;
    line.add("type", "sweep_run").add("index", r.index).add("knob", knob.name);
    addValue(line, knob, r.value)
        .add("seed", r.seed)
        .add("epochs", r.epochs.size())
        .add("train_loss", trainLoss)
        .add("train_accuracy", trainAccuracy)
        .add("test_loss", testLoss)
        .add("test_accuracy", testAccuracy)
        .add("samples", r.samples)
        .add("seconds", r.seconds, 3)
        .add("setup", r.setup);
    if (r.error.empty())
        line.addNull("error");
    else
        line.add("error", r.error);
    std::puts(line.str().c_str());
    std::fflush(stdout);
}

void printSummaryJson(const SweepKnobInfo& knob, const SweepPointSummary& s)
{
    JsonLine line;
    line.add("type", "sweep_summary").add("knob", knob.name);
    addValue(line, knob, s.value)
        .add("position", s.position, 8)
        .add("runs", s.runs)
        .add("failed", s.failed)
        .add("test_accuracy_mean", s.testAccuracyMean)
        .add("test_accuracy_min", s.testAccuracyMin)
        .add("test_accuracy_max", s.testAccuracyMax)
        .add("train_accuracy_mean", s.trainAccuracyMean)
        .add("train_accuracy_min", s.trainAccuracyMin)
        .add("train_accuracy_max", s.trainAccuracyMax)
        .add("test_loss_mean", s.testLossMean)
        .add("test_loss_min", s.testLossMin)
        .add("test_loss_max", s.testLossMax);
    std::puts(line.str().c_str());
}

std::string figure(double v)
{
    if (std::isnan(v))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", v);
    return text;
}

// One row per value: the mean over seeds with the spread, training accuracy beside it (a gap
// between the two is overfitting).
void printSummaryTable(const SweepKnobInfo& knob, const std::vector<SweepPointSummary>& summaries,
                       int epochs)
{
    std::size_t width = std::max<std::size_t>(knob.name.size(), 5);
    for (const SweepPointSummary& s : summaries)
        width = std::max(width, s.value.size());
    std::printf("\n%s: test accuracy after the last epoch%s, over the seeds\n",
                std::string(knob.label).c_str(),
                epochs > 0 ? (" (" + std::to_string(epochs) + (epochs == 1 ? " epoch)" : " epochs)")).c_str()
                           : "");
    std::printf("%*s  runs  failed    mean     min     max   train mean  test loss\n", int(width),
                std::string(knob.name).c_str());
    for (const SweepPointSummary& s : summaries)
        std::printf("%*s  %4d  %6d  %s  %s  %s       %s     %s\n", int(width), s.value.c_str(),
                    s.runs, s.failed, figure(s.testAccuracyMean).c_str(),
                    figure(s.testAccuracyMin).c_str(), figure(s.testAccuracyMax).c_str(),
                    figure(s.trainAccuracyMean).c_str(), figure(s.testLossMean).c_str());
}

// "sweep 5/24 runs  41%  812,345 img/s  ETA 3s" on stderr, redrawn in place.
void showProgress(const SweepProgress& p)
{
    const double fraction =
        p.samplesTotal > 0 ? double(p.samplesDone) / double(p.samplesTotal) : 0.0;
    const double left = p.samplesPerSecond > 0
                            ? double(p.samplesTotal - std::min(p.samplesTotal, p.samplesDone)) /
                                  p.samplesPerSecond
                            : -1;
    std::fprintf(stderr, "\rsweep %zu/%zu runs  %3.0f%%  %s img/s  ETA %s\033[K", p.runsDone,
                 p.runCount, fraction * 100,
                 formatCount(std::uint64_t(std::llround(p.samplesPerSecond))).c_str(),
                 left >= 0 ? formatDuration(left).c_str() : "?");
    std::fflush(stderr);
}

void clearProgress() { std::fputs("\r\033[K", stderr); }

} // namespace

int runSweep(const TrainOptions& o, const Dataset& train, const Dataset& test,
             const std::function<bool()>& interrupted)
{
    Preset base = o.preset;
    base.learningRateDecay = o.learningRateDecay;
    std::optional<SweepRunner> runner;
    try {
        runner.emplace(base, *o.sweep, train, test, o.jobs, o.threadsPerRun);
    } catch (const SweepError& e) {
        throw UsageError(std::string("--sweep: ") + e.what());
    }
    const SweepSpec& spec = runner->spec();
    const SweepKnobInfo& knob = knobInfo(spec.knob);
    const bool text = !o.json && !o.quiet;
    const bool bar = text && stderrIsTerminal();
    if (text) {
        Preset shown = base;
        shown.architecture.inputs = train.pixelsPerImage();
        shown.architecture.outputs = train.classCount();
        std::printf("nnlab-train: a sweep of the %s (%s) over %zu value%s x %zu seed%s = %zu runs, "
                    "%d at once, %d thread%s each\n  base: %s (%s)\n  trained on %s of %s images, "
                    "tested on %s (%s)\n",
                    std::string(knob.label).c_str(), std::string(knob.name).c_str(),
                    spec.values.size(), spec.values.size() == 1 ? "" : "s", spec.seeds.size(),
                    spec.seeds.size() == 1 ? "" : "s", spec.runCount(), runner->jobs(),
                    o.threadsPerRun, o.threadsPerRun == 1 ? "" : "s",
                    describeSetup(shown, false).c_str(), o.presetName.c_str(),
                    formatCount(std::min(base.training.trainingSize, train.size())).c_str(),
                    formatCount(train.size()).c_str(), formatCount(test.size()).c_str(),
                    test.name.c_str());
        std::fflush(stdout);
    }

    const auto started = Clock::now();
    std::vector<SweepRunResult> results;
    runner->run(
        [&](const SweepRunResult& r) {
            if (bar)
                clearProgress();
            if (!o.quiet)
                printRunJson(knob, r);
            results.push_back(r);
        },
        [&](const SweepProgress& p) {
            if (interrupted())
                runner->cancel();
            else if (bar)
                showProgress(p);
        });
    if (bar)
        clearProgress();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (interrupted()) {
        std::fprintf(stderr, "nnlab-train: interrupted after %zu of %zu runs\n", results.size(),
                     spec.runCount());
        return kExitInterrupted;
    }

    const std::vector<SweepPointSummary> summaries = summarize(spec, results);
    std::uint64_t samples = 0;
    for (const SweepRunResult& r : results)
        samples += r.samples;
    if (o.json) {
        for (const SweepPointSummary& s : summaries)
            printSummaryJson(knob, s);
        JsonLine total;
        total.add("type", "sweep_total")
            .add("knob", knob.name)
            .add("values", spec.values.size())
            .add("seeds", spec.seeds.size())
            .add("runs", results.size())
            .add("failed", std::count_if(results.begin(), results.end(),
                                         [](const SweepRunResult& r) { return !r.ok(); }))
            .add("jobs", runner->jobs())
            .add("threads_per_run", o.threadsPerRun)
            .add("sweep_seconds", seconds, 3) // training and testing every run, data loaded
            .add("samples_per_second", double(samples) / std::max(seconds, 1e-9), 1)
            .add("train_size", std::min(base.training.trainingSize, train.size()))
            .add("test_size", test.size());
        std::puts(total.str().c_str());
    } else if (text) {
        printSummaryTable(knob, summaries, spec.knob == SweepKnob::Epochs ? 0 : base.epochs);
        std::printf("%zu runs in %.2f s, %d at once: %s images/s\n", results.size(), seconds,
                    runner->jobs(),
                    formatCount(std::uint64_t(std::llround(double(samples) /
                                                            std::max(seconds, 1e-9))))
                        .c_str());
    }
    std::fflush(stdout);
    return 0;
}

} // namespace nnlab::app
