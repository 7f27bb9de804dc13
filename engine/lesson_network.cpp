#include "lesson_network.h"

#include "activation.h"

namespace nnlab::engine {

LessonPass lessonQuery(const Matrix& w_i_h, const Matrix& w_h_o, const Vector& input)
{
    LessonPass p;
    p.h_input = w_i_h * input;                        // h_n = (h_n x i_n) . i_n
    p.h_output = sigmoid(p.h_input.array()).matrix(); // h_n
    p.o_input = w_h_o * p.h_output;                   // o_n = (o_n x h_n) . h_n
    p.o_output = sigmoid(p.o_input.array()).matrix(); // o_n
    return p;
}

LessonPass lessonBackpropagate(const Matrix& w_i_h, const Matrix& w_h_o, const Vector& input,
                               const Vector& target)
{
    LessonPass p = lessonQuery(w_i_h, w_h_o, input);
    p.o_errors = target - p.o_output;            // o_n
    p.h_errors = w_h_o.transpose() * p.o_errors; // h_n = (h_n x o_n) . o_n
    return p;
}

LessonPass lessonTrain(Matrix& w_i_h, Matrix& w_h_o, const Vector& input, const Vector& target,
                       float l_r)
{
    LessonPass p = lessonBackpropagate(w_i_h, w_h_o, input, target);
    // w_h_o += l_r * (o_errors * o_output * (1 - o_output)) . h_output^T     (o_n x h_n)
    const Vector o_step = (p.o_errors.array() * sigmoidSlope(p.o_output.array())).matrix();
    w_h_o.noalias() += l_r * o_step * p.h_output.transpose();
    // w_i_h += l_r * (h_errors * h_output * (1 - h_output)) . input^T        (h_n x i_n)
    const Vector h_step = (p.h_errors.array() * sigmoidSlope(p.h_output.array())).matrix();
    w_i_h.noalias() += l_r * h_step * input.transpose();
    return p;
}

Vector lessonInput(const std::uint8_t* pixels, int i_n)
{
    Vector input(i_n);
    for (int i = 0; i < i_n; ++i)
        input[i] = scalePixel(Scaling::Lesson, pixels[i]);
    return input;
}

Vector lessonTarget(int label, int o_n)
{
    Vector target(o_n);
    for (int o = 0; o < o_n; ++o)
        target[o] = targetValue(Loss::SquaredError, Targets::Lesson, o == label);
    return target;
}

bool isLessonNetwork(const Architecture& arch)
{
    return arch.hidden.size() == 1 && arch.hiddenActivation == Activation::Sigmoid &&
           arch.output == Output::Sigmoid && arch.loss == Loss::SquaredError && !arch.biases;
}

} // namespace nnlab::engine
