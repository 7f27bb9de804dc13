#include "bundled_files.h"

#include <cstdlib>
#include <stdexcept>

// The installed data folder relative to the installed programs' folder: CMake computes it from
// GNUInstallDirs' bin and share folders.
#ifndef NNLAB_INSTALLED_DATA
#define NNLAB_INSTALLED_DATA "../share/nnlab"
#endif

namespace nnlab::app {

namespace fs = std::filesystem;

namespace {

struct Where
{
    const char* relative;      // what is found, relative to a folder searched
    const char* installed;     // what `cmake --install` made of it, relative to share/nnlab
    const char* probe;         // a file in it that must be there (relative itself if empty)
    const char* variable;      // the environment variable that overrides the search, if any
    const char* description;   // for the message when it is missing
    bool systemFolder = false; // `relative` is an absolute folder: no search
};

Where whereOf(Bundled what)
{
    switch (what) {
    case Bundled::Mnist:
        return {"data/mnist", "mnist", "train-images-idx3-ubyte.gz", "NNLAB_DATA_DIR",
                "the bundled MNIST"};
    case Bundled::DefaultModel:
        return {"resources/models/default.nnlab", "models/default.nnlab", "", "NNLAB_MODEL",
                "the default model"};
    case Bundled::LessonTestCsv:
        return {"data/mnist_test_10.csv", "mnist_test_10.csv", "", nullptr,
                "the lesson's test file"};
    case Bundled::FashionMnist:
        break;
    }
    return {"/usr/share/datasets/fashion-mnist", "", "train-images-idx3-ubyte.gz", nullptr,
            "Fashion-MNIST", true};
}

bool holds(const fs::path& candidate, const char* probe)
{
    std::error_code ec;
    if (*probe == '\0')
        return fs::is_regular_file(candidate, ec);
    // The IDX files may be stored raw as well as gzipped.
    const fs::path gz = candidate / probe;
    return fs::is_regular_file(gz, ec) || fs::is_regular_file(gz.parent_path() / gz.stem(), ec);
}

fs::path runningProgramFolder()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

} // namespace

const std::string& BundledPath::require() const
{
    if (path.empty())
        throw std::runtime_error(missing);
    return path;
}

BundledPath findBundled(Bundled what, fs::path programFolder)
{
    const Where w = whereOf(what);
    if (w.systemFolder) {
        if (holds(w.relative, w.probe))
            return {w.relative, {}};
        return {{},
                std::string(w.description) + " is not installed: " + w.relative + " has no " +
                    w.probe + " (Debian's package dataset-fashion-mnist puts it there)"};
    }
    if (const char* value = w.variable ? std::getenv(w.variable) : nullptr; value && *value)
        return {value, {}};
    if (programFolder.empty())
        programFolder = runningProgramFolder();
    const fs::path installed =
        (programFolder / NNLAB_INSTALLED_DATA / w.installed).lexically_normal();
    if (holds(installed, w.probe))
        return {installed.string(), {}};
    for (fs::path dir = programFolder; dir.has_relative_path(); dir = dir.parent_path())
        if (holds(dir / w.relative, w.probe))
            return {(dir / w.relative).string(), {}};
    std::error_code ec;
    const fs::path current = fs::current_path(ec);
    if (!ec && holds(current / w.relative, w.probe))
        return {w.relative, {}};
    return {{},
            std::string(w.description) + " (" + w.relative + ") is not in " + installed.string() +
                ", " + programFolder.string() + ", a folder above it or the current folder " +
                current.string() +
                (w.variable ? "; set " + std::string(w.variable) + " to where it is" : "")};
}

} // namespace nnlab::app
