// The .nnlab model file: a versioned little-endian binary with a CRC-32 trailer
// (docs/model-format.md). Readers check every size before allocating.
#pragma once

#include "network.h"
#include "provenance.h"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace nnlab::engine {

inline constexpr char kModelMagic[8] = {'N', 'N', 'L', 'A', 'B', 'M', 'D', 'L'};
inline constexpr std::uint32_t kModelVersion = 2; // written; 1 and 2 are read

// What is known about how the model was trained (optional extras stored in the file).
struct ModelInfo
{
    std::optional<float> testAccuracy; // 0..1 on the test set, if it was measured
    std::uint64_t samplesSeen = 0;     // training samples the network has learned from
    std::string note;                  // free text, e.g. the preset name ("lesson")
    Provenance provenance;             // version 2; empty when read from a version-1 file
    std::uint32_t fileVersion = 0;     // the .nnlab version it was read from; 0: not read from one
};

struct Model
{
    Network network;
    ModelInfo info;
};

// Writes the model to a stream (always the latest version, with the provenance); throws
// FileError(path, ...) if the stream fails or a value cannot be stored (a non-finite weight, a
// provenance whyNotStorable refuses). The same model always gives the same bytes.
void writeModel(std::ostream& out, const Model& model, const std::string& pathForMessages);
// Reads and validates; throws FileError naming the path, the byte offset and what was wrong.
Model readModel(std::istream& in, const std::string& pathForMessages);

// File helpers: save writes "<path>.tmp-XXXX" then renames it over path, so an existing model is
// never left half-written; load opens and reads the whole file.
void saveModel(const std::string& path, const Model& model);
Model loadModel(const std::string& path);

} // namespace nnlab::engine
