#include "step_trace.h"

#include "activation.h"
#include "lesson_network.h"
#include "loss.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace nnlab::engine {

namespace {

// The deltas, as "errors times slope" (the direction that lowers the loss), per weight layer.
struct Deltas
{
    std::vector<Vector> layer; // [l] for weight layer l
};

// Any other net, or the exact gradient: layer by layer, for any depth, activation and output.
Deltas deltasOf(const Network& net, LessonTrace& t, bool lessonErrors)
{
    const Architecture& a = net.architecture();
    const int layers = net.layerCount();
    Deltas d;
    d.layer.resize(std::size_t(layers));
    // Output layer: -dE/d(o_input), errors times slope in the lesson's sign (lesson_network.h).
    d.layer.back() = outputDeltaOf(a, t);
    // What the output layer sends back: the lesson's raw o_errors, or its delta.
    Vector sent = lessonErrors ? t.outputErrors : d.layer.back();
    t.hiddenErrors.assign(std::size_t(layers - 1), Vector());
    for (int l = layers - 2; l >= 0; --l) {
        const Matrix& w = net.weights(l + 1);
        Vector errors = w.transpose() * sent; // h_errors = W^T . errors of the layer above
        Eigen::ArrayXf delta = errors.array();
        multiplyBySlope(kernelActivation(a.hiddenActivation), delta,
                        t.hiddenOutputs[std::size_t(l)].array());
        t.hiddenErrors[std::size_t(l)] = std::move(errors);
        d.layer[std::size_t(l)] = delta.matrix();
        sent = delta.matrix();
    }
    return d;
}

// The lesson's own net with the lesson's errors is lesson_network's query and train, on
// w_i_h = weights(0) and w_h_o = weights(1).
bool isTheLesson(const Network& net, bool lessonErrors)
{
    return lessonErrors && isLessonNetwork(net.architecture());
}

void copyLessonPass(const LessonPass& p, LessonTrace& t)
{
    t.hiddenInputs = {p.h_input};
    t.hiddenOutputs = {p.h_output};
    t.outputInput = p.o_input;
    t.outputOutput = p.o_output;
    t.outputErrors = p.o_errors;
    t.hiddenErrors = {p.h_errors};
}

// A trace with the scaled input, the target and the label.
LessonTrace inputAndTarget(const Network& net, const std::uint8_t* pixels, int label)
{
    const Architecture& a = net.architecture();
    if (label < 0 || label >= a.outputs)
        throw std::invalid_argument("the label is outside the network's classes");
    LessonTrace t;
    t.label = label;
    t.input.resize(a.inputs);
    net.scaleInput(pixels, t.input.data());
    t.target.resize(a.outputs);
    for (int o = 0; o < a.outputs; ++o)
        t.target[o] = targetValue(a, o == label);
    return t;
}

void findPrediction(LessonTrace& t)
{
    const float* o = t.outputOutput.data();
    t.predicted = int(std::max_element(o, o + t.outputOutput.size()) - o);
}

// The forward pass and the errors of `t`, which holds the input and the target.
void traceForward(const Network& net, LessonTrace& t, bool lessonErrors)
{
    if (isTheLesson(net, lessonErrors)) {
        copyLessonPass(lessonBackpropagate(net.weights(0), net.weights(1), t.input, t.target), t);
        findPrediction(t);
        return;
    }
    const Network::Trace forward = net.trace(t.input);
    const int layers = net.layerCount();
    for (int l = 0; l + 1 < layers; ++l) {
        t.hiddenInputs.push_back(forward.preActivations[std::size_t(l)]);
        t.hiddenOutputs.push_back(forward.activations[std::size_t(l + 1)]);
    }
    t.outputInput = forward.preActivations.back();
    t.outputOutput = forward.activations.back();
    t.outputErrors = t.target - t.outputOutput;
    findPrediction(t);
    deltasOf(net, t, lessonErrors);
}

} // namespace

Vector outputDeltaOf(const Architecture& a, const LessonTrace& t)
{
    Vector delta(a.outputs);
    if (t.target.size() == a.outputs)
        outputDelta(a, t.outputOutput.data(), t.target.data(), a.outputs, delta.data());
    else
        outputDelta(a, t.outputOutput.data(), a.outputs, t.label, delta.data());
    return -delta;
}

LessonTrace traceSample(const Network& net, const std::uint8_t* pixels, int label,
                        bool lessonErrors)
{
    LessonTrace t = inputAndTarget(net, pixels, label);
    traceForward(net, t, lessonErrors);
    return t;
}

LessonTrace traceValues(const Network& net, const Vector& input, const Vector& target,
                        bool lessonErrors)
{
    const Architecture& a = net.architecture();
    if (input.size() != a.inputs || target.size() != a.outputs)
        throw std::invalid_argument("traceValues: " + std::to_string(input.size()) +
                                    " inputs and " + std::to_string(target.size()) +
                                    " targets for " + a.describe(Detail::Brief));
    LessonTrace t;
    t.input = input;
    t.target = target;
    t.label = int(std::max_element(target.data(), target.data() + target.size()) - target.data());
    traceForward(net, t, lessonErrors);
    return t;
}

LessonTrace trainOneSample(Network& net, const std::uint8_t* pixels, int label,
                           float learningRate, bool lessonErrors)
{
    if (isTheLesson(net, lessonErrors)) {
        LessonTrace t = inputAndTarget(net, pixels, label);
        copyLessonPass(
            lessonTrain(net.weights(0), net.weights(1), t.input, t.target, learningRate), t);
        findPrediction(t);
        return t;
    }
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
