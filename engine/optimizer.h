// Optimizers: how a gradient becomes a weight change. SGD with batch 1 is the lesson's update.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab::engine {

enum class OptimizerKind : std::uint8_t { SGD = 0, Momentum = 1, RMSprop = 2, Adam = 3 };

struct OptimizerSettings
{
    OptimizerKind kind = OptimizerKind::SGD;
    float learningRate = 0.1f; // the lesson's l_r
    float momentum = 0.9f;     // Momentum: v = momentum * v - lr * g; w += v
    float rho = 0.9f;          // RMSprop: s = rho * s + (1 - rho) g^2; w -= lr g / (sqrt(s) + eps)
    float beta1 = 0.9f;        // Adam: first-moment decay
    float beta2 = 0.999f;      // Adam: second-moment decay
    float epsilon = 1e-7f;     // RMSprop and Adam: keeps the division finite (Keras' default)

    // Empty if usable, else why not ("learning rate must be > 0 and finite").
    std::string validate() const;
    bool operator==(const OptimizerSettings&) const = default;
};

std::string_view toString(OptimizerKind);
std::optional<OptimizerKind> parseOptimizer(std::string_view);

// Per-parameter-tensor state (velocity, squared-gradient average, moments), indexed by tensor
// number, never by pointer, so it survives copies of the network.
class Optimizer
{
public:
    Optimizer() = default;
    // tensorSizes: number of floats in each parameter tensor, in a fixed order.
    Optimizer(OptimizerSettings settings, std::vector<std::int64_t> tensorSizes);

    const OptimizerSettings& settings() const { return m_settings; }
    const std::vector<std::int64_t>& tensorSizes() const { return m_sizes; }
    std::int64_t stepCount() const { return m_step; } // batches applied (Adam's bias correction)
    // Learning rate and decay constants change in place; a change of kind resets the state.
    void setSettings(const OptimizerSettings& settings);
    void resetState();

    // w -= step(g) for elements [begin, end) of tensor t (w and g point at the tensor's start).
    // Call for every element of every tensor once per batch (in any split), then finishStep().
    void apply(int tensor, float* w, const float* g, std::int64_t begin, std::int64_t end);
    void finishStep() { ++m_step; }

private:
    OptimizerSettings m_settings;
    std::vector<std::int64_t> m_sizes;
    std::vector<std::vector<float>> m_first;  // momentum velocity / Adam m
    std::vector<std::vector<float>> m_second; // RMSprop s / Adam v
    std::int64_t m_step = 0;
};

} // namespace nnlab::engine
