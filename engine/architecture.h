// The shape and the choices that define a network: layer sizes, activations, loss, scaling, init.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab::engine {

// Hidden-layer activation functions (the formulas and their slopes: activation.h).
enum class Activation : std::uint8_t { Sigmoid = 0, Tanh = 1, ReLU = 2 };

// Output layer: the lesson's sigmoid per class, or softmax (probabilities that sum to 1).
enum class Output : std::uint8_t { Sigmoid = 0, Softmax = 1 };

// The lesson's squared error E = 1/2 sum (t - o)^2 against 0.01/0.99 targets, or cross-entropy
// against one-hot targets (binary cross-entropy per class when the output is sigmoid).
enum class Loss : std::uint8_t { SquaredError = 0, CrossEntropy = 1 };

// Pixel scaling: the lesson's x/255*0.99+0.01 (no input is ever exactly zero), plain x/255, or
// Raw: the pixels 0..255 as they are, the lesson's first attempt (with positive weights every
// h_input is in the thousands, so every h_output is 1 and nothing learns).
enum class Scaling : std::uint8_t { Lesson = 0, UnitRange = 1, Raw = 2 };

// Weight initialisers. Lesson: N(0, n^-0.5) where n is the size of the *receiving* layer, exactly
// as the lesson writes np.random.normal(0.0, pow(h_n, -0.5), (h_n, i_n)). FanIn: the textbook
// N(0, fan_in^-0.5) the lesson's text describes. KerasNormal: N(0, 0.05), Keras'
// kernel_initializer='normal'. Glorot: U(+-sqrt(6/(in+out))). He: N(0, sqrt(2/in)).
// Rand: U[0, 1), the lesson's first np.random.rand (all weights positive); RandCentered:
// U[-0.5, 0.5), its np.random.rand - 0.5 (negative weights too, but not scaled to the layer).
enum class Init : std::uint8_t {
    Lesson = 0,
    FanIn = 1,
    KerasNormal = 2,
    Glorot = 3,
    He = 4,
    Rand = 5,
    RandCentered = 6
};

// The squared error's targets: the lesson's 0.01 and 0.99, or 0 and 1, the lesson's first
// attempt, which asks a sigmoid for values it reaches only at h_input = -inf or +inf (so the
// weights keep growing towards saturation). Cross-entropy always compares with one-hot 0 and 1.
enum class Targets : std::uint8_t { Lesson = 0, ZeroOne = 1 };

// The lesson's numbers, named once: targets 0.01 / 0.99 (a sigmoid never reaches 0 or 1) and
// inputs pixel/255*0.99+0.01 (never exactly 0, which would stop the weights behind them).
inline constexpr float kLessonTargetLow = 0.01f;  // the lesson's "off" target
inline constexpr float kLessonTargetHigh = 0.99f; // the lesson's "on" target
inline constexpr float kLessonInputOffset = 0.01f;
inline constexpr float kLessonInputRange = 0.99f;
inline constexpr float kPixelMax = 255.0f; // full ink in MNIST's 8-bit encoding

// How much Architecture::describe() says.
enum class Detail : std::uint8_t { Brief, Full };

inline constexpr int kMaxLayerSize = 65536;  // any single layer, inputs included
inline constexpr int kMaxHiddenLayers = 64;

struct Architecture
{
    int inputs = 784;
    std::vector<int> hidden{90};
    int outputs = 10;
    Activation hiddenActivation = Activation::Sigmoid;
    Output output = Output::Sigmoid;
    Loss loss = Loss::SquaredError;
    bool biases = false;
    Scaling scaling = Scaling::Lesson;
    Targets targets = Targets::Lesson; // the squared error's; cross-entropy's are one-hot

    // Layer sizes from input to output: {784, 90, 10}.
    std::vector<int> layerSizes() const;
    int weightLayerCount() const { return static_cast<int>(hidden.size()) + 1; }
    std::int64_t parameterCount() const;
    // Empty if valid, else why not ("hidden layer 2 has 0 nodes").
    std::string validate() const;
    // Every architecture's text, wherever it is shown. Full (files, nnlab-model, nnlab-serve, the
    // window's messages): "784-90-10 sigmoid, sigmoid output, squared-error, no biases", then the
    // lesson's mistakes when chosen: ", raw pixels 0-255", ", targets 0 and 1". Brief (a
    // legend, a title): "784-90-10 sigmoid", "784-256-10 relu/softmax", the output named only when
    // it is not the lesson's sigmoid.
    std::string describe(Detail detail = Detail::Full) const;

    bool operator==(const Architecture&) const = default;
};

// The target for one output node: with squared error the lesson's 0.99 for the true class and
// 0.01 otherwise, or 1 and 0 (Targets::ZeroOne); with cross-entropy always 1 and 0.
inline float targetValue(Loss loss, Targets targets, bool isTrueClass)
{
    if (loss == Loss::SquaredError && targets == Targets::Lesson)
        return isTrueClass ? kLessonTargetHigh : kLessonTargetLow;
    return isTrueClass ? 1.0f : 0.0f;
}

inline float targetValue(const Architecture& a, bool isTrueClass)
{
    return targetValue(a.loss, a.targets, isTrueClass);
}

// Network input x = pixel / divisor * range + offset.
struct InputScale
{
    float range = 1.0f;
    float offset = 0.0f;
    float divisor = kPixelMax; // 1 for Raw: the pixel itself, exactly
};

constexpr InputScale inputScale(Scaling scaling)
{
    switch (scaling) {
    case Scaling::Lesson: return InputScale{kLessonInputRange, kLessonInputOffset, kPixelMax};
    case Scaling::UnitRange: return InputScale{};
    case Scaling::Raw: return InputScale{1.0f, 0.0f, 1.0f};
    }
    return InputScale{};
}

// The scaling formula, for a float or a SIMD vector of them (the kernels' scalePixels).
template <typename T>
T scaledPixel(T pixel, InputScale s)
{
    return pixel / s.divisor * s.range + s.offset;
}

// Pixel value 0..255 (fractions allowed, as a soft brush or a JSON request gives) -> network input.
inline float scalePixelValue(Scaling scaling, float value)
{
    return scaledPixel(value, inputScale(scaling));
}

// Pixel 0..255 -> network input.
inline float scalePixel(Scaling scaling, std::uint8_t pixel)
{
    return scalePixelValue(scaling, static_cast<float>(pixel));
}

// Names used on the command line and in files ("sigmoid", "relu", "softmax", "squared-error",
// scaling "lesson" "unit" "raw", init ... "rand" "rand-0.5", targets "lesson" "0-1").
std::string_view toString(Activation);
std::string_view toString(Output);
std::string_view toString(Loss);
std::string_view toString(Scaling);
std::string_view toString(Init);
std::string_view toString(Targets);
std::optional<Activation> parseActivation(std::string_view);
std::optional<Output> parseOutput(std::string_view);
std::optional<Loss> parseLoss(std::string_view);
std::optional<Scaling> parseScaling(std::string_view);
std::optional<Init> parseInit(std::string_view);
std::optional<Targets> parseTargets(std::string_view);

} // namespace nnlab::engine
