// A multilayer perceptron: its weights and biases, and the forward pass.
//
// Legend, with the lesson's names for its 784-90-10 net (l counts weight layers from 0):
//   weights(0) = w_i_h   h_n x i_n   (90 x 784)
//   weights(1) = w_h_o   o_n x h_n   (10 x 90)
//   bias(l)    = b_l     size of the receiving layer (empty when the net has no biases)
//   inputs     = x       i_n x B     one scaled sample per column
#pragma once

#include "architecture.h"
#include "tensor.h"

#include <cstdint>
#include <vector>

namespace nnlab::engine {

class Network
{
public:
    Network() = default;
    // Throws std::invalid_argument if arch.validate() fails. Weights start at zero.
    explicit Network(Architecture arch);

    const Architecture& architecture() const { return m_arch; }
    int layerCount() const { return static_cast<int>(m_weights.size()); }

    Matrix& weights(int l) { return m_weights[std::size_t(l)]; }
    const Matrix& weights(int l) const { return m_weights[std::size_t(l)]; }
    Vector& bias(int l) { return m_biases[std::size_t(l)]; }
    const Vector& bias(int l) const { return m_biases[std::size_t(l)]; }

    // Fresh random weights (biases zero) from the given initialiser and seed; deterministic.
    void initialize(Init init, std::uint64_t seed);

    // True if every weight and bias is finite.
    bool allFinite() const;

    // Scaled input column for one image of raw pixels (inputs() of them).
    void scaleInput(const std::uint8_t* pixels, float* out) const;

    // The output layer's values (o_output) for each column of x: outputs x B.
    Batch predict(const Batch& x) const;
    // The same from layer `first` on, given that layer's inputs a (its rows: the layer's
    // inputs; a = x for layer 0): the evaluation's sparse first layer hands over h_output.
    Batch predictFrom(int first, const Batch& a) const;
    // Every layer's values for one sample: activations[0] = x, activations.back() = o_output;
    // preActivations[l] = the layer's input sum (h_input, o_input). For inspection and tests.
    struct Trace
    {
        std::vector<Vector> preActivations; // [l] = W_l a_l (+ b_l), one per weight layer
        std::vector<Vector> activations;    // [0] = x, [l+1] = f(preActivations[l])
    };
    Trace trace(const Vector& x) const;

    bool operator==(const Network& other) const;

private:
    Architecture m_arch;
    std::vector<Matrix> m_weights;
    std::vector<Vector> m_biases;
};

} // namespace nnlab::engine
