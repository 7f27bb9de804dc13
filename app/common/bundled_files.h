// Where the files nnlab ships with are: MNIST, the default model, the lesson's CSV, Fashion-MNIST.
#pragma once

#include <filesystem>
#include <string>

namespace nnlab::app {

// Each in the source tree, then where `cmake --install` puts it under the prefix.
enum class Bundled
{
    Mnist,         // data/mnist, share/nnlab/mnist: the four IDX files (gzipped);
                   // $NNLAB_DATA_DIR overrides
    DefaultModel,  // resources/models/default.nnlab, share/nnlab/models/default.nnlab;
                   // $NNLAB_MODEL overrides
    LessonTestCsv, // data/mnist_test_10.csv, share/nnlab/mnist_test_10.csv: the lesson's ten
                   // test images
    FashionMnist,  // /usr/share/datasets/fashion-mnist, Debian's package dataset-fashion-mnist
};

struct BundledPath
{
    std::string path;    // the folder or file; empty when it was not found
    std::string missing; // when not found: one sentence naming it and where it was looked for

    explicit operator bool() const { return !path.empty(); }
    // The path, or throws std::runtime_error(missing): for a caller that cannot go on without it.
    const std::string& require() const;
};

// The environment variable's value as it is, if one is set (whoever opens it reports a bad path);
// else the install prefix's copy, `programFolder`/../share/nnlab/... (a program installed in
// <prefix>/bin); else the nearest folder at or above `programFolder` that holds it (the source
// tree a program in build/<preset>/... was built in); else the current folder. Fashion-MNIST: its
// system folder only. An empty `programFolder` means the running program's folder. Plain C++, no
// Qt: the Qt-free nnlab-train uses it too.
BundledPath findBundled(Bundled what, std::filesystem::path programFolder = {});

} // namespace nnlab::app
