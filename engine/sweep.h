// Sweeps: one knob over several values, each value trained from several seeds, to answer the
// lesson's "can we do better?" with a mean and a spread instead of a single run.
#pragma once

#include "dataset.h"
#include "presets.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
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
    TrainingImages, // "train-size": the first n training images, 1..the training set (log axis)
    BatchSize,      // "batch": 1..65536 (1 = the lesson's per-sample update)
    Optimizer,      // "optimizer": sgd, momentum, rmsprop, adam
    Activation,     // "activation": sigmoid, tanh, relu (hidden layers)
    Init,           // "init": lesson, fan-in, keras-normal, glorot, he, rand, rand-0.5
    Scaling,        // "scaling": lesson (x/255*0.99+0.01), unit (x/255), raw (0..255)
    Targets,        // "targets": the squared error's lesson (0.01/0.99) or 0-1
};

struct SweepKnobInfo
{
    SweepKnob knob;
    std::string_view name;  // as typed after --sweep: "lr"
    std::string_view label; // in the lesson's words, for axes and menus: "learning rate"
    bool numeric = true;
    bool logScale = false;  // the learning rate's and the training images' axes
    std::vector<std::string_view> choices; // the values of a knob that is not numeric
};

const std::vector<SweepKnobInfo>& sweepKnobs(); // in the enum's order
const SweepKnobInfo& knobInfo(SweepKnob knob);
std::optional<SweepKnob> parseSweepKnob(std::string_view name); // "lr", "learning-rate", ...

// Bad sweep syntax, an unknown knob or a value out of range: one sentence naming what and why
// ("hidden=0 is out of range: hidden nodes go from 1 to 65536"); nnlab-train puts "--sweep: "
// or "--seeds: " before it, the window shows it as it is.
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
// integers rounded and duplicates dropped), "optimizer=sgd,rmsprop,adam". Spaces around items
// are ignored. A range goes up (FROM < TO) in 2 to 1000 steps; a learning rate from a range is
// rounded to 3 significant digits. A value given twice in a list is an error. Throws SweepError.
SweepSpec parseSweep(std::string_view text);
// The values part alone, for a knob already chosen (the window's values field).
std::vector<std::string> parseSweepValues(SweepKnob knob, std::string_view text);
// "1,2,3" or "1:5" (1 to 5), or both ("1:3,7"); 0 to 2^63-1, each once, at most 1000.
// Throws SweepError.
std::vector<std::uint64_t> parseSeeds(std::string_view text);

// One run's preset: `base` with the knob set to `value` and both seeds (weights and shuffling)
// set to `seed`. Throws SweepError if the value does not fit (out of range; more training images
// than `trainingSetSize`). A hidden-nodes value gives a net without hidden layers one; a
// hidden-layers value repeats the first hidden layer's size (the lesson's 90 if there is none).
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
// (Trainer::trainEpoch, then evaluate() on the whole test set after every epoch, l_r times
// preset.learningRateDecay between epochs), so both give the same bits. keepGoing is asked
// before every batch (every sample of the lesson's batch 1) and between test chunks; nullopt if
// it said stop. A run that diverges comes back with its error and the epochs before. Fills
// every field but index, valueIndex and value. Throws std::invalid_argument if the preset does
// not fit the data.
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

    // Blocks until every run ended or cancel(); runs once (a second call throws
    // std::logic_error). Callbacks come from the job threads, one at a time (never two at
    // once); progress at most every progressInterval, and once more after the last result. A
    // run that fails (diverges, throws) is a result with its error. An exception thrown by a
    // callback cancels the sweep and comes out of run().
    void run(const ResultCallback& onResult, const ProgressCallback& onProgress = {},
             std::chrono::milliseconds progressInterval = std::chrono::milliseconds(100));
    // Thread-safe, from any thread: runs stop at their next batch (a cancelled run gives no
    // result). Pausing holds every run inside its keepGoing, so a paused and resumed sweep gives
    // the same bits as one never paused.
    void cancel();
    void setPaused(bool paused);

    const SweepSpec& spec() const { return m_spec; }
    const std::vector<Preset>& runPresets() const { return m_presets; } // in index order
    int jobs() const { return m_jobs; }

private:
    bool keepGoing(); // a job's check before every batch: waits while paused
    double pausedSeconds(); // paused so far, the current pause included
    void job(const ResultCallback& onResult, const ProgressCallback& onProgress,
             std::chrono::milliseconds progressInterval);
    void trained(std::uint64_t samples, const ProgressCallback& onProgress,
                 std::chrono::milliseconds progressInterval);
    SweepProgress progressNow();
    std::uint64_t plannedSamples(std::size_t index) const;

    using Clock = std::chrono::steady_clock;

    SweepSpec m_spec;
    std::vector<Preset> m_presets;
    const Dataset& m_train;
    const Dataset& m_test;
    int m_jobs = 1;
    std::atomic<bool> m_cancelled{false};

    std::mutex m_pauseMutex;                // guards the pause and the running state
    std::condition_variable m_pauseChanged; // pause, cancel, run() ended
    std::atomic<bool> m_paused{false};      // written under m_pauseMutex, read before every batch
    Clock::time_point m_pausedSince{};
    double m_pausedTotal = 0; // seconds, pauses that ended
    bool m_running = false, m_ran = false;

    // The state of run(), shared by its jobs.
    std::atomic<std::size_t> m_next{0};                // the next run index to take
    std::atomic<std::uint64_t> m_samplesTrained{0};    // over every job
    std::atomic<std::uint64_t> m_samplesPlanned{0};    // less what failed runs left untrained
    std::atomic<Clock::rep> m_lastProgress{0};         // when progress was last reported
    Clock::time_point m_started{};
    std::mutex m_callbackMutex;                        // one callback at a time; guards below
    std::size_t m_runsDone = 0;
    std::exception_ptr m_callbackFailure;
};

} // namespace nnlab::engine
