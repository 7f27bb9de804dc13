// Turns a digit drawn or photographed at any size into a 28x28 MNIST image, the way MNIST was made.
//
// MNIST (LeCun et al.): NIST's black-and-white digits were "size normalized to fit in a 20x20 pixel
// box while preserving their aspect ratio" with anti-aliasing, then "centered in a 28x28 image by
// computing the center of mass of the pixels". A network trained on MNIST has only ever seen
// digits prepared that way, so the canvas, nnlab-predict and the HTTP server all go through
// toMnist() before the network's own input scaling (Network::scaleInput).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace nnlab::engine {

inline constexpr int kMnistSide = 28;                        // the field, pixels per side
inline constexpr int kMnistPixels = kMnistSide * kMnistSide; // 784, the network's inputs
inline constexpr int kMnistBox = 20;                         // the digit's long side
inline constexpr float kMnistCentre = 14.0f; // where the ink's centre of mass lands (pixel index)
// Ink fainter than this (0..1) is background noise: it neither widens the bounding box nor counts.
inline constexpr float kInkThreshold = 0.1f;

// A grayscale ink image of any size, row-major: 0 = background, 1 = full ink.
struct InkImage
{
    int width = 0;
    int height = 0;
    std::vector<float> ink; // width * height values

    InkImage() = default;
    InkImage(int w, int h) // all background; a negative side holds no values (toMnist refuses it)
        : width(w), height(h), ink(std::size_t(w < 0 ? 0 : w) * std::size_t(h < 0 ? 0 : h), 0.0f)
    {
    }
    float& at(int x, int y) { return ink[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
    float at(int x, int y) const
    {
        return ink[std::size_t(y) * std::size_t(width) + std::size_t(x)];
    }
};

// 28x28, row-major, 0 = background, 255 = full ink: MNIST's own encoding, ready for scaleInput.
using MnistImage = std::array<std::uint8_t, kMnistPixels>;

// The one preprocessing step, as MNIST was made:
//   1. crop to the bounding box of the ink at or above kInkThreshold (fainter pixels are dropped);
//   2. scale it so its long side is 20 pixels, keeping the aspect ratio, centred in a 20x20 box:
//      area averaging when shrinking, bilinear when enlarging;
//   3. stretch so the darkest pixel is full ink (255), as in every MNIST digit;
//   4. shift the box by whole pixels so the ink's centre of mass sits at pixel (14, 14) of the
//      28x28 field (within half a pixel), never pushing ink off the field.
// Returns std::nullopt when there is no ink at all: an empty canvas is not a digit.
// Throws std::invalid_argument if ink.size() is not width * height or a side is negative.
std::optional<MnistImage> toMnist(const InkImage& image);

// 8-bit ink already the right way round (0 = background, 255 = ink), rows `stride` bytes apart:
// the GUI canvas, MNIST itself.
InkImage inkFromBytes(int width, int height, const std::uint8_t* pixels, std::ptrdiff_t stride);

// Whether an 8-bit grayscale image has dark ink on a light background (a pen on paper, a scan)
// or light ink on a dark one (MNIST, a blackboard), and the background's gray level.
enum class Polarity { LightInkOnDark, DarkInkOnLight };
struct Background
{
    Polarity polarity = Polarity::LightInkOnDark;
    std::uint8_t level = 0; // the background's gray level, 0..255
};
// The background is what the border shows (the median of the outermost pixels): clearly dark or
// clearly light decides; a mid-gray border is decided by the ink pulling the mean brightness of
// the whole image away from it. A blank image counts as its brightness says.
Background detectBackground(int width, int height, const std::uint8_t* gray, std::ptrdiff_t stride);

// 8-bit grayscale of unknown polarity (an image file) -> ink: the distance of each pixel from the
// background level towards the ink side, scaled so the far end of the range (black on a light
// background, white on a dark one) is full ink. Gray paper and a gray pencil still give ink 0..1.
InkImage inkFromGray(int width, int height, const std::uint8_t* gray, std::ptrdiff_t stride);

} // namespace nnlab::engine
