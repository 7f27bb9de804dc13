// The lesson's setups as named presets, shared by nnlab-train, the benchmarks and the app.
#pragma once

#include "architecture.h"
#include "trainer.h"

#include <optional>
#include <string>
#include <vector>

namespace nnlab::engine {

struct Preset
{
    std::string name;        // "lesson"
    std::string description; // one line, in the lesson's words
    Architecture architecture;
    Init init = Init::Lesson;
    std::uint64_t weightSeed = 1;
    TrainingConfig training;
    int epochs = 1;
    float learningRateDecay = 1.0f; // the learning rate is multiplied by this after each epoch
};

// lesson, lesson-100, lesson-first-attempt, keras-sgd, keras-rmsprop, best, default.
const std::vector<Preset>& presets();
std::optional<Preset> findPreset(const std::string& name);

// The settings of a run in a legend's words, as a model's provenance and a sweep's runs keep
// them: "784-90-10 sigmoid · SGD l_r 0.1 · batch 1 · init lesson, seed 1", then what else is set
// ("raw pixels 0-255", "targets 0 and 1", "2,000 images", "shuffled, seed 3", "l_r x0.5 after
// each epoch"). withInit = false leaves the
// initial weights out (a loaded model keeps its own).
std::string describeSetup(const Preset& preset, bool withInit = true);

} // namespace nnlab::engine
