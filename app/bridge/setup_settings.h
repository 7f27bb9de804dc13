// Remembering a TrainingSetup between sessions (QSettings), with every value checked on the
// way back in: a hand-edited or stale settings file can never produce an unusable setup.
#pragma once

#include "training_setup.h"

#include <optional>

class QSettings;

namespace nnlab::app {

void saveSetup(QSettings& settings, const TrainingSetup& setup);
// Empty if nothing usable was saved.
std::optional<TrainingSetup> loadSetup(const QSettings& settings);

} // namespace nnlab::app
