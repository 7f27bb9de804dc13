// Loading a folder of the four MNIST-style IDX files (the caller says which folder).
#pragma once

#include "dataset.h"

#include <string>
#include <vector>

namespace nnlab::engine {

// "train-images-idx3-ubyte.gz" in dir, or the raw file if only that is there.
std::string idxFile(const std::string& dir, const std::string& name);

struct TrainTest
{
    Dataset train;
    Dataset test;
};

// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte (each raw or .gz) from dir. namePrefix: "MNIST ", "Fashion-MNIST ".
TrainTest loadIdxFolder(const std::string& dir, std::vector<std::string> classNames,
                        const std::string& namePrefix);

} // namespace nnlab::engine
