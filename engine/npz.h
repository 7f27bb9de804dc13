// NumPy's .npz archive for a network: a ZIP of .npy arrays that numpy.load reads without pickle,
// mapped here to and from a network; the container is zip_archive.h, each array npy.h
// (docs/model-format.md, "NumPy .npz").
//
// Arrays nnlab writes (float32 '<f4', C order; weights out x in as in the lesson):
//   w_i_h  h_n x i_n, w_h_o  o_n x h_n        the lesson's net: one hidden layer, no biases
//   W1, b1, W2, b2, ..., WL, bL               every other net (b_l only with biases)
//   layer_sizes    int32 (L+1,)               784, 90, 10
//   architecture   0-d unicode text           "activation=sigmoid\noutput=sigmoid\n..."
//   test_accuracy  float32 0-d (when known), samples_seen uint64 0-d, note 0-d unicode
// Reading also takes numpy's own np.savez / np.savez_compressed output: '<f4' or '<f8', C or
// Fortran order, with or without the architecture (then sigmoid, sigmoid output, squared error
// and the lesson's scaling and targets; biases if b1... are there; an architecture text without
// targets=, as nnlab wrote before issue 14, means the lesson's targets).
#pragma once

#include "model_file.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace nnlab::engine {

// np.savez stores each array as is; np.savez_compressed deflates it.
enum class NpzCompression { Stored, Deflated };

// What reading found besides the model, for `nnlab-model info`.
struct NpzDetails
{
    bool architectureGiven = false;   // false: the defaults above were used
    std::vector<std::string> arrays;  // every array in the archive, in archive order
    std::vector<std::string> ignored; // arrays nnlab does not use
};

// Writes the archive; throws FileError(path, ...) for a non-finite weight or a failing stream.
void writeNpz(std::ostream& out, const Model& model, const std::string& pathForMessages,
              NpzCompression compression = NpzCompression::Stored);
// Reads and validates; throws FileError naming the path, the byte offset or array, and what was
// expected against what was found. Every size is checked before anything is allocated.
Model readNpz(std::istream& in, const std::string& pathForMessages, NpzDetails* details = nullptr);

// save writes a temporary file and renames it over path (as saveModel); load reads the file.
void saveNpz(const std::string& path, const Model& model,
             NpzCompression compression = NpzCompression::Stored);
Model loadNpz(const std::string& path, NpzDetails* details = nullptr);

} // namespace nnlab::engine
