#include "architecture.h"

#include <array>
#include <utility>

namespace nnlab::engine {

namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view name)
{
    for (const auto& [value, text] : table)
        if (text == name)
            return value;
    return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value)
{
    for (const auto& [v, text] : table)
        if (v == value)
            return text;
    return "unknown";
}

constexpr std::array kActivations{std::pair{Activation::Sigmoid, std::string_view("sigmoid")},
                                  std::pair{Activation::Tanh, std::string_view("tanh")},
                                  std::pair{Activation::ReLU, std::string_view("relu")}};
constexpr std::array kOutputs{std::pair{Output::Sigmoid, std::string_view("sigmoid")},
                              std::pair{Output::Softmax, std::string_view("softmax")}};
constexpr std::array kLosses{std::pair{Loss::SquaredError, std::string_view("squared-error")},
                             std::pair{Loss::CrossEntropy, std::string_view("cross-entropy")}};
constexpr std::array kScalings{std::pair{Scaling::Lesson, std::string_view("lesson")},
                               std::pair{Scaling::UnitRange, std::string_view("unit")},
                               std::pair{Scaling::Raw, std::string_view("raw")}};
constexpr std::array kInits{std::pair{Init::Lesson, std::string_view("lesson")},
                            std::pair{Init::FanIn, std::string_view("fan-in")},
                            std::pair{Init::KerasNormal, std::string_view("keras-normal")},
                            std::pair{Init::Glorot, std::string_view("glorot")},
                            std::pair{Init::He, std::string_view("he")},
                            std::pair{Init::Rand, std::string_view("rand")},
                            std::pair{Init::RandCentered, std::string_view("rand-0.5")}};
constexpr std::array kTargets{std::pair{Targets::Lesson, std::string_view("lesson")},
                              std::pair{Targets::ZeroOne, std::string_view("0-1")}};

} // namespace

std::vector<int> Architecture::layerSizes() const
{
    std::vector<int> sizes{inputs};
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
    sizes.push_back(outputs);
    return sizes;
}

std::int64_t Architecture::parameterCount() const
{
    const auto sizes = layerSizes();
    std::int64_t n = 0;
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l)
        n += std::int64_t(sizes[l + 1]) * sizes[l] + (biases ? sizes[l + 1] : 0);
    return n;
}

std::string Architecture::validate() const
{
    if (inputs < 1 || inputs > kMaxLayerSize)
        return "the input layer must have 1 to " + std::to_string(kMaxLayerSize) + " nodes";
    if (outputs < 2 || outputs > kMaxLayerSize)
        return "the output layer must have 2 to " + std::to_string(kMaxLayerSize) + " nodes";
    if (hidden.size() > std::size_t(kMaxHiddenLayers))
        return "at most " + std::to_string(kMaxHiddenLayers) + " hidden layers";
    for (std::size_t i = 0; i < hidden.size(); ++i)
        if (hidden[i] < 1 || hidden[i] > kMaxLayerSize)
            return "hidden layer " + std::to_string(i + 1) + " must have 1 to " +
                   std::to_string(kMaxLayerSize) + " nodes";
    if (parameterCount() > (std::int64_t(1) << 28))
        return "the network would have more than 268 million weights";
    return {};
}

std::string Architecture::describe(Detail detail) const
{
    std::string shape;
    for (int s : layerSizes()) {
        // Appended piece by piece: "-" + std::to_string(s) trips GCC 12's -Wrestrict.
        if (!shape.empty())
            shape += '-';
        shape += std::to_string(s);
    }
    const std::string activation = shape + " " + std::string(toString(hiddenActivation));
    if (detail == Detail::Brief)
        return output == Output::Sigmoid ? activation
                                         : activation + "/" + std::string(toString(output));
    std::string full = activation + ", " + std::string(toString(output)) + " output, " +
                       std::string(toString(loss)) + ", " + (biases ? "biases" : "no biases");
    // The lesson's first attempt, named wherever the network is described.
    if (scaling == Scaling::Raw)
        full += ", raw pixels 0-255";
    if (loss == Loss::SquaredError && targets == Targets::ZeroOne)
        full += ", targets 0 and 1";
    return full;
}

std::string_view toString(Activation a) { return nameOf(kActivations, a); }
std::string_view toString(Output o) { return nameOf(kOutputs, o); }
std::string_view toString(Loss l) { return nameOf(kLosses, l); }
std::string_view toString(Scaling s) { return nameOf(kScalings, s); }
std::string_view toString(Init i) { return nameOf(kInits, i); }
std::string_view toString(Targets t) { return nameOf(kTargets, t); }
std::optional<Activation> parseActivation(std::string_view s) { return lookup(kActivations, s); }
std::optional<Output> parseOutput(std::string_view s) { return lookup(kOutputs, s); }
std::optional<Loss> parseLoss(std::string_view s) { return lookup(kLosses, s); }
std::optional<Scaling> parseScaling(std::string_view s) { return lookup(kScalings, s); }
std::optional<Init> parseInit(std::string_view s) { return lookup(kInits, s); }
std::optional<Targets> parseTargets(std::string_view s) { return lookup(kTargets, s); }

} // namespace nnlab::engine
