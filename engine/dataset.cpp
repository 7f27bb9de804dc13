#include "dataset.h"

#include <algorithm>

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

} // namespace nnlab::engine
