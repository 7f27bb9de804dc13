#include "evaluation.h"

#include "loss.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace nnlab::engine {

namespace {
constexpr std::size_t kChunk = 500; // samples per forward pass: 784 x 500 floats = 1.5 MB
}

double sampleLoss(const Architecture& arch, const float* output, int label)
{
    return outputLoss(arch, output, arch.outputs, label);
}

namespace {

std::optional<Evaluation> evaluateChunks(const Network& net, const Dataset& data,
                                         std::size_t limit, const std::function<bool()>& keepGoing)
{
    const Architecture& arch = net.architecture();
    if (arch.inputs != data.pixelsPerImage())
        throw std::invalid_argument("the network's inputs do not match the image size");
    if (arch.outputs < data.classCount())
        throw std::invalid_argument("the network has fewer outputs than the data has classes");
    Evaluation ev;
    ev.count = std::min(limit, data.size());
    ev.classes = arch.outputs;
    ev.confusion.assign(std::size_t(ev.classes) * std::size_t(ev.classes), 0);
    ev.predictions.resize(ev.count);
    ev.confidence.resize(ev.count);
    std::vector<std::int64_t> perClassTotal(std::size_t(ev.classes), 0);

    Batch x(arch.inputs, Eigen::Index(std::min(kChunk, std::max<std::size_t>(ev.count, 1))));
    double lossSum = 0;
    std::size_t correct = 0;
    for (std::size_t start = 0; start < ev.count; start += kChunk) {
        if (keepGoing && !keepGoing())
            return std::nullopt;
        const std::size_t n = std::min(kChunk, ev.count - start);
        if (Eigen::Index(n) != x.cols())
            x.resize(arch.inputs, Eigen::Index(n));
        for (std::size_t c = 0; c < n; ++c)
            net.scaleInput(data.image(start + c), x.col(Eigen::Index(c)).data());
        const Batch o = net.predict(x);
        for (std::size_t c = 0; c < n; ++c) {
            const float* oc = o.col(Eigen::Index(c)).data();
            const int label = data.labels[start + c];
            const int predicted = int(std::max_element(oc, oc + arch.outputs) - oc);
            lossSum += outputLoss(arch, oc, arch.outputs, label);
            correct += predicted == label;
            ++ev.confusion[std::size_t(label) * std::size_t(ev.classes) + std::size_t(predicted)];
            ++perClassTotal[std::size_t(label)];
            ev.predictions[start + c] = std::uint8_t(predicted);
            ev.confidence[start + c] = oc[predicted];
        }
    }
    if (ev.count > 0) {
        ev.loss = lossSum / double(ev.count);
        ev.accuracy = double(correct) / double(ev.count);
    }
    ev.perClassAccuracy.resize(std::size_t(ev.classes));
    for (int c = 0; c < ev.classes; ++c) {
        const auto total = perClassTotal[std::size_t(c)];
        ev.perClassAccuracy[std::size_t(c)] =
            total ? double(ev.confusionAt(c, c)) / double(total)
                  : std::numeric_limits<double>::quiet_NaN();
    }
    return ev;
}

} // namespace

Evaluation evaluate(const Network& net, const Dataset& data, std::size_t limit, int /*threads*/)
{
    return *evaluateChunks(net, data, limit, {});
}

std::optional<Evaluation> evaluateUnlessStopped(const Network& net, const Dataset& data,
                                                std::size_t limit,
                                                const std::function<bool()>& keepGoing)
{
    return evaluateChunks(net, data, limit, keepGoing);
}

} // namespace nnlab::engine
