// Sweeps: one knob over several values, each value trained from several seeds, to answer the
// lesson's "can we do better?" with a mean and a spread instead of a single run.
#pragma once

#include "dataset.h"
#include "presets.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab::engine {

// The knobs the lesson turns (and a few it names). Numeric knobs plot on a number axis
// (the learning rate on a log axis); the others are choices, one tick each.
enum class SweepKnob : std::uint8_t {
    LearningRate,   // "lr": the optimizer's l_r, (0, 100]
    HiddenNodes,    // "hidden": nodes in every hidden layer, 1..65536
    HiddenLayers,   // "layers": hidden layers of the first hidden layer's size, 0..64
    Epochs,         // "epochs": 1..100000
    TrainingImages, // "train-size": the first n training images, 1..the training set
    BatchSize,      // "batch": 1..65536 (1 = the lesson's per-sample update)
    Optimizer,      // "optimizer": sgd, momentum, rmsprop, adam
    Activation,     // "activation": sigmoid, tanh, relu (hidden layers)
    Init,           // "init": lesson, fan-in, keras-normal, glorot, he
    Scaling,        // "scaling": lesson (x/255*0.99+0.01), unit (x/255)
};

struct SweepKnobInfo
{
    SweepKnob knob;
    std::string_view name;  // as typed after --sweep: "lr"
    std::string_view label; // in the lesson's words, for axes and menus: "learning rate"
    bool numeric = true;
    bool logScale = false;  // the learning rate's axis
    std::vector<std::string_view> choices; // the values of a knob that is not numeric
};

const std::vector<SweepKnobInfo>& sweepKnobs(); // in the enum's order
const SweepKnobInfo& knobInfo(SweepKnob knob);
std::optional<SweepKnob> parseSweepKnob(std::string_view name); // "lr", "learning-rate", ...

// Bad sweep syntax, an unknown knob or a value out of range: one sentence naming what and why
// ("--sweep: hidden=0 is out of range: hidden nodes go from 1 to 65536").
class SweepError : public std::invalid_argument
{
public:
    using std::invalid_argument::invalid_argument;
};

struct SweepSpec
{
    SweepKnob knob = SweepKnob::LearningRate;
    std::vector<std::string> values;           // canonical text of each value: "0.1", "relu"
    std::vector<std::uint64_t> seeds{1, 2, 3}; // each seeds the initial weights and the shuffling

    std::size_t runCount() const { return values.size() * seeds.size(); }
};

// "lr=0.01,0.1,1", "lr=0.01:1:5:log" (5 values, log steps), "hidden=10:200:5" (linear steps,
// integers rounded and duplicates dropped), "optimizer=sgd,rmsprop,adam". Throws SweepError.
SweepSpec parseSweep(std::string_view text);
// The values part alone, for a knob already chosen (the window's values field).
std::vector<std::string> parseSweepValues(SweepKnob knob, std::string_view text);
// "1,2,3" or "1:5" (1 to 5). Throws SweepError.
std::vector<std::uint64_t> parseSeeds(std::string_view text);

// One run's preset: `base` with the knob set to `value` and both seeds (weights and shuffling)
// set to `seed`. Throws SweepError if the value does not fit (out of range; more training images
// than `trainingSetSize`).
Preset sweepRunPreset(const Preset& base, SweepKnob knob, const std::string& value,
                      std::uint64_t seed, std::size_t trainingSetSize);
// Where a value sits on the chart's x axis: the number of a numeric knob, the index of a choice.
double knobPosition(SweepKnob knob, const std::string& value);

// A point of a run's learning curve: the mean training loss and accuracy of the samples since the
// previous point (about 50 points per epoch).
struct SweepCurvePoint
{
    double epochFraction = 0; // epochs trained, 0.5 = half-way through the first
    double runningLoss = 0;
    double runningAccuracy = 0;
};

struct SweepEpochResult
{
    int epoch = 0; // 1-based
    double trainLoss = 0, trainAccuracy = 0; // over the epoch as it was trained
    double testLoss = 0, testAccuracy = 0;   // the whole test set after the epoch
    std::uint64_t samplesSeen = 0;
};

struct SweepRunResult
{
    std::size_t index = 0;      // valueIndex * seeds + seedIndex: the same whatever order runs end in
    std::size_t valueIndex = 0;
    std::string value;
    std::uint64_t seed = 0;
    std::string setup;          // the run's settings in a legend's words
    std::vector<SweepEpochResult> epochs;
    std::vector<SweepCurvePoint> curve;
    double seconds = 0;         // training and testing, this run alone
    std::uint64_t samples = 0;  // trained
    std::string error;          // why the run stopped early ("diverged in epoch 2: ..."), or empty

    bool ok() const { return error.empty() && !epochs.empty(); }
    const SweepEpochResult& last() const { return epochs.back(); } // valid when ok()
};

// One value's runs, summarised over seeds (runs that failed are left out and counted).
struct SweepPointSummary
{
    std::size_t valueIndex = 0;
    std::string value;
    double position = 0; // knobPosition
    int runs = 0, failed = 0;
    double testAccuracyMean = 0, testAccuracyMin = 0, testAccuracyMax = 0;
    double trainAccuracyMean = 0, trainAccuracyMin = 0, trainAccuracyMax = 0;
    double testLossMean = 0, testLossMin = 0, testLossMax = 0;
};

// Summaries in the spec's value order, whatever order `results` is in; a value with no result
// yet is left out.
std::vector<SweepPointSummary> summarize(const SweepSpec& spec,
                                         const std::vector<SweepRunResult>& results);

// Trains and tests one run exactly as nnlab-train does with the same preset and thread count
// (Trainer::trainEpoch, then evaluate() on the whole test set after every epoch), so both give
// the same bits. keepGoing is asked before every batch; nullopt if it said stop.
std::optional<SweepRunResult> runSweepRun(const Preset& preset, const Dataset& train,
                                          const Dataset& test,
                                          const std::function<bool()>& keepGoing = {});

struct SweepProgress
{
    std::size_t runsDone = 0, runCount = 0;
    std::uint64_t samplesDone = 0, samplesTotal = 0; // trained, over every run
    double seconds = 0;                              // since run() began, pauses left out
    double samplesPerSecond = 0;                     // over every job
};

// Runs a sweep's runs over `jobs` threads (0 = one per core), each run with
// preset.training.threads threads (1 by default: one run per core measures fastest here).
// The results do not depend on jobs or on the order runs end in.
class SweepRunner
{
public:
    using ResultCallback = std::function<void(const SweepRunResult&)>;
    using ProgressCallback = std::function<void(const SweepProgress&)>;

    // Checks every run's preset first (throws SweepError). `train` and `test` must outlive it.
    SweepRunner(const Preset& base, SweepSpec spec, const Dataset& train, const Dataset& test,
                int jobs = 0, int threadsPerRun = 1);
    ~SweepRunner(); // cancels and joins

    // Blocks until every run ended or cancel(). Callbacks come from the job threads, one at a
    // time (never two at once); progress at most every progressInterval.
    void run(const ResultCallback& onResult, const ProgressCallback& onProgress = {},
             std::chrono::milliseconds progressInterval = std::chrono::milliseconds(100));
    // Thread-safe, from any thread: runs stop at their next batch.
    void cancel();
    void setPaused(bool paused);

    const SweepSpec& spec() const { return m_spec; }
    const std::vector<Preset>& runPresets() const { return m_presets; } // in index order
    int jobs() const { return m_jobs; }

private:
    SweepSpec m_spec;
    std::vector<Preset> m_presets;
    const Dataset& m_train;
    const Dataset& m_test;
    int m_jobs = 1;
    std::atomic<bool> m_cancelled{false};
    std::mutex m_pauseMutex;
    std::condition_variable m_pauseChanged;
    bool m_paused = false; // guarded by m_pauseMutex
};

} // namespace nnlab::engine
