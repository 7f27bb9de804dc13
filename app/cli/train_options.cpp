// nnlab-train's command line: the flags, their checks and the --help text.
#include "train_options.h"

#include "engine/file_error.h"
#include "engine/number_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <utility>

namespace nnlab::app {

using namespace nnlab::engine;

namespace {

constexpr std::string_view kHelp = R"(nnlab-train: train the lesson's neural network on MNIST, without the GUI.

Usage: nnlab-train [--preset NAME] [flags]        (flags override the preset wherever they stand)
   or: nnlab-train --list-presets | --help | --version

Presets (--list-presets shows what each sets):
  lesson         the lesson from scratch: 784-90-10 sigmoid, squared error, no biases,
                 one update per image (batch 1), l_r 0.1, 2 epochs on 60,000 images (default)
  lesson-100     the lesson's first experiment: the same net on the first 100 images, l_r 0.3,
                 5 epochs (the lesson scores 0.3959 after 1 epoch and 0.690 after 5)
  lesson-first-attempt
                 the lesson's broken start: raw pixels 0-255 and rand weights, so every
                 h_output is 1 and nothing learns (100 images, l_r 0.1, 1 epoch; chance accuracy)
  keras-sgd      the lesson's Keras model: ReLU hidden layer, softmax output, cross-entropy,
                 batch 200, 5 epochs, SGD l_r 0.01 (the lesson's Keras: error rate 11.97%)
  keras-rmsprop  the same model with RMSprop l_r 0.001 (the lesson's Keras: error rate 3.59%)
  best           a bigger modern MLP (two ReLU layers, Adam) that aims at 98.5% on the test set
  default        the trained model the nnlab window opens with: 784-256-10 ReLU, Adam, about 98%

The network (a loaded model keeps its own):
  --hidden N[,N...]     nodes in each hidden layer: the lesson's h_n = 90; 512,256 is two layers;
                        "none" connects the inputs straight to the outputs. 1 to 65536 each
  --activation F        the hidden nodes' activation function: sigmoid (the lesson: squashes
                        h_input into 0..1), tanh (-1..1, centred on 0) or relu (0 for negative
                        inputs, linear above; Keras' choice)
  --output F            the output layer: sigmoid (the lesson: each o_output on its own) or
                        softmax (ten probabilities that sum to 1, as in Keras)
  --loss L              squared-error (the lesson: E = 1/2 sum (target - o_output)^2 against
                        targets 0.01 and 0.99) or cross-entropy (Keras' categorical_crossentropy
                        against one-hot targets)
  --targets T           the squared error's targets: lesson (0.01 for the wrong digits, 0.99
                        for the right one) or 0-1 (0 and 1, the lesson's first attempt: a
                        sigmoid never reaches 0 or 1, so the weights are pushed on and on
                        towards saturation). Cross-entropy always uses 0 and 1
  --biases, --no-biases give every node a bias (Keras' Dense has one; the lesson has none)
  --init I              the initial random weights: lesson (normal(0, h_n^-0.5), the size of
                        the receiving layer, exactly as the lesson's code), fan-in (normal(0,
                        n_in^-0.5), as the lesson's text says), keras-normal (normal(0, 0.05),
                        Keras' kernel_initializer='normal'), glorot, he, rand (uniform 0..1,
                        the lesson's first np.random.rand: all weights positive) or rand-0.5
                        (uniform -0.5..0.5, np.random.rand - 0.5: negative weights too)
  --scaling S           the inputs: lesson (pixel/255*0.99+0.01, so no input is ever 0), unit
                        (pixel/255) or raw (the pixels 0-255 as they are, the lesson's first
                        attempt: with rand weights every h_input is huge, every h_output is 1
                        and nothing learns)
  --seed N              seed of the initial random weights (same seed, same network)

Learning:
  --optimizer O         how the errors change the weights: sgd (the lesson's
                        w += l_r * (errors * slope) . input^T), momentum, rmsprop or adam
  --lr X                the learning rate l_r: how far each update moves the weights; the lesson
                        uses 0.1 (0.3 on 100 images), Keras' SGD 0.01, RMSprop 0.001
  --lr-decay X          multiply l_r by X after every epoch: big steps first, then "the smaller
                        the steps, the more accurate" (1 = constant, as in the lesson)
  --momentum X          momentum: the share of the previous step kept in the next (0.9)
  --rho X               RMSprop: decay of the running average of squared gradients (0.9)
  --beta1 X, --beta2 X  Adam: decays of the gradient's running mean and square (0.9, 0.999)
  --epsilon X           RMSprop and Adam: keeps their division finite (1e-7, as Keras)
  --batch N             images per weight update: 1 is the lesson's one-image-at-a-time
                        update (stochastic gradient descent), 200 Keras' mini-batch
  --epochs N            passes over the training images (the lesson: 5 on 100, 2 on 60,000)
  --train-size N        train on the first N images only (the lesson starts with 100)
  --shuffle, --no-shuffle  a new random order of the images in every epoch (Keras), or the
                        file's order (the lesson)
  --shuffle-seed N      seed of that order
  --lesson-errors, --exact-gradient
                        what the output layer passes back to the hidden layer: the lesson's
                        h_errors = w_h_o^T o_errors with o_errors = target - o_output (the lesson
                        presets), or the exact gradient, o_errors * o_output * (1 - o_output)
  --threads N           0 = 1 or one per physical core, whichever trains this network faster
                        here, measured on copies of it in 25-50 ms before the run (default;
                        the count and the figures are in the report; the lesson's per-sample
                        path on sparse inputs trains on one thread: every core, for its tests,
                        unmeasured); N = N threads. Runs on
                        the same count reach the same bits; 1 is bit-identical everywhere
  --inputs P            how the first layer is fed, in mini-batches and one image at a time:
                        sparse (only the nonzero pixels are multiplied: 19% of MNIST's), dense
                        (every pixel), or auto (sparse when at most 30% of the training pixels
                        are nonzero; the default)

Data (default: the bundled MNIST; NNLAB_DATA_DIR overrides where that is):
  --dataset D           mnist, or fashion (Fashion-MNIST from Debian's dataset-fashion-mnist in
                        /usr/share/datasets/fashion-mnist)
  --data-dir DIR        a folder with the four IDX files (train-images-idx3-ubyte[.gz], ...);
                        the bundled MNIST is in share/nnlab/mnist of the install prefix, or
                        data/mnist of the source tree the program was built in
  --train-images F, --train-labels F, --test-images F, --test-labels F
                        single IDX files, raw or .gz (the rest come from the folder)
  --train-csv F --test-csv F
                        the lesson's CSV files (each line: the label, then 784 pixels 0-255),
                        e.g. data/mnist_train_100.csv and data/mnist_test_10.csv

Model files (docs/model-format.md):
  --load FILE           start from a saved model; its architecture wins over the flags above,
                        and its training history goes on in the model --save writes
  --save FILE           save the trained model with how it was trained (the preset, the
                        settings, the seeds, the data files' SHA-256, every epoch's test
                        accuracy; nnlab-model info prints it); written to a temporary file and
                        renamed, so an old model is never left half-written

Sweeps ("can we do better?" answered with a mean and a spread, not a single run):
  --sweep KNOB=V1,V2,...
  --sweep KNOB=FROM:TO:STEPS[:log]
                        train one run for every value of one knob and every seed, each with
                        the preset and flags above and the knob set to the value; a range goes
                        up from FROM to TO in STEPS values, :log multiplying by the same factor
                        each step (lr=0.01:1:8:log). Knobs: lr (the learning rate l_r), hidden
                        (hidden nodes in each hidden layer), layers (hidden layers), epochs,
                        train-size (the first N training images), batch, optimizer (sgd,
                        momentum, rmsprop, adam), activation (sigmoid, tanh, relu), init
                        (lesson, fan-in, keras-normal, glorot, he, rand, rand-0.5), scaling
                        (lesson, unit, raw), targets (lesson, 0-1)
  --seeds LIST          the seeds every value is trained from: 1,2,3 (default) or 1:5. A seed
                        sets both the initial weights' and the shuffling's (--seed S
                        --shuffle-seed S): one run alone cannot say whether a value is better,
                        its seed moves the accuracy too
  --jobs N              runs trained at once (default: one per core), each on --threads
                        threads (1 in a sweep unless given); a run gives the same figures
                        as nnlab-train with its settings, seeds and --threads
  A sweep prints a JSON line per run as it ends ({"type":"sweep_run", knob, value, seed, the
  per-epoch train_loss, train_accuracy, test_loss and test_accuracy, seconds, ...}), then a
  table per value: runs, mean, min and max test accuracy, mean training accuracy (with --json,
  a {"type":"sweep_summary", ...} line per value and a {"type":"sweep_total", ...} line).

Output:
  --json                one JSON object per line on stdout: {"type":"epoch", epoch, train_loss,
                        train_accuracy, test_loss, test_accuracy, seconds (the training loop's
                        alone), samples_per_second} per epoch, then {"type":"summary", ...}
  --quiet               print nothing but errors
  --eval-every-epoch    test on the full test set after every epoch (default)
  --no-eval             test only once, after the last epoch
  --list-presets, --help, --version

On a terminal a progress bar shows the running loss and accuracy, images per second and the
time left. Ctrl-C stops at the next batch. Exit status: 0 done, 1 a file or training failed,
2 a bad flag or value, 130 interrupted.

Examples:
  $ nnlab-train                                   # the lesson: 2 epochs, about 0.96
  $ nnlab-train --preset lesson-100 --seed 3
  $ nnlab-train --preset lesson-first-attempt     # all h_output 1: about 0.1, chance
  $ nnlab-train --preset lesson --hidden 150 --epochs 1
  $ nnlab-train --preset keras-rmsprop --json
  $ nnlab-train --preset best --save best.nnlab
  $ nnlab-train --load best.nnlab --epochs 1 --lr 0.0001
  $ nnlab-train --train-csv data/mnist_train_100.csv --test-csv data/mnist_test_10.csv --epochs 5
  $ nnlab-train --sweep lr=0.01:1:8:log --epochs 1   # 8 learning rates x 3 seeds, ~10 s
  $ nnlab-train --preset lesson-100 --sweep hidden=10,50,90,200 --seeds 1:5
)";

[[noreturn]] void fail(const std::string& message) { throw UsageError(message); }

double parseNumber(const std::string& flag, std::string_view text)
{
    text = withoutPlus(text);
    double value = 0;
    if (!parseFinite(text, value))
        fail(flag + " needs a number, not \"" + std::string(text) + "\"");
    return value;
}

std::int64_t parseInteger(const std::string& flag, std::string_view text, std::int64_t low,
                          std::int64_t high)
{
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == end &&
                                                 (value < low || value > high)))
        fail(flag + " must be " + std::to_string(low) + " to " + std::to_string(high) +
             ", not " + std::string(text));
    if (text.empty() || ec != std::errc() || ptr != end)
        fail(flag + " needs a whole number, not \"" + std::string(text) + "\"");
    return value;
}

// A number in [low, high]; lowOpen excludes low itself ("above 0").
float parseRanged(const std::string& flag, const std::string& text, double low, double high,
                  bool lowOpen)
{
    const double v = parseNumber(flag, text);
    if (v > high || v < low || (lowOpen && v == low)) {
        char range[96];
        std::snprintf(range, sizeof range, "%s %g and at most %g", lowOpen ? "above" : "at least",
                      low, high);
        fail(flag + " must be " + range + ", not " + text);
    }
    return float(v);
}

template <typename T>
T parseChoice(const std::string& flag, const std::string& text,
              std::optional<T> (*parse)(std::string_view), const char* allowed)
{
    const std::optional<T> v = parse(text);
    if (!v)
        fail(flag + " must be one of " + allowed + ", not \"" + text + "\"");
    return *v;
}

// "90" -> {90}; "512,256" -> {512, 256}; "none" -> {}.
std::vector<int> parseHidden(const std::string& text)
{
    if (text == "none")
        return {};
    if (text.empty())
        fail("--hidden needs layer sizes such as 90 or 512,256 (or none for no hidden layer)");
    std::vector<int> sizes;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        const std::string part = text.substr(start, comma - start);
        if (part.empty())
            fail("--hidden has an empty layer size in \"" + text + "\"");
        sizes.push_back(int(parseInteger("--hidden", part, 1, kMaxLayerSize)));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (int(sizes.size()) > kMaxHiddenLayers)
        fail("--hidden allows at most " + std::to_string(kMaxHiddenLayers) + " layers");
    return sizes;
}

struct Flag
{
    std::string_view name;
    bool takesValue;
    bool shapesNetwork; // ignored when a model is loaded
    std::function<void(TrainOptions&, const std::string&)> apply;
};

const std::vector<Flag>& flags()
{
    using O = TrainOptions;
    using S = const std::string&;
    static const std::vector<Flag> all{
        // The preset is applied before every other flag (see parseOptions).
        {"--preset", true, false, [](O&, S) {}},
        {"--hidden", true, true, [](O& o, S v) { o.preset.architecture.hidden = parseHidden(v); }},
        {"--activation", true, true,
         [](O& o, S v) {
             o.preset.architecture.hiddenActivation =
                 parseChoice("--activation", v, parseActivation, "sigmoid, tanh, relu");
         }},
        {"--output", true, true,
         [](O& o, S v) {
             o.preset.architecture.output =
                 parseChoice("--output", v, parseOutput, "sigmoid, softmax");
         }},
        {"--loss", true, true,
         [](O& o, S v) {
             o.preset.architecture.loss =
                 parseChoice("--loss", v, parseLoss, "squared-error, cross-entropy");
         }},
        {"--biases", false, true, [](O& o, S) { o.preset.architecture.biases = true; }},
        {"--no-biases", false, true, [](O& o, S) { o.preset.architecture.biases = false; }},
        {"--init", true, true,
         [](O& o, S v) {
             o.preset.init = parseChoice("--init", v, parseInit,
                                         "lesson, fan-in, keras-normal, glorot, he, rand, rand-0.5");
         }},
        {"--scaling", true, true,
         [](O& o, S v) {
             o.preset.architecture.scaling =
                 parseChoice("--scaling", v, parseScaling, "lesson, unit, raw");
         }},
        {"--targets", true, true,
         [](O& o, S v) {
             o.preset.architecture.targets = parseChoice("--targets", v, parseTargets, "lesson, 0-1");
         }},
        {"--seed", true, true,
         [](O& o, S v) { o.preset.weightSeed = std::uint64_t(parseInteger("--seed", v, 0, INT64_MAX)); }},
        {"--optimizer", true, false,
         [](O& o, S v) {
             o.preset.training.optimizer.kind =
                 parseChoice("--optimizer", v, parseOptimizer, "sgd, momentum, rmsprop, adam");
         }},
        {"--lr", true, false,
         [](O& o, S v) {
             o.preset.training.optimizer.learningRate = parseRanged("--lr", v, 0, 100, true);
         }},
        {"--lr-decay", true, false,
         [](O& o, S v) { o.learningRateDecay = parseRanged("--lr-decay", v, 0, 1, true); }},
        {"--momentum", true, false,
         [](O& o, S v) {
             o.preset.training.optimizer.momentum = parseRanged("--momentum", v, 0, 0.9999, false);
         }},
        {"--rho", true, false,
         [](O& o, S v) { o.preset.training.optimizer.rho = parseRanged("--rho", v, 0, 0.9999, false); }},
        {"--beta1", true, false,
         [](O& o, S v) {
             o.preset.training.optimizer.beta1 = parseRanged("--beta1", v, 0, 0.9999, false);
         }},
        {"--beta2", true, false,
         [](O& o, S v) {
             o.preset.training.optimizer.beta2 = parseRanged("--beta2", v, 0, 0.999999, false);
         }},
        {"--epsilon", true, false,
         [](O& o, S v) { o.preset.training.optimizer.epsilon = parseRanged("--epsilon", v, 0, 1, true); }},
        {"--batch", true, false,
         [](O& o, S v) { o.preset.training.batchSize = int(parseInteger("--batch", v, 1, 65536)); }},
        {"--epochs", true, false,
         [](O& o, S v) { o.preset.epochs = int(parseInteger("--epochs", v, 1, 100000)); }},
        {"--train-size", true, false,
         [](O& o, S v) {
             o.preset.training.trainingSize =
                 std::size_t(parseInteger("--train-size", v, 1, 1000000000));
         }},
        {"--shuffle", false, false, [](O& o, S) { o.preset.training.shuffle = true; }},
        {"--no-shuffle", false, false, [](O& o, S) { o.preset.training.shuffle = false; }},
        {"--lesson-errors", false, false, [](O& o, S) { o.preset.training.lessonErrors = true; }},
        {"--exact-gradient", false, false,
         [](O& o, S) { o.preset.training.lessonErrors = false; }},
        {"--shuffle-seed", true, false,
         [](O& o, S v) {
             o.preset.training.seed = std::uint64_t(parseInteger("--shuffle-seed", v, 0, INT64_MAX));
         }},
        {"--threads", true, false,
         [](O& o, S v) { o.preset.training.threads = int(parseInteger("--threads", v, 0, 256)); }},
        {"--inputs", true, false,
         [](O& o, S v) {
             if (v == "auto")
                 o.preset.training.inputPath = InputPath::Auto;
             else if (v == "dense")
                 o.preset.training.inputPath = InputPath::Dense;
             else if (v == "sparse")
                 o.preset.training.inputPath = InputPath::Sparse;
             else
                 fail("--inputs must be auto, dense or sparse, not \"" + v + "\"");
         }},
        {"--dataset", true, false,
         [](O& o, S v) {
             if (v != "mnist" && v != "fashion")
                 fail("--dataset must be mnist or fashion, not \"" + v + "\"");
             o.dataset = v;
         }},
        {"--data-dir", true, false, [](O& o, S v) { o.dataDir = v; }},
        {"--train-images", true, false, [](O& o, S v) { o.trainImages = v; }},
        {"--train-labels", true, false, [](O& o, S v) { o.trainLabels = v; }},
        {"--test-images", true, false, [](O& o, S v) { o.testImages = v; }},
        {"--test-labels", true, false, [](O& o, S v) { o.testLabels = v; }},
        {"--train-csv", true, false, [](O& o, S v) { o.trainCsv = v; }},
        {"--test-csv", true, false, [](O& o, S v) { o.testCsv = v; }},
        {"--load", true, false, [](O& o, S v) { o.loadPath = v; }},
        {"--save", true, false, [](O& o, S v) { o.savePath = v; }},
        {"--sweep", true, false,
         [](O& o, S v) {
             try {
                 o.sweep = parseSweep(v);
             } catch (const SweepError& e) {
                 fail(std::string("--sweep: ") + e.what());
             }
         }},
        {"--seeds", true, false,
         [](O& o, S v) {
             try {
                 o.seeds = parseSeeds(v);
             } catch (const SweepError& e) {
                 fail(std::string("--seeds: ") + e.what());
             }
         }},
        {"--jobs", true, false, [](O& o, S v) { o.jobs = int(parseInteger("--jobs", v, 0, 256)); }},
        {"--json", false, false, [](O& o, S) { o.json = true; }},
        {"--quiet", false, false, [](O& o, S) { o.quiet = true; }},
        {"--eval-every-epoch", false, false, [](O& o, S) { o.evaluateEachEpoch = true; }},
        {"--no-eval", false, false, [](O& o, S) { o.evaluateEachEpoch = false; }},
    };
    return all;
}

const Flag* findFlag(std::string_view name)
{
    for (const Flag& f : flags())
        if (f.name == name)
            return &f;
    return nullptr;
}

void applyPreset(TrainOptions& o, const std::string& name)
{
    const std::optional<Preset> p = findPreset(name);
    if (!p)
        fail("there is no preset \"" + name + "\" (see --list-presets)");
    o.presetName = name;
    o.preset = *p;
    o.learningRateDecay = p->learningRateDecay;
}

// A sweep's flags, and the flags a sweep cannot take; every run's preset checked (but for
// training images, which wait for the data).
void checkSweep(TrainOptions& o, const std::vector<std::pair<const Flag*, std::string>>& given)
{
    const auto has = [&](std::string_view name) {
        return std::any_of(given.begin(), given.end(),
                           [&](const auto& g) { return g.first->name == name; });
    };
    if (!o.sweep) {
        for (const char* flag : {"--seeds", "--jobs"})
            if (has(flag))
                fail(std::string(flag) + " goes with --sweep");
        return;
    }
    if (has("--load"))
        fail("--sweep trains every run from new weights; it cannot --load a model");
    if (has("--save"))
        fail("--sweep saves no model; --save goes with a single run");
    if (has("--seed") || has("--shuffle-seed"))
        fail("--seed and --shuffle-seed do not go with --sweep: --seeds sets both for every run");
    if (has("--no-eval"))
        fail("--sweep tests after every epoch; --no-eval does not go with it");
    if (o.seeds)
        o.sweep->seeds = *o.seeds;
    o.threadsPerRun = has("--threads") ? o.preset.training.threads : 1;
    engine::Preset base = o.preset;
    base.learningRateDecay = o.learningRateDecay;
    try {
        for (const std::string& value : o.sweep->values)
            sweepRunPreset(base, o.sweep->knob, value, 1, SIZE_MAX);
    } catch (const SweepError& e) {
        fail(std::string("--sweep: ") + e.what());
    }
}

} // namespace

TrainOptions parseOptions(int argc, const char* const* argv)
{
    TrainOptions o;
    // --help, --version and --list-presets win wherever they stand.
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h")
            o.command = Command::Help;
        else if (a == "--version" && o.command == Command::Train)
            o.command = Command::Version;
        else if (a == "--list-presets" && o.command == Command::Train)
            o.command = Command::ListPresets;
    }
    if (o.command != Command::Train)
        return o;

    // "--flag value" and "--flag=value" alike.
    std::vector<std::pair<const Flag*, std::string>> given;
    for (int i = 1; i < argc; ++i) {
        std::string name = argv[i];
        std::optional<std::string> value;
        if (const std::size_t eq = name.find('='); name.starts_with("--") && eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        const Flag* flag = findFlag(name);
        if (!flag)
            fail(name.starts_with("-") ? "unknown flag \"" + name + "\" (see --help)"
                                       : "unexpected argument \"" + name + "\" (flags start with --; see --help)");
        if (flag->takesValue && !value) {
            if (i + 1 >= argc)
                fail(name + " needs a value (see --help)");
            value = argv[++i];
        } else if (!flag->takesValue && value) {
            fail(name + " takes no value");
        }
        given.emplace_back(flag, value.value_or(std::string()));
    }

    // The preset first, so every other flag overrides it wherever it stands.
    applyPreset(o, "lesson");
    for (const auto& [flag, value] : given)
        if (flag->name == "--preset")
            applyPreset(o, value);
    for (const auto& [flag, value] : given) {
        flag->apply(o, value);
        if (flag->shapesNetwork)
            o.architectureFlags.emplace_back(flag->name);
    }

    checkSweep(o, given);
    if (o.trainCsv.empty() != o.testCsv.empty())
        fail("--train-csv and --test-csv go together");
    if (!o.trainCsv.empty() &&
        !(o.trainImages + o.trainLabels + o.testImages + o.testLabels + o.dataDir).empty())
        fail("use either the CSV files or the IDX files, not both");
    if (const std::string why = o.preset.training.validate(); !why.empty())
        fail(why);
    if (const std::string why = o.preset.architecture.validate(); !why.empty())
        fail(why);
    return o;
}

std::string_view helpText() { return kHelp; }

std::string presetList()
{
    std::size_t width = 0;
    for (const Preset& p : presets())
        width = std::max(width, p.name.size());
    std::string text;
    for (const Preset& p : presets())
        text += p.name + std::string(width + 1 - p.name.size(), ' ') + p.description + "\n";
    return text;
}

std::string describeSetup(const TrainOptions& o)
{
    engine::Preset preset = o.preset;
    preset.learningRateDecay = o.learningRateDecay;
    return engine::describeSetup(preset, o.loadPath.empty());
}

} // namespace nnlab::app
