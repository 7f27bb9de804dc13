#include "step_trace.h"

#include "loss.h"

#include <algorithm>
#include <stdexcept>

namespace nnlab::engine {

namespace {

// The deltas, as "errors times slope" (the direction that lowers the loss), per weight layer.
struct Deltas
{
    std::vector<Vector> layer; // [l] for weight layer l
};

Deltas deltasOf(const Network& net, LessonTrace& t, bool lessonErrors)
{
    const Architecture& a = net.architecture();
    const int layers = net.layerCount();
    Deltas d;
    d.layer.resize(std::size_t(layers));
    // Output layer: -dE/d(o_input) (outputDelta gives the gradient; the lesson adds errors).
    Vector out(a.outputs);
    outputDelta(a, t.outputOutput.data(), a.outputs, t.label, out.data());
    d.layer.back() = -out;
    // What the output layer sends back: the lesson's raw o_errors, or its delta.
    Vector sent = lessonErrors ? t.outputErrors : d.layer.back();
    t.hiddenErrors.assign(std::size_t(layers - 1), Vector());
    for (int l = layers - 2; l >= 0; --l) {
        const Matrix& w = net.weights(l + 1);
        Vector errors = w.transpose() * sent; // h_errors = W^T . errors of the layer above
        const Vector& h = t.hiddenOutputs[std::size_t(l)];
        Vector delta(errors.size());
        for (Eigen::Index i = 0; i < errors.size(); ++i)
            delta[i] = errors[i] * activationSlope(a.hiddenActivation, h[i]);
        t.hiddenErrors[std::size_t(l)] = std::move(errors);
        d.layer[std::size_t(l)] = delta;
        sent = std::move(delta);
    }
    return d;
}

} // namespace

LessonTrace traceSample(const Network& net, const std::uint8_t* pixels, int label,
                        bool lessonErrors)
{
    const Architecture& a = net.architecture();
    if (label < 0 || label >= a.outputs)
        throw std::invalid_argument("the label is outside the network's classes");
    LessonTrace t;
    t.label = label;
    t.input.resize(a.inputs);
    net.scaleInput(pixels, t.input.data());
    const Network::Trace forward = net.trace(t.input);
    const int layers = net.layerCount();
    for (int l = 0; l + 1 < layers; ++l) {
        t.hiddenInputs.push_back(forward.preActivations[std::size_t(l)]);
        t.hiddenOutputs.push_back(forward.activations[std::size_t(l + 1)]);
    }
    t.outputInput = forward.preActivations.back();
    t.outputOutput = forward.activations.back();
    t.target.resize(a.outputs);
    for (int o = 0; o < a.outputs; ++o)
        t.target[o] = targetValue(a.loss, o == label);
    t.outputErrors = t.target - t.outputOutput;
    t.predicted = int(std::max_element(t.outputOutput.data(), t.outputOutput.data() + a.outputs) -
                      t.outputOutput.data());
    deltasOf(net, t, lessonErrors);
    return t;
}

LessonTrace trainOneSample(Network& net, const std::uint8_t* pixels, int label,
                           float learningRate, bool lessonErrors)
{
    LessonTrace t = traceSample(net, pixels, label, lessonErrors);
    const Deltas d = deltasOf(net, t, lessonErrors);
    for (int l = 0; l < net.layerCount(); ++l) {
        const Vector& below = l == 0 ? t.input : t.hiddenOutputs[std::size_t(l - 1)];
        net.weights(l).noalias() += learningRate * d.layer[std::size_t(l)] * below.transpose();
        if (net.architecture().biases)
            net.bias(l) += learningRate * d.layer[std::size_t(l)];
    }
    return t;
}

} // namespace nnlab::engine
