// Back-query: a trained sigmoid network run backwards, from a target vector to an input image,
// as the lesson's book does (Rashid, 2016, "Make Your Own Neural Network": backquery()). It
// shows what the network "thinks" a digit looks like.
//
// Legend, for the lesson's 784-90-10 net (one column per target vector; l counts weight layers):
//   target     o_n x K    0.99 for the wanted digit, 0.01 elsewhere, or any values in (0, 1)
//   o_input    o_n x K    logit(target) = ln(target / (1 - target)), the inverse of the sigmoid
//   h_output   h_n x K    rescaled(w_h_o^T . o_input)
//   h_input    h_n x K    logit(h_output)
//   image      i_n x K    rescaled(w_i_h^T . h_input)                  (i_n = 784: 28 x 28)
// where rescaled(v) = (v - min v) / (max v - min v) * 0.98 + 0.01 for each column, so every
// value is back in the sigmoid's open range 0.01..0.99 before the next logit. A column whose
// values are all equal (max == min: say all-zero weights) has no shape to rescale and becomes
// 0.5 everywhere, the middle of that range (the logit of 0.5 is 0).
//
// Any number of sigmoid hidden layers goes the same way, layer by layer down to the inputs.
// The input scaling does not matter: the image is rescaled like every layer. Computed in double
// from the float weights: the logit near 0.01 and 0.99 magnifies rounding about a hundredfold.
#pragma once

#include "architecture.h"
#include "network.h"
#include "tensor.h"

#include <string>

namespace nnlab::engine {

inline constexpr double kBackQueryLow = 0.01; // every layer is rescaled into low..high
inline constexpr double kBackQueryHigh = 0.99;
inline constexpr double kBackQueryFlat = 0.5; // a column with max == min

// Empty if back-query applies to the architecture (sigmoid hidden layers, sigmoid outputs, no
// biases), else one sentence saying why not.
std::string backQueryUnavailable(const Architecture& arch);

// Empty if `target` (one target vector, `outputs` values) can be run backwards, else one
// sentence naming the first value that cannot ("output 3 is 1; the inverse sigmoid needs values
// strictly between 0 and 1 ...") or the wrong count.
std::string backQueryTargetProblem(const Vector& target, int outputs);

// The lesson's target for one digit: 0.99 for `digit`, 0.01 for every other output.
Vector backQueryTarget(int digit, int outputs);
// Every output's lesson target, one per column: outputs x outputs.
Batch backQueryAllTargets(int outputs);

// One image per column of `targets` (outputs x K): inputs x K, every value in 0.01..0.99.
// Throws std::invalid_argument with the sentence above when the network or a target does not
// allow it, or when targets has not outputs rows.
Batch backQuery(const Network& net, const Batch& targets);

// One image per output, each from the lesson's target for that output: inputs x outputs.
Batch backQueryAllOutputs(const Network& net);

} // namespace nnlab::engine
