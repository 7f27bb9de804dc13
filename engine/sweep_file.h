// A sweep as a CSV file: the knob, its values, the seeds and the base setup in a header comment
// block, then one row per run per epoch; each run's learning curve in comment lines after them.
#pragma once

#include "sweep.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace nnlab::engine {

// The layout, as the file's own header comment explains it to whoever opens it:
//
//   # nnlab sweep file, format 1
//   # nnlab: 0.1.0
//   # data: MNIST
//   # knob: lr
//   # values: 0.01,0.1,1
//   # seeds: 1,2,3
//   # base: lesson
//   # base description: the lesson from scratch: ...
//   # base settings: inputs=784 hidden=90 outputs=10 activation=sigmoid ... epochs=2 decay=1
//   #
//   # (what the columns mean, in words)
//   index,value,seed,epoch,train_loss,train_accuracy,test_loss,test_accuracy,samples,seconds,error,setup
//   0,0.01,1,1,0.41,0.62,0.31,0.71,60000,0.84,,784-90-10 sigmoid · SGD l_r 0.01 · batch 1
//   ...
//   #curve,0,0.02,0.45,0.12        (run index, epochs trained, mean loss, mean accuracy)
//   ...
//   #end,24,1200                   (rows, curve points: a file cut short lacks it)
//
// Every run has one row per epoch (1-based). A run that stopped early (error not empty), or
// whose samples differ from its last epoch's, ends with a row whose epoch is empty: the samples
// it trained in all. Runs of a cancelled sweep that never finished have no rows. Value, seed,
// seconds, error and setup are the run's and repeat on each of its rows. Spreadsheets show the
// comment lines as rows; pandas skips them (read_csv(path, comment='#')).
inline constexpr int kSweepFileFormat = 1;
inline constexpr std::size_t kMaxSweepFileValues = 10000;
inline constexpr std::size_t kMaxSweepFileSeeds = 10000;
inline constexpr std::size_t kMaxSweepFileRuns = 100000;
inline constexpr std::size_t kMaxSweepFileLineBytes = 65536;
inline constexpr std::uint64_t kMaxSweepFileBytes = std::uint64_t(1) << 30; // loadSweepFile's

struct SweepFile
{
    std::string nnlabVersion; // the nnlab that wrote it: "0.1.0"
    std::string dataName;     // "MNIST", "Fashion-MNIST", a file name; may be empty
    Preset base;              // every run's setup before the knob and the seeds are set
    SweepSpec spec;
    std::vector<SweepRunResult> results; // in index order; a cancelled sweep's finished runs
};

// The base preset's settings as one line of key=value pairs ("inputs=784 hidden=90 ... decay=1")
// and back; the reader throws SweepError with a sentence ("lr=abc is not a number").
std::string presetSettingsText(const Preset& preset);
Preset presetFromSettingsText(const std::string& text);

// Writes the whole file. Throws std::invalid_argument if the spec has no values or no seeds, or a
// result's index is outside the spec, appears twice, or has another value or seed than the spec
// gives it, or a figure is not finite (results are written in index order whatever their order).
void writeSweepFile(std::ostream& out, const SweepFile& sweep);
// Reads a file writeSweepFile wrote; `path` names it in messages. Checks every line (the header,
// each field's number and range, each run's value and seed against the header, epochs 1..n once
// each, the end line's counts) and throws FileError with the line and a sentence.
SweepFile readSweepFile(std::istream& in, const std::string& path);
SweepFile loadSweepFile(const std::string& path); // opens it, then readSweepFile

} // namespace nnlab::engine
