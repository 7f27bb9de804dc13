#include "loss.h"

#include "activation.h"

#include <algorithm>
#include <cmath>

namespace nnlab::engine {

namespace {
// Outputs are clamped away from 0 and 1 inside the logarithms only, so a saturated output gives
// a large finite loss instead of infinity.
constexpr double kLogFloor = 1e-12;
double safeLog(double x) { return std::log(std::max(x, kLogFloor)); }
} // namespace

double outputLoss(const Architecture& arch, const float* o, int n, int label)
{
    double e = 0;
    if (arch.loss == Loss::SquaredError) {
        for (int i = 0; i < n; ++i) {
            const double d = double(targetValue(arch, i == label)) - o[i];
            e += 0.5 * d * d;
        }
        return e;
    }
    if (arch.output == Output::Softmax)
        return -safeLog(o[label]);
    for (int i = 0; i < n; ++i)
        e -= i == label ? safeLog(o[i]) : safeLog(1.0 - o[i]);
    return e;
}

namespace {
// delta = dE/d(o_input) with target(i) the target of output i: one formula for the class's
// targets and for typed ones, so both give the same bits.
template <typename TargetOf>
void deltaAgainst(const Architecture& arch, const float* o, int n, TargetOf target, float* delta)
{
    if (arch.loss == Loss::CrossEntropy) {
        // Softmax + cross-entropy and sigmoid + binary cross-entropy both give o - t.
        for (int i = 0; i < n; ++i)
            delta[i] = o[i] - target(i);
        return;
    }
    // Squared error: dE/do = o - t = -o_errors, then through the output activation.
    if (arch.output == Output::Sigmoid) {
        Eigen::Map<Eigen::ArrayXf> d(delta, n);
        for (int i = 0; i < n; ++i)
            d[i] = o[i] - target(i);
        d *= sigmoidSlope(Eigen::Map<const Eigen::ArrayXf>(o, n));
        return;
    }
    // Softmax Jacobian: delta = o * (g - o.g) with g = o - t.
    float dot = 0;
    for (int i = 0; i < n; ++i)
        dot += o[i] * (o[i] - target(i));
    for (int i = 0; i < n; ++i)
        delta[i] = o[i] * ((o[i] - target(i)) - dot);
}
} // namespace

void outputDelta(const Architecture& arch, const float* o, int n, int label, float* delta)
{
    deltaAgainst(arch, o, n, [&](int i) { return targetValue(arch, i == label); }, delta);
}

void outputDelta(const Architecture& arch, const float* o, const float* target, int n, float* delta)
{
    deltaAgainst(arch, o, n, [&](int i) { return target[i]; }, delta);
}

} // namespace nnlab::engine
