// What one training run is made of: the network's shape, its initial weights, the learning
// settings and the data. Plain values, copied between the GUI and the worker thread.
#pragma once

#include "engine/architecture.h"
#include "engine/dataset.h"
#include "engine/network.h"
#include "engine/presets.h"
#include "engine/provenance.h"
#include "engine/trainer.h"

#include <QString>

#include <memory>

namespace nnlab::app {

struct TrainingSetup
{
    engine::Architecture architecture;
    engine::Init init = engine::Init::Lesson;
    std::uint64_t weightSeed = 1;
    engine::TrainingConfig training;
    int epochs = 1;                 // per Start; Start again trains as many more
    float learningRateDecay = 1.0f; // l_r is multiplied by this after every epoch

    static TrainingSetup fromPreset(const engine::Preset& preset);
    // The other way: a preset named `name`, described as describe() says (a sweep's base).
    engine::Preset toPreset(const QString& name = {}) const;
    // A legend line: "784-90-10 sigmoid · SGD l_r 0.1 · batch 1", then the lesson's mistakes
    // when chosen ("init rand", "raw pixels 0-255", "targets 0 and 1") and the images.
    QString describe() const;
    // Empty if the setup can train on a training set of the given size, else why not.
    QString validate(std::size_t trainingSamples) const;
};

// What differs in the live training settings (optimizer, l_r, batch size), as a curve's mark:
// "l_r 0.3 → 0.03", "SGD → Adam · l_r 0.3 → 0.001"; empty if nothing does.
QString describeChange(const engine::TrainingConfig& before, const engine::TrainingConfig& after);
// The same, one entry per setting that differs ("optimizer", "l_r", "batch", "decay": the l_r
// decay per epoch), values as shown ("0.3", "Adam"), at samplesSeen; describeChange(knobs) is
// their mark ("SGD → Adam · l_r 0.3 → 0.001 · decay 1 → 0.9").
std::vector<engine::KnobChange> knobChanges(const engine::TrainingConfig& before, float decayBefore,
                                            const engine::TrainingConfig& after, float decayAfter,
                                            std::uint64_t samplesSeen);
QString describeChange(const std::vector<engine::KnobChange>& knobs);

// A training and a test set, shared read-only between the GUI and the worker.
struct DataPair
{
    std::shared_ptr<const engine::Dataset> train;
    std::shared_ptr<const engine::Dataset> test;
    QString name; // "MNIST", "Fashion-MNIST", "my_digits.csv"
    std::vector<engine::FileDigest> files = {}; // the files read, with their SHA-256 (provenance)

    bool isValid() const { return train && test && train->size() > 0 && test->size() > 0; }
};

using NetworkPtr = std::shared_ptr<const engine::Network>;

} // namespace nnlab::app
