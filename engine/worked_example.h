// The lesson's toy nets for the network view: a small sigmoid net whose every number can be
// typed, and the lesson's worked example of back-propagation on it.
//
// The worked example (the lesson's "Backpropagation"): output node 1 should be 0.01 but says 0.8,
// so its error is -0.79; its links from hidden nodes 1 and 2, with weights w11 = 0.6 and
// w21 = 0.4, carry -0.79 x 0.6 = -0.474 and -0.79 x 0.4 = -0.316 back. Here it is a 3-3-3 net
// (the lesson's figures: inputs 0.9, 0.1, 0.8 and the book's weights); w_h_o's first row is
// 0.6, 0.4 and the weight that makes o_input of output 1 exactly ln 4 = logit(0.8).
#pragma once

#include "network.h"
#include "tensor.h"

namespace nnlab::engine {

inline constexpr int kToyMaxNodes = 12;         // a toy layer's most nodes: each one drawn
inline constexpr float kToyLearningRate = 0.3f; // the lesson's l_r
// The lesson's first network, before it grows to 784-90-10 for MNIST: 3 inputs, 5 hidden
// nodes, 2 outputs (the toy net the view opens with).
inline constexpr int kLessonToyInputs = 3, kLessonToyHidden = 5, kLessonToyOutputs = 2;

struct ToyExample
{
    Network net;  // inputs-hidden-outputs, sigmoid, no biases, squared error
    Vector input; // scaled input values, as the lesson writes them
    Vector target;
};

// A toy net of the given sizes (each 1..kToyMaxNodes, else std::invalid_argument): the lesson's
// figures' weights and inputs where the sizes reach them, the rest from N(0, n^-0.5) (seed 1),
// inputs 0.5, and targets 0.99 for the first output, 0.01 for the others.
ToyExample toyExample(int inputs, int hidden, int outputs);

// The worked example above, on the 3-3-3 net: target 0.01, 0.99, 0.01.
ToyExample lessonWorkedExample();

} // namespace nnlab::engine
