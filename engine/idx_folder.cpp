#include "idx_folder.h"

#include "idx_reader.h"

#include <filesystem>

namespace nnlab::engine {

namespace fs = std::filesystem;

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
