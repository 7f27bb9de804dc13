// nnlab-train's command line: the flags, their checks and the --help text.
#pragma once

#include "app/common/command_line.h"

#include "engine/presets.h"
#include "engine/sweep.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab::app {

enum class Command { Train, Help, Version, ListPresets };

struct TrainOptions
{
    Command command = Command::Train;
    std::string presetName = "lesson";
    engine::Preset preset; // the preset with every later flag applied
    float learningRateDecay = 1.0f; // l_r is multiplied by this after every epoch

    // Data: the bundled MNIST unless told otherwise.
    std::string dataset = "mnist"; // "mnist" or "fashion"
    std::string dataDir;
    std::string trainImages, trainLabels, testImages, testLabels;
    std::string trainCsv, testCsv;

    std::string loadPath, savePath;
    // Flags that shape a new network (--hidden, --init, ...); a loaded model ignores them.
    std::vector<std::string> architectureFlags;

    // --sweep: one knob over several values, each value from every seed of --seeds; the preset
    // and the other flags are every run's base (nnlab-train --sweep, train_sweep.h).
    std::optional<engine::SweepSpec> sweep;
    std::optional<std::vector<std::uint64_t>> seeds; // --seeds, for the sweep
    int jobs = 0;          // --jobs: runs trained at once, 0 = one per core
    int threadsPerRun = 1; // a sweep run's trainer threads: --threads if given, else 1

    bool json = false;
    bool quiet = false;
    bool evaluateEachEpoch = true;
};

// Parses argv[1..]. Throws UsageError naming the flag and what was wrong with it.
TrainOptions parseOptions(int argc, const char* const* argv);

// The settings of the run as its model's provenance keeps them, in a legend's words:
// "784-90-10 sigmoid · SGD l_r 0.1 · batch 1 · init lesson, seed 1", then what else is set
// ("2,000 images", "shuffled", "l_r x0.5 after each epoch").
std::string describeSetup(const TrainOptions& o);

std::string_view helpText();
std::string presetList(); // one line per preset: name and description

} // namespace nnlab::app
