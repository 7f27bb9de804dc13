// A drawing -> what the network sees and what it says: the engine's MNIST preprocessing, the
// model's input scaling and one forward pass, timed (the draw view's latency figure), with an
// optional explanation (gradient x input for the predicted class).
#pragma once

#include "engine/network.h"
#include "engine/preprocess.h"

#include <optional>
#include <vector>

namespace nnlab::app {

struct DrawingResult
{
    std::optional<engine::MnistImage> seen; // the 28x28 the network gets; empty: no ink
    std::vector<float> outputs;             // o_output: probabilities for a softmax output
    int digit = -1;                         // the largest output; -1 without ink
    float confidence = 0;                   // that output's value
    std::vector<float> saliency;            // 784 values when explained, else empty
    double microseconds = 0;                // preprocessing + forward pass
};

// Throws std::invalid_argument if the network does not take 28x28 images.
DrawingResult classifyDrawing(const engine::Network& net, const engine::InkImage& ink, bool explain);

} // namespace nnlab::app
