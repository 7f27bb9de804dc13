// nnlab-predict: which digit is in an image file? The engine's MNIST preprocessing, then a model.
#include "app/common/bundled_files.h"
#include "app/common/command_line.h"
#include "app/common/image_ink.h"

#include "engine/file_error.h"
#include "engine/model_file.h"
#include "engine/preprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

using namespace nnlab::app;
using namespace nnlab::engine;

namespace {

constexpr int kBarWidth = 40; // characters of the longest probability bar

constexpr std::string_view kHelp = R"(nnlab-predict: which digit is in an image? Reads it, prepares it as
MNIST's digits were prepared and asks a trained network.

Usage: nnlab-predict IMAGE [--model FILE] [--json]
   or: nnlab-predict --help | --version

  IMAGE          a PNG, JPEG, BMP, GIF... of one handwritten digit, any size, either way round:
                 dark ink on light paper or light ink on dark (told apart by the image's border).
                 It is cropped to the ink, scaled so its long side is 20 pixels and placed in a
                 28x28 field with its centre of mass at the middle, as in MNIST
  --model FILE   a model saved by nnlab-train --save or the GUI (784 inputs, 10 outputs); default
                 the bundled default.nnlab (784-256-10, 98.17% on the MNIST test set): in
                 share/nnlab/models of the install prefix, or resources/models of the source tree
                 the program was built in; NNLAB_MODEL overrides where that is
  --json         one JSON object on stdout: {"confidence":0.998,"digit":7,"probabilities":[ten
                 numbers, 0 to 9]}
  --help, --version

The probabilities are the model's outputs: softmax outputs as they are, a sigmoid output layer's
ten values (the lesson's network) divided by their sum. Exit status: 0 done, 1 the image is
missing, unreadable or blank, or the model file is bad, 2 a bad flag.

Examples:
  $ nnlab-predict digit.png
  $ nnlab-predict photo.jpg --model best.nnlab --json
)";

struct Options
{
    bool json = false;
    std::string image;
    std::string model; // empty: the default
};

Options parseOptions(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json") {
            o.json = true;
        } else if (a == "--model" || a.starts_with("--model=")) {
            o.model = a == "--model" ? (i + 1 < argc ? argv[++i] : "") : a.substr(8);
            if (o.model.empty())
                throw UsageError("--model needs a file (see --help)");
        } else if (a.starts_with("-") && a != "-") {
            throw UsageError("unknown flag \"" + a + "\" (see --help)");
        } else if (!o.image.empty()) {
            throw UsageError("one image at a time: \"" + o.image + "\" and \"" + a + "\"");
        } else {
            o.image = a;
        }
    }
    if (o.image.empty())
        throw UsageError("which image? Usage: nnlab-predict IMAGE [--model FILE] [--json]");
    return o;
}

Network readNetwork(const std::string& path)
{
    Model model = loadModel(path);
    const Architecture& a = model.network.architecture();
    if (a.inputs != kMnistPixels || a.outputs != 10)
        throw FileError(path, "the model has " + std::to_string(a.inputs) + " inputs and " +
                                  std::to_string(a.outputs) + " outputs; a digit needs " +
                                  std::to_string(kMnistPixels) + " (28x28 pixels) and 10");
    return std::move(model.network);
}

// The ten outputs as probabilities: softmax's as they are, sigmoid's divided by their sum.
std::vector<double> classify(const Network& net, const MnistImage& digit)
{
    Batch x(kMnistPixels, 1);
    net.scaleInput(digit.data(), x.data());
    const Batch out = net.predict(x);
    std::vector<double> p(std::size_t(out.rows()));
    double sum = 0;
    for (Eigen::Index i = 0; i < out.rows(); ++i)
        sum += p[std::size_t(i)] = out(i, 0);
    if (net.architecture().output != Output::Softmax && sum > 0)
        for (double& v : p)
            v /= sum;
    return p;
}

void printText(const std::vector<double>& p, int digit)
{
    std::printf("digit %d, confidence %.1f%%\n", digit, 100 * p[std::size_t(digit)]);
    for (std::size_t d = 0; d < p.size(); ++d)
        std::printf("  %zu  %.4f  %s\n", d, p[d],
                    std::string(std::size_t(std::lround(p[d] * kBarWidth)), '#').c_str());
}

void printJson(const std::vector<double>& p, int digit)
{
    // Six decimals: what a probability needs, and the numbers stay readable.
    const auto rounded = [](double v) { return std::round(v * 1e6) / 1e6; };
    QJsonArray probabilities;
    for (const double v : p)
        probabilities.append(rounded(v));
    const QJsonObject result{{"digit", digit},
                             {"probabilities", probabilities},
                             {"confidence", rounded(p[std::size_t(digit)])}};
    std::puts(QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
}

int run(int argc, char** argv)
{
    if (answerHelpOrVersion(argc, argv, "nnlab-predict", kHelp, NNLAB_VERSION))
        return 0;
    const Options o = parseOptions(argc, argv);
    const MnistImage digit = nnlab::app::readDigitImage(o.image);
    const Network net = readNetwork(o.model.empty() ? findBundled(Bundled::DefaultModel).require() : o.model);
    const std::vector<double> p = classify(net, digit);
    int best = 0;
    for (int d = 1; d < int(p.size()); ++d)
        if (p[std::size_t(d)] > p[std::size_t(best)])
            best = d;
    if (o.json)
        printJson(p, best);
    else
        printText(p, best);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return runCommand("nnlab-predict", [&] { return run(argc, argv); });
}
