// Sweeps (sweep.h): a knob's values from text, one run trained and tested as nnlab-train does,
// summaries over seeds, and the runner that spreads the runs over the cores.
#include "sweep.h"

#include "evaluation.h"
#include "file_error.h"
#include "number_text.h"
#include "network.h"
#include "trainer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <new>
#include <thread>

namespace nnlab::engine {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxValues = 1000;   // values in one sweep, and steps of a range
constexpr std::size_t kMaxSeeds = 1000;
constexpr int kCurvePointsPerEpoch = 50;   // a learning curve's resolution
constexpr int kLessonHiddenNodes = 90;     // the lesson's h_n: layers for a net that has none
constexpr int kLrDigits = 3;               // significant digits of a learning rate from a range

// The values a numeric knob takes; every one but the learning rate takes whole numbers.
struct NumericRange
{
    double low = 0, high = 0;
    bool lowOpen = false; // above low, not low itself (the learning rate)
    bool integer = true;
    const char* words = ""; // the range in words, after "out of range: "
};

NumericRange numericRange(SweepKnob knob)
{
    switch (knob) {
    case SweepKnob::LearningRate:
        return {0, 100, true, false, "the learning rate is above 0 and at most 100"};
    case SweepKnob::HiddenNodes:
        return {1, kMaxLayerSize, false, true, "hidden nodes go from 1 to 65536"};
    case SweepKnob::HiddenLayers:
        return {0, kMaxHiddenLayers, false, true, "hidden layers go from 0 to 64"};
    case SweepKnob::Epochs:
        return {1, 100000, false, true, "epochs go from 1 to 100000"};
    case SweepKnob::TrainingImages:
        return {1, 1e9, false, true, "training images go from 1 to the size of the training set"};
    case SweepKnob::BatchSize:
        return {1, 65536, false, true, "the batch size goes from 1 to 65536"};
    default:
        return {};
    }
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// splitAt, each part trimmed.
std::vector<std::string_view> split(std::string_view s, char separator)
{
    std::vector<std::string_view> parts = splitAt(s, separator);
    for (std::string_view& part : parts)
        part = trimmed(part);
    return parts;
}

std::optional<double> parseDouble(std::string_view text)
{
    double v = 0;
    if (!parseFinite(withoutPlus(text), v))
        return std::nullopt;
    return v;
}

double roundToDigits(double v, int digits)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
    return std::strtod(buffer, nullptr);
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A numeric knob's value checked against its range; whole numbers for all but the learning rate.
double checkedNumber(const SweepKnobInfo& info, std::string_view text)
{
    const NumericRange range = numericRange(info.knob);
    const std::string item = std::string(info.name) + "=" + std::string(text);
    const std::optional<double> v = parseDouble(text);
    if (!v)
        throw SweepError(item + " is not a number");
    if (range.integer && *v != std::floor(*v))
        throw SweepError(item + " is not a whole number");
    if (*v < range.low || *v > range.high || (range.lowOpen && *v == range.low))
        throw SweepError(item + " is out of range: " + range.words);
    return *v;
}

std::string canonicalNumber(SweepKnob knob, double v)
{
    return numericRange(knob).integer ? std::to_string(std::int64_t(v)) : shortestText(v);
}

std::string checkedChoice(const SweepKnobInfo& info, std::string_view text)
{
    for (const std::string_view c : info.choices)
        if (c == text)
            return std::string(c);
    std::string allowed;
    for (const std::string_view c : info.choices)
        allowed += (allowed.empty() ? "" : ", ") + std::string(c);
    throw SweepError(std::string(info.name) + "=" + std::string(text) + " is not one of " +
                     allowed);
}

// "FROM:TO:STEPS[:log|:lin]" of a numeric knob, from FROM up to TO in STEPS values.
std::vector<std::string> rangeValues(const SweepKnobInfo& info, std::string_view text)
{
    const std::string whole = std::string(info.name) + "=" + std::string(text);
    const std::vector<std::string_view> parts = split(text, ':');
    if (parts.size() < 3 || parts.size() > 4)
        throw SweepError(whole + " is not a range: write FROM:TO:STEPS, or FROM:TO:STEPS:log for "
                                 "steps that multiply (0.01:1:8:log)");
    bool log = false;
    if (parts.size() == 4) {
        if (parts[3] != "log" && parts[3] != "lin")
            throw SweepError(whole + ": a range ends in :log or :lin, not :" +
                             std::string(parts[3]));
        log = parts[3] == "log";
    }
    const double from = checkedNumber(info, parts[0]);
    const double to = checkedNumber(info, parts[1]);
    const std::optional<double> steps = parseDouble(parts[2]);
    if (!steps || *steps != std::floor(*steps))
        throw SweepError(whole + ": the number of steps must be a whole number, not " +
                         quoted(parts[2]));
    if (*steps < 2 || *steps > double(kMaxValues))
        throw SweepError(whole + ": the number of steps must be 2 to " +
                         std::to_string(kMaxValues) + ", not " + std::string(parts[2]));
    if (from >= to)
        throw SweepError(whole + " does not go up: FROM must be below TO");
    if (log && from <= 0)
        throw SweepError(whole + ": a log range cannot start at 0");

    const int n = int(*steps);
    const bool integer = numericRange(info.knob).integer;
    std::vector<std::string> values;
    for (int i = 0; i < n; ++i) {
        const double t = double(i) / double(n - 1);
        double v = log ? std::exp(std::log(from) + t * (std::log(to) - std::log(from)))
                       : from + t * (to - from);
        if (i == 0)
            v = from;
        else if (i == n - 1)
            v = to;
        v = integer ? std::round(v) : roundToDigits(v, kLrDigits);
        v = std::clamp(v, from, to);
        std::string value = canonicalNumber(info.knob, v);
        if (std::find(values.begin(), values.end(), value) == values.end())
            values.push_back(std::move(value));
    }
    return values;
}

// Mean of the samples since the previous point, a point every epochSize / 50 samples and at
// every epoch's end. The trainer reports after every batch (every block of the lesson's batch
// 1), so the points fall at the same samples whatever the timing.
class CurveBuilder
{
public:
    CurveBuilder(std::vector<SweepCurvePoint>& out, std::size_t epochSize)
        : m_out(out), m_every(std::max<std::size_t>(1, epochSize / kCurvePointsPerEpoch))
    {
    }

    void add(const TrainingProgress& p)
    {
        const std::uint64_t n = p.samplesSeen - m_seen;
        m_seen = p.samplesSeen;
        if (n == 0)
            return;
        m_loss += p.runningLoss * double(n);
        m_correct += p.runningAccuracy * double(n);
        m_count += n;
        if (m_count >= m_every || p.cursor == p.epochSize) {
            m_out.push_back({p.epochFraction, m_loss / double(m_count),
                             m_correct / double(m_count)});
            m_loss = m_correct = 0;
            m_count = 0;
        }
    }

private:
    std::vector<SweepCurvePoint>& m_out;
    std::uint64_t m_every;
    std::uint64_t m_seen = 0, m_count = 0;
    double m_loss = 0, m_correct = 0;
};

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// runSweepRun, with a report of the samples trained so far for the runner's progress.
std::optional<SweepRunResult> trainAndTest(const Preset& preset, const Dataset& train,
                                           const Dataset& test,
                                           const std::function<bool()>& keepGoing,
                                           const std::function<void(std::uint64_t)>& onTrained)
{
    const auto started = Clock::now();
    // As nnlab-train makes a new network: the data's shape, then the preset's initial weights.
    Architecture a = preset.architecture;
    a.inputs = train.pixelsPerImage();
    a.outputs = train.classCount();
    if (test.pixelsPerImage() != a.inputs || test.classCount() != a.outputs)
        throw std::invalid_argument("the test images have " +
                                    std::to_string(test.pixelsPerImage()) +
                                    " pixels but the training images " +
                                    std::to_string(a.inputs));
    Network network(a);
    network.initialize(preset.init, preset.weightSeed);
    Trainer trainer(std::move(network), train, preset.training);

    SweepRunResult result;
    result.seed = preset.weightSeed;
    Preset described = preset;
    described.architecture = a;
    result.setup = describeSetup(described);
    CurveBuilder curve(result.curve, trainer.epochSize());
    trainer.setProgressCallback(
        [&](const TrainingProgress& p) {
            curve.add(p);
            if (onTrained)
                onTrained(p.samplesSeen);
        },
        std::chrono::milliseconds(0));

    float learningRate = preset.training.optimizer.learningRate;
    for (int e = 0; e < preset.epochs; ++e) {
        const SliceResult r = trainer.trainEpoch(keepGoing);
        if (r.end == SliceEnd::Stopped)
            return std::nullopt;
        if (r.end == SliceEnd::Diverged) {
            result.error = "diverged in epoch " + std::to_string(e + 1) +
                           ": the loss became infinite or not a number (the learning rate "
                           "may be too large)";
            break;
        }
        const std::optional<Evaluation> tested = evaluateUnlessStopped(
            trainer.network(), test, SIZE_MAX, keepGoing, preset.training.threads);
        if (!tested)
            return std::nullopt;
        result.epochs.push_back({e + 1, r.epoch.loss, r.epoch.accuracy, tested->loss,
                                 tested->accuracy, trainer.samplesSeen()});
        if (preset.learningRateDecay != 1.0f && e + 1 < preset.epochs) {
            learningRate *= preset.learningRateDecay; // as nnlab-train: a float, epoch by epoch
            trainer.setLearningRate(learningRate);
        }
    }
    result.samples = trainer.samplesSeen();
    result.seconds = secondsSince(started);
    return result;
}

} // namespace

const std::vector<SweepKnobInfo>& sweepKnobs()
{
    static const std::vector<SweepKnobInfo> all{
        {SweepKnob::LearningRate, "lr", "learning rate", true, true, {}},
        {SweepKnob::HiddenNodes, "hidden", "hidden nodes", true, false, {}},
        {SweepKnob::HiddenLayers, "layers", "hidden layers", true, false, {}},
        {SweepKnob::Epochs, "epochs", "epochs", true, false, {}},
        {SweepKnob::TrainingImages, "train-size", "training images", true, true, {}},
        {SweepKnob::BatchSize, "batch", "batch size", true, false, {}},
        {SweepKnob::Optimizer, "optimizer", "optimizer", false, false,
         {"sgd", "momentum", "rmsprop", "adam"}},
        {SweepKnob::Activation, "activation", "activation function", false, false,
         {"sigmoid", "tanh", "relu"}},
        {SweepKnob::Init, "init", "initial weights", false, false,
         {"lesson", "fan-in", "keras-normal", "glorot", "he", "rand", "rand-0.5"}},
        {SweepKnob::Scaling, "scaling", "input scaling", false, false, {"lesson", "unit", "raw"}},
        {SweepKnob::Targets, "targets", "targets", false, false, {"lesson", "0-1"}},
    };
    return all;
}

const SweepKnobInfo& knobInfo(SweepKnob knob) { return sweepKnobs().at(std::size_t(knob)); }

std::optional<SweepKnob> parseSweepKnob(std::string_view name)
{
    struct Alias
    {
        std::string_view name;
        SweepKnob knob;
    };
    static constexpr Alias kAliases[] = {
        {"learning-rate", SweepKnob::LearningRate}, {"l_r", SweepKnob::LearningRate},
        {"hidden-nodes", SweepKnob::HiddenNodes},   {"hidden-layers", SweepKnob::HiddenLayers},
        {"training-images", SweepKnob::TrainingImages}, {"batch-size", SweepKnob::BatchSize},
    };
    name = trimmed(name);
    for (const SweepKnobInfo& k : sweepKnobs())
        if (k.name == name)
            return k.knob;
    for (const Alias& a : kAliases)
        if (a.name == name)
            return a.knob;
    return std::nullopt;
}

std::vector<std::string> parseSweepValues(SweepKnob knob, std::string_view text)
{
    const SweepKnobInfo& info = knobInfo(knob);
    text = trimmed(text);
    if (text.empty())
        throw SweepError(std::string(info.name) + " has no values: give a list such as " +
                         (info.numeric ? "0.01,0.1,1 or a range such as 0.01:1:8:log"
                                       : std::string(info.choices.front()) + "," +
                                             std::string(info.choices.back())));
    if (text.find(':') != std::string_view::npos) {
        if (!info.numeric)
            throw SweepError(std::string(info.name) + "=" + std::string(text) +
                             ": the " + std::string(info.label) +
                             " takes a list of choices, not a range");
        if (text.find(',') != std::string_view::npos)
            throw SweepError(std::string(info.name) + "=" + std::string(text) +
                             ": give either a list or one range, not both");
        return rangeValues(info, text);
    }
    std::vector<std::string> values;
    for (const std::string_view item : split(text, ',')) {
        if (item.empty())
            throw SweepError(std::string(info.name) + "=" + std::string(text) +
                             " has an empty value");
        std::string value = info.numeric ? canonicalNumber(knob, checkedNumber(info, item))
                                         : checkedChoice(info, item);
        if (std::find(values.begin(), values.end(), value) != values.end())
            throw SweepError(std::string(info.name) + "=" + value + " is given twice");
        values.push_back(std::move(value));
        if (values.size() > kMaxValues)
            throw SweepError(std::string(info.name) + " has more than " +
                             std::to_string(kMaxValues) + " values");
    }
    return values;
}

SweepSpec parseSweep(std::string_view text)
{
    text = trimmed(text);
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos)
        throw SweepError("write a sweep as KNOB=VALUES, for example lr=0.01,0.1,1 or "
                         "lr=0.01:1:8:log, not " + quoted(text));
    const std::string_view name = trimmed(text.substr(0, eq));
    const std::optional<SweepKnob> knob = parseSweepKnob(name);
    if (!knob) {
        std::string names;
        for (const SweepKnobInfo& k : sweepKnobs())
            names += (names.empty() ? "" : ", ") + std::string(k.name);
        throw SweepError("there is no knob " + quoted(name) + ": the knobs are " + names);
    }
    SweepSpec spec;
    spec.knob = *knob;
    spec.values = parseSweepValues(*knob, text.substr(eq + 1));
    return spec;
}

std::vector<std::uint64_t> parseSeeds(std::string_view text)
{
    const auto seed = [&](std::string_view item) {
        std::uint64_t v = 0;
        if (!parseWhole(item, v) || v > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            throw SweepError("seeds are whole numbers from 0 to 9223372036854775807 such as "
                             "1,2,3 or 1:5, not " + quoted(item));
        return v;
    };
    text = trimmed(text);
    if (text.empty())
        throw SweepError("there are no seeds: give a list such as 1,2,3 or a range such as 1:5");
    std::vector<std::uint64_t> seeds;
    const auto add = [&](std::uint64_t s) {
        if (std::find(seeds.begin(), seeds.end(), s) != seeds.end())
            throw SweepError("seed " + std::to_string(s) + " is given twice");
        if (seeds.size() == kMaxSeeds)
            throw SweepError("a sweep takes at most " + std::to_string(kMaxSeeds) + " seeds");
        seeds.push_back(s);
    };
    for (const std::string_view item : split(text, ',')) {
        const std::vector<std::string_view> ends = split(item, ':');
        if (ends.size() == 1) {
            add(seed(item));
        } else if (ends.size() == 2) {
            const std::uint64_t from = seed(ends[0]), to = seed(ends[1]);
            if (from > to)
                throw SweepError("the seeds " + std::string(item) +
                                 " do not go up: write the smaller seed first");
            if (to - from >= kMaxSeeds)
                throw SweepError("a sweep takes at most " + std::to_string(kMaxSeeds) + " seeds");
            for (std::uint64_t s = from; s <= to; ++s)
                add(s);
        } else {
            throw SweepError("seeds are a list such as 1,2,3 or a range such as 1:5, not " +
                             quoted(item));
        }
    }
    return seeds;
}

Preset sweepRunPreset(const Preset& base, SweepKnob knob, const std::string& value,
                      std::uint64_t seed, std::size_t trainingSetSize)
{
    const SweepKnobInfo& info = knobInfo(knob);
    Preset p = base;
    p.weightSeed = seed;
    p.training.seed = seed;
    if (info.numeric) {
        const double v = checkedNumber(info, value);
        switch (knob) {
        case SweepKnob::LearningRate:
            p.training.optimizer.learningRate = float(v); // as --lr reads it
            break;
        case SweepKnob::HiddenNodes:
            if (p.architecture.hidden.empty())
                p.architecture.hidden = {int(v)};
            for (int& nodes : p.architecture.hidden)
                nodes = int(v);
            break;
        case SweepKnob::HiddenLayers:
            p.architecture.hidden.assign(std::size_t(v), p.architecture.hidden.empty()
                                                             ? kLessonHiddenNodes
                                                             : p.architecture.hidden.front());
            break;
        case SweepKnob::Epochs:
            p.epochs = int(v);
            break;
        case SweepKnob::TrainingImages:
            if (v > double(trainingSetSize))
                throw SweepError(std::string(info.name) + "=" + value + " is more than the " +
                                 withThousands(trainingSetSize) + " training images");
            p.training.trainingSize = std::size_t(v);
            break;
        case SweepKnob::BatchSize:
            p.training.batchSize = int(v);
            break;
        default:
            break;
        }
    } else {
        const std::string choice = checkedChoice(info, value);
        switch (knob) {
        case SweepKnob::Optimizer:
            p.training.optimizer.kind = *parseOptimizer(choice);
            break;
        case SweepKnob::Activation:
            p.architecture.hiddenActivation = *parseActivation(choice);
            break;
        case SweepKnob::Init:
            p.init = *parseInit(choice);
            break;
        case SweepKnob::Scaling:
            p.architecture.scaling = *parseScaling(choice);
            break;
        case SweepKnob::Targets:
            p.architecture.targets = *parseTargets(choice);
            break;
        default:
            break;
        }
    }
    if (const std::string why = p.training.validate(); !why.empty())
        throw SweepError(std::string(info.name) + "=" + value + ": " + why);
    if (const std::string why = p.architecture.validate(); !why.empty())
        throw SweepError(std::string(info.name) + "=" + value + ": " + why);
    return p;
}

double knobPosition(SweepKnob knob, const std::string& value)
{
    const SweepKnobInfo& info = knobInfo(knob);
    if (info.numeric)
        return checkedNumber(info, value);
    const auto at = std::find(info.choices.begin(), info.choices.end(), value);
    if (at == info.choices.end())
        checkedChoice(info, value); // throws, naming the choices
    return double(at - info.choices.begin());
}

std::vector<SweepPointSummary> summarize(const SweepSpec& spec,
                                         const std::vector<SweepRunResult>& results)
{
    // Each value's runs in index order, so every sum is the same whatever order they ended in.
    std::vector<std::vector<const SweepRunResult*>> byValue(spec.values.size());
    for (const SweepRunResult& r : results)
        if (r.valueIndex < byValue.size())
            byValue[r.valueIndex].push_back(&r);

    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    std::vector<SweepPointSummary> summaries;
    for (std::size_t v = 0; v < byValue.size(); ++v) {
        std::vector<const SweepRunResult*>& runs = byValue[v];
        if (runs.empty())
            continue;
        std::sort(runs.begin(), runs.end(),
                  [](const SweepRunResult* a, const SweepRunResult* b) { return a->index < b->index; });
        SweepPointSummary s;
        s.valueIndex = v;
        s.value = spec.values[v];
        try {
            s.position = knobPosition(spec.knob, s.value);
        } catch (const SweepError&) {
            s.position = double(v); // a value from a hand-made spec: placed by its index
        }
        struct Stat
        {
            double sum = 0, min = kNaN, max = kNaN;
            void add(double x)
            {
                sum += x;
                min = std::isnan(min) ? x : std::min(min, x);
                max = std::isnan(max) ? x : std::max(max, x);
            }
        } testAccuracy, trainAccuracy, testLoss;
        for (const SweepRunResult* r : runs) {
            if (!r->ok()) {
                ++s.failed;
                continue;
            }
            ++s.runs;
            testAccuracy.add(r->last().testAccuracy);
            trainAccuracy.add(r->last().trainAccuracy);
            testLoss.add(r->last().testLoss);
        }
        const double n = s.runs > 0 ? double(s.runs) : kNaN; // every run failed: NaN figures
        s.testAccuracyMean = testAccuracy.sum / n;
        s.testAccuracyMin = testAccuracy.min;
        s.testAccuracyMax = testAccuracy.max;
        s.trainAccuracyMean = trainAccuracy.sum / n;
        s.trainAccuracyMin = trainAccuracy.min;
        s.trainAccuracyMax = trainAccuracy.max;
        s.testLossMean = testLoss.sum / n;
        s.testLossMin = testLoss.min;
        s.testLossMax = testLoss.max;
        summaries.push_back(std::move(s));
    }
    return summaries;
}

std::optional<SweepRunResult> runSweepRun(const Preset& preset, const Dataset& train,
                                          const Dataset& test,
                                          const std::function<bool()>& keepGoing)
{
    return trainAndTest(preset, train, test, keepGoing, {});
}

// ---- SweepRunner ----

SweepRunner::SweepRunner(const Preset& base, SweepSpec spec, const Dataset& train,
                         const Dataset& test, int jobs, int threadsPerRun)
    : m_spec(std::move(spec)), m_train(train), m_test(test)
{
    if (m_spec.values.empty())
        throw SweepError("the sweep has no values");
    if (m_spec.seeds.empty())
        throw SweepError("the sweep has no seeds");
    if (jobs < 0 || jobs > 256)
        throw SweepError("jobs must be 0 (one per core) to 256, not " + std::to_string(jobs));
    if (threadsPerRun < 0 || threadsPerRun > 256)
        throw SweepError("threads per run must be 0 (every core) to 256, not " +
                         std::to_string(threadsPerRun));
    if (train.size() == 0 || test.size() == 0)
        throw SweepError(train.size() == 0 ? "there are no training images"
                                           : "there are no test images");
    if (train.pixelsPerImage() != test.pixelsPerImage() || train.classCount() != test.classCount())
        throw SweepError("the test images have " + std::to_string(test.pixelsPerImage()) +
                         " pixels and " + std::to_string(test.classCount()) +
                         " classes but the training images " +
                         std::to_string(train.pixelsPerImage()) + " and " +
                         std::to_string(train.classCount()));
    m_presets.reserve(m_spec.runCount());
    for (const std::string& value : m_spec.values)
        for (const std::uint64_t seed : m_spec.seeds) {
            Preset p = sweepRunPreset(base, m_spec.knob, value, seed, train.size());
            p.training.threads = threadsPerRun;
            m_presets.push_back(std::move(p));
        }
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    m_jobs = std::min(jobs > 0 ? jobs : cores, int(m_presets.size()));
}

SweepRunner::~SweepRunner()
{
    cancel();
    std::unique_lock lock(m_pauseMutex);
    m_pauseChanged.wait(lock, [this] { return !m_running; });
}

void SweepRunner::cancel()
{
    {
        std::lock_guard lock(m_pauseMutex);
        m_cancelled = true;
    }
    m_pauseChanged.notify_all();
}

void SweepRunner::setPaused(bool paused)
{
    {
        std::lock_guard lock(m_pauseMutex);
        if (paused == m_paused)
            return;
        if (paused)
            m_pausedSince = Clock::now();
        else
            m_pausedTotal += secondsSince(m_pausedSince);
        m_paused = paused;
    }
    m_pauseChanged.notify_all();
}

bool SweepRunner::keepGoing()
{
    if (m_cancelled.load(std::memory_order_relaxed))
        return false;
    if (!m_paused.load(std::memory_order_relaxed))
        return true;
    std::unique_lock lock(m_pauseMutex);
    m_pauseChanged.wait(lock, [this] { return !m_paused || m_cancelled; });
    return !m_cancelled;
}

double SweepRunner::pausedSeconds()
{
    std::lock_guard lock(m_pauseMutex);
    return m_pausedTotal + (m_paused ? secondsSince(m_pausedSince) : 0.0);
}

std::uint64_t SweepRunner::plannedSamples(std::size_t index) const
{
    const Preset& p = m_presets[index];
    return std::uint64_t(std::min(p.training.trainingSize, m_train.size())) *
           std::uint64_t(p.epochs);
}

SweepProgress SweepRunner::progressNow()
{
    SweepProgress p;
    p.runsDone = m_runsDone;
    p.runCount = m_presets.size();
    p.samplesDone = m_samplesTrained;
    p.samplesTotal = m_samplesPlanned;
    p.seconds = std::max(0.0, secondsSince(m_started) - pausedSeconds());
    p.samplesPerSecond = p.seconds > 0 ? double(p.samplesDone) / p.seconds : 0.0;
    return p;
}

void SweepRunner::trained(std::uint64_t samples, const ProgressCallback& onProgress,
                          std::chrono::milliseconds progressInterval)
{
    m_samplesTrained += samples;
    if (!onProgress)
        return;
    // One job reports; the others go on training rather than wait for the callback.
    const Clock::rep now = Clock::now().time_since_epoch().count();
    Clock::rep last = m_lastProgress.load(std::memory_order_relaxed);
    if (now - last < std::chrono::duration_cast<Clock::duration>(progressInterval).count() ||
        !m_lastProgress.compare_exchange_strong(last, now))
        return;
    std::unique_lock lock(m_callbackMutex, std::try_to_lock);
    if (!lock.owns_lock() || m_callbackFailure)
        return;
    try {
        onProgress(progressNow());
    } catch (...) {
        m_callbackFailure = std::current_exception();
        cancel();
    }
}

void SweepRunner::job(const ResultCallback& onResult, const ProgressCallback& onProgress,
                      std::chrono::milliseconds progressInterval)
{
    const std::function<bool()> keepGoing = [this] { return this->keepGoing(); };
    while (!m_cancelled) {
        const std::size_t index = m_next.fetch_add(1);
        if (index >= m_presets.size())
            return;
        const double pausedBefore = pausedSeconds();
        std::uint64_t reported = 0; // samples of this run already counted in m_samplesTrained
        std::optional<SweepRunResult> result;
        try {
            result = trainAndTest(m_presets[index], m_train, m_test, keepGoing,
                                  [&](std::uint64_t seen) {
                                      trained(seen - reported, onProgress, progressInterval);
                                      reported = seen;
                                  });
        } catch (const std::bad_alloc&) {
            result.emplace();
            result->error = "not enough memory for this network";
        } catch (const std::exception& e) {
            result.emplace();
            result->error = e.what();
        }
        if (!result)
            return; // cancelled
        const std::size_t seeds = m_spec.seeds.size();
        result->index = index;
        result->valueIndex = index / seeds;
        result->value = m_spec.values[index / seeds];
        result->seed = m_spec.seeds[index % seeds];
        result->seconds = std::max(0.0, result->seconds - (pausedSeconds() - pausedBefore));
        // What a run that failed did not train leaves the total (a divergence rolls the
        // trainer's count back; the samples counted are those it trained).
        m_samplesPlanned -= plannedSamples(index) - std::min(plannedSamples(index), reported);

        std::lock_guard lock(m_callbackMutex);
        if (m_callbackFailure)
            return;
        ++m_runsDone;
        try {
            onResult(*result);
            if (onProgress && m_runsDone == m_presets.size())
                onProgress(progressNow());
        } catch (...) {
            m_callbackFailure = std::current_exception();
            cancel();
        }
    }
}

void SweepRunner::run(const ResultCallback& onResult, const ProgressCallback& onProgress,
                      std::chrono::milliseconds progressInterval)
{
    {
        std::lock_guard lock(m_pauseMutex);
        if (m_ran)
            throw std::logic_error("a SweepRunner runs once");
        m_ran = m_running = true;
    }
    m_started = Clock::now();
    m_lastProgress = m_started.time_since_epoch().count();
    std::uint64_t planned = 0;
    for (std::size_t i = 0; i < m_presets.size(); ++i)
        planned += plannedSamples(i);
    m_samplesPlanned = planned;

    std::vector<std::thread> jobs;
    std::exception_ptr failure;
    try {
        jobs.reserve(std::size_t(m_jobs));
        for (int j = 0; j < m_jobs; ++j)
            jobs.emplace_back([&] { job(onResult, onProgress, progressInterval); });
    } catch (...) { // no thread to be had: stop those that started
        failure = std::current_exception();
        cancel();
    }
    for (std::thread& t : jobs)
        t.join();

    if (!failure) {
        std::lock_guard lock(m_callbackMutex);
        failure = m_callbackFailure;
    }
    {
        std::lock_guard lock(m_pauseMutex);
        m_running = false;
        m_pauseChanged.notify_all(); // under the lock: the destructor may be waiting for it
    }
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace nnlab::engine
