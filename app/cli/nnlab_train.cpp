// nnlab-train: the headless trainer. The lesson's network and its Keras cousins on MNIST, from a shell.
#include "app/common/bundled_files.h"
#include "app/common/command_line.h"
#include "train_options.h"
#include "train_report.h"
#include "train_sweep.h"

#include "engine/csv_reader.h"
#include "engine/evaluation.h"
#include "engine/file_error.h"
#include "engine/idx_folder.h"
#include "engine/idx_reader.h"
#include "engine/kernels.h"
#include "engine/model_file.h"
#include "engine/provenance.h"
#include "engine/thread_choice.h"
#include "engine/thread_pool.h"
#include "engine/trainer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

using namespace nnlab::app;
using namespace nnlab::engine;

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kProgressInterval = std::chrono::milliseconds(100);
// Share of the machine's memory a network (weights, gradients, optimizer state) may claim.
constexpr double kMaxMemoryShare = 0.75;

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void onInterrupt(int) { g_interrupted = 1; }

// Ctrl-C (or SIGTERM) stops training at the next batch; a second one ends the program at once.
void installInterruptHandler()
{
    struct sigaction action = {};
    action.sa_handler = onInterrupt;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

// Inside the epoch loop train() catches it and says where training stopped.
void checkInterrupted()
{
    if (g_interrupted)
        throw Interrupted("interrupted before training started");
}

struct Data
{
    Dataset train;
    Dataset test;
    std::string name;               // "MNIST", "Fashion-MNIST", "mnist_train_100.csv"
    std::vector<std::string> files; // every file read: the provenance's digests
};

Data loadData(const TrainOptions& o)
{
    std::vector<std::string> classes =
        o.dataset == "fashion" ? fashionMnistClassNames() : digitClassNames();
    if (!o.trainCsv.empty())
        return {loadCsvDataset(o.trainCsv, classes), loadCsvDataset(o.testCsv, classes),
                displayName(o.trainCsv), {o.trainCsv, o.testCsv}};
    // The folder is looked for only when a file is not given on its own.
    const auto dir = [&] {
        return !o.dataDir.empty() ? o.dataDir
                                  : findBundled(o.dataset == "fashion" ? Bundled::FashionMnist
                                                                        : Bundled::Mnist)
                                        .require();
    };
    const auto pick = [&](const std::string& given, const char* name) {
        return !given.empty() ? given : idxFile(dir(), name);
    };
    const std::string prefix = o.dataset == "fashion" ? "Fashion-MNIST " : "MNIST ";
    const std::vector<std::string> files{
        pick(o.trainImages, "train-images-idx3-ubyte"), pick(o.trainLabels, "train-labels-idx1-ubyte"),
        pick(o.testImages, "t10k-images-idx3-ubyte"), pick(o.testLabels, "t10k-labels-idx1-ubyte")};
    // A file given on its own makes the data set that file's, named after the training images.
    const bool ownFiles = !(o.trainImages + o.trainLabels + o.testImages + o.testLabels).empty();
    return {loadIdxDataset(files[0], files[1], classes, prefix + "train"),
            loadIdxDataset(files[2], files[3], std::move(classes), prefix + "test"),
            ownFiles ? displayName(files[0]) : prefix.substr(0, prefix.size() - 1), files};
}

// How the saved network was trained (docs/model-format.md, "Provenance"): this run's settings,
// data and epochs, after the loaded model's history if it has one. The command line changes no
// setting while it trains: a decaying l_r is part of the setup text, not a knob change.
Provenance trainingHistory(const TrainOptions& o, const Data& data, const Provenance& loaded,
                           const std::vector<EpochRecord>& epochs)
{
    Provenance p = loaded;
    const std::string setup = describeSetup(o);
    p.nnlabVersion = NNLAB_VERSION;
    if (loaded.empty()) {
        p.preset = o.loadPath.empty() ? o.presetName : "";
        p.setup = o.loadPath.empty()
                      ? setup
                      : "trained further from " + displayName(o.loadPath) + " (no history): " + setup;
        p.weightSeed = o.loadPath.empty() ? o.preset.weightSeed : 0;
        p.shuffleSeed = o.preset.training.seed;
        p.shuffled = o.preset.training.shuffle;
        p.dataName = data.name;
    } else if (setup != loaded.setup) {
        p.setup += "; then, from sample " +
                   withThousands(loaded.epochs.empty() ? 0 : loaded.epochs.back().samplesSeen) +
                   " (nnlab-train --load): " + setup;
    }
    if (!loaded.empty() && data.name != loaded.dataName)
        p.dataName += " then " + data.name;
    for (const std::string& file : data.files) {
        const FileDigest d = digestFile(file);
        if (std::find(p.dataFiles.begin(), p.dataFiles.end(), d) == p.dataFiles.end())
            p.dataFiles.push_back(d);
    }
    p.epochs.insert(p.epochs.end(), epochs.begin(), epochs.end());
    return p;
}

// Refuses a network that would not fit in memory before a single weight is allocated: weights,
// gradients, the optimizer's one or two states and the divergence checkpoint, plus batch buffers.
void checkFitsInMemory(const Architecture& arch, const TrainingConfig& config)
{
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0)
        return;
    const double available = double(pages) * double(pageSize);
    const int states = config.optimizer.kind == OptimizerKind::SGD ? 0
                       : config.optimizer.kind == OptimizerKind::Adam ? 2 : 1;
    double nodes = 0;
    for (const int n : arch.layerSizes())
        nodes += n;
    const double bytes = 4.0 * (double(arch.parameterCount()) * (3 + 2 * states) +
                                3.0 * nodes * config.batchSize);
    if (bytes > kMaxMemoryShare * available) {
        char text[256];
        std::snprintf(text, sizeof text,
                      "the network (%s weights, batch %d) needs about %.1f GB but this machine "
                      "has %.1f GB; use fewer or smaller hidden layers or a smaller batch",
                      withThousands(std::uint64_t(arch.parameterCount())).c_str(),
                      config.batchSize, bytes / 1e9, available / 1e9);
        throw UsageError(text);
    }
}

// A new network from the flags, or the loaded model (whose architecture wins).
Model makeModel(TrainOptions& o, const Data& data)
{
    if (!o.loadPath.empty()) {
        if (!o.architectureFlags.empty() && !o.quiet) {
            std::string names;
            for (const std::string& f : o.architectureFlags)
                names += (names.empty() ? "" : ", ") + f;
            std::fprintf(stderr, "nnlab-train: %s ignored: the loaded model keeps its own network\n",
                         names.c_str());
        }
        Model model = loadModel(o.loadPath);
        const Architecture& a = model.network.architecture();
        if (a.inputs != data.train.pixelsPerImage() || a.outputs != data.train.classCount())
            throw FileError(o.loadPath,
                            "the model has " + std::to_string(a.inputs) + " inputs and " +
                                std::to_string(a.outputs) + " outputs but the images have " +
                                std::to_string(data.train.pixelsPerImage()) + " pixels and " +
                                std::to_string(data.train.classCount()) + " classes");
        o.preset.architecture = a;
        return model;
    }
    Architecture& a = o.preset.architecture;
    a.inputs = data.train.pixelsPerImage();
    a.outputs = data.train.classCount();
    if (const std::string why = a.validate(); !why.empty())
        throw UsageError(why);
    checkFitsInMemory(a, o.preset.training);
    Model model{Network(a), {}};
    model.network.initialize(o.preset.init, o.preset.weightSeed);
    return model;
}

void checkDataFits(const Dataset& train, const Dataset& test)
{
    if (train.pixelsPerImage() != test.pixelsPerImage() || train.classCount() != test.classCount())
        throw FileError(test.name, "the test images have " + std::to_string(test.pixelsPerImage()) +
                                       " pixels but the training images " +
                                       std::to_string(train.pixelsPerImage()));
}

// "1 thread 3.9 us/sample, 2 threads 5.9 us/sample": what the count was chosen from; empty
// when --threads gave it.
std::string describe(const nnlab::engine::ThreadChoice& choice)
{
    std::string text;
    for (const auto& t : choice.trials) {
        char item[64];
        std::snprintf(item, sizeof item, "%s%d thread%s %.2f us/sample", text.empty() ? "" : ", ", t.threads,
                      t.threads == 1 ? "" : "s", t.secondsPerSample * 1e6);
        text += item;
    }
    return text;
}

int train(TrainOptions& o, Clock::time_point started)
{
    installInterruptHandler();
    const Data data = loadData(o);
    const double loadSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    checkDataFits(data.train, data.test);
    checkInterrupted();
    Model model = makeModel(o, data);
    const std::uint64_t samplesBefore = model.info.samplesSeen;
    // --threads 0 (the default): the count that trains this network fastest here, measured on
    // copies of it in about 25 ms (engine/thread_choice.h); the run's bits follow the count.
    TrainingConfig config = o.preset.training;
    const ThreadChoice threads = config.threads > 0 ? ThreadChoice{config.threads, {}}
                                                    : measureThreadCount(model.network, data.train, config,
                                                                         defaultThreadCount());
    config.threads = threads.threads;
    const int epochs = o.preset.epochs;
    const bool text = !o.json && !o.quiet;

    Trainer trainer(std::move(model.network), data.train, config);
    const std::size_t epochSize = trainer.epochSize();
    if (text) {
        std::printf("nnlab-train: %s%s\n  %s\n  %s l_r %g, batch %d, %d epoch%s on %s of %s "
                    "images%s; tested on %s (%s)\n  %d thread%s%s, %s kernels, %s first layer\n",
                    o.loadPath.empty() ? o.presetName.c_str() : o.loadPath.c_str(),
                    o.loadPath.empty() ? "" : " (loaded)",
                    trainer.network().architecture().describe().c_str(),
                    std::string(toString(config.optimizer.kind)).c_str(),
                    double(config.optimizer.learningRate), config.batchSize, epochs,
                    epochs == 1 ? "" : "s", formatCount(epochSize).c_str(),
                    formatCount(data.train.size()).c_str(), config.shuffle ? ", shuffled" : "",
                    formatCount(data.test.size()).c_str(), data.test.name.c_str(),
                    config.threads, config.threads == 1 ? "" : "s",
                    !threads.trials.empty() ? (" (measured: " + describe(threads) + ")").c_str()
                    : trainer.trainsOnOneThread() && config.threads > 1 ? " for the tests (the per-sample path trains on one)"
                                                                         : "",
                    kernels().isa, trainer.sparseInputs() ? "sparse" : "dense");
        std::fflush(stdout);
    }

    std::optional<ProgressBar> bar;
    if (text && stderrIsTerminal()) {
        bar.emplace(epochs, epochSize);
        trainer.setProgressCallback([&bar](const TrainingProgress& p) { bar->show(p); },
                                    kProgressInterval);
    }
    const auto keepGoing = [] { return g_interrupted == 0; };

    prepareEvaluationThreads(o.preset.training.threads); // the tests' threads, before the first
    Evaluation tested;
    bool hasTest = false;
    int epochsDone = 0;
    // Epochs are numbered over the model's whole history.
    const int epochsBefore = model.info.provenance.epochs.empty() ? 0 : model.info.provenance.epochs.back().epoch;
    std::vector<EpochRecord> epochRecords;
    float learningRate = config.optimizer.learningRate;
    try {
        for (int e = 0; e < epochs; ++e) {
            const SliceResult r = trainer.trainEpoch(keepGoing);
            if (bar)
                bar->clear();
            checkInterrupted();
            if (r.end == SliceEnd::Diverged)
                throw std::runtime_error(
                    "training diverged in epoch " + std::to_string(e + 1) +
                    ": the loss became infinite or not a number; try a smaller learning rate "
                    "(--lr)");
            ++epochsDone;
            EpochReport report;
            report.epoch = e + 1;
            report.epochs = epochs;
            report.trainLoss = r.epoch.loss;
            report.trainAccuracy = r.epoch.accuracy;
            report.seconds = r.epoch.seconds;
            report.samplesPerSecond = double(epochSize) / std::max(r.epoch.seconds, 1e-9);
            report.learningRate = learningRate;
            if (o.evaluateEachEpoch || e + 1 == epochs) {
                tested = evaluate(trainer.network(), data.test, SIZE_MAX, o.preset.training.threads);
                hasTest = true;
                report.testLoss = tested.loss;
                report.testAccuracy = tested.accuracy;
            }
            epochRecords.push_back({epochsBefore + e + 1, samplesBefore + trainer.samplesSeen(),
                                    report.testAccuracy ? std::optional(float(*report.testAccuracy))
                                                        : std::nullopt});
            if (o.json)
                printEpochJson(report);
            else if (text)
                printEpochText(report);
            checkInterrupted();
            if (o.learningRateDecay != 1.0f && e + 1 < epochs) {
                learningRate *= o.learningRateDecay;
                trainer.setLearningRate(learningRate);
            }
        }
    } catch (const Interrupted&) {
        if (bar)
            bar->clear();
        std::fprintf(stderr, "nnlab-train: interrupted in epoch %d after %s of %s images; "
                             "nothing saved\n",
                     trainer.epoch() + 1, formatCount(trainer.cursor()).c_str(),
                     formatCount(epochSize).c_str());
        return kExitInterrupted;
    }

    if (!o.savePath.empty()) {
        Model out{trainer.network(), {}};
        if (hasTest)
            out.info.testAccuracy = float(tested.accuracy);
        out.info.samplesSeen = samplesBefore + trainer.samplesSeen();
        out.info.note = o.loadPath.empty() ? o.presetName : model.info.note;
        out.info.provenance = trainingHistory(o, data, model.info.provenance, epochRecords);
        saveModel(o.savePath, out);
    }

    const double wallSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    const double trainingSeconds = trainer.trainingSeconds();
    const std::int64_t correct = std::llround(tested.accuracy * double(tested.count));
    if (o.json) {
        JsonLine line;
        line.add("type", "summary")
            .add("preset", o.presetName)
            .add("architecture", trainer.network().architecture().describe())
            .add("optimizer", toString(config.optimizer.kind))
            .add("learning_rate", double(config.optimizer.learningRate), 8)
            .add("batch", config.batchSize)
            .add("epochs", epochsDone)
            .add("train_size", epochSize)
            .add("test_size", data.test.size())
            .add("test_loss", hasTest ? std::optional(tested.loss) : std::nullopt)
            .add("test_accuracy", hasTest ? std::optional(tested.accuracy) : std::nullopt)
            .add("test_correct", correct)
            .add("training_seconds", trainingSeconds)
            // To the microsecond: bench_gui.py times a 100-image preset (about 6 ms) by their
            // difference, which to the millisecond was +-15%.
            .add("wall_seconds", wallSeconds, 6)
            .add("load_seconds", loadSeconds, 6) // reading the data files, part of wall_seconds
            .add("samples_per_second",
                 double(epochSize) * epochsDone / std::max(trainingSeconds, 1e-9), 1)
            .add("threads", config.threads)
            .add("threads_measured", describe(threads))
            .add("kernels", kernels().isa)
            .add("first_layer", trainer.sparseInputs() ? "sparse" : "dense")
            .add("dataset", data.train.name);
        if (o.loadPath.empty())
            line.addNull("loaded");
        else
            line.add("loaded", o.loadPath);
        if (o.savePath.empty())
            line.addNull("saved");
        else
            line.add("saved", o.savePath);
        std::puts(line.str().c_str());
    } else if (text) {
        std::printf("test accuracy %.4f (%s of %s) after %d epoch%s: %.2f s training, %.2f s in "
                    "all\n",
                    tested.accuracy, formatCount(std::uint64_t(correct)).c_str(),
                    formatCount(tested.count).c_str(), epochsDone, epochsDone == 1 ? "" : "s",
                    trainingSeconds, wallSeconds);
        if (!o.savePath.empty())
            std::printf("saved %s\n", o.savePath.c_str());
    }
    return 0;
}

// --sweep: the data once, then every run of the sweep over the cores.
int sweep(const TrainOptions& o)
{
    installInterruptHandler();
    const Data data = loadData(o);
    checkDataFits(data.train, data.test);
    checkInterrupted();
    return runSweep(o, data.train, data.test, [] { return g_interrupted != 0; });
}

int run(int argc, char** argv)
{
    const auto started = Clock::now();
    TrainOptions o = parseOptions(argc, argv);
    switch (o.command) {
    case Command::Help:
        std::fwrite(helpText().data(), 1, helpText().size(), stdout);
        return 0;
    case Command::Version:
        std::printf("nnlab-train %s (%s kernels)\n", NNLAB_VERSION, kernels().isa);
        return 0;
    case Command::ListPresets:
        std::fputs(presetList().c_str(), stdout);
        return 0;
    case Command::Train:
        break;
    }
    return o.sweep ? sweep(o) : train(o, started);
}

} // namespace

int main(int argc, char** argv)
{
    return runCommand("nnlab-train", [&] { return run(argc, argv); });
}
