#include "presets.h"

#include "file_error.h"

#include <cstdio>

namespace nnlab::engine {

namespace {

// 784-90-10, sigmoid everywhere, squared error against 0.01/0.99, no biases, the lesson's
// N(0, receiving^-0.5) weights and x/255*0.99+0.01 inputs, per-sample gradient descent in file
// order.
Preset lesson()
{
    Preset p;
    p.name = "lesson";
    p.description = "the lesson from scratch: 784-90-10 sigmoid, squared error, per-sample "
                    "SGD lr 0.1, 2 epochs on all 60,000 images";
    p.training.optimizer.learningRate = 0.1f;
    p.training.batchSize = 1;
    p.training.lessonErrors = true; // h_errors = w_h_o^T o_errors, exactly as the lesson
    p.epochs = 2;
    return p;
}

Preset lesson100()
{
    Preset p = lesson();
    p.name = "lesson-100";
    p.description = "the lesson's first experiment: the same net on the first 100 images, "
                    "lr 0.3, 5 epochs";
    p.training.optimizer.learningRate = 0.3f;
    p.training.trainingSize = 100;
    p.epochs = 5;
    return p;
}

// The lesson's first, broken attempt, before its "data treatment good practices": the raw
// pixels 0-255 and np.random.rand weights (all positive), so every h_input is in the thousands
// and every h_output (and o_output) is 1. The sigmoid's slope there is 0: nothing learns.
Preset lessonFirstAttempt()
{
    Preset p = lesson();
    p.name = "lesson-first-attempt";
    p.description = "the lesson's broken start: raw pixels 0-255 and rand weights (0..1), so every "
                    "h_output is 1 and nothing learns; 100 images, lr 0.1, 1 epoch";
    p.architecture.scaling = Scaling::Raw;
    p.init = Init::Rand;
    p.training.trainingSize = 100;
    p.epochs = 1;
    return p;
}

// The lesson's Keras model: Dense(90, relu, kernel_initializer='normal') and Dense(10,
// softmax), categorical cross-entropy, batch 200, 5 epochs, Keras' shuffling.
Preset keras(const char* name, OptimizerKind kind, float lr, const char* description)
{
    Preset p;
    p.name = name;
    p.description = description;
    p.architecture.hiddenActivation = Activation::ReLU;
    p.architecture.output = Output::Softmax;
    p.architecture.loss = Loss::CrossEntropy;
    p.architecture.biases = true;
    p.init = Init::KerasNormal;
    p.training.optimizer.kind = kind;
    p.training.optimizer.learningRate = lr;
    p.training.batchSize = 200;
    p.training.shuffle = true;
    p.epochs = 5;
    return p;
}

Preset best()
{
    Preset p;
    p.name = "best";
    p.description = "a deeper modern MLP: 784-512-256-10 ReLU, softmax, Adam lr 0.003 (beta2 "
                    "0.99) decayed x0.7 per epoch, batch 100, 10 epochs";
    p.architecture.hidden = {512, 256};
    p.architecture.hiddenActivation = Activation::ReLU;
    p.architecture.output = Output::Softmax;
    p.architecture.loss = Loss::CrossEntropy;
    p.architecture.biases = true;
    p.architecture.scaling = Scaling::UnitRange;
    p.init = Init::He;
    p.training.optimizer.kind = OptimizerKind::Adam;
    // beta2 0.99 instead of 0.999: over 5 seeds, 0.9855-0.9867 against 0.9845-0.9863
    // (docs/BENCHMARKS.md, "Best MLP within 30 s").
    p.training.optimizer.learningRate = 0.003f;
    p.training.optimizer.beta2 = 0.99f;
    p.training.batchSize = 100;
    p.training.shuffle = true;
    p.epochs = 10;
    p.learningRateDecay = 0.7f;
    return p;
}

// The model nnlab opens with (resources/models/default.nnlab, scripts/make-default-model.sh).
Preset defaultModel()
{
    Preset p = best();
    p.name = "default";
    p.description = "the model nnlab opens with: 784-256-10 ReLU, softmax, Adam lr 0.002 "
                    "decayed x0.8 per epoch, batch 100, 10 epochs";
    p.architecture.hidden = {256};
    p.architecture.scaling = Scaling::Lesson;
    p.training.optimizer.learningRate = 0.002f;
    p.training.optimizer.beta2 = 0.999f; // Adam's own, not best's 0.99
    p.epochs = 10;
    p.learningRateDecay = 0.8f;
    return p;
}

} // namespace

const std::vector<Preset>& presets()
{
    static const std::vector<Preset> all{
        lesson(), lesson100(), lessonFirstAttempt(),
        keras("keras-sgd", OptimizerKind::SGD, 0.01f,
              "the lesson's Keras model: 784-90-10 ReLU + softmax, cross-entropy, batch 200, "
              "SGD lr 0.01, 5 epochs"),
        keras("keras-rmsprop", OptimizerKind::RMSprop, 0.001f,
              "the same Keras model with RMSprop lr 0.001"),
        best(), defaultModel()};
    return all;
}

std::optional<Preset> findPreset(const std::string& name)
{
    for (const Preset& p : presets())
        if (p.name == name)
            return p;
    return std::nullopt;
}

std::string describeSetup(const Preset& preset, bool withInit)
{
    // As the window's legend names them (TrainingSetup::describe).
    static const std::string kOptimizerNames[] = {"SGD", "momentum", "RMSprop", "Adam"};
    const TrainingConfig& t = preset.training;
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", double(t.optimizer.learningRate));
    std::string text = preset.architecture.describe(Detail::Brief) + " \u00b7 " +
                       kOptimizerNames[int(t.optimizer.kind)] + " l_r " + lr + " \u00b7 batch " +
                       std::to_string(t.batchSize);
    if (withInit)
        text += " \u00b7 init " + std::string(toString(preset.init)) + ", seed " +
                std::to_string(preset.weightSeed);
    if (preset.architecture.scaling == Scaling::Raw)
        text += " \u00b7 raw pixels 0-255";
    if (preset.architecture.loss == Loss::SquaredError &&
        preset.architecture.targets == Targets::ZeroOne)
        text += " \u00b7 targets 0 and 1";
    if (t.trainingSize < SIZE_MAX)
        text += " \u00b7 " + withThousands(t.trainingSize) + " images";
    if (t.shuffle)
        text += " \u00b7 shuffled, seed " + std::to_string(t.seed);
    if (t.lessonErrors)
        text += " \u00b7 the lesson's error propagation";
    if (preset.learningRateDecay != 1.0f) {
        char decay[32];
        std::snprintf(decay, sizeof decay, "%g", double(preset.learningRateDecay));
        text += " \u00b7 l_r x" + std::string(decay) + " after each epoch";
    }
    return text;
}

} // namespace nnlab::engine
