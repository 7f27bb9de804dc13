// The lesson's arithmetic for one image, with the lesson's names: the forward pass, the errors
// sent back through the layers, and one per-sample update (the lesson's train()). The step
// inspector shows these. On the lesson's own net with the lesson's errors they are
// lesson_network's lessonBackpropagate() and lessonTrain(); any other net (more layers, tanh,
// ReLU, softmax, biases, or the exact gradient) takes the same steps layer by layer here.
// Training itself uses the batched trainer, which the tests hold equal.
//
// For the lesson's 784-90-10 net (one hidden layer; l counts hidden layers from 0; the names
// and the sign of errors as in lesson_network.h):
//   input            input        784     pixel/255*0.99+0.01
//   hiddenInputs[0]  h_input      90      w_i_h . input
//   hiddenOutputs[0] h_output     90      sigmoid(h_input)
//   outputInput      o_input      10      w_h_o . h_output
//   outputOutput     o_output     10      sigmoid(o_input)
//   target                        10      0.99 for the label, 0.01 elsewhere
//   outputErrors     o_errors     10      target - o_output
//   hiddenErrors[0]  h_errors     90      w_h_o^T . o_errors (the lesson), or
//                                         w_h_o^T . (o_errors * o_output * (1 - o_output))
#pragma once

#include "network.h"

#include <cstdint>
#include <vector>

namespace nnlab::engine {

struct LessonTrace
{
    Vector input;
    std::vector<Vector> hiddenInputs;
    std::vector<Vector> hiddenOutputs;
    Vector outputInput;
    Vector outputOutput;
    Vector target;
    Vector outputErrors;
    std::vector<Vector> hiddenErrors;
    int label = 0;
    int predicted = 0; // the largest o_output
};

// The forward pass and the errors for one image of raw pixels (architecture().inputs of them).
// lessonErrors: the output layer sends o_errors back as the lesson's code does; otherwise the
// exact gradient's o_errors times the output's slope (softmax + cross-entropy: o_errors itself).
LessonTrace traceSample(const Network& net, const std::uint8_t* pixels, int label,
                        bool lessonErrors);

// The same from any scaled input (architecture().inputs values) and any target vector
// (outputs values), as the network view's toy net takes them from the lesson's figures; the
// label is the largest target. Throws std::invalid_argument if a size does not fit the net.
LessonTrace traceValues(const Network& net, const Vector& input, const Vector& target,
                        bool lessonErrors);

// -dE/d(o_input) for the trace's output, errors times slope in the lesson's sign: for the
// lesson's sigmoid and squared error o_errors * o_output * (1 - o_output). Against the trace's
// target when it has one (outputs values), else the label's.
Vector outputDeltaOf(const Architecture& arch, const LessonTrace& t);

// One gradient-descent step on this image alone, as the lesson's train() does:
//   w_h_o += l_r * (o_errors * o_output * (1 - o_output)) . h_output^T
//   w_i_h += l_r * (h_errors * h_output * (1 - h_output)) . input^T
// (with each layer's own slope for tanh and ReLU, softmax + cross-entropy's o_errors, biases
// when the net has them). Returns the trace from before the update.
LessonTrace trainOneSample(Network& net, const std::uint8_t* pixels, int label,
                           float learningRate, bool lessonErrors);

} // namespace nnlab::engine
