// nnlab-train --sweep: the runs of a sweep spread over the cores, a JSON line per run as it ends,
// then a summary per value (a table, or JSON lines with --json).
#pragma once

#include "train_options.h"

#include "engine/dataset.h"

#include <functional>

namespace nnlab::app {

// Runs o.sweep on the data and prints it; interrupted() is asked about ten times a second (Ctrl-C
// cancels the sweep). Returns the exit code: 0, or kExitInterrupted. Throws UsageError for a
// value that does not fit the data ("--sweep: train-size=70000 is more than the 60,000 ...").
int runSweep(const TrainOptions& o, const engine::Dataset& train, const engine::Dataset& test,
             const std::function<bool()>& interrupted);

} // namespace nnlab::app
