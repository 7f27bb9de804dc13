// The activation functions, their slopes and softmax, written once for the network, the trainer,
// the kernels and the step trace: header templates on Eigen arrays, so each kernel build (one
// per ISA, see kernels.h) vectorises the same formulas for its own SIMD width.
//
// Every slope is written with the activation's output a, as the lesson writes
// sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)) = a (1 - a).
#pragma once

#include "architecture.h"
#include "kernels.h"

#include <Eigen/Core>

#include <cmath>

namespace nnlab::engine {

// sigmoid(z) = 1 / (1 + exp(-z)), the lesson's activation function.
template <typename Derived>
auto sigmoid(const Eigen::ArrayBase<Derived>& z)
{
    return (1.0f + (-z).exp()).inverse();
}

// sigmoid' = a (1 - a)
template <typename Derived>
auto sigmoidSlope(const Eigen::ArrayBase<Derived>& a)
{
    return a * (1.0f - a);
}

// tanh' = 1 - a^2
template <typename Derived>
auto tanhSlope(const Eigen::ArrayBase<Derived>& a)
{
    return 1.0f - a.square();
}

// a = f(a), in place: sigmoid, tanh, relu(z) = max(z, 0), or nothing (Identity: the sums that
// softmax or a linear output takes as they are).
template <typename Derived>
void activate(KernelActivation f, Eigen::ArrayBase<Derived>& a)
{
    switch (f) {
    case KernelActivation::Identity: break;
    case KernelActivation::Sigmoid: a = sigmoid(a); break;
    case KernelActivation::Tanh: a = a.tanh(); break;
    case KernelActivation::ReLU: a = a.max(0.0f); break;
    }
}

// errors *= f'(a), in place, with a the activation's output: what an error at a layer's output
// becomes at its input sum. relu' = 1 where a > 0, else 0 (selected, so an error there is
// dropped even when it is not finite).
template <typename E, typename A>
void multiplyBySlope(KernelActivation f, Eigen::ArrayBase<E>& errors,
                     const Eigen::ArrayBase<A>& a)
{
    switch (f) {
    case KernelActivation::Identity: break;
    case KernelActivation::Sigmoid: errors *= sigmoidSlope(a); break;
    case KernelActivation::Tanh: errors *= tanhSlope(a); break;
    case KernelActivation::ReLU: errors = (a > 0.0f).select(errors, 0.0f); break;
    }
}

// softmax(z)_i = exp(z_i - max z) / sum_j exp(z_j - max z), for each column of z in place; the
// shift by the column's maximum keeps exp from overflowing and does not change the result.
// Written element by element (std::exp, a sum in order), so a column's result does not depend on
// where it sits in memory: SIMD exp and sums would change its last bits with the alignment, and
// training would then depend on how a batch is split over threads.
template <typename Derived>
void softmaxColumns(Eigen::DenseBase<Derived>& z)
{
    for (Eigen::Index j = 0; j < z.cols(); ++j) {
        const float top = z.col(j).maxCoeff();
        float sum = 0.0f;
        for (Eigen::Index i = 0; i < z.rows(); ++i)
            sum += (z(i, j) = std::exp(z(i, j) - top));
        for (Eigen::Index i = 0; i < z.rows(); ++i)
            z(i, j) /= sum;
    }
}

// The kernels' code for a hidden activation.
constexpr KernelActivation kernelActivation(Activation f)
{
    switch (f) {
    case Activation::Sigmoid: return KernelActivation::Sigmoid;
    case Activation::Tanh: return KernelActivation::Tanh;
    case Activation::ReLU: return KernelActivation::ReLU;
    }
    return KernelActivation::Identity;
}

// What weight layer l (0 = w_i_h) applies to its sums: the hidden activation, sigmoid on a
// sigmoid output layer, nothing on a softmax output (softmaxColumns follows).
inline KernelActivation layerActivation(const Architecture& arch, int l)
{
    if (l + 1 < arch.weightLayerCount())
        return kernelActivation(arch.hiddenActivation);
    return arch.output == Output::Sigmoid ? KernelActivation::Sigmoid
                                          : KernelActivation::Identity;
}

} // namespace nnlab::engine
