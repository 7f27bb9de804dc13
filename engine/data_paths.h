// Where the bundled datasets are, and loading a folder of the four MNIST-style IDX files.
#pragma once

#include "dataset.h"

#include <string>

namespace nnlab::engine {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// The bundled MNIST: $NNLAB_DATA_DIR, else data/mnist in a folder above the running executable
// (the source tree holding build/<preset>/app/...), else ./data/mnist.
std::string findMnistDir();
// The bundled default model: $NNLAB_MODEL, else resources/models/default.nnlab found the same
// way; empty if there is none.
std::string findDefaultModel();
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
