#include "dataset.h"

#include <algorithm>
#include <stdexcept>

namespace nnlab::engine {

Dataset Dataset::head(std::size_t n) const
{
    Dataset out;
    out.name = name;
    out.rows = rows;
    out.cols = cols;
    out.classNames = classNames;
    n = std::min(n, size());
    out.labels.assign(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
    out.pixels.assign(pixels.begin(),
                      pixels.begin() + static_cast<std::ptrdiff_t>(n * pixelsPerImage()));
    if (!origins.empty())
        out.origins.assign(origins.begin(), origins.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
}

std::size_t Dataset::countFrom(ImageOrigin o) const
{
    if (origins.empty()) return o == ImageOrigin::Set ? size() : 0;
    return static_cast<std::size_t>(std::count(origins.begin(), origins.end(), o));
}

Dataset joined(const Dataset& first, const Dataset& second, ImageOrigin secondOrigin)
{
    const auto shape = [](const Dataset& d) {
        return std::to_string(d.rows) + "x" + std::to_string(d.cols);
    };
    if (first.size() == 0 || second.size() == 0)
        throw std::invalid_argument(
            "cannot join " + (first.size() == 0 ? first.name : second.name) + ": it has no images");
    if (first.rows != second.rows || first.cols != second.cols)
        throw std::invalid_argument("cannot join " + second.name + " to " + first.name +
                                    ": its images are " + shape(second) + " pixels, not " +
                                    shape(first));
    if (first.classNames != second.classNames)
        throw std::invalid_argument("cannot join " + second.name + " to " + first.name + ": its " +
                                    std::to_string(second.classCount()) +
                                    " classes are not the same as the " +
                                    std::to_string(first.classCount()) + " of " + first.name);
    Dataset out = first;
    out.name = first.name + " + " + second.name;
    out.pixels.insert(out.pixels.end(), second.pixels.begin(), second.pixels.end());
    out.labels.insert(out.labels.end(), second.labels.begin(), second.labels.end());
    out.origins.resize(first.size(), ImageOrigin::Set);
    out.origins.insert(out.origins.end(), second.size(), secondOrigin);
    return out;
}

std::vector<std::string> digitClassNames()
{
    return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
}

std::vector<std::string> fashionMnistClassNames()
{
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
}

bool Dataset::mostlyBlank(std::size_t n, std::size_t probes) const
{
    n = std::min(n, size());
    probes = std::min(n, probes);
    const int perImage = pixelsPerImage();
    std::size_t nonzero = 0;
    for (std::size_t i = 0; i < probes; ++i) {
        const std::uint8_t* pixels = image(i * n / probes);
        nonzero += std::size_t(perImage - std::count(pixels, pixels + perImage, std::uint8_t(0)));
    }
    return probes > 0 && double(nonzero) <= kMaxSparseShare * double(probes) * double(perImage);
}

} // namespace nnlab::engine
