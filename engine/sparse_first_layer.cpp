// The sparse first layer of mini-batches (InputPath): when to take it, the batch's nonzero
// pixels listed by sample and by pixel, and w_i_h's forward pass, gradient and step over them.
#include "trainer_impl.h"

#include <algorithm>

namespace nnlab::engine {

using namespace trainer_detail;

bool Trainer::sparseInputs() const { return m_impl->sparse; }

bool Trainer::inputsAreSparse() const
{
    switch (m_config.inputPath) {
    case InputPath::Dense: return false;
    case InputPath::Sparse: return true;
    case InputPath::Auto: break;
    }
    // Nonzero pixels in images spread evenly over the training set.
    const std::size_t n = std::min(m_config.trainingSize, m_train.size());
    const std::size_t probes = std::min(n, kSparsityProbes);
    const int pixels = m_train.pixelsPerImage();
    std::size_t nonzero = 0;
    for (std::size_t i = 0; i < probes; ++i) {
        const std::uint8_t* image = m_train.image(i * n / probes);
        nonzero += std::size_t(pixels - std::count(image, image + pixels, std::uint8_t(0)));
    }
    return double(nonzero) <= kMaxSparseShare * double(probes) * double(pixels);
}

void Trainer::reserveSparseBatch(int n)
{
    Impl& im = *m_impl;
    if (n <= im.sparseCapacity)
        return;
    im.sparseCapacity = n;
    const std::size_t inputs = std::size_t(m_network.architecture().inputs);
    const Eigen::Index rows0 = m_network.weights(0).rows();
    const Eigen::Index ldT = (rows0 + kTransposedAlign - 1) / kTransposedAlign * kTransposedAlign;
    im.nzCount.assign(std::size_t(n), 0);
    im.nzIndex.assign(std::size_t(n) * inputs, 0);
    im.nzValue.assign(std::size_t(n) * inputs, 0.0f);
    im.pxCount.assign(inputs, 0);
    im.pxEntries.assign(inputs * std::size_t(n), PixelEntry{0, 0.0f});
    im.wT = Matrix::Zero(Eigen::Index(inputs), ldT);
    im.gT = Matrix::Zero(Eigen::Index(inputs), ldT);
    im.deltaT = Batch::Zero(ldT, n);
    im.biasT = Vector::Zero(ldT);
    im.gradBase = Vector::Zero(ldT);
}

// Pixels p0..p1 of the batch's by-pixel lists, from its by-sample lists.
void Trainer::listByPixel(int n, int p0, int p1)
{
    Impl& im = *m_impl;
    const int inputs = m_network.architecture().inputs;
    const std::size_t stride = std::size_t(im.sparseCapacity);
    std::fill(im.pxCount.begin() + p0, im.pxCount.begin() + p1, 0);
    for (int j = 0; j < n; ++j) {
        const std::int32_t* index = im.nzIndex.data() + std::ptrdiff_t(j) * inputs;
        const float* value = im.nzValue.data() + std::ptrdiff_t(j) * inputs;
        const std::int32_t* end = index + im.nzCount[std::size_t(j)];
        for (const std::int32_t* e = std::lower_bound(index, end, p0); e != end && *e < p1; ++e) {
            std::int32_t& listed = im.pxCount[std::size_t(*e)];
            im.pxEntries[std::size_t(*e) * stride + std::size_t(listed++)] =
                PixelEntry{j, value[e - index]};
        }
    }
}

// The nonzero pixels of the next `count` samples, one list per column (see Impl::nzIndex).
void Trainer::gatherNonzeroInputs(std::size_t count)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const int inputs = m_network.architecture().inputs;
    im.pool.parallelRanges(std::int64_t(count), 8, [&](std::int64_t c0, std::int64_t c1) {
        for (std::int64_t c = c0; c < c1; ++c) {
            // A few images ahead into L1: they are shuffled reads the hardware cannot guess.
            if (c + kGatherAhead < c1) {
                const char* ahead = reinterpret_cast<const char*>(
                    m_train.image(m_order[m_cursor + std::size_t(c + kGatherAhead)]));
                for (int offset = 0; offset < inputs; offset += 64)
                    __builtin_prefetch(ahead + offset, 0, 3);
            }
            const std::size_t sample = m_order[m_cursor + std::size_t(c)];
            im.nzCount[std::size_t(c)] =
                k.sparsePixels(m_train.image(sample), inputs, im.pixelValue.data(), im.pixelScale,
                               im.nzIndex.data() + c * inputs, im.nzValue.data() + c * inputs);
        }
    });
}

// The first layer's forward pass over the nonzero pixels only, into a[0]:
//     h_input = w_i_h x' + b = w_i_h v + (b + inputOffset * rowsum(w_i_h))
// so the lesson's offset 0.01 on every pixel folds into the bias. Each sample adds up the
// columns of w_i_h of its nonzero pixels: rows of w_i_h^T. Threads split the hidden nodes;
// each first copies its rows of w_i_h, as the last optimizer step left them, into w_i_h^T.
// They also split the pixels to list the batch by pixel for the gradient, and ask for a share
// of the next batch's images.
void Trainer::forwardSparseInputs(int n)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const Matrix& w = m_network.weights(0);
    const int rows = int(w.rows()), inputs = int(w.cols()), ldT = int(im.wT.cols());
    const bool shifted = arch.biases || im.inputOffset != 0.0f;
    const KernelActivation f = layerActivation(arch, 0);
    const int parts = std::int64_t(rows) * inputs * n >= kSplitWork ? im.pool.size() : 1;
    im.pool.run(parts, [&](int part) {
        const auto [r0, r1] = shareOf(rows, kTransposedAlign, part, parts);
        if (r0 < r1) {
            const int nodes = int(r1 - r0);
            k.transpose(nodes, inputs, w.data() + r0 * inputs, inputs, im.wT.data() + r0, ldT);
            Eigen::Ref<Vector> b = im.biasT.segment(r0, nodes);
            if (arch.biases)
                b = m_network.bias(0).segment(r0, nodes);
            else
                b.setZero();
            if (im.inputOffset != 0.0f)
                b += im.inputOffset * w.middleRows(r0, nodes).rowwise().sum();
            k.sparseForward(nodes, n, im.wT.data() + r0, ldT,
                            shifted ? im.biasT.data() + r0 : nullptr, im.nzCount.data(),
                            im.nzIndex.data(), im.nzValue.data(), inputs, im.a[0].data() + r0,
                            rows, f);
        }
        const auto [p0, p1] = shareOf(inputs, 1, part, parts);
        listByPixel(n, int(p0), int(p1));
        const auto [c0, c1] = shareOf(n, 1, part, parts);
        prefetchImages(m_cursor + std::size_t(n + c0), std::size_t(c1 - c0));
    });
}

// The first layer's weight gradient over the nonzero pixels only, and the optimizer's step:
//     dE/dw_i_h = (1/n) delta x'^T = (1/n) delta v^T + inputOffset * dE/db_0 (every column)
// It is built transposed, one row per pixel: row p sums v_p delta[:, j] over the samples j
// where pixel p is nonzero, in sample order, the same sums for any thread count. Threads split
// the hidden nodes; each transposes its part of the gradient back and steps its rows of w_i_h.
void Trainer::updateSparseInputLayer(int n, float scale)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    Matrix& w = m_network.weights(0);
    Matrix& g = im.gw[0];
    const int rows = int(w.rows()), inputs = int(w.cols()), ldT = int(im.gT.cols());
    const Eigen::Map<const Batch> delta(im.d[0].data(), rows, n);
    const bool shifted = im.inputOffset != 0.0f;
    const int parts = std::int64_t(rows) * inputs * n >= kSplitWork ? im.pool.size() : 1;
    im.pool.run(parts, [&](int part) {
        const auto [r0, r1] = shareOf(rows, kTransposedAlign, part, parts);
        if (r0 == r1)
            return;
        const int nodes = int(r1 - r0);
        im.deltaT.block(r0, 0, nodes, n) = delta.middleRows(r0, nodes);
        if (shifted)
            im.gradBase.segment(r0, nodes) =
                (im.inputOffset * scale) * delta.middleRows(r0, nodes).rowwise().sum();
        k.sparseWeightGradient(nodes, im.deltaT.data() + r0, ldT, scale, im.pxCount.data(),
                               im.pxEntries.data(), im.sparseCapacity,
                               shifted ? im.gradBase.data() + r0 : nullptr, im.gT.data() + r0,
                               ldT, 0, inputs);
        k.transpose(inputs, nodes, im.gT.data() + r0, ldT, g.data() + r0 * inputs, inputs);
        m_optimizer.apply(0, w.data(), g.data(), r0 * inputs, r1 * inputs);
    });
}

} // namespace nnlab::engine
