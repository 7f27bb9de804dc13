// Reads the lesson's CSV format: one image per line, the label then rows*cols pixels 0..255.
#pragma once

#include "dataset.h"

#include <string>
#include <string_view>

namespace nnlab::engine {

// Throws FileError naming the line and field on any malformation.
Dataset loadCsvDataset(const std::string& path, std::vector<std::string> classNames,
                       int rows = 28, int cols = 28);
// The same for the file's bytes already in memory (loadCsvDataset reads the file, then this);
// path names it in messages and in the dataset's name.
Dataset parseCsvDataset(std::string_view text, const std::string& path,
                        std::vector<std::string> classNames, int rows = 28, int cols = 28);

} // namespace nnlab::engine
