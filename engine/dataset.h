// A labelled image dataset in memory: raw 8-bit pixels, one label per image, class names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnlab::engine {

// Where an image of a training set came from: the set as it was loaded, or the learner's own
// digits (drawn in the lab and saved to my-digits.csv) joined onto it.
enum class ImageOrigin : std::uint8_t
{
    Set = 0,
    Mine = 1
};

struct Dataset
{
    std::string name;                    // "MNIST train", "Fashion-MNIST test", a file name...
    int rows = 28;                       // image height in pixels
    int cols = 28;                       // image width in pixels
    std::vector<std::uint8_t> pixels;    // size() * rows * cols, row-major, 0 = background
    std::vector<std::uint8_t> labels;    // size() entries, each < classNames.size()
    std::vector<std::string> classNames; // "0".."9" for digits; "T-shirt/top".. for Fashion-MNIST
    std::vector<ImageOrigin> origins;    // empty (all ImageOrigin::Set), or size() entries

    std::size_t size() const { return labels.size(); }
    int pixelsPerImage() const { return rows * cols; }
    int classCount() const { return static_cast<int>(classNames.size()); }
    const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * pixelsPerImage(); }

    ImageOrigin origin(std::size_t i) const
    {
        return origins.empty() ? ImageOrigin::Set : origins[i];
    }
    std::size_t countFrom(ImageOrigin origin) const;

    // The first n images (n >= size() keeps all): the lesson trains on its first 100.
    Dataset head(std::size_t n) const;

    // True if at most kMaxSparseShare of the pixels are nonzero in up to `probes` of the first
    // n images, spread evenly: then a first layer that multiplies only the nonzero
    // pixels' columns of w_i_h (training's sparse path, the tests' evaluation) is the faster
    // one. Measured for 784-90-10 on one core: 0.72x the dense time on MNIST (19% nonzero),
    // 1.55x on Fashion-MNIST (50%).
    static constexpr double kMaxSparseShare = 0.3;
    static constexpr std::size_t kSparsityProbes = 1000;
    bool mostlyBlank(std::size_t n = SIZE_MAX, std::size_t probes = kSparsityProbes) const;
};

// `first`'s images (keeping their origins), then `second`'s, all marked `secondOrigin`: MNIST's
// 60,000 training images plus the learner's digits. Throws std::invalid_argument with a sentence
// if either set has no images, or their image sizes or classes differ.
Dataset joined(const Dataset& first, const Dataset& second,
               ImageOrigin secondOrigin = ImageOrigin::Mine);

std::vector<std::string> digitClassNames();        // "0".."9"
std::vector<std::string> fashionMnistClassNames(); // "T-shirt/top", "Trouser", ...

} // namespace nnlab::engine
