// The mini-batch path: forward, output errors, backward and the optimizer's step for a batch
// of samples, split across threads.
//
// Names and shapes for a batch of n samples (one sample per column, weights out x in):
//     x = im.x        inputs x n, the scaled pixels (the lesson's `inputs`)
//     a[l]            rows_l x n, the output of weight layer l: h_output ..., o_output
//     d[l]            rows_l x n, dE/d(input sum of layer l): the error signals
//     w_l, b_l        rows_l x cols_l and rows_l (w_0 = w_i_h, the last = w_h_o)
#include "trainer_impl.h"

#include "loss.h"

#include <cmath>

namespace nnlab::engine {

using namespace trainer_detail;

// Runs `count` samples from the cursor as one batch: forward, errors, backward, update.
void Trainer::runBatch(std::size_t count)
{
    const int n = int(count);
    reserveBatch(n);
    const bool sparse = m_impl->sparse && n <= kMaxSparseBatch;
    loadBatch(count, sparse);
    forwardBatch(n, sparse);
    const auto [batchLoss, correct] = batchOutputErrors(n);
    if (!std::isfinite(batchLoss)) {
        m_diverged = true;
        return;
    }
    backwardBatch(n);
    updateBatch(n, sparse);
    countSamples(count, batchLoss, correct);
}

// x for layer l: the batch's inputs, or the previous layer's output.
const float* Trainer::batchLayerInput(int l) const
{
    return l == 0 ? m_impl->x.data() : m_impl->a[std::size_t(l - 1)].data();
}

// 1. The batch's inputs, scaled (x/255*0.99+0.01 for the lesson), one per column; on the
//    sparse path, the nonzero pixels of each. The next batch's images are shuffled reads
//    from the whole dataset: ask for them now, so they arrive from memory while this batch
//    computes (the sparse forward pass asks on every thread).
void Trainer::loadBatch(std::size_t count, bool sparse)
{
    Impl& im = *m_impl;
    const int n = int(count);
    if (sparse) {
        reserveSparseBatch(n); // its pixels are listed in the forward pass, on every thread
    } else {
        scaleInputs(im.x.data(), std::size_t(n));
        prefetchImages(m_cursor + count, count);
    }
    for (int c = 0; c < n; ++c)
        im.labels[std::size_t(c)] = m_train.labels[m_order[m_cursor + std::size_t(c)]];
}

// 2. Forward: h_input = w_i_h x; h_output = f(h_input); ... o_output.
void Trainer::forwardBatch(int n, bool sparse)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    for (int l = 0; l < layers; ++l) {
        if (l == 0 && sparse) {
            forwardSparseInputs(n);
            continue;
        }
        const Matrix& w = m_network.weights(l);
        const int rows = int(w.rows()), cols = int(w.cols());
        const KernelActivation f = layerActivation(arch, l);
        float* out = im.a[std::size_t(l)].data();
        const float* in = batchLayerInput(l);
        const float* b = arch.biases ? m_network.bias(l).data() : nullptr;
        if (std::int64_t(rows) * cols * n < kSplitWork) {
            k.forward(rows, n, cols, w.data(), b, in, out, f);
        } else {
            im.pool.parallelRanges(n, 8, [&](std::int64_t c0, std::int64_t c1) {
                k.forward(rows, int(c1 - c0), cols, w.data(), b, in + c0 * cols,
                          out + c0 * rows, f);
            });
        }
    }
}

// 3. Output errors: loss, accuracy and dE/d(o_input) per sample. Returns the batch's summed
//    loss (non-finite on divergence) and how many samples it classified right.
std::pair<double, std::size_t> Trainer::batchOutputErrors(int n)
{
    Impl& im = *m_impl;
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    const int outputs = arch.outputs;
    float* o = im.a[std::size_t(layers - 1)].data();
    float* delta = im.d[std::size_t(layers - 1)].data();
    double partLoss[2] = {0, 0};
    std::size_t partCorrect[2] = {0, 0};
    auto errorsOfColumns = [&](int part, std::int64_t c0, std::int64_t c1) {
        for (std::int64_t c = c0; c < c1; ++c) {
            float* oc = o + c * outputs;
            if (arch.output == Output::Softmax)
                softmaxColumn(oc, outputs);
            const int label = im.labels[std::size_t(c)];
            partLoss[part] += outputLoss(arch, oc, outputs, label);
            partCorrect[part] += argmax(oc, outputs) == label;
            outputDelta(arch, oc, outputs, label, delta + c * outputs);
        }
    };
    if (std::int64_t(n) * outputs < kSplitFloats || im.pool.size() < 2) {
        errorsOfColumns(0, 0, n);
    } else {
        im.pool.run(2, [&](int part) { errorsOfColumns(part, part * n / 2, (part + 1) * n / 2); });
    }
    return {partLoss[0] + partLoss[1], partCorrect[0] + partCorrect[1]};
}

// 4. Backward: h_errors = w_h_o^T o_errors, times the hidden activation's slope.
void Trainer::backwardBatch(int n)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    const KernelActivation hiddenF = kernelActivation(arch.hiddenActivation);
    if (m_config.lessonErrors)
        outputErrors(im.a[std::size_t(layers - 1)].data(), im.labels.data(), n,
                     im.lessonErrors.data());
    for (int l = layers - 1; l >= 1; --l) {
        const Matrix& w = m_network.weights(l);
        const int rows = int(w.rows()), cols = int(w.cols());
        const float* dl = l == layers - 1 && m_config.lessonErrors ? im.lessonErrors.data()
                                                                   : im.d[std::size_t(l)].data();
        const float* prevA = im.a[std::size_t(l - 1)].data();
        float* prevD = im.d[std::size_t(l - 1)].data();
        if (std::int64_t(rows) * cols * n < kSplitWork) {
            k.backward(rows, n, cols, w.data(), dl, prevA, prevD, hiddenF);
        } else {
            im.pool.parallelRanges(n, 8, [&](std::int64_t c0, std::int64_t c1) {
                k.backward(rows, int(c1 - c0), cols, w.data(), dl + c0 * rows,
                           prevA + c0 * cols, prevD + c0 * cols, hiddenF);
            });
        }
    }
}

// 5. Mini-batch: dE/dW_l = (1/n) d_l a_{l-1}^T, then the optimizer's step. The gradient is
//    split across threads by the layer's inputs (each thread packs only its part of a_{l-1});
//    the step by contiguous runs of weights. The sparse first layer does both in
//    updateSparseInputLayer.
void Trainer::updateBatch(int n, bool sparse)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    const float scale = 1.0f / float(n);
    int tensor = 0;
    for (int l = 0; l < layers; ++l) {
        Matrix& w = m_network.weights(l);
        const int rows = int(w.rows()), cols = int(w.cols());
        Matrix& g = im.gw[std::size_t(l)];
        const float* dl = im.d[std::size_t(l)].data();
        const float* in = batchLayerInput(l);
        // g^T (cols x rows, column-major view of row-major g) = a_{l-1} d_l^T / n
        auto gradient = [&](std::int64_t c0, std::int64_t c1) {
            k.gemm(false, true, int(c1 - c0), rows, n, scale, in + c0, cols, dl, rows, 0.0f,
                   g.data() + c0, cols);
        };
        if (l == 0 && sparse) {
            updateSparseInputLayer(n, scale);
        } else {
            if (std::int64_t(rows) * cols * n < kSplitWork)
                gradient(0, cols);
            else
                im.pool.parallelRanges(cols, 16, gradient);
            if (w.size() < kSplitFloats)
                m_optimizer.apply(tensor, w.data(), g.data(), 0, w.size());
            else
                im.pool.parallelRanges(w.size(), 64, [&](std::int64_t e0, std::int64_t e1) {
                    m_optimizer.apply(tensor, w.data(), g.data(), e0, e1);
                });
        }
        if (arch.biases) {
            Vector& gb = im.gb[std::size_t(l)];
            gb = scale * Eigen::Map<const Batch>(dl, rows, n).rowwise().sum();
            m_optimizer.apply(tensor + 1, m_network.bias(l).data(), gb.data(), 0, rows);
        }
        tensor += arch.biases ? 2 : 1;
    }
    m_optimizer.finishStep();
}

} // namespace nnlab::engine
