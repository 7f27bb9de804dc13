// How a model was trained, kept with it: the .nnlab file's version-2 block, the .npz export's
// provenance.json entry, `nnlab-model info`. Plain values; every field may be empty (a version-1
// file, or weights whose history is unknown).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab::engine {

// One file of the data set the network learned from.
struct FileDigest
{
    std::string name;   // the file's name without its folder: "train-images-idx3-ubyte"
    std::string sha256; // 64 lowercase hex digits of the file's bytes as stored (.gz or raw)
    std::uint64_t bytes = 0;
    bool operator==(const FileDigest&) const = default;
};

// One finished epoch of the run that trained the weights.
struct EpochRecord
{
    int epoch = 0;                     // 1-based, counted over the whole lineage
    std::uint64_t samplesSeen = 0;     // at the epoch's end
    std::optional<float> testAccuracy; // 0..1 on the whole test set, if it was measured
    bool operator==(const EpochRecord&) const = default;
};

// A setting changed during training: "l_r 0.1 -> 0.3" took effect at sample samplesSeen.
struct KnobChange
{
    std::uint64_t samplesSeen = 0; // samples trained before the first batch with the new value
    std::string knob;              // "l_r", "optimizer", "batch", "decay"
    std::string from, to;          // as shown: "0.1", "0.3"; "SGD", "Adam"
    std::string text() const { return knob + " " + from + " -> " + to; }
    bool operator==(const KnobChange&) const = default;
};

struct Provenance
{
    std::string nnlabVersion;      // "0.1.0"
    std::string preset;            // "lesson", or empty when the controls were set by hand
    std::string setup;             // the settings at the first batch, as a legend says them
    std::uint64_t weightSeed = 0;  // the initial weights' seed (with the initialiser in setup)
    std::uint64_t shuffleSeed = 0; // the data order's seed
    bool shuffled = false;         // false: the lesson's file order
    std::string dataName;          // "MNIST", "Fashion-MNIST", "my_digits.csv"
    std::vector<FileDigest> dataFiles;
    std::vector<EpochRecord> epochs;
    std::vector<KnobChange> changes; // oldest first

    bool empty() const { return *this == Provenance{}; }
    bool operator==(const Provenance&) const = default;
};

// What the .nnlab and .npz readers accept, checked before anything is allocated
// (docs/model-format.md); writers cut longer strings at a character boundary.
inline constexpr std::uint32_t kMaxProvenanceTextBytes = 4096; // the setup text
inline constexpr std::uint32_t kMaxProvenanceNameBytes = 256;  // every other string
inline constexpr std::uint32_t kMaxDataFiles = 64;
inline constexpr std::uint32_t kMaxEpochRecords = 100000;
inline constexpr std::uint32_t kMaxKnobChanges = 10000;
// The longest provenance JSON the .npz reader takes, in characters (code points).
inline constexpr std::uint64_t kMaxProvenanceJsonChars = std::uint64_t(1) << 26;

// SHA-256 of a file's bytes (FileError if it cannot be read) and of a buffer.
FileDigest digestFile(const std::string& path);
std::string sha256Hex(const void* data, std::size_t size);

// For people (nnlab-model info): one "key  value" line per field, the epochs and changes listed.
std::string describeProvenance(const Provenance& p);
// As one JSON object (the .npz export's provenance.json), UTF-8, keys as the fields above.
std::string provenanceJson(const Provenance& p);
// The JSON back; on failure nothing, and why ("dataFiles[0].sha256 is not 64 hex digits").
// Checks what the .nnlab reader checks: the limits above, digests, accuracies 0 to 1, UTF-8.
std::optional<Provenance> provenanceFromJson(std::string_view json, std::string& why);

// Empty if a writer can store p as it is, else why not ("epoch 3's test accuracy is nan").
// Counts over the limits and accuracies outside 0 to 1 are refused, never dropped.
std::string whyNotStorable(const Provenance& p);

// Strings as the files store them: s with every malformed UTF-8 sequence replaced by U+FFFD,
// cut to at most maxBytes without splitting a character.
std::string storableUtf8(std::string_view s, std::size_t maxBytes);
bool isValidUtf8(std::string_view s);
// 64 lowercase hex digits.
bool isSha256Hex(std::string_view s);

} // namespace nnlab::engine
