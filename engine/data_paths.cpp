#include "data_paths.h"

#include "idx_reader.h"

#include <cstdlib>
#include <filesystem>

namespace nnlab::engine {

namespace fs = std::filesystem;

namespace {

// relative ("data/mnist/train-images-idx3-ubyte.gz") in a folder above the executable.
std::string findAboveExecutable(const fs::path& folder, const char* probe)
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        for (fs::path dir = exe.parent_path(); dir.has_relative_path(); dir = dir.parent_path())
            if (fs::exists(dir / folder / probe, ec))
                return (dir / folder).string();
    return {};
}

} // namespace

std::string findMnistDir()
{
    if (const char* env = std::getenv("NNLAB_DATA_DIR"); env && *env)
        return env;
    const std::string found = findAboveExecutable("data/mnist", "train-images-idx3-ubyte.gz");
    return found.empty() ? "data/mnist" : found;
}

std::string findDefaultModel()
{
    if (const char* env = std::getenv("NNLAB_MODEL"); env && *env)
        return env;
    const std::string found = findAboveExecutable("resources/models", "default.nnlab");
    if (!found.empty())
        return found + "/default.nnlab";
    std::error_code ec;
    return fs::exists("resources/models/default.nnlab", ec) ? "resources/models/default.nnlab"
                                                            : std::string{};
}

std::string idxFile(const std::string& dir, const std::string& name)
{
    const fs::path gz = fs::path(dir) / (name + ".gz");
    std::error_code ec;
    if (!fs::exists(gz, ec) && fs::exists(fs::path(dir) / name, ec))
        return (fs::path(dir) / name).string();
    return gz.string();
}

TrainTest loadIdxFolder(const std::string& dir, std::vector<std::string> classNames,
                        const std::string& namePrefix)
{
    TrainTest t;
    t.train = loadIdxDataset(idxFile(dir, "train-images-idx3-ubyte"),
                             idxFile(dir, "train-labels-idx1-ubyte"), classNames,
                             namePrefix + "train");
    t.test = loadIdxDataset(idxFile(dir, "t10k-images-idx3-ubyte"),
                            idxFile(dir, "t10k-labels-idx1-ubyte"), std::move(classNames),
                            namePrefix + "test");
    return t;
}

} // namespace nnlab::engine
