// Loading and saving a model by its file name: .nnlab (model_file.h) or NumPy .npz (npz.h).
#pragma once

#include "model_file.h"
#include "npz.h"

#include <optional>
#include <string>

namespace nnlab::engine {

enum class ModelFormat { Nnlab, Npz };

// The format a file name's extension names (".nnlab", ".npz", any case), if any.
std::optional<ModelFormat> modelFormatOf(const std::string& path);

// Throw FileError for a file whose extension is neither, as for any bad file.
Model loadModelFile(const std::string& path, NpzDetails* details = nullptr);
void saveModelFile(const std::string& path, const Model& model,
                   NpzCompression compression = NpzCompression::Stored);

} // namespace nnlab::engine
