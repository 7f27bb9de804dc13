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

// lesson, lesson-100, keras-sgd, keras-rmsprop, best.
const std::vector<Preset>& presets();
std::optional<Preset> findPreset(const std::string& name);

} // namespace nnlab::engine
