// The workspace file (.nnlab-runs): the runs table's runs written as JSON, and read back checked.
#pragma once

#include "app/lab/run_registry.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace nnlab::app {

constexpr qint64 kMaxWorkspaceBytes = qint64(512) << 20; // a bigger file is refused unread

// {"format": "nnlab-runs", "version": RunRegistry::kWorkspaceVersion, "nnlab": the application's
// version, "runs": [one object per run, in `runs`' order]}, indented. A run keeps its key (id),
// number, name, colour, visibility, setup, data name and file digests, legend, preset, origin,
// parent key, start, samples, epochs, markers with their knob changes, and its three curves
// (running, test, quick) point by point. Seeds and the training size are decimal text (a JSON
// number holds only 53 bits); every other number is a JSON number.
QByteArray workspaceJson(const std::vector<RunRecord>& runs);

// The runs of a workspace file in its order, with the file's keys and parent keys. Every value is
// checked (type, range, size against RunRegistry::kMaxRuns and kMaxPoints, no key used twice);
// on the first fault returns std::nullopt and, if `why` is given, one sentence saying where and
// what ("This runs file cannot be opened: run 2: “key” is missing.").
std::optional<std::vector<RunRecord>> readWorkspace(const QByteArray& bytes, QString* why);

} // namespace nnlab::app
