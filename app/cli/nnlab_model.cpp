// nnlab-model: look inside a saved network, convert it between .nnlab and NumPy's .npz, and run
// it on the lesson's CSV images.
#include "app/common/command_line.h"
#include "app/common/model_json.h"

#include "engine/csv_reader.h"
#include "engine/file_error.h"
#include "engine/model_io.h"

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

constexpr std::string_view kHelp = R"help(nnlab-model: look inside a saved network, convert it, run it on images.

Usage: nnlab-model info FILE [--json]
   or: nnlab-model convert IN OUT [--compress]
   or: nnlab-model predict FILE --csv IMAGES.csv [--json]
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

  --json      one JSON object per line: info prints the model (its training history as
              "provenance", null if none); predict prints
              {"type":"prediction","index","label","digit","outputs"} per image, then
              {"type":"summary","images","correct","accuracy"}
  --compress  convert to .npz deflated, as np.savez_compressed (default: stored, as np.savez)

Exit status: 0 done, 1 a missing or bad file, 2 bad arguments.

Examples:
  $ nnlab-model info resources/models/default.nnlab
  $ nnlab-model convert resources/models/default.nnlab default.npz
  $ python3 -c "import numpy as np; print(np.load('default.npz')['W1'].shape)"
  $ nnlab-model predict default.npz --csv data/mnist_test_10.csv
)help";

struct Arguments
{
    std::vector<std::string> positional;
    std::string csv;
    bool json = false;
    bool compress = false;
};

Arguments parseArguments(int argc, char** argv)
{
    Arguments a;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json")
            a.json = true;
        else if (arg == "--compress")
            a.compress = true;
        else if (arg == "--csv" || arg.starts_with("--csv=")) {
            if (arg != "--csv")
                a.csv = arg.substr(6);
            else if (i + 1 < argc)
                a.csv = argv[++i];
            else
                throw UsageError("--csv needs a file");
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

int run(int argc, char** argv)
{
    if (answerHelpOrVersion(argc, argv, "nnlab-model", kHelp, NNLAB_VERSION))
        return 0;
    if (argc < 2)
        throw UsageError("which command: info, convert or predict? (see --help)");
    const std::string command = argv[1];
    const Arguments a = parseArguments(argc, argv);
    if (command == "info")
        return info(a);
    if (command == "convert")
        return convert(a);
    if (command == "predict")
        return predict(a);
    throw UsageError("unknown command \"" + command + "\": info, convert or predict (see --help)");
}

} // namespace

int main(int argc, char** argv)
{
    return runCommand("nnlab-model", [&] { return run(argc, argv); });
}
