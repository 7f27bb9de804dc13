// Which pixels pushed the network towards a class: gradient x input. For each input pixel,
// d o_input[class] / d x times x: positive where the ink made the class more likely, negative
// where it argued against it. The draw view overlays it on the canvas.
#pragma once

#include "network.h"

#include <vector>

namespace nnlab::engine {

// x: one scaled input column (architecture().inputs values). Uses the output layer's input sum
// o_input (before sigmoid or softmax), so saturated outputs still show their reasons.
// Throws std::invalid_argument for a class outside the outputs or a wrong input size.
std::vector<float> gradientTimesInput(const Network& net, const Vector& x, int outputClass);

} // namespace nnlab::engine
