// Reads the IDX files MNIST and Fashion-MNIST ship in, raw or gzip-compressed.
#pragma once

#include "dataset.h"

#include <string>
#include <vector>

namespace nnlab::engine {

struct IdxImages
{
    int count = 0;
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels; // count * rows * cols
};

// idx3-ubyte (magic 0x00000803). Throws FileError on any malformation.
IdxImages readIdxImages(const std::string& path);
// idx1-ubyte (magic 0x00000801).
std::vector<std::uint8_t> readIdxLabels(const std::string& path);

// An images + labels pair as a Dataset; checks the counts agree and every label < classNames.size().
Dataset loadIdxDataset(const std::string& imagesPath, const std::string& labelsPath,
                       std::vector<std::string> classNames, std::string name);

} // namespace nnlab::engine
