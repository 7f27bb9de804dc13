// nnlab-model: look inside a saved network, convert it between .nnlab and NumPy's .npz, run it
// on the lesson's CSV images, and run it backwards (back-query) to the image each output wants.
#include "app/common/command_line.h"
#include "app/common/model_json.h"

#include "engine/back_query.h"
#include "engine/binary_io.h"
#include "engine/csv_reader.h"
#include "engine/file_error.h"
#include "engine/model_io.h"
#include "engine/npy.h"
#include "engine/number_text.h"

#include <QJsonDocument>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

using namespace nnlab::app;
using namespace nnlab::engine;

namespace {

constexpr Eigen::Index kPredictBatch = 256; // images per forward pass
constexpr std::uint64_t kMnistSide = 28;     // 784 inputs are a 28 x 28 image

constexpr std::string_view kHelp = R"help(nnlab-model: look inside a saved network, convert it, run it on images or backwards.

Usage: nnlab-model info FILE [--json]
   or: nnlab-model convert IN OUT [--compress]
   or: nnlab-model predict FILE --csv IMAGES.csv [--json]
   or: nnlab-model back-query FILE [--digit N | --targets V0,...,V9] --out IMAGES.npy
   or: nnlab-model --help | --version

FILE is an nnlab model (.nnlab, written by nnlab-train --save) or a NumPy archive (.npz); the
extension tells which. docs/model-format.md describes both.

  info      the network (layer sizes, activation, output, loss, biases, input scaling), its
            parameter count, and what is known of its training: test accuracy, samples seen,
            note. For an .npz also its arrays, and whether the architecture came from the
            archive or from the defaults (sigmoid, sigmoid output, squared error, lesson scaling).
            Then its training history, if the file keeps one: nnlab version, preset, setup,
            weight and shuffle seeds, the data set with each file's SHA-256, every epoch with
            its test accuracy, and every knob changed while it trained (l_r 0.1 -> 0.3 at a sample)
  convert   writes IN as OUT, in the format OUT's extension names: .nnlab -> .npz gives the
            arrays w_i_h and w_h_o for the lesson's net (W1, b1, W2, b2, ... otherwise) that
            numpy.load reads; .npz -> .nnlab takes numpy's own np.savez output too
  predict   runs the network on every image of a CSV file in the lesson's format (the label,
            then 784 pixels 0-255, e.g. data/mnist_test_10.csv): one line per image with the
            label, the predicted digit (the largest output) and the ten outputs o_output, then
            the accuracy
  back-query  runs a trained sigmoid network backwards, as the lesson's book does: a target
              vector (0.99 for one digit, 0.01 for the others) through the inverse sigmoid and
              the weights transposed, rescaled into 0.01..0.99 at every layer, down to an image
              of the inputs: what the network thinks each digit looks like. Writes one image per
              output (or the one --digit or --targets asks for) as a NumPy .npy of float32
              values 0.01..0.99, shape (images, 28, 28) for 784 inputs, else (images, inputs).
              Not for softmax outputs, ReLU or tanh layers or biases: it says why in one line

  --json      one JSON object per line: info prints the model (its training history as
              "provenance", null if none); predict prints
              {"type":"prediction","index","label","digit","outputs"} per image, then
              {"type":"summary","images","correct","accuracy"}
  --compress  convert to .npz deflated, as np.savez_compressed (default: stored, as np.savez)
  --digit N   back-query: only the image for output N (0 to the outputs less one)
  --targets V0,...,V9  back-query: one image for this target vector, one value per output, each
                       strictly between 0 and 1 (0.99 on both 4 and 9 shows a blend of the two)
  --out FILE  back-query: the .npy file the images go to

Exit status: 0 done, 1 a missing or bad file, 2 bad arguments (or a network back-query does
not apply to).

Examples:
  $ nnlab-model info resources/models/default.nnlab
  $ nnlab-model convert resources/models/default.nnlab default.npz
  $ python3 -c "import numpy as np; print(np.load('default.npz')['W1'].shape)"
  $ nnlab-model predict default.npz --csv data/mnist_test_10.csv
  $ nnlab-train --preset lesson --epochs 1 --save lesson.nnlab
  $ nnlab-model back-query lesson.nnlab --out digits.npy
  $ python3 -c "import numpy as np; print(np.load('digits.npy')[3].round(2))"
)help";

struct Arguments
{
    std::vector<std::string> positional;
    std::string csv;
    std::string digit, targets, out; // back-query's, as typed
    bool json = false;
    bool compress = false;
};

// "--flag VALUE" or "--flag=VALUE": true if argv[i] is the flag, its value in `value`.
bool takeValue(int argc, char** argv, int& i, std::string_view flag, const char* what,
               std::string& value)
{
    const std::string_view arg = argv[i];
    if (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=') {
        value = arg.substr(flag.size() + 1);
        return true;
    }
    if (arg != flag)
        return false;
    if (i + 1 >= argc)
        throw UsageError(std::string(flag) + " needs " + what);
    value = argv[++i];
    return true;
}

Arguments parseArguments(int argc, char** argv)
{
    Arguments a;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json")
            a.json = true;
        else if (arg == "--compress")
            a.compress = true;
        else if (takeValue(argc, argv, i, "--csv", "a file", a.csv) ||
                 takeValue(argc, argv, i, "--digit", "a digit", a.digit) ||
                 takeValue(argc, argv, i, "--targets", "one value per output", a.targets) ||
                 takeValue(argc, argv, i, "--out", "a file", a.out)) {
        } else if (arg.starts_with("--"))
            throw UsageError("unknown flag \"" + arg + "\" (see --help)");
        else
            a.positional.push_back(arg);
    }
    return a;
}

void expectPositional(const Arguments& a, std::size_t n, const char* usage)
{
    if (a.positional.size() != n)
        throw UsageError(std::string("usage: ") + usage);
}

void printJson(const QJsonObject& o)
{
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact);
    std::printf("%s\n", line.constData());
}

std::string formatName(const std::string& path)
{
    return modelFormatOf(path) == ModelFormat::Npz ? "NumPy .npz" : "nnlab model";
}

int info(const Arguments& a)
{
    expectPositional(a, 1, "nnlab-model info FILE [--json]");
    const std::string& path = a.positional[0];
    NpzDetails details;
    const Model model = loadModelFile(path, &details);
    const bool npz = modelFormatOf(path) == ModelFormat::Npz;
    if (a.json) {
        QJsonObject o = modelJson(model);
        o["file"] = QString::fromStdString(path);
        o["format"] = npz ? "npz" : "nnlab";
        if (npz) {
            QJsonArray arrays, ignored;
            for (const std::string& n : details.arrays)
                arrays.append(QString::fromStdString(n));
            for (const std::string& n : details.ignored)
                ignored.append(QString::fromStdString(n));
            o["arrays"] = arrays;
            o["ignored"] = ignored;
            o["architecture_given"] = details.architectureGiven;
        }
        // The training history as provenanceJson writes it (docs/model-format.md), or null;
        // spliced in as text, as QJsonValue would round 64-bit seeds to doubles.
        QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact);
        line.chop(1); // the closing brace
        line += ",\"provenance\":";
        line += model.info.provenance.empty()
                    ? QByteArray("null")
                    : QByteArray::fromStdString(provenanceJson(model.info.provenance));
        std::printf("%s}\n", line.constData());
        return 0;
    }
    const Architecture& arch = model.network.architecture();
    std::printf("file           %s (%s)\n", path.c_str(), formatName(path).c_str());
    std::printf("network        %s\n", arch.describe().c_str());
    const char* const scalings[] = {"lesson (pixel/255*0.99+0.01)", "unit (pixel/255)",
                                    "raw (the pixels 0-255 as they are)"};
    std::printf("input scaling  %s\n", scalings[int(arch.scaling)]);
    if (arch.loss == Loss::SquaredError)
        std::printf("targets        %s\n", arch.targets == Targets::Lesson ? "lesson (0.01 and 0.99)"
                                                                          : "0-1 (0 and 1)");
    std::printf("parameters     %s\n", withThousands(std::uint64_t(arch.parameterCount())).c_str());
    if (model.info.testAccuracy)
        std::printf("test accuracy  %.4f\n", double(*model.info.testAccuracy));
    else
        std::printf("test accuracy  unknown\n");
    std::printf("samples seen   %s\n", withThousands(model.info.samplesSeen).c_str());
    if (!model.info.note.empty())
        std::printf("note           %s\n", model.info.note.c_str());
    if (npz) {
        std::string arrays;
        for (const std::string& n : details.arrays)
            arrays += (arrays.empty() ? "" : " ") + n;
        std::printf("arrays         %s\n", arrays.c_str());
        std::printf("architecture   %s\n",
                    details.architectureGiven
                        ? "from the archive"
                        : "not in the archive: the defaults (sigmoid, sigmoid output, squared "
                          "error, lesson scaling)");
        for (const std::string& n : details.ignored)
            std::printf("ignored        %s (not part of a network)\n", n.c_str());
    }
    // How it was trained: the provenance (.nnlab version 2, the .npz's provenance array).
    if (!model.info.provenance.empty())
        std::fputs(describeProvenance(model.info.provenance).c_str(), stdout);
    else if (model.info.fileVersion == 1)
        std::printf("history        no training history (a version-1 file, saved before nnlab kept one)\n");
    else if (npz)
        std::printf("history        no training history (the archive has no provenance array)\n");
    else
        std::printf("history        none recorded\n");
    return 0;
}

int convert(const Arguments& a)
{
    expectPositional(a, 2, "nnlab-model convert IN OUT [--compress]");
    const std::string &in = a.positional[0], &out = a.positional[1];
    for (const std::string& path : {in, out})
        if (!modelFormatOf(path))
            throw UsageError("cannot tell the format of \"" + path +
                             "\": name it .nnlab or .npz");
    if (a.compress && modelFormatOf(out) != ModelFormat::Npz)
        throw UsageError("--compress is for .npz output");
    const Model model = loadModelFile(in);
    saveModelFile(out, model, a.compress ? NpzCompression::Deflated : NpzCompression::Stored);
    if (!a.json)
        std::printf("%s (%s) -> %s (%s): %s\n", in.c_str(), formatName(in).c_str(), out.c_str(),
                    formatName(out).c_str(), model.network.architecture().describe().c_str());
    return 0;
}

int predict(const Arguments& a)
{
    expectPositional(a, 1, "nnlab-model predict FILE --csv IMAGES.csv [--json]");
    if (a.csv.empty())
        throw UsageError("predict needs the images: --csv FILE (e.g. data/mnist_test_10.csv)");
    const std::string& path = a.positional[0];
    const Model model = loadModelFile(path);
    const Dataset data = loadCsvDataset(a.csv, digitClassNames());
    const Network& net = model.network;
    const Architecture& arch = net.architecture();
    if (arch.inputs != data.pixelsPerImage() || arch.outputs != data.classCount())
        throw FileError(path, "the network has " + std::to_string(arch.inputs) + " inputs and " +
                                  std::to_string(arch.outputs) + " outputs, but the images have " +
                                  std::to_string(data.pixelsPerImage()) + " pixels and " +
                                  std::to_string(data.classCount()) + " classes");
    std::size_t correct = 0;
    for (std::size_t first = 0; first < data.size(); first += std::size_t(kPredictBatch)) {
        const Eigen::Index n = Eigen::Index(std::min(data.size() - first, std::size_t(kPredictBatch)));
        Batch x(arch.inputs, n);
        for (Eigen::Index j = 0; j < n; ++j)
            net.scaleInput(data.image(first + std::size_t(j)), x.col(j).data());
        const Batch out = net.predict(x);
        for (Eigen::Index j = 0; j < n; ++j) {
            const std::size_t i = first + std::size_t(j);
            Eigen::Index digit = 0;
            out.col(j).maxCoeff(&digit);
            correct += digit == data.labels[i];
            if (a.json) {
                QJsonObject o;
                o["type"] = "prediction";
                o["index"] = qint64(i);
                o["label"] = int(data.labels[i]);
                o["digit"] = int(digit);
                o["outputs"] = floatsJson(out.col(j).data(), int(out.rows()));
                printJson(o);
            } else {
                std::printf("%5zu  label %d  digit %d  ", i, int(data.labels[i]), int(digit));
                for (Eigen::Index k = 0; k < out.rows(); ++k)
                    std::printf(" %.4f", double(out(k, j)));
                std::printf("\n");
            }
        }
    }
    const double accuracy = data.size() ? double(correct) / double(data.size()) : 0.0;
    if (a.json) {
        QJsonObject o;
        o["type"] = "summary";
        o["images"] = qint64(data.size());
        o["correct"] = qint64(correct);
        o["accuracy"] = accuracy;
        printJson(o);
    } else {
        std::printf("accuracy %.4f (%zu of %zu)\n", accuracy, correct, data.size());
    }
    return 0;
}

// The target vectors back-query runs (outputs x K): every output's lesson target, the one
// --digit names, or the --targets values.
Batch backQueryTargets(const Arguments& a, int outputs)
{
    if (!a.digit.empty() && !a.targets.empty())
        throw UsageError("back-query takes --digit or --targets, not both");
    if (!a.digit.empty()) {
        int digit = -1;
        if (!parseWhole(withoutPlus(a.digit), digit) || digit < 0 || digit >= outputs)
            throw UsageError("--digit must be a whole number 0 to " + std::to_string(outputs - 1) +
                             ", not \"" + a.digit + "\"");
        return backQueryTarget(digit, outputs);
    }
    if (a.targets.empty())
        return backQueryAllTargets(outputs);
    std::vector<float> values;
    for (const std::string_view text : splitAt(a.targets, ',')) {
        float v = 0;
        if (!parseFinite(withoutPlus(text), v))
            throw UsageError("--targets needs numbers separated by commas, not \"" +
                             std::string(text) + "\"");
        values.push_back(v);
    }
    const Vector target = Eigen::Map<const Vector>(values.data(), Eigen::Index(values.size()));
    if (const std::string why = backQueryTargetProblem(target, outputs); !why.empty())
        throw UsageError("--targets: " + why);
    return target;
}

int backQueryCommand(const Arguments& a)
{
    expectPositional(a, 1,
                     "nnlab-model back-query FILE [--digit N | --targets V0,...] --out IMAGES.npy");
    if (a.out.empty())
        throw UsageError("back-query needs --out FILE.npy, the file the images go to");
    if (!a.out.ends_with(".npy"))
        throw UsageError("--out names a NumPy .npy file (numpy.load reads it), not \"" + a.out +
                         "\"");
    const std::string& path = a.positional[0];
    const Model model = loadModelFile(path);
    const Network& net = model.network;
    const Architecture& arch = net.architecture();
    if (const std::string why = backQueryUnavailable(arch); !why.empty())
        throw UsageError(why);
    const Batch targets = backQueryTargets(a, arch.outputs);
    const Batch images = backQuery(net, targets); // inputs x K: each image contiguous, C order
    const bool mnist = std::uint64_t(arch.inputs) == kMnistSide * kMnistSide;
    std::vector<std::uint64_t> shape{std::uint64_t(images.cols())};
    if (mnist)
        shape.insert(shape.end(), {kMnistSide, kMnistSide});
    else
        shape.push_back(std::uint64_t(arch.inputs));
    saveFileAtomically(a.out, npyFloats(images.data(), shape));
    const std::string size = mnist ? "28x28" : std::to_string(arch.inputs) + " inputs";
    std::printf("%s (%s) -> %s: %d back-query image%s, %s\n", path.c_str(),
                arch.describe(Detail::Brief).c_str(), a.out.c_str(), int(images.cols()),
                images.cols() == 1 ? "" : "s", size.c_str());
    return 0;
}

int run(int argc, char** argv)
{
    if (answerHelpOrVersion(argc, argv, "nnlab-model", kHelp, NNLAB_VERSION))
        return 0;
    if (argc < 2)
        throw UsageError("which command: info, convert, predict or back-query? (see --help)");
    const std::string command = argv[1];
    const Arguments a = parseArguments(argc, argv);
    if (command == "info")
        return info(a);
    if (command == "convert")
        return convert(a);
    if (command == "predict")
        return predict(a);
    if (command == "back-query")
        return backQueryCommand(a);
    throw UsageError("unknown command \"" + command +
                     "\": info, convert, predict or back-query (see --help)");
}

} // namespace

int main(int argc, char** argv)
{
    return runCommand("nnlab-model", [&] { return run(argc, argv); });
}
