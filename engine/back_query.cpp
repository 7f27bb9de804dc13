#include "back_query.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace nnlab::engine {

namespace {

using Columns = Eigen::MatrixXd; // nodes x K, one target vector's way back per column

// The inverse of the sigmoid: logit(y) = ln(y / (1 - y)), for y in (0, 1).
void logitInPlace(Columns& y)
{
    y = (y.array() / (1.0 - y.array())).log();
}

// Each column into low..high: (v - min) / (max - min) * 0.98 + 0.01; a flat column to 0.5.
void rescaleColumns(Columns& v)
{
    for (Eigen::Index k = 0; k < v.cols(); ++k) {
        const double low = v.col(k).minCoeff();
        const double range = v.col(k).maxCoeff() - low;
        if (!(range > 0.0)) {
            v.col(k).setConstant(kBackQueryFlat);
            continue;
        }
        v.col(k) = ((v.col(k).array() - low) * ((kBackQueryHigh - kBackQueryLow) / range) +
                    kBackQueryLow)
                       .matrix();
    }
}

// w^T . v for float weights w (out x in, row-major) and double columns v (out x K): in x K.
// Row by row (each row contiguous), converting one row at a time: no double copy of w.
Columns transposeTimes(const Matrix& w, const Columns& v)
{
    Columns sum = Columns::Zero(w.cols(), v.cols());
    Eigen::RowVectorXd row(w.cols());
    for (Eigen::Index j = 0; j < w.rows(); ++j) {
        row = w.row(j).cast<double>();
        for (Eigen::Index k = 0; k < v.cols(); ++k)
            sum.col(k) += v(j, k) * row.transpose();
    }
    return sum;
}

} // namespace

std::string backQueryUnavailable(const Architecture& arch)
{
    if (arch.output == Output::Softmax)
        return "Back-query needs the lesson's sigmoid outputs: a softmax output has no inverse "
               "for one node alone (its outputs always sum to 1), so a target vector cannot be "
               "run backwards through it.";
    if (!arch.hidden.empty() && arch.hiddenActivation == Activation::ReLU)
        return "Back-query needs sigmoid hidden layers: ReLU is zero whenever its input is "
               "negative, so its output cannot be run backwards to the sum it came from.";
    if (!arch.hidden.empty() && arch.hiddenActivation == Activation::Tanh)
        return "Back-query needs sigmoid hidden layers: the tangent hyperbolic outputs values in "
               "[-1,1], and the way back rescales every layer into the sigmoid's 0.01 to 0.99.";
    if (arch.biases)
        return "Back-query follows the lesson's network, which has no biases: this one adds a "
               "bias to every sum, and the way back (the inverse sigmoid, then the weights "
               "transposed) has no place for it.";
    return {};
}

std::string backQueryTargetProblem(const Vector& target, int outputs)
{
    if (target.size() != outputs)
        return "the target vector has " + std::to_string(target.size()) +
               " values; the network has " + std::to_string(outputs) + " outputs";
    for (int o = 0; o < outputs; ++o)
        if (!(target[o] > 0.0f && target[o] < 1.0f)) {
            char value[32];
            std::snprintf(value, sizeof value, "%g", double(target[o]));
            return "output " + std::to_string(o) + " is " + value +
                   "; the inverse sigmoid needs values strictly between 0 and 1 (the lesson "
                   "uses 0.01 and 0.99)";
        }
    return {};
}

Vector backQueryTarget(int digit, int outputs)
{
    if (digit < 0 || digit >= outputs)
        throw std::invalid_argument("output " + std::to_string(digit) + " is not one of the " +
                                    std::to_string(outputs) + " outputs");
    Vector t = Vector::Constant(outputs, kLessonTargetLow);
    t[digit] = kLessonTargetHigh;
    return t;
}

Batch backQuery(const Network& net, const Batch& targets)
{
    const Architecture& a = net.architecture();
    if (const std::string why = backQueryUnavailable(a); !why.empty())
        throw std::invalid_argument(why);
    if (targets.rows() != a.outputs)
        throw std::invalid_argument("the targets have " + std::to_string(targets.rows()) +
                                    " rows; the network has " + std::to_string(a.outputs) +
                                    " outputs");
    for (Eigen::Index k = 0; k < targets.cols(); ++k)
        if (const std::string why = backQueryTargetProblem(targets.col(k), a.outputs); !why.empty())
            throw std::invalid_argument(why);

    // o_output = target; then, for each weight layer from the top: the inverse sigmoid of the
    // layer's outputs gives its input sums, w^T of those the layer below's outputs, rescaled.
    Columns values = targets.cast<double>();
    for (int l = net.layerCount() - 1; l >= 0; --l) {
        logitInPlace(values);
        values = transposeTimes(net.weights(l), values);
        rescaleColumns(values);
    }
    return values.cast<float>();
}

Batch backQueryAllTargets(int outputs)
{
    Batch targets(outputs, outputs);
    for (int o = 0; o < outputs; ++o)
        targets.col(o) = backQueryTarget(o, outputs);
    return targets;
}

Batch backQueryAllOutputs(const Network& net)
{
    return backQuery(net, backQueryAllTargets(net.architecture().outputs));
}

} // namespace nnlab::engine
