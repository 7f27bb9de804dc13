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
    return m_train.mostlyBlank(m_config.trainingSize);
}

void Trainer::reserveSparseBatch(int n)
{
    Impl& im = *m_impl;
    if (n <= im.sparseCapacity)
        return;
    im.sparseCapacity = n;
    const std::size_t inputs = std::size_t(m_network.architecture().inputs);
    const Eigen::Index ldT = paddedRow(int(m_network.weights(0).rows()));
    im.lists.resize(std::size_t(im.pool.size()));
    for (Impl::SparseLists& l : im.lists) {
        l.nzCount.assign(std::size_t(n), 0);
        l.nzIndex.assign(std::size_t(n) * inputs, 0);
        l.nzValue.assign(std::size_t(n) * inputs, 0.0f);
        l.pxCount.assign(inputs, 0);
        l.pxEntries.assign(inputs * std::size_t(n), PixelEntry{0, 0.0f});
    }
    im.scratch.resize(std::size_t(im.pool.size()));
    for (Impl::SparseScratch& s : im.scratch) {
        s.wT = Matrix::Zero(Eigen::Index(inputs), ldT);
        s.gT = Matrix::Zero(Eigen::Index(inputs), ldT);
        s.deltaT = Batch::Zero(ldT, n);
        s.biasT = Vector::Zero(ldT);
        s.gradBase = Vector::Zero(ldT);
    }
}

// The first layer's threads for a batch of n: every thread when the layer is large enough to
// be worth splitting.
int Trainer::sparseParts(int n) const
{
    const Matrix& w = m_network.weights(0);
    return std::int64_t(w.rows()) * w.cols() * n >= kSplitWork ? m_impl->pool.size() : 1;
}

// The batch's by-pixel lists, from its by-sample lists, in thread `self`'s.
void Trainer::listByPixel(int self, int n)
{
    Impl& im = *m_impl;
    Impl::SparseLists& l = im.lists[std::size_t(self)];
    const int inputs = m_network.architecture().inputs;
    const std::size_t stride = std::size_t(im.sparseCapacity);
    std::fill(l.pxCount.begin(), l.pxCount.end(), 0);
    for (int j = 0; j < n; ++j) {
        const std::int32_t* index = l.nzIndex.data() + std::ptrdiff_t(j) * inputs;
        const float* value = l.nzValue.data() + std::ptrdiff_t(j) * inputs;
        for (int e = 0; e < l.nzCount[std::size_t(j)]; ++e) {
            std::int32_t& listed = l.pxCount[std::size_t(index[e])];
            l.pxEntries[std::size_t(index[e]) * stride + std::size_t(listed++)] = PixelEntry{j, value[e]};
        }
    }
}

// The nonzero pixels of the next `count` samples, one list per column (see Impl::SparseLists),
// in thread `self`'s lists.
void Trainer::gatherNonzeroInputs(int self, std::size_t count)
{
    Impl& im = *m_impl;
    Impl::SparseLists& l = im.lists[std::size_t(self)];
    const KernelTable& k = kernels();
    const int inputs = m_network.architecture().inputs;
    for (std::size_t c = 0; c < count; ++c) {
        // A few images ahead into L1: they are shuffled reads the hardware cannot guess.
        if (c + kGatherAhead < count) {
            const char* ahead =
                reinterpret_cast<const char*>(m_train.image(m_order[m_cursor + c + kGatherAhead]));
            for (int offset = 0; offset < inputs; offset += 64)
                __builtin_prefetch(ahead + offset, 0, 3);
        }
        const std::size_t sample = m_order[m_cursor + c];
        l.nzCount[c] = k.sparsePixels(m_train.image(sample), inputs, im.pixels.table.data(), im.pixels.scale,
                                      l.nzIndex.data() + c * std::size_t(inputs),
                                      l.nzValue.data() + c * std::size_t(inputs));
    }
}

// The first layer's forward pass over the nonzero pixels only, into a[0]:
//     h_input = w_i_h x' + b = w_i_h v + (b + pixels.offset * rowsum(w_i_h))
// so the lesson's offset 0.01 on every pixel folds into the bias. Each sample adds up the
// columns of w_i_h of its nonzero pixels: rows of w_i_h^T. Threads split the hidden nodes;
// each first copies its rows of w_i_h, as the last optimizer step left them, into a w_i_h^T of
// its own. Each also lists the whole batch's nonzero pixels, by sample and by pixel, in lists
// of its own, and asks for the next batch's images: work done twice on two threads, but none
// of it written on one core and read on the other (docs/BENCHMARKS.md, "Each thread's own").
void Trainer::forwardSparseInputs(int n)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const Matrix& w = m_network.weights(0);
    const int rows = int(w.rows()), inputs = int(w.cols());
    const bool shifted = arch.biases || im.pixels.offset != 0.0f;
    const KernelActivation f = layerActivation(arch, 0);
    const int parts = sparseParts(n);
    const std::uint64_t batch = ++im.sparseBatch;
    im.pool.run(parts, [&](int part) {
        // The whole batch's lists, and the next batch's images asked for (into this core's
        // caches), on every thread that takes a part: once if it takes two.
        const int self = im.pool.threadIndex();
        Impl::SparseLists& l = im.lists[std::size_t(self)];
        if (l.batch != batch) {
            gatherNonzeroInputs(self, std::size_t(n));
            listByPixel(self, n);
            prefetchImages(m_cursor + std::size_t(n), std::size_t(n));
            l.batch = batch;
        }
        const auto [r0, r1] = shareOf(rows, kRowAlign, part, parts);
        if (r0 < r1) {
            Impl::SparseScratch& t = im.scratch[std::size_t(self)];
            const int nodes = int(r1 - r0), ld = paddedRow(nodes);
            k.transpose(nodes, inputs, w.data() + r0 * inputs, inputs, t.wT.data(), ld);
            t.biasT.setZero();
            Eigen::Ref<Vector> b = t.biasT.head(nodes);
            if (arch.biases)
                b = m_network.bias(0).segment(r0, nodes);
            if (im.pixels.offset != 0.0f)
                b += im.pixels.offset * w.middleRows(r0, nodes).rowwise().sum();
            k.sparseForward(nodes, n, t.wT.data(), ld, shifted ? t.biasT.data() : nullptr, l.nzCount.data(),
                            l.nzIndex.data(), l.nzValue.data(), inputs, im.a[0].data() + r0,
                            rows, f);
        }
    });
}

// The first layer's weight gradient over the nonzero pixels only, and the optimizer's step:
//     dE/dw_i_h = (1/n) delta x'^T = (1/n) delta v^T + pixels.offset * dE/db_0 (every column)
// It is built transposed, one row per pixel: row p sums v_p delta[:, j] over the samples j
// where pixel p is nonzero, in sample order, the same sums for any thread count. Threads split
// the hidden nodes; each transposes its part of the gradient back and steps its rows of w_i_h.
void Trainer::updateSparseInputLayer(int n, float scale)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    Matrix& w = m_network.weights(0);
    Matrix& g = im.gw[0];
    const int rows = int(w.rows()), inputs = int(w.cols());
    const Eigen::Map<const Batch> delta(im.d[0].data(), rows, n);
    const bool shifted = im.pixels.offset != 0.0f;
    const int parts = sparseParts(n);
    im.pool.run(parts, [&](int part) {
        // The by-pixel lists this thread made in the forward pass, in its own cache; or, if it
        // took no part there, those of one that did (the same lists).
        const int self = im.pool.threadIndex();
        const Impl::SparseLists* l = &im.lists[std::size_t(self)];
        for (std::size_t other = 0; l->batch != im.sparseBatch && other < im.lists.size(); ++other)
            l = &im.lists[other];
        const auto [r0, r1] = shareOf(rows, kRowAlign, part, parts);
        if (r0 == r1)
            return;
        Impl::SparseScratch& t = im.scratch[std::size_t(self)];
        const int nodes = int(r1 - r0), ld = paddedRow(nodes);
        const int ldd = int(t.deltaT.rows());
        t.deltaT.block(0, 0, nodes, n) = delta.middleRows(r0, nodes);
        t.deltaT.block(nodes, 0, ld - nodes, n).setZero();
        if (shifted) {
            t.gradBase.setZero();
            t.gradBase.head(nodes) = (im.pixels.offset * scale) * delta.middleRows(r0, nodes).rowwise().sum();
        }
        k.sparseWeightGradient(nodes, t.deltaT.data(), ldd, scale, l->pxCount.data(), l->pxEntries.data(),
                               im.sparseCapacity, shifted ? t.gradBase.data() : nullptr, t.gT.data(), ld, 0,
                               inputs);
        k.transpose(inputs, nodes, t.gT.data(), ld, g.data() + r0 * inputs, inputs);
        m_optimizer.apply(0, w.data(), g.data(), r0 * inputs, r1 * inputs);
    });
}

} // namespace nnlab::engine
