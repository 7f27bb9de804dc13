// Measuring a network on a dataset: loss, accuracy, confusion matrix, per-class accuracy.
#pragma once

#include "dataset.h"
#include "network.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace nnlab::engine {

struct Evaluation
{
    std::size_t count = 0;     // samples evaluated
    int classes = 0;
    double loss = 0;           // mean per-sample loss, the network's own loss function
    double accuracy = 0;       // fraction of samples whose largest output is the true class
    std::vector<std::int64_t> confusion;  // classes x classes, [true * classes + predicted]
    std::vector<double> perClassAccuracy; // per true class; NaN where a class has no samples
    std::vector<std::uint8_t> predictions; // argmax output per sample
    std::vector<float> confidence;         // the largest output per sample

    std::int64_t confusionAt(int trueClass, int predicted) const
    {
        return confusion[std::size_t(trueClass) * std::size_t(classes) + std::size_t(predicted)];
    }
};

// Evaluates the first `limit` samples (all by default) in chunks of up to 500 (fewer for a large
// network: each a few milliseconds), split over `threads` threads (0 = every core); the result
// is the same for any thread count. On mostly blank images (Dataset::mostlyBlank: MNIST's) the
// first layer multiplies only the nonzero pixels' columns of w_i_h, as training does; the
// answers are those of the dense forward pass up to float rounding.
Evaluation evaluate(const Network& net, const Dataset& data, std::size_t limit = SIZE_MAX,
                    int threads = 0);

// The same, asking keepGoing() (on the calling thread) before every round of one chunk per
// thread; empty if it said stop (a worker thread asked to quit does not finish testing a large
// network first). One thread unless told: a background evaluation takes no core from training.
std::optional<Evaluation> evaluateUnlessStopped(const Network& net, const Dataset& data,
                                                std::size_t limit,
                                                const std::function<bool()>& keepGoing,
                                                int threads = 1);

// Each thread that evaluates on several threads keeps those threads from one evaluation to the
// next (sleeping in between). This makes them now, ahead of the first: a thread made as an
// evaluation starts begins on its maker's core and may share it for milliseconds while another
// core is idle.
void prepareEvaluationThreads(int threads = 0);

// The loss of one sample's output column against its label, the same formula training uses.
double sampleLoss(const Architecture& arch, const float* output, int label);

} // namespace nnlab::engine
