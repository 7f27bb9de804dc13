// The lesson's network as the lesson writes it: query() and train() for one hidden layer of
// sigmoids, one sample at a time, in plain Eigen. The reference the step inspector shows and
// the tests hold the trainer's fast paths to (the trainer computes the same, faster).
//
// Legend: the lesson's names, with shapes for its 784-90-10 net (i_n = 784, h_n = 90, o_n = 10).
// Weights are out x in, samples are columns.
//   input     i_n x 1     pixel / 255 * 0.99 + 0.01          (lessonInput)
//   w_i_h     h_n x i_n   input -> hidden weights            (Network::weights(0))
//   w_h_o     o_n x h_n   hidden -> output weights           (Network::weights(1))
//   h_input   h_n x 1     w_i_h . input
//   h_output  h_n x 1     sigmoid(h_input)
//   o_input   o_n x 1     w_h_o . h_output
//   o_output  o_n x 1     sigmoid(o_input)
//   target    o_n x 1     0.99 for the label, 0.01 elsewhere  (lessonTarget)
//   o_errors  o_n x 1     target - o_output
//   h_errors  h_n x 1     w_h_o^T . o_errors
//   l_r                   the learning rate
//
// The sign of errors, for all of nnlab: errors = target - output, the lesson's. An update adds
// l_r * errors * slope; code that works with gradients of the loss (loss.h, the trainer, the
// optimizers) has the opposite sign, dE/d(o_input) = -(o_errors * o_output * (1 - o_output)),
// and subtracts l_r * gradient: the same step.
#pragma once

#include "architecture.h"
#include "tensor.h"

#include <cstdint>

namespace nnlab::engine {

// What the lesson computes for one sample; train() fills all of it, query() the first four.
struct LessonPass
{
    Vector h_input, h_output, o_input, o_output;
    Vector o_errors, h_errors;
};

// The forward pass: o_output (and the values on the way) for one input.
LessonPass lessonQuery(const Matrix& w_i_h, const Matrix& w_h_o, const Vector& input);

// query(), then the errors sent back (o_errors, h_errors) for one input and its target; the
// weights stay as they are.
LessonPass lessonBackpropagate(const Matrix& w_i_h, const Matrix& w_h_o, const Vector& input,
                               const Vector& target);

// One step of the lesson's training loop: query, errors, then both updates in place, with
// h_errors taken through w_h_o as it was before its update. Returns the values before the update.
LessonPass lessonTrain(Matrix& w_i_h, Matrix& w_h_o, const Vector& input, const Vector& target,
                       float l_r);

// The lesson's input column for i_n raw pixels 0..255, and its target column for a label.
Vector lessonInput(const std::uint8_t* pixels, int i_n);
Vector lessonTarget(int label, int o_n);

// True if `arch` is the lesson's net: one sigmoid hidden layer, sigmoid outputs, squared error,
// no biases (any layer sizes, input scaling and targets: its train() takes them as given).
bool isLessonNetwork(const Architecture& arch);

} // namespace nnlab::engine
