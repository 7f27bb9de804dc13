// A model and its outputs as JSON, as nnlab-model and nnlab-serve print them.
#pragma once

#include "engine/model_file.h"

#include <QJsonArray>
#include <QJsonObject>

namespace nnlab::app {

// {"architecture": "784-256-10 relu, softmax output, ...", "layer_sizes": [784, 256, 10],
//  "activation": "relu", "output": "softmax", "loss": "cross-entropy", "biases": true,
//  "scaling": "lesson", "targets": "lesson", "parameters": 203530, "test_accuracy": 0.9817 (null if unknown),
//  "samples_seen": 600000, "note": "..."}
QJsonObject modelJson(const engine::Model& model);

// [v0, v1, ...]: each float as the double it is exactly (reads back to the same float).
QJsonArray floatsJson(const float* values, int n);

} // namespace nnlab::app
