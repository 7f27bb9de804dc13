#include "model_io.h"

#include "file_error.h"

#include <algorithm>

namespace nnlab::engine {

namespace {

std::string lowerCaseExtension(const std::string& path)
{
    const std::string name = displayName(path);
    const std::size_t dot = name.find_last_of('.');
    std::string ext = dot == std::string::npos ? std::string() : name.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return ext;
}

ModelFormat requireFormat(const std::string& path)
{
    const std::optional<ModelFormat> format = modelFormatOf(path);
    if (!format)
        throw FileError(path, "is neither an nnlab model (.nnlab) nor a NumPy archive (.npz)");
    return *format;
}

} // namespace

std::optional<ModelFormat> modelFormatOf(const std::string& path)
{
    const std::string ext = lowerCaseExtension(path);
    if (ext == ".nnlab")
        return ModelFormat::Nnlab;
    if (ext == ".npz")
        return ModelFormat::Npz;
    return std::nullopt;
}

Model loadModelFile(const std::string& path, NpzDetails* details)
{
    return requireFormat(path) == ModelFormat::Npz ? loadNpz(path, details) : loadModel(path);
}

void saveModelFile(const std::string& path, const Model& model, NpzCompression compression)
{
    if (requireFormat(path) == ModelFormat::Npz)
        saveNpz(path, model, compression);
    else
        saveModel(path, model);
}

} // namespace nnlab::engine
