// The lesson's back-propagation link by link, for the network view: the error each link carries
// back (error x weight), each node's error below as the sum of what its links carry, and the
// update l_r x errors x slope x input each link takes, with its weight before and after.
//
// The lesson's worked example: an output node that should be 0.01 says 0.8, so its error is
// -0.79; the links with weights 0.6 and 0.4 carry -0.79 x 0.6 = -0.474 and -0.79 x 0.4 = -0.316
// back, and a hidden node's error is the sum of what its links carry.
//
// Legend, for weight layer l (out x in, as Network::weights(l); on the lesson's net l = 0 is
// w_i_h and l = 1 is w_h_o), with errors = target - output as everywhere (lesson_network.h):
//   errors   out       the errors of the layer's receiving nodes: o_errors at the output layer,
//                      h_errors below (the column sums of the layer above's `carried`)
//   slope    out       the activation's slope at those nodes, a (1 - a) for the sigmoid; empty at
//                      an output where the loss's own delta replaces errors x slope (softmax, or
//                      cross-entropy: loss.h)
//   delta    out       errors x slope: -dE/d(sum) at the receiving nodes, the update's direction
//   sent     out       what each node sends back over its links. The lesson's shortcut: the output
//                      layer sends o_errors itself; the exact gradient: delta. Hidden layers send
//                      delta in both (as the step trace does).
//   carried  out x in  carried(j, i) = sent(j) * w(j, i), the error link (j, i) carries back to
//                      node i below; empty for l = 0 (the inputs have no errors to learn from)
//   input    in        what the links carry forward: the scaled input for l = 0, else h_output
//   update   out x in  l_r * delta(j) * input(i)
//   before, after      the weights before the step and before + update
//   biasUpdate out     l_r * delta, when the net has biases (else empty)
#pragma once

#include "network.h"
#include "step_trace.h"

#include <vector>

namespace nnlab::engine {

struct LayerFlow
{
    Vector errors, slope, delta, sent;
    Matrix carried;
    Vector input;
    Matrix update, before, after;
    Vector biasUpdate;
};

struct ErrorFlow
{
    bool lessonErrors = true;      // the lesson's shortcut (true) or the exact gradient
    std::vector<LayerFlow> layers; // [l] for weight layer l
};

// What each link of a weight layer carries back: carried(j, i) = sent(j) * w(j, i) (out x in).
Matrix carriedErrors(const Matrix& w, const Vector& sent);

// The errors of the nodes below: each the sum of what its links carry back (w^T . sent).
Vector summedErrors(const Matrix& carried);

// The whole flow for one image, from the forward values of its step trace (traceSample():
// input, hiddenOutputs, outputOutput, outputErrors, label) and the net's current weights, for
// the lesson's shortcut or the exact gradient. Its errors equal the trace's hiddenErrors when
// the trace was made with the same lessonErrors, and its `after` weights equal what
// trainOneSample() leaves. Throws std::invalid_argument if the trace does not fit the net.
ErrorFlow errorFlow(const Network& net, const LessonTrace& trace, float learningRate,
                    bool lessonErrors);
// The same into `flow`, reusing its matrices when the net's shape is unchanged: a step of the
// 784-90-10 net then touches no fresh memory (three 90 x 784 matrices each call otherwise).
void errorFlow(const Network& net, const LessonTrace& trace, float learningRate,
               bool lessonErrors, ErrorFlow& flow);

} // namespace nnlab::engine
