// The output layer's loss and its error signal, shared by training, evaluation and the tests.
//
// For one sample with output o (o_n values), target t (targetValue(): the lesson's 0.01/0.99 or
// 0/1 for squared error, one-hot 0/1 for cross-entropy) and true class y:
//   squared error   E = 1/2 sum (t - o)^2          the lesson's; its o_errors = t - o
//   cross-entropy   E = -log o_y                   (softmax output)
//                   E = -sum t log o + (1-t) log(1-o)   (sigmoid output, one-hot t)
// outputDelta() writes dE/d(o_input), the error at the output layer's input sum. For the lesson
// net it is -(o_errors * o_output * (1 - o_output)).
#pragma once

#include "architecture.h"

namespace nnlab::engine {

// Loss of one output column (n values) against class `label`.
double outputLoss(const Architecture& arch, const float* o, int n, int label);

// delta[i] = dE/d(o_input)[i] for one output column.
void outputDelta(const Architecture& arch, const float* o, int n, int label, float* delta);
// The same against any target vector `target` (n values), not the class's: the network view's
// toy net takes the lesson's figures' targets as they are typed.
void outputDelta(const Architecture& arch, const float* o, const float* target, int n,
                 float* delta);

} // namespace nnlab::engine
