#include "error_flow.h"

#include "activation.h"
#include "loss.h"

#include <stdexcept>
#include <string>

namespace nnlab::engine {

namespace {

// f'(a) for each node, from the activation's output a (activation.h writes every slope so).
Vector slopeOf(KernelActivation f, const Vector& a)
{
    Eigen::ArrayXf slope = Eigen::ArrayXf::Ones(a.size());
    multiplyBySlope(f, slope, a.array());
    return slope.matrix();
}

void checkFits(const Network& net, const LessonTrace& t)
{
    const Architecture& a = net.architecture();
    bool fits = t.input.size() == a.inputs && t.outputOutput.size() == a.outputs &&
                t.outputErrors.size() == a.outputs && t.label >= 0 && t.label < a.outputs &&
                t.hiddenOutputs.size() == a.hidden.size();
    for (std::size_t l = 0; fits && l < a.hidden.size(); ++l)
        fits = t.hiddenOutputs[l].size() == a.hidden[l];
    if (!fits)
        throw std::invalid_argument("the step trace was made for another network than " +
                                    a.describe(Detail::Brief));
}

} // namespace

Matrix carriedErrors(const Matrix& w, const Vector& sent)
{
    if (sent.size() != w.rows())
        throw std::invalid_argument("carriedErrors: " + std::to_string(sent.size()) +
                                    " errors for " + std::to_string(w.rows()) + " nodes");
    return sent.asDiagonal() * w;
}

Vector summedErrors(const Matrix& carried)
{
    return carried.colwise().sum().transpose();
}

ErrorFlow errorFlow(const Network& net, const LessonTrace& t, float learningRate,
                    bool lessonErrors)
{
    ErrorFlow flow;
    errorFlow(net, t, learningRate, lessonErrors, flow);
    return flow;
}

void errorFlow(const Network& net, const LessonTrace& t, float learningRate, bool lessonErrors,
               ErrorFlow& flow)
{
    checkFits(net, t);
    const Architecture& a = net.architecture();
    const int layers = net.layerCount();
    flow.lessonErrors = lessonErrors;
    flow.layers.resize(std::size_t(layers));

    // Output layer: o_errors = target - o_output; delta = -dE/d(o_input) (loss.h), which is
    // o_errors * o_output * (1 - o_output) for the lesson's sigmoid and squared error.
    LayerFlow& out = flow.layers.back();
    out.errors = t.outputErrors;
    if (a.output == Output::Sigmoid && a.loss == Loss::SquaredError)
        out.slope = slopeOf(KernelActivation::Sigmoid, t.outputOutput);
    else
        out.slope.resize(0);
    out.delta = outputDeltaOf(a, t); // against the trace's target: the toy net's typed ones too
    out.sent = lessonErrors ? out.errors : out.delta;

    // Down the hidden layers: the links carry sent x weight back; a node's error is their sum.
    const KernelActivation hiddenF = kernelActivation(a.hiddenActivation);
    for (int l = layers - 1; l >= 1; --l) {
        LayerFlow& above = flow.layers[std::size_t(l)];
        LayerFlow& below = flow.layers[std::size_t(l - 1)];
        above.carried = above.sent.asDiagonal() * net.weights(l); // carriedErrors, in place
        below.errors = summedErrors(above.carried); // h_errors = w^T . sent
        const Vector& h_output = t.hiddenOutputs[std::size_t(l - 1)];
        below.slope = slopeOf(hiddenF, h_output);
        Eigen::ArrayXf delta = below.errors.array();
        multiplyBySlope(hiddenF, delta, h_output.array());
        below.delta = delta.matrix();
        below.sent = below.delta;
    }

    // The update each link takes: l_r * delta(j) * input(i), as trainOneSample() applies it.
    for (int l = 0; l < layers; ++l) {
        LayerFlow& f = flow.layers[std::size_t(l)];
        f.input = l == 0 ? t.input : t.hiddenOutputs[std::size_t(l - 1)];
        f.before = net.weights(l);
        f.update.noalias() = learningRate * f.delta * f.input.transpose();
        f.after = f.before + f.update;
        if (a.biases)
            f.biasUpdate = learningRate * f.delta;
        else
            f.biasUpdate.resize(0);
    }
}

} // namespace nnlab::engine
