#include "trainer.h"

#include "kernels.h"
#include "loss.h"
#include "thread_pool.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace nnlab::engine {

using Clock = std::chrono::steady_clock;

namespace {

constexpr int kMaxBatchSize = 65536;
// Samples per block of the per-sample path: large enough for efficient matrix products, small
// enough that the within-block corrections (k^2/2 dot products per block) stay cheap.
constexpr int kLessonBlock = 32;
// Multiply-adds below which a product runs on one thread: splitting costs about a microsecond.
constexpr std::int64_t kSplitWork = 50000;
// InputPath::Auto: the share of nonzero pixels (in up to kSparsityProbes training images) up to
// which the sparse first layer is faster than the dense matrix products. Measured for 784-90-10
// on one core: 0.72x the dense time on MNIST (19% nonzero), 1.55x on Fashion-MNIST (50%).
constexpr double kMaxSparseShare = 0.3;
constexpr std::size_t kSparsityProbes = 1000;
// Larger batches take the dense path: the sparse path's lists hold up to 2 x batch x inputs
// entries (a batch of dense images), 25 MB for 2048 MNIST images.
constexpr int kMaxSparseBatch = 2048;
// How many images ahead the sparse path's gather asks for the next image.
constexpr std::int64_t kGatherAhead = 4;
// Row stride of w_i_h^T and its gradient: the hidden layer rounded up to whole 64-byte lines.
// Threads split the hidden nodes at multiples of it (the kernels' contract).
constexpr int kTransposedAlign = 16;

// Part `part` of [0, n) split into `parts` nearly equal ranges with boundaries at multiples
// of `align` (as ThreadPool::parallelRanges splits).
std::pair<std::int64_t, std::int64_t> shareOf(std::int64_t n, std::int64_t align, int part,
                                              int parts)
{
    auto bound = [&](int p) {
        return p >= parts ? n : std::min(n, (n * p / parts + align - 1) / align * align);
    };
    return {bound(part), bound(part + 1)};
}

KernelActivation hiddenKernelActivation(Activation a)
{
    switch (a) {
    case Activation::Sigmoid: return KernelActivation::Sigmoid;
    case Activation::Tanh: return KernelActivation::Tanh;
    case Activation::ReLU: return KernelActivation::ReLU;
    }
    return KernelActivation::Identity;
}

void softmaxColumn(float* o, int n)
{
    const float top = *std::max_element(o, o + n);
    float sum = 0;
    for (int i = 0; i < n; ++i)
        sum += (o[i] = std::exp(o[i] - top));
    for (int i = 0; i < n; ++i)
        o[i] /= sum;
}

int argmax(const float* o, int n) { return int(std::max_element(o, o + n) - o); }

} // namespace

std::string TrainingConfig::validate() const
{
    if (batchSize < 1 || batchSize > kMaxBatchSize)
        return "the batch size must be 1 to " + std::to_string(kMaxBatchSize);
    if (threads < 0 || threads > 256)
        return "threads must be 0 (all cores) to 256";
    if (trainingSize < 1)
        return "the training set must have at least one sample";
    return optimizer.validate();
}

// Buffers allocated once per batch size (never inside the batch loop) and the worker threads.
struct Trainer::Impl
{
    explicit Impl(int threads) : pool(threads) {}

    ThreadPool pool;
    int capacity = 0;          // columns the batch buffers hold
    Batch x;                   // inputs x capacity: the scaled batch, one sample per column
    std::vector<Batch> a;      // a[l]: output of weight layer l (h_output ..., o_output)
    std::vector<Batch> d;      // d[l]: dE/d(input sum) of weight layer l (the error signals)
    std::vector<Matrix> gw;    // dE/dW_l averaged over the batch
    std::vector<Vector> gb;    // dE/db_l
    std::vector<int> labels;

    // The sparse first layer (InputPath), for batches of up to sparseCapacity samples. Each
    // sample's nonzero pixels, index and value (v = pixel/255, times 0.99 for the lesson's
    // scaling) at column * inputs, and their count; the same by pixel: the samples where pixel
    // p is nonzero (ascending) with their values, at p * sparseCapacity. Every input is
    // x' = v + inputOffset. w_i_h^T and its gradient are inputs x ldT, row-major (each pixel's
    // weights contiguous); deltaT is d[0] with its columns padded to ldT.
    bool sparse = false;
    int sparseCapacity = 0;
    float inputOffset = 0;             // 0.01 for the lesson's scaling, else 0
    std::array<float, 256> pixelValue; // v for each byte
    std::vector<std::int32_t> nzCount, nzIndex, pxCount;
    std::vector<float> nzValue;
    std::vector<PixelEntry> pxEntries;
    Matrix wT, gT;
    Batch deltaT;
    Vector biasT;    // ldT: b_0 + inputOffset * rowsum(w_i_h), zero padded
    Vector gradBase; // ldT: inputOffset * dE/db_0, zero padded

    // The lesson's per-sample path works on blocks of up to kLessonBlock samples (see
    // runLessonBlock): their inputs, w_i_h times each of them, their Gram matrix, and the
    // first layer's steps lr * h_delta, one column per sample.
    Batch blockX, blockP, blockSteps;
    Eigen::MatrixXf gram;
    Vector step; // lr * delta for one layer of one sample
    Vector lessonErrors; // o - t per output and sample (the lesson's -o_errors), outputs x n

    struct Checkpoint
    {
        Network network;
        Optimizer optimizer;
        int epoch = 0;
        std::size_t cursor = 0;
        std::uint64_t samplesSeen = 0;
        double epochLoss = 0;
        std::size_t epochCorrect = 0, epochCount = 0;
    } saved;
    // When `saved` was taken; slices shorter than kCheckpointInterval share one checkpoint.
    std::chrono::steady_clock::time_point savedAt{};
};

Trainer::Trainer(Network network, const Dataset& train, TrainingConfig config)
    : m_network(std::move(network)), m_train(train), m_config(config)
{
    if (const std::string why = m_config.validate(); !why.empty())
        throw std::invalid_argument(why);
    const Architecture& arch = m_network.architecture();
    if (m_network.layerCount() == 0)
        throw std::invalid_argument("the network has no layers");
    if (train.size() == 0)
        throw std::invalid_argument("the training set is empty");
    if (arch.inputs != train.pixelsPerImage())
        throw std::invalid_argument("the network has " + std::to_string(arch.inputs) +
                                    " inputs but the images have " +
                                    std::to_string(train.pixelsPerImage()) + " pixels");
    if (arch.outputs != train.classCount())
        throw std::invalid_argument("the network has " + std::to_string(arch.outputs) +
                                    " outputs but the data has " +
                                    std::to_string(train.classCount()) + " classes");
    if (!m_network.allFinite())
        throw std::invalid_argument("the network's weights are not all finite numbers");
    m_optimizer = Optimizer(m_config.optimizer, tensorSizes());
    m_impl = std::make_unique<Impl>(m_config.threads == 0 ? defaultThreadCount()
                                                           : m_config.threads);
    Impl& im = *m_impl;
    im.sparse = inputsAreSparse();
    const bool lessonScaling = arch.scaling == Scaling::Lesson;
    im.inputOffset = lessonScaling ? kLessonInputOffset : 0.0f;
    for (int byte = 0; byte < 256; ++byte)
        im.pixelValue[std::size_t(byte)] =
            float(byte) / 255.0f * (lessonScaling ? kLessonInputRange : 1.0f);
    startEpoch();
    checkpoint();
}

Trainer::~Trainer() = default;

void Trainer::setNetwork(Network network)
{
    if (!(network.architecture() == m_network.architecture()))
        throw std::invalid_argument("the new weights have a different architecture");
    if (!network.allFinite())
        throw std::invalid_argument("the network's weights are not all finite numbers");
    m_network = std::move(network);
    checkpoint();
}

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

std::vector<std::int64_t> Trainer::tensorSizes() const
{
    std::vector<std::int64_t> sizes;
    for (int l = 0; l < m_network.layerCount(); ++l) {
        sizes.push_back(m_network.weights(l).size());
        if (m_network.architecture().biases)
            sizes.push_back(m_network.bias(l).size());
    }
    return sizes;
}

void Trainer::startEpoch()
{
    const std::size_t n = std::min(m_config.trainingSize, m_train.size());
    m_order.resize(n);
    std::iota(m_order.begin(), m_order.end(), 0u);
    if (m_config.shuffle) {
        // Fisher-Yates from (seed, epoch): the same order on every run and every platform.
        std::seed_seq seq{std::uint64_t(m_config.seed), std::uint64_t(m_epoch)};
        std::mt19937_64 rng(seq);
        for (std::size_t i = n; i > 1; --i)
            std::swap(m_order[i - 1], m_order[rng() % i]);
    }
    m_cursor = 0;
    m_epochLoss = 0;
    m_epochCorrect = m_epochCount = 0;
    m_epochSeconds = 0;
}

void Trainer::setProgressCallback(ProgressCallback cb, std::chrono::milliseconds interval)
{
    m_progress = std::move(cb);
    m_progressInterval = interval;
}

void Trainer::setLearningRate(float lr)
{
    OptimizerSettings s = m_optimizer.settings();
    s.learningRate = lr;
    setOptimizer(s);
}

void Trainer::setOptimizer(const OptimizerSettings& settings)
{
    m_optimizer.setSettings(settings); // throws std::invalid_argument on bad values
    m_config.optimizer = settings;
}

void Trainer::setBatchSize(int batchSize)
{
    if (batchSize < 1 || batchSize > kMaxBatchSize)
        throw std::invalid_argument("the batch size must be 1 to " +
                                    std::to_string(kMaxBatchSize));
    m_config.batchSize = batchSize;
}

void Trainer::checkpoint()
{
    m_impl->savedAt = std::chrono::steady_clock::now();
    auto& s = m_impl->saved;
    s.network = m_network;
    s.optimizer = m_optimizer;
    s.epoch = m_epoch;
    s.cursor = m_cursor;
    s.samplesSeen = m_samplesSeen;
    s.epochLoss = m_epochLoss;
    s.epochCorrect = m_epochCorrect;
    s.epochCount = m_epochCount;
}

void Trainer::restoreCheckpoint()
{
    auto& s = m_impl->saved;
    m_network = s.network;
    m_optimizer = s.optimizer;
    m_epoch = s.epoch;
    m_cursor = s.cursor;
    m_samplesSeen = s.samplesSeen;
    m_epochLoss = s.epochLoss;
    m_epochCorrect = s.epochCorrect;
    m_epochCount = s.epochCount;
    m_windowLoss = 0;
    m_windowCorrect = m_windowCount = 0;
}

void Trainer::reserveBatch(int n)
{
    Impl& im = *m_impl;
    if (n <= im.capacity)
        return;
    const int layers = m_network.layerCount();
    im.capacity = n;
    im.x.resize(m_network.architecture().inputs, n);
    im.a.assign(std::size_t(layers), Batch());
    im.d.assign(std::size_t(layers), Batch());
    im.gw.assign(std::size_t(layers), Matrix());
    im.gb.assign(std::size_t(layers), Vector());
    Eigen::Index widest = 1;
    for (int l = 0; l < layers; ++l) {
        const auto& w = m_network.weights(l);
        im.a[std::size_t(l)].resize(w.rows(), n);
        im.d[std::size_t(l)].resize(w.rows(), n);
        im.gw[std::size_t(l)].resize(w.rows(), w.cols());
        im.gb[std::size_t(l)].resize(m_network.architecture().biases ? w.rows() : 0);
        widest = std::max(widest, w.rows());
    }
    im.labels.resize(std::size_t(n));
    im.step.resize(widest);
    im.lessonErrors.resize(Eigen::Index(m_network.architecture().outputs) * n);
}

void Trainer::scaleInputs(float* x, std::size_t count)
{
    const Architecture& arch = m_network.architecture();
    const KernelTable& k = kernels();
    const bool lessonScaling = arch.scaling == Scaling::Lesson;
    m_impl->pool.parallelRanges(std::int64_t(count), 8, [&](std::int64_t c0, std::int64_t c1) {
        for (std::int64_t c = c0; c < c1; ++c) {
            const std::size_t sample = m_order[m_cursor + std::size_t(c)];
            k.scalePixels(m_train.image(sample), x + c * arch.inputs, arch.inputs,
                          lessonScaling);
        }
    });
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
                k.sparsePixels(m_train.image(sample), inputs, im.pixelValue.data(),
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
    const KernelActivation f =
        m_network.layerCount() > 1
            ? hiddenKernelActivation(arch.hiddenActivation)
            : (arch.output == Output::Sigmoid ? KernelActivation::Sigmoid
                                              : KernelActivation::Identity);
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

// -o_errors = o - t for n output columns: what the lesson passes back to the hidden layer.
void Trainer::outputErrors(const float* o, const int* labels, int n, float* out) const
{
    const Architecture& arch = m_network.architecture();
    for (int c = 0; c < n; ++c)
        for (int i = 0; i < arch.outputs; ++i) {
            const std::ptrdiff_t at = std::ptrdiff_t(c) * arch.outputs + i;
            out[at] = o[at] - targetValue(arch.loss, i == labels[c]);
        }
}

void Trainer::prefetchImages(std::size_t first, std::size_t count) const
{
    const std::size_t end = std::min(m_order.size(), first + count);
    const std::size_t bytes = std::size_t(m_train.pixelsPerImage());
    for (std::size_t i = first; i < end; ++i) {
        const char* image = reinterpret_cast<const char*>(m_train.image(m_order[i]));
        for (std::size_t offset = 0; offset < bytes; offset += 64)
            __builtin_prefetch(image + offset, 0, 1);
    }
}

// For one sample whose first-layer sum h_input is in a[0] column 0: h_output, the later
// layers, o_errors and their back-propagation down to d[0] column 0, with every weight as it
// is now. Returns the sample's loss (non-finite on divergence) and whether it was classified
// right.
std::pair<double, bool> Trainer::sampleForwardBackward(int label)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    const KernelActivation hiddenF = hiddenKernelActivation(arch.hiddenActivation);
    const KernelActivation outputF =
        arch.output == Output::Sigmoid ? KernelActivation::Sigmoid : KernelActivation::Identity;
    {
        Eigen::Map<Eigen::ArrayXf> z(im.a[0].data(), m_network.weights(0).rows());
        switch (layers == 1 ? outputF : hiddenF) {
        case KernelActivation::Identity: break;
        case KernelActivation::Sigmoid: z = (1.0f + (-z).exp()).inverse(); break;
        case KernelActivation::Tanh: z = z.tanh(); break;
        case KernelActivation::ReLU: z = z.max(0.0f); break;
        }
    }
    for (int l = 1; l < layers; ++l) {
        const Matrix& w = m_network.weights(l);
        k.forward(int(w.rows()), 1, int(w.cols()), w.data(),
                  arch.biases ? m_network.bias(l).data() : nullptr,
                  im.a[std::size_t(l - 1)].data(), im.a[std::size_t(l)].data(),
                  l + 1 == layers ? outputF : hiddenF);
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
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    const int inputs = arch.inputs;
    Matrix& w0 = m_network.weights(0);
    const int rows0 = int(w0.rows());
    const int block = int(std::min<std::size_t>(kLessonBlock, m_order.size() - m_cursor));
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
    const float biasTerm = arch.biases ? 1.0f : 0.0f; // b moves by -s_i as well

    int done = 0;
    for (; done < block; ++done) {
        if (done > 0 || !mustRunOne) {
            if ((shouldContinue && !shouldContinue()) || Clock::now() >= deadline) {
                stopped = shouldContinue && !shouldContinue();
                break;
            }
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
        // w_h_o += l_r * (o_errors * o_output * (1 - o_output)) h_output^T, and so on down.
        const float lr = m_optimizer.settings().learningRate;
        for (int l = layers - 1; l >= 1; --l) {
            Matrix& w = m_network.weights(l);
            im.step.head(w.rows()) =
                lr * Eigen::Map<const Vector>(im.d[std::size_t(l)].data(), w.rows());
            k.updateAndForwardRows(int(w.cols()), w.data(),
                                   arch.biases ? m_network.bias(l).data() : nullptr,
                                   im.step.data(), im.a[std::size_t(l - 1)].data(), nullptr,
                                   nullptr, 0, int(w.rows()));
        }
        im.blockSteps.col(done) = lr * Eigen::Map<const Vector>(im.d[0].data(), rows0);
        ++m_cursor;
        ++m_samplesSeen;
        m_epochLoss += loss;
        m_windowLoss += loss;
        m_epochCorrect += correct;
        m_windowCorrect += correct;
        ++m_epochCount;
        ++m_windowCount;
    }
    // w_i_h -= S X^T for the samples done: l_r * h_delta * input^T, summed over the block.
    if (done > 0) {
        im.pool.parallelRanges(rows0, 24, [&](std::int64_t r0, std::int64_t r1) {
            k.gemm(false, true, inputs, int(r1 - r0), done, -1.0f, im.blockX.data(), inputs,
                   im.blockSteps.data() + r0, rows0, 1.0f, w0.data() + r0 * inputs, inputs);
        });
        if (arch.biases)
            m_network.bias(0) -= im.blockSteps.leftCols(done).rowwise().sum();
    }
    return std::size_t(done);
}

// Runs `count` samples from the cursor as one batch: forward, errors, backward, update.
void Trainer::runBatch(std::size_t count)
{
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int layers = m_network.layerCount();
    const int n = int(count);
    const int outputs = arch.outputs;
    const KernelActivation hiddenF = hiddenKernelActivation(arch.hiddenActivation);
    const KernelActivation outputF =
        arch.output == Output::Sigmoid ? KernelActivation::Sigmoid : KernelActivation::Identity;
    reserveBatch(n);
    auto layerInput = [&](int l) -> const float* {
        return l == 0 ? im.x.data() : im.a[std::size_t(l - 1)].data();
    };
    auto biasOf = [&](int l) -> float* {
        return arch.biases ? m_network.bias(l).data() : nullptr;
    };

    // 1. The batch's inputs, scaled (x/255*0.99+0.01 for the lesson), one per column; on the
    //    sparse path, the nonzero pixels of each. The next batch's images are shuffled reads
    //    from the whole dataset: ask for them now, so they arrive from memory while this batch
    //    computes (the sparse forward pass asks on every thread).
    const bool sparse = im.sparse && n <= kMaxSparseBatch;
    if (sparse) {
        reserveSparseBatch(n);
        gatherNonzeroInputs(count);
    } else {
        scaleInputs(im.x.data(), std::size_t(n));
        prefetchImages(m_cursor + count, count);
    }
    for (int c = 0; c < n; ++c)
        im.labels[std::size_t(c)] = m_train.labels[m_order[m_cursor + std::size_t(c)]];

    // 2. Forward: h_input = w_i_h x; h_output = f(h_input); ... o_output.
    for (int l = 0; l < layers; ++l) {
        if (l == 0 && sparse) {
            forwardSparseInputs(n);
            continue;
        }
        const Matrix& w = m_network.weights(l);
        const int rows = int(w.rows()), cols = int(w.cols());
        const KernelActivation f = l + 1 == layers ? outputF : hiddenF;
        float* out = im.a[std::size_t(l)].data();
        const float* in = layerInput(l);
        const float* b = biasOf(l);
        if (std::int64_t(rows) * cols * n < kSplitWork) {
            k.forward(rows, n, cols, w.data(), b, in, out, f);
        } else {
            im.pool.parallelRanges(n, 8, [&](std::int64_t c0, std::int64_t c1) {
                k.forward(rows, int(c1 - c0), cols, w.data(), b, in + c0 * cols,
                          out + c0 * rows, f);
            });
        }
    }

    // 3. Output errors: loss, accuracy and dE/d(o_input) per sample.
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
    if (n < 64 || im.pool.size() < 2) {
        errorsOfColumns(0, 0, n);
    } else {
        im.pool.run(2, [&](int part) { errorsOfColumns(part, part * n / 2, (part + 1) * n / 2); });
    }
    const double batchLoss = partLoss[0] + partLoss[1];
    const std::size_t correct = partCorrect[0] + partCorrect[1];
    if (!std::isfinite(batchLoss)) {
        m_diverged = true;
        return;
    }

    // 4. Backward: h_errors = w_h_o^T o_errors, times the hidden activation's slope.
    if (m_config.lessonErrors)
        outputErrors(o, im.labels.data(), n, im.lessonErrors.data());
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

    {
        // Mini-batch: dE/dW_l = (1/n) d_l a_{l-1}^T, then the optimizer's step. The gradient
        // is split across threads by the layer's inputs (each thread packs only its part of
        // a_{l-1}); the step by contiguous runs of weights. The sparse first layer does both
        // in updateSparseInputLayer.
        const float scale = 1.0f / float(n);
        int tensor = 0;
        for (int l = 0; l < layers; ++l) {
            Matrix& w = m_network.weights(l);
            const int rows = int(w.rows()), cols = int(w.cols());
            Matrix& g = im.gw[std::size_t(l)];
            const float* dl = im.d[std::size_t(l)].data();
            const float* in = layerInput(l);
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

    m_cursor += count;
    m_samplesSeen += count;
    m_epochLoss += batchLoss;
    m_windowLoss += batchLoss;
    m_epochCorrect += correct;
    m_windowCorrect += correct;
    m_epochCount += count;
    m_windowCount += count;
}

void Trainer::reportIfDue(bool force)
{
    if (!m_progress)
        return;
    const auto now = Clock::now();
    if (!force && now - m_lastReport < m_progressInterval)
        return;
    TrainingProgress p;
    p.samplesSeen = m_samplesSeen;
    p.epoch = m_epoch;
    p.cursor = m_cursor;
    p.epochSize = m_order.size();
    p.epochFraction = m_epoch + double(m_cursor) / double(std::max<std::size_t>(1, m_order.size()));
    if (m_windowCount > 0) {
        p.runningLoss = m_windowLoss / double(m_windowCount);
        p.runningAccuracy = double(m_windowCorrect) / double(m_windowCount);
    }
    // Only time spent training counts: a pause between slices does not lower samples/s.
    const double seconds =
        m_windowSeconds + std::chrono::duration<double>(now - m_windowMark).count();
    p.samplesPerSecond = seconds > 0 ? double(m_windowCount) / seconds : 0.0;
    m_lastReport = now;
    m_windowMark = now;
    m_windowSeconds = 0;
    m_windowLoss = 0;
    m_windowCorrect = m_windowCount = 0;
    m_progress(p);
}

SliceResult Trainer::trainUntil(Clock::time_point deadline, const ContinueCallback& shouldContinue)
{
    SliceResult result;
    if (m_cursor >= m_order.size())
        startEpoch();
    if (!m_network.allFinite()) {
        // The last update of the previous slice overflowed although its loss was finite: back
        // to that slice's start.
        restoreCheckpoint();
        result.end = SliceEnd::Diverged;
        return result;
    }
    const auto start = Clock::now();
    // A copy of the weights and the optimizer's state to go back to (several MB for a large
    // net): at most every kCheckpointInterval, not every 15 ms slice of a GUI worker, where the
    // copies cost a few percent of the speed. A divergence goes back at most that far.
    if (start - m_impl->savedAt >= kCheckpointInterval)
        checkpoint();
    if (m_lastReport == Clock::time_point{})
        m_lastReport = start;
    m_windowMark = start;
    for (;;) {
        if (shouldContinue && !shouldContinue()) {
            result.end = SliceEnd::Stopped;
            break;
        }
        if (result.samples > 0 && Clock::now() >= deadline) {
            result.end = SliceEnd::Deadline;
            break;
        }
        std::size_t count = 0;
        if (m_config.batchSize == 1 && m_optimizer.settings().kind == OptimizerKind::SGD) {
            bool stopped = false;
            count = runLessonBlock(deadline, shouldContinue, result.samples == 0, stopped);
            if (!m_diverged && count == 0) {
                result.end = stopped ? SliceEnd::Stopped : SliceEnd::Deadline;
                break;
            }
        } else {
            count = std::min<std::size_t>(std::size_t(m_config.batchSize),
                                          m_order.size() - m_cursor);
            runBatch(count);
        }
        if (m_diverged) {
            m_diverged = false;
            restoreCheckpoint();
            result.end = SliceEnd::Diverged;
            break;
        }
        result.samples += count;
        if (m_cursor == m_order.size()) {
            result.end = SliceEnd::EpochEnded;
            break;
        }
        reportIfDue(false);
    }
    const auto end = Clock::now();
    const double seconds = std::chrono::duration<double>(end - start).count();
    m_windowSeconds += std::chrono::duration<double>(end - m_windowMark).count();
    m_windowMark = end;
    m_trainingSeconds += seconds;
    m_epochSeconds += seconds;
    if (result.end == SliceEnd::EpochEnded) {
        reportIfDue(true);
        result.epoch.epoch = m_epoch;
        result.epoch.loss = m_epochLoss / double(std::max<std::size_t>(1, m_epochCount));
        result.epoch.accuracy = double(m_epochCorrect) / double(std::max<std::size_t>(1, m_epochCount));
        result.epoch.seconds = m_epochSeconds;
        ++m_epoch;
        startEpoch();
    }
    return result;
}

SliceResult Trainer::trainEpoch(const ContinueCallback& shouldContinue)
{
    for (;;) {
        SliceResult r = trainUntil(Clock::now() + std::chrono::milliseconds(250), shouldContinue);
        if (r.end != SliceEnd::Deadline)
            return r;
    }
}

SliceResult Trainer::step()
{
    return trainUntil(Clock::now());
}

} // namespace nnlab::engine
