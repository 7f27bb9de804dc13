// nnlab-train: the headless trainer. The same engine as the app, for scripts and benchmarks.
#include "engine/csv_reader.h"
#include "engine/evaluation.h"
#include "engine/file_error.h"
#include "engine/idx_reader.h"
#include "engine/kernels.h"
#include "engine/model_file.h"
#include "engine/presets.h"
#include "engine/trainer.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace nnlab::engine;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

struct UsageError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

struct Options
{
    Preset preset = *findPreset("lesson");
    std::string presetName = "lesson";
    std::string dataset = "mnist";
    std::string dataDir;
    std::string trainImages, trainLabels, testImages, testLabels, trainCsv, testCsv;
    std::string save, load;
    bool json = false, quiet = false, evaluateEachEpoch = true;
};

const char* kHelp = R"(nnlab-train: train a neural network on MNIST from the command line.

Usage: nnlab-train [--preset NAME] [options]

Presets (later options override them; --list-presets shows them all):
  lesson          the lesson from scratch: 784-90-10 sigmoid, squared error, no biases,
                  per-sample gradient descent, lr 0.1, 2 epochs (default)
  lesson-100      the same net on the first 100 images, lr 0.3, 5 epochs
  keras-sgd       the lesson's Keras model: ReLU + softmax, cross-entropy, batch 200, SGD
  keras-rmsprop   the same with RMSprop
  best            a deeper modern MLP that reaches 98% on the test set

The network
  --hidden N[,N...]      nodes in each hidden layer (the lesson's h_n = 90); "none" for no
                         hidden layer
  --activation F         hidden layers' activation: sigmoid (the lesson), tanh or relu
  --output F             output layer: sigmoid (the lesson: each o_output on its own) or
                         softmax (ten probabilities that sum to 1)
  --loss L               squared-error (the lesson: E = 1/2 sum (target - o_output)^2 with
                         targets 0.01/0.99) or cross-entropy (against one-hot targets)
  --biases, --no-biases  add a bias to every node (the lesson has none)
  --init I               initial weights: lesson (normal(0, h_n^-0.5), the receiving layer's
                         size, as the lesson's code does), fan-in, keras-normal (normal(0,
                         0.05)), glorot, he
  --scaling S            inputs: lesson (x/255*0.99+0.01, never exactly 0) or unit (x/255)
  --seed N               seed of the initial random weights

Learning
  --optimizer O          sgd (the lesson's w += l_r * errors * slope * input^T), momentum,
                         rmsprop or adam
  --lr X                 the learning rate l_r: how far each update moves the weights
                         (the lesson uses 0.1, and 0.3 on 100 images)
  --momentum X           momentum's share of the previous step (0.9)
  --rho X                RMSprop's decay of the squared-gradient average (0.9)
  --beta1 X, --beta2 X   Adam's decays of the gradient's mean and square (0.9, 0.999)
  --epsilon X            keeps RMSprop's and Adam's division finite (1e-7)
  --batch N              samples per update: 1 is the lesson's per-sample update, 200 Keras'
  --epochs N             passes over the training images
  --train-size N         train on the first N images only (the lesson starts with 100)
  --shuffle, --no-shuffle   visit the images in a new random order each epoch (the lesson
                         walks them in file order)
  --shuffle-seed N       seed of that order
  --threads N            0 = every core (default), 1 = one thread

Data (bundled MNIST by default)
  --dataset D            mnist, or fashion (Debian's dataset-fashion-mnist)
  --data-dir DIR         folder with the four MNIST IDX files (.gz or raw)
  --train-images F --train-labels F --test-images F --test-labels F   IDX files
  --train-csv F --test-csv F   the lesson's CSV files (label, then 784 pixels)

Model files
  --load FILE            start from a saved model (its architecture wins over the flags)
  --save FILE            save the trained model (atomically: an old file is never left
                         half-written)

Output
  --json                 one JSON object per line: {"type":"epoch",...} and a final
                         {"type":"summary",...}; seconds are the training loop's alone
  --quiet                only errors
  --no-eval              skip the test set after each epoch (only at the end)
  --list-presets, --help, --version
)";

[[noreturn]] void usage(const std::string& message) { throw UsageError(message); }

double number(const std::string& flag, const std::string& text)
{
    double v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end || !std::isfinite(v))
        usage(flag + " needs a number, not \"" + text + "\"");
    return v;
}

long long integer(const std::string& flag, const std::string& text, long long lo, long long hi)
{
    long long v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end)
        usage(flag + " needs a whole number, not \"" + text + "\"");
    if (v < lo || v > hi)
        usage(flag + " must be " + std::to_string(lo) + " to " + std::to_string(hi));
    return v;
}

template <typename T>
T choice(const std::string& flag, const std::string& text,
         std::optional<T> (*parse)(std::string_view), const char* allowed)
{
    const auto v = parse(text);
    if (!v)
        usage(flag + " must be one of " + allowed + ", not \"" + text + "\"");
    return *v;
}

std::string findDataDir()
{
    if (const char* env = std::getenv("NNLAB_DATA_DIR"))
        return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
             dir = dir.parent_path())
            if (fs::exists(dir / "data" / "mnist" / "train-images-idx3-ubyte.gz"))
                return (dir / "data" / "mnist").string();
    return "data/mnist";
}

Options parse(int argc, char** argv)
{
    Options o;
    std::vector<std::pair<std::string, std::string>> args;
    auto flagsWithValue = [](const std::string& f) {
        static const char* valued[] = {
            "--preset", "--hidden", "--activation", "--output", "--loss", "--init", "--scaling",
            "--seed", "--optimizer", "--lr", "--momentum", "--rho", "--beta1", "--beta2",
            "--epsilon", "--batch", "--epochs", "--train-size", "--shuffle-seed", "--threads",
            "--dataset", "--data-dir", "--train-images", "--train-labels", "--test-images",
            "--test-labels", "--train-csv", "--test-csv", "--load", "--save"};
        for (const char* v : valued)
            if (f == v)
                return true;
        return false;
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i], value;
        if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
        } else if (flagsWithValue(a)) {
            if (i + 1 >= argc)
                usage(a + " needs a value");
            value = argv[++i];
        }
        args.emplace_back(a, value);
    }
    // The preset first, so every other flag overrides it wherever it stands.
    for (const auto& [flag, value] : args)
        if (flag == "--preset") {
            const auto p = findPreset(value);
            if (!p)
                usage("unknown preset \"" + value + "\" (see --list-presets)");
            o.preset = *p;
            o.presetName = value;
        }
    Architecture& a = o.preset.architecture;
    TrainingConfig& t = o.preset.training;
    for (const auto& [flag, v] : args) {
        if (flag == "--preset") continue;
        else if (flag == "--hidden") {
            a.hidden.clear();
            if (v != "none") {
                std::size_t start = 0;
                while (start <= v.size()) {
                    const auto comma = v.find(',', start);
                    const std::string part = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                    a.hidden.push_back(int(integer("--hidden", part, 1, kMaxLayerSize)));
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
            }
        }
        else if (flag == "--activation") a.hiddenActivation = choice<Activation>(flag, v, parseActivation, "sigmoid, tanh, relu");
        else if (flag == "--output") a.output = choice<Output>(flag, v, parseOutput, "sigmoid, softmax");
        else if (flag == "--loss") a.loss = choice<Loss>(flag, v, parseLoss, "squared-error, cross-entropy");
        else if (flag == "--init") o.preset.init = choice<Init>(flag, v, parseInit, "lesson, fan-in, keras-normal, glorot, he");
        else if (flag == "--scaling") a.scaling = choice<Scaling>(flag, v, parseScaling, "lesson, unit");
        else if (flag == "--biases") a.biases = true;
        else if (flag == "--no-biases") a.biases = false;
        else if (flag == "--seed") o.preset.weightSeed = std::uint64_t(integer(flag, v, 0, (1LL << 62)));
        else if (flag == "--optimizer") t.optimizer.kind = choice<OptimizerKind>(flag, v, parseOptimizer, "sgd, momentum, rmsprop, adam");
        else if (flag == "--lr") t.optimizer.learningRate = float(number(flag, v));
        else if (flag == "--momentum") t.optimizer.momentum = float(number(flag, v));
        else if (flag == "--rho") t.optimizer.rho = float(number(flag, v));
        else if (flag == "--beta1") t.optimizer.beta1 = float(number(flag, v));
        else if (flag == "--beta2") t.optimizer.beta2 = float(number(flag, v));
        else if (flag == "--epsilon") t.optimizer.epsilon = float(number(flag, v));
        else if (flag == "--batch") t.batchSize = int(integer(flag, v, 1, 65536));
        else if (flag == "--epochs") o.preset.epochs = int(integer(flag, v, 1, 100000));
        else if (flag == "--train-size") t.trainingSize = std::size_t(integer(flag, v, 1, 1LL << 40));
        else if (flag == "--shuffle") t.shuffle = true;
        else if (flag == "--no-shuffle") t.shuffle = false;
        else if (flag == "--shuffle-seed") t.seed = std::uint64_t(integer(flag, v, 0, (1LL << 62)));
        else if (flag == "--threads") t.threads = int(integer(flag, v, 0, 256));
        else if (flag == "--dataset") {
            if (v != "mnist" && v != "fashion")
                usage("--dataset must be mnist or fashion, not \"" + v + "\"");
            o.dataset = v;
        }
        else if (flag == "--data-dir") o.dataDir = v;
        else if (flag == "--train-images") o.trainImages = v;
        else if (flag == "--train-labels") o.trainLabels = v;
        else if (flag == "--test-images") o.testImages = v;
        else if (flag == "--test-labels") o.testLabels = v;
        else if (flag == "--train-csv") o.trainCsv = v;
        else if (flag == "--test-csv") o.testCsv = v;
        else if (flag == "--load") o.load = v;
        else if (flag == "--save") o.save = v;
        else if (flag == "--json") o.json = true;
        else if (flag == "--quiet") o.quiet = true;
        else if (flag == "--no-eval") o.evaluateEachEpoch = false;
        else usage("unknown option \"" + flag + "\" (see --help)");
    }
    if (const std::string why = t.validate(); !why.empty())
        usage(why);
    if (const std::string why = a.validate(); !why.empty())
        usage(why);
    return o;
}

std::pair<Dataset, Dataset> loadData(const Options& o)
{
    const std::vector<std::string> classes =
        o.dataset == "fashion" ? fashionMnistClassNames() : digitClassNames();
    if (!o.trainCsv.empty() || !o.testCsv.empty()) {
        if (o.trainCsv.empty() || o.testCsv.empty())
            usage("--train-csv and --test-csv go together");
        return {loadCsvDataset(o.trainCsv, classes), loadCsvDataset(o.testCsv, classes)};
    }
    const std::string dir =
        !o.dataDir.empty() ? o.dataDir : o.dataset == "fashion" ? kFashionDir : findDataDir();
    auto pick = [&](const std::string& given, const char* name) {
        return given.empty() ? (fs::path(dir) / name).string() : given;
    };
    const std::string prefix = o.dataset == "fashion" ? "Fashion-MNIST " : "MNIST ";
    return {loadIdxDataset(pick(o.trainImages, "train-images-idx3-ubyte.gz"),
                           pick(o.trainLabels, "train-labels-idx1-ubyte.gz"), classes,
                           prefix + "train"),
            loadIdxDataset(pick(o.testImages, "t10k-images-idx3-ubyte.gz"),
                           pick(o.testLabels, "t10k-labels-idx1-ubyte.gz"), classes,
                           prefix + "test")};
}

std::string formatDuration(double seconds)
{
    char text[32];
    if (seconds < 60)
        std::snprintf(text, sizeof text, "%.0fs", seconds);
    else
        std::snprintf(text, sizeof text, "%dm%02ds", int(seconds) / 60, int(seconds) % 60);
    return text;
}

int run(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kHelp, stdout);
            return 0;
        }
        if (a == "--version") {
            std::puts("nnlab-train 0.1.0");
            return 0;
        }
        if (a == "--list-presets") {
            for (const Preset& p : presets())
                std::printf("%-14s %s\n", p.name.c_str(), p.description.c_str());
            return 0;
        }
    }
    Options o = parse(argc, argv);
    auto [train, test] = loadData(o);

    Network net;
    if (!o.load.empty()) {
        net = loadModel(o.load).network;
    } else {
        Architecture& a = o.preset.architecture;
        a.inputs = train.pixelsPerImage();
        a.outputs = train.classCount();
        net = Network(a);
        net.initialize(o.preset.init, o.preset.weightSeed);
    }
    const Architecture arch = net.architecture();
    Trainer trainer(std::move(net), train, o.preset.training);
    const bool bar = !o.json && !o.quiet && isatty(STDERR_FILENO);
    const std::size_t epochSize = trainer.epochSize();
    if (!o.quiet && !o.json)
        std::printf("nnlab-train: %s, %s lr %g, batch %d, %d epoch(s) on %zu images\n",
                    arch.describe().c_str(), std::string(toString(o.preset.training.optimizer.kind)).c_str(),
                    double(o.preset.training.optimizer.learningRate), o.preset.training.batchSize,
                    o.preset.epochs, epochSize);
    const double totalSamples = double(epochSize) * o.preset.epochs;
    if (bar)
        trainer.setProgressCallback(
            [&](const TrainingProgress& p) {
                const double done = double(p.samplesSeen) / totalSamples;
                const double eta = p.samplesPerSecond > 0
                                       ? (totalSamples - double(p.samplesSeen)) / p.samplesPerSecond
                                       : 0;
                const int width = 24, filled = int(done * width);
                std::fprintf(stderr, "\r  epoch %d/%d [%s%s] %3.0f%%  loss %.4f  acc %.3f  %.0f samples/s  ETA %s   ",
                             p.epoch + 1, o.preset.epochs, std::string(std::size_t(filled), '#').c_str(),
                             std::string(std::size_t(width - filled), '.').c_str(), done * 100,
                             p.runningLoss, p.runningAccuracy, p.samplesPerSecond,
                             formatDuration(eta).c_str());
            },
            std::chrono::milliseconds(100));

    Evaluation last;
    double trainingSeconds = 0;
    for (int e = 0; e < o.preset.epochs; ++e) {
        const SliceResult r = trainer.trainEpoch();
        if (r.end == SliceEnd::Diverged)
            throw std::runtime_error("training diverged in epoch " + std::to_string(e + 1) +
                                     ": the loss became infinite or NaN (try a smaller "
                                     "learning rate); the weights were rolled back");
        trainingSeconds += r.epoch.seconds;
        const bool evaluateNow = o.evaluateEachEpoch || e + 1 == o.preset.epochs;
        if (evaluateNow)
            last = evaluate(trainer.network(), test);
        if (bar)
            std::fprintf(stderr, "\r%*s\r", 110, "");
        if (o.json) {
            std::printf("{\"type\":\"epoch\",\"epoch\":%d,\"train_loss\":%.6f,\"train_accuracy\":%.6f,"
                        "\"test_loss\":%.6f,\"test_accuracy\":%.6f,\"seconds\":%.6f,"
                        "\"samples_per_second\":%.1f}\n",
                        e + 1, r.epoch.loss, r.epoch.accuracy, evaluateNow ? last.loss : NAN,
                        evaluateNow ? last.accuracy : NAN, r.epoch.seconds,
                        double(epochSize) / std::max(r.epoch.seconds, 1e-9));
            std::fflush(stdout);
        } else if (!o.quiet) {
            std::printf("epoch %d: train loss %.4f acc %.4f", e + 1, r.epoch.loss, r.epoch.accuracy);
            if (evaluateNow)
                std::printf(" | test loss %.4f acc %.4f", last.loss, last.accuracy);
            std::printf(" | %.3f s (%.0f samples/s)\n", r.epoch.seconds,
                        double(epochSize) / std::max(r.epoch.seconds, 1e-9));
        }
    }
    if (!o.save.empty()) {
        Model model{trainer.network(), {}};
        model.info.testAccuracy = float(last.accuracy);
        model.info.samplesSeen = trainer.samplesSeen();
        model.info.note = o.presetName;
        saveModel(o.save, model);
    }
    if (o.json)
        std::printf("{\"type\":\"summary\",\"preset\":\"%s\",\"architecture\":\"%s\","
                    "\"epochs\":%d,\"test_accuracy\":%.6f,\"training_seconds\":%.6f,"
                    "\"kernels\":\"%s\"}\n",
                    o.presetName.c_str(), arch.describe().c_str(), o.preset.epochs,
                    last.accuracy, trainingSeconds, kernels().isa);
    else if (!o.quiet && !o.save.empty())
        std::printf("saved %s\n", o.save.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "nnlab-train: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nnlab-train: %s\n", e.what());
        return 1;
    }
}
