#include "worked_example.h"

#include "activation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nnlab::engine {

namespace {

// The lesson's figures (Rashid, "Make Your Own Neural Network"): a 3-3-3 net's input and weights.
constexpr float kFigureInput[3] = {0.9f, 0.1f, 0.8f};
constexpr float kFigureIH[3][3] = {{0.9f, 0.3f, 0.4f}, {0.2f, 0.8f, 0.2f}, {0.1f, 0.5f, 0.6f}};
constexpr float kFigureHO[3][3] = {{0.3f, 0.7f, 0.5f}, {0.6f, 0.5f, 0.2f}, {0.8f, 0.1f, 0.9f}};

void copyFigure(Matrix& w, const float (&figure)[3][3])
{
    for (int j = 0; j < std::min<int>(3, int(w.rows())); ++j)
        for (int i = 0; i < std::min<int>(3, int(w.cols())); ++i)
            w(j, i) = figure[j][i];
}

} // namespace

ToyExample toyExample(int inputs, int hidden, int outputs)
{
    for (int n : {inputs, hidden, outputs})
        if (n < 1 || n > kToyMaxNodes)
            throw std::invalid_argument("a toy net has 1 to " + std::to_string(kToyMaxNodes) +
                                        " nodes a layer, not " + std::to_string(n));
    Architecture a;
    a.inputs = inputs;
    a.hidden = {hidden};
    a.outputs = outputs;
    ToyExample t{Network(a), Vector::Constant(inputs, 0.5f),
                 Vector::Constant(outputs, kLessonTargetLow)};
    t.net.initialize(Init::Lesson, 1);
    copyFigure(t.net.weights(0), kFigureIH);
    copyFigure(t.net.weights(1), kFigureHO);
    for (int i = 0; i < std::min(3, inputs); ++i)
        t.input[i] = kFigureInput[i];
    t.target[0] = kLessonTargetHigh;
    return t;
}

ToyExample lessonWorkedExample()
{
    ToyExample t = toyExample(3, 3, 3);
    t.target << kLessonTargetLow, kLessonTargetHigh, kLessonTargetLow;
    // h_output as the net computes it, then w13 so that o_input(1) = 0.6 h1 + 0.4 h2 + w13 h3
    // is ln 4, whose sigmoid is 0.8.
    const Vector h = t.net.trace(t.input).activations[1];
    Matrix& w_h_o = t.net.weights(1);
    w_h_o(0, 0) = 0.6f;
    w_h_o(0, 1) = 0.4f;
    w_h_o(0, 2) = float((std::log(4.0) - 0.6 * double(h[0]) - 0.4 * double(h[1])) / double(h[2]));
    return t;
}

} // namespace nnlab::engine
