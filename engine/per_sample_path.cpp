// The lesson's per-sample SGD (batch 1): one sample's forward and backward pass, and blocks of
// kLessonBlock samples whose first-layer updates are folded into three matrix products.
#include "trainer_impl.h"

#include "loss.h"

#include <cmath>

namespace nnlab::engine {

using namespace trainer_detail;
using Clock = std::chrono::steady_clock;

// For one sample whose first-layer sum h_input is in a[0] column 0 (or h_output already, if
// `activated`): h_output, the later layers, o_errors and their back-propagation down to d[0]
// column 0, with every weight as it is now. Returns the sample's loss (non-finite on
// divergence) and whether it was classified right.
std::pair<double, bool> Trainer::sampleForwardBackward(int label, bool activated)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    const KernelActivation hiddenF = kernelActivation(arch.hiddenActivation);
    if (!activated) {
        Eigen::Map<Eigen::ArrayXf> z(im.a[0].data(), m_network.weights(0).rows());
        activate(layerActivation(arch, 0), z); // h_output = f(h_input)
    }
    for (int l = 1; l < layers; ++l) {
        const Matrix& w = m_network.weights(l);
        k.forward(int(w.rows()), 1, int(w.cols()), w.data(),
                  arch.biases ? m_network.bias(l).data() : nullptr,
                  im.a[std::size_t(l - 1)].data(), im.a[std::size_t(l)].data(),
                  layerActivation(arch, l));
    }
    float* o = im.a[std::size_t(layers - 1)].data();
    if (arch.output == Output::Softmax)
        softmaxColumn(o, arch.outputs);
    const double loss = outputLoss(arch, o, arch.outputs, label);
    const bool correct = argmax(o, arch.outputs) == label;
    outputDelta(arch, o, arch.outputs, label, im.d[std::size_t(layers - 1)].data());
    if (m_config.lessonErrors)
        outputErrors(o, &label, 1, im.lessonErrors.data());
    for (int l = layers - 1; l >= 1; --l) {
        const Matrix& w = m_network.weights(l);
        const float* passedBack = l == layers - 1 && m_config.lessonErrors
                                      ? im.lessonErrors.data()
                                      : im.d[std::size_t(l)].data();
        k.backward(int(w.rows()), 1, int(w.cols()), w.data(), passedBack,
                   im.a[std::size_t(l - 1)].data(), im.d[std::size_t(l - 1)].data(), hiddenF);
    }
    return {loss, correct};
}

// The lesson's per-sample SGD on up to kLessonBlock samples. Every sample sees the weights as
// updated by all samples before it, exactly as in the lesson's loop; only the arithmetic is
// arranged differently. Within a block, w_i_h is left as it was at the block's start (W) and
// each sample's h_input is corrected for the updates not yet applied:
//     w_i_h(after samples 0..c-1) = W - sum_{i<c} s_i x_i^T        (s_i = l_r * h_delta_i)
//     h_input_c = W x_c - sum_{i<c} s_i (x_i . x_c)
// so W x for the whole block, the Gram matrix x_i . x_c and the final W -= S X^T are three
// matrix products instead of 2 x 32 passes over w_i_h. Later layers are small and are updated
// sample by sample. Stops early (at a sample boundary) when asked to or past the deadline.
std::size_t Trainer::runLessonBlock(Clock::time_point deadline,
                                    const ContinueCallback& shouldContinue, bool mustRunOne,
                                    bool& stopped)
{
    Impl& im = *m_impl;
    const int rows0 = int(m_network.weights(0).rows());
    // Blocks end at multiples of kLessonBlock in the epoch (or after one sample for step()),
    // and a deadline ends a slice only between blocks: how the samples are grouped, and so
    // every rounding, depends on the position alone, never on timing, so a run and its same-start
    // or branch twin agree bit for bit.
    const std::size_t toBoundary = kLessonBlock - m_cursor % kLessonBlock;
    const int block = m_oneBatch ? 1
                                 : int(std::min<std::size_t>(toBoundary, m_order.size() - m_cursor));
    startLessonBlock(block);
    const float biasTerm = m_network.architecture().biases ? 1.0f : 0.0f; // b moves by -s_i too

    int done = 0;
    for (; done < block; ++done) {
        if (done == 0 && !mustRunOne) {
            if ((shouldContinue && !shouldContinue()) || Clock::now() >= deadline) {
                stopped = shouldContinue && !shouldContinue();
                break;
            }
        } else if (done > 0 && shouldContinue && !shouldContinue()) {
            stopped = true;
            break;
        }
        const std::size_t sample = m_order[m_cursor];
        const int label = m_train.labels[sample];
        // h_input for this sample, corrected for the earlier samples of the block.
        Eigen::Map<Vector> z(im.a[0].data(), rows0);
        z = im.blockP.col(done);
        if (done > 0)
            z.noalias() -= im.blockSteps.leftCols(done) *
                           (im.gram.col(done).head(done).array() + biasTerm).matrix();
        const auto [loss, correct] = sampleForwardBackward(label);
        if (!std::isfinite(loss)) {
            m_diverged = true;
            return std::size_t(done);
        }
        updateLaterLayers();
        // s = l_r * h_delta, applied to w_i_h at the block's end.
        const float lr = m_optimizer.settings().learningRate;
        im.blockSteps.col(done) = lr * Eigen::Map<const Vector>(im.d[0].data(), rows0);
        countSamples(1, loss, correct);
    }
    finishLessonBlock(done);
    return std::size_t(done);
}

// The block's scaled inputs X (inputs x block), P = W X (+ b) (rows0 x block) and the Gram
// matrix X^T X (block x block).
void Trainer::startLessonBlock(int block)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int inputs = arch.inputs;
    const Matrix& w0 = m_network.weights(0);
    const int rows0 = int(w0.rows());
    reserveBatch(1);
    if (im.blockX.cols() < kLessonBlock) {
        im.blockX.resize(inputs, kLessonBlock);
        im.blockP.resize(rows0, kLessonBlock);
        im.blockSteps.resize(rows0, kLessonBlock);
        im.gram.resize(kLessonBlock, kLessonBlock);
    }

    scaleInputs(im.blockX.data(), std::size_t(block));
    prefetchImages(m_cursor + std::size_t(block), std::size_t(block));
    // P = W X (+ b): each thread takes a share of w_i_h's rows, which stay in its own cache.
    im.pool.parallelRanges(rows0, 24, [&](std::int64_t r0, std::int64_t r1) {
        k.gemm(true, false, int(r1 - r0), block, inputs, 1.0f, w0.data() + r0 * inputs, inputs,
               im.blockX.data(), inputs, 0.0f, im.blockP.data() + r0, rows0);
    });
    if (arch.biases)
        im.blockP.leftCols(block).colwise() += m_network.bias(0);
    k.gemm(true, false, block, block, inputs, 1.0f, im.blockX.data(), inputs, im.blockX.data(),
           inputs, 0.0f, im.gram.data(), kLessonBlock);
}

// w_h_o += l_r * (o_errors * o_output * (1 - o_output)) h_output^T, and so on down to the
// second weight layer, for the sample just back-propagated: w -= l_r * d a^T, as d holds the
// gradient, -(o_errors * o_output * (1 - o_output)) (see Trainer::outputErrors).
void Trainer::updateLaterLayers()
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const float lr = m_optimizer.settings().learningRate;
    for (int l = m_network.layerCount() - 1; l >= 1; --l) {
        Matrix& w = m_network.weights(l);
        im.step.head(w.rows()) =
            lr * Eigen::Map<const Vector>(im.d[std::size_t(l)].data(), w.rows());
        k.updateRows(int(w.cols()), w.data(), arch.biases ? m_network.bias(l).data() : nullptr,
                     im.step.data(), im.a[std::size_t(l - 1)].data(), 0, int(w.rows()));
    }
}

// w_i_h -= S X^T for the samples done: l_r * h_delta * input^T, summed over the block.
void Trainer::finishLessonBlock(int done)
{
    if (done == 0)
        return;
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const int inputs = m_network.architecture().inputs;
    Matrix& w0 = m_network.weights(0);
    const int rows0 = int(w0.rows());
    im.pool.parallelRanges(rows0, 24, [&](std::int64_t r0, std::int64_t r1) {
        k.gemm(false, true, inputs, int(r1 - r0), done, -1.0f, im.blockX.data(), inputs,
               im.blockSteps.data() + r0, rows0, 1.0f, w0.data() + r0 * inputs, inputs);
    });
    if (m_network.architecture().biases)
        m_network.bias(0) -= im.blockSteps.leftCols(done).rowwise().sum();
}

} // namespace nnlab::engine
