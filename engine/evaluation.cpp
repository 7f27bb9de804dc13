#include "evaluation.h"

#include "activation.h"
#include "kernels.h"
#include "loss.h"
#include "thread_pool.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace nnlab::engine {

namespace {
// Samples per forward pass: at most 500 (784 x 500 floats = 1.5 MB), and for a large network
// as many as make about kChunkWork multiply-adds (a few milliseconds), at least 16, so that a
// worker asked to stop is not held up by a long chunk.
constexpr std::size_t kMaxChunk = 500, kMinChunk = 16;
// Images looked at to choose the sparse first layer: a tenth of the quick estimates' 1,000.
constexpr std::size_t kBlankProbes = 100;
constexpr std::int64_t kChunkWork = 25'000'000;

std::size_t chunkSize(const Network& net)
{
    std::int64_t perSample = 0;
    for (int l = 0; l < net.layerCount(); ++l)
        perSample += std::int64_t(net.weights(l).size());
    return std::clamp(std::size_t(kChunkWork / std::max<std::int64_t>(perSample, 1)), kMinChunk, kMaxChunk);
}
} // namespace

double sampleLoss(const Architecture& arch, const float* output, int label)
{
    return outputLoss(arch, output, arch.outputs, label);
}

namespace {

// The first layer on sparse inputs, as training runs it (sparse_first_layer.cpp). Every input
// is x = offset + v with v = 0 for a blank pixel (81% of MNIST's), so
//     w_i_h x + b = w_i_h v + (b + offset * w_i_h 1)
// and each image multiplies only its nonzero pixels' columns of w_i_h: about a fifth of the
// dense product's multiply-adds on MNIST, and no 1.5 MB chunk of scaled pixels to write. w_i_h^T
// is made once per evaluation and shared; each thread lists its images' nonzero pixels in
// buffers of its own, kept from chunk to chunk.
class SparseFirstLayer
{
public:
    // Images listed at a time: 32 x 784 pixels' lists are 200 KB, beside w_i_h^T's 301 KB in L2.
    static constexpr int kListed = 32;

    SparseFirstLayer(const Network& net, int threads)
        : m_arch(net.architecture()), m_pixels(m_arch.scaling), m_scratch(std::size_t(threads))
    {
        const Matrix& w = net.weights(0);
        m_nodes = int(w.rows());
        m_inputs = int(w.cols());
        m_ld = paddedRow(m_nodes);
        m_weightsT = Matrix::Zero(m_inputs, m_ld); // the padding stays 0
        kernels().transpose(m_nodes, m_inputs, w.data(), m_inputs, m_weightsT.data(), m_ld);
        m_shift = Vector::Zero(m_ld);
        if (m_arch.biases)
            m_shift.head(m_nodes) = net.bias(0);
        if (m_pixels.offset != 0.0f)
            m_shift.head(m_nodes) += m_pixels.offset * w.rowwise().sum();
    }

    // The first layer's outputs f(w_i_h x + b) for images first..first+n of data, into the
    // calling thread's own buffer (thread: its ThreadPool::threadIndex()).
    const Batch& forward(const Dataset& data, std::size_t first, int n, int thread)
    {
        Scratch& s = m_scratch[std::size_t(thread)];
        s.index.resize(std::size_t(kListed) * std::size_t(m_inputs));
        s.value.resize(s.index.size());
        s.h.resize(m_nodes, n);
        const KernelTable& k = kernels();
        for (int j0 = 0; j0 < n; j0 += kListed) {
            const int listed = std::min(kListed, n - j0);
            for (int j = 0; j < listed; ++j) {
                const std::size_t at = std::size_t(j) * std::size_t(m_inputs);
                s.count[std::size_t(j)] =
                    k.sparsePixels(data.image(first + std::size_t(j0 + j)), m_inputs, m_pixels.table.data(),
                                   m_pixels.scale, s.index.data() + at, s.value.data() + at);
            }
            k.sparseForward(m_nodes, listed, m_weightsT.data(), m_ld, m_shift.data(),
                            s.count.data(), s.index.data(), s.value.data(), m_inputs,
                            s.h.col(j0).data(), m_nodes, layerActivation(m_arch, 0));
        }
        return s.h;
    }

private:
    struct Scratch
    {
        std::array<std::int32_t, kListed> count{};
        std::vector<std::int32_t> index;
        std::vector<float> value;
        Batch h;
    };
    Architecture m_arch;
    int m_nodes = 0, m_inputs = 0, m_ld = 0;
    Matrix m_weightsT; // inputs x m_ld
    Vector m_shift;    // b + offset * w_i_h 1, padded
    PixelValues m_pixels;
    std::vector<Scratch> m_scratch;
};

// The calling thread's pool of `threads` threads, kept from one evaluation to the next (its
// workers sleep in between). A pool made for each evaluation started a thread each time, on
// its maker's core, where it waited while the other core was idle: in the window, the
// per-epoch test of 10,000 images ran on one core for 4 of its 5 ms (sched_switch trace, issue
// 19; ThreadPool wakes a sleeping worker onto another core). Sized by the threads asked for,
// not by the chunks, so that the quick 1,000-image estimates (two chunks) and the whole test
// set share it on a machine of many cores.
ThreadPool& evaluationPool(int threads)
{
    thread_local std::unique_ptr<ThreadPool> pool;
    if (!pool || pool->size() != threads)
        pool = std::make_unique<ThreadPool>(threads);
    return *pool;
}

int threadsAsked(int threads) { return threads > 0 ? threads : defaultThreadCount(); }

std::optional<Evaluation> evaluateChunks(const Network& net, const Dataset& data,
                                         std::size_t limit, const std::function<bool()>& keepGoing,
                                         int threads)
{
    const Architecture& arch = net.architecture();
    if (arch.inputs != data.pixelsPerImage())
        throw std::invalid_argument("the network's inputs do not match the image size");
    if (arch.outputs < data.classCount())
        throw std::invalid_argument("the network has fewer outputs than the data has classes");
    Evaluation ev;
    ev.count = std::min(limit, data.size());
    ev.classes = arch.outputs;
    ev.confusion.assign(std::size_t(ev.classes) * std::size_t(ev.classes), 0);
    ev.predictions.resize(ev.count);
    ev.confidence.resize(ev.count);

    // Each chunk is one forward pass, written to its own slots, so the answers and the loss
    // (summed chunk by chunk, in order) are the same for any thread count.
    const std::size_t perChunk = chunkSize(net);
    const std::size_t chunks = (ev.count + perChunk - 1) / perChunk;
    std::vector<double> chunkLoss(chunks, 0.0);
    // One chunk, or one thread: on the calling thread alone.
    const int width = threadsAsked(threads);
    ThreadPool* pool = chunks > 1 && width > 1 ? &evaluationPool(width) : nullptr;
    // Mostly blank images (MNIST's) take the sparse first layer, unless the network is one layer.
    std::optional<SparseFirstLayer> sparse;
    if (net.layerCount() >= 2 && data.mostlyBlank(ev.count, kBlankProbes))
        sparse.emplace(net, pool ? pool->size() : 1);
    auto runChunk = [&](std::size_t chunk) {
        const std::size_t start = chunk * perChunk, n = std::min(perChunk, ev.count - start);
        Batch o;
        if (sparse) {
            o = net.predictFrom(1, sparse->forward(data, start, int(n), pool ? pool->threadIndex() : 0));
        } else {
            Batch x(arch.inputs, Eigen::Index(n));
            for (std::size_t c = 0; c < n; ++c)
                net.scaleInput(data.image(start + c), x.col(Eigen::Index(c)).data());
            o = net.predict(x);
        }
        double loss = 0;
        for (std::size_t c = 0; c < n; ++c) {
            const float* oc = o.col(Eigen::Index(c)).data();
            const int predicted = int(std::max_element(oc, oc + arch.outputs) - oc);
            loss += outputLoss(arch, oc, arch.outputs, data.labels[start + c]);
            ev.predictions[start + c] = std::uint8_t(predicted);
            ev.confidence[start + c] = oc[predicted];
        }
        chunkLoss[chunk] = loss;
    };

    // All chunks in one fork-join: each thread takes the next chunk nobody has started, so a
    // thread the system takes away for a moment (the GUI thread drawing, another program) holds
    // up only the chunk it is in, not a meeting after every round of chunks. keepGoing is asked
    // on the calling thread only (it may be a Qt thread's own state), before it starts and
    // before each chunk it takes; the others stop taking chunks once it has said no.
    if (keepGoing && !keepGoing())
        return std::nullopt;
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<bool> stopped{false};
    std::exception_ptr failure;
    std::mutex failureLock;
    const auto runPart = [&](int chunk) {
        if (stopped.load(std::memory_order_relaxed))
            return;
        if (keepGoing && std::this_thread::get_id() == caller && !keepGoing()) {
            stopped = true;
            return;
        }
        try {
            runChunk(std::size_t(chunk));
        } catch (...) {
            const std::lock_guard<std::mutex> lock(failureLock);
            if (!failure)
                failure = std::current_exception();
            stopped = true;
        }
    };
    if (pool)
        pool->run(int(chunks), runPart);
    else
        for (std::size_t chunk = 0; chunk < chunks; ++chunk)
            runPart(int(chunk));
    if (failure)
        std::rethrow_exception(failure);
    if (stopped)
        return std::nullopt;

    double lossSum = 0;
    for (const double l : chunkLoss)
        lossSum += l;
    std::vector<std::int64_t> perClassTotal(std::size_t(ev.classes), 0);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < ev.count; ++i) {
        const int label = data.labels[i];
        correct += ev.predictions[i] == label;
        ++ev.confusion[std::size_t(label) * std::size_t(ev.classes) + ev.predictions[i]];
        ++perClassTotal[std::size_t(label)];
    }
    if (ev.count > 0) {
        ev.loss = lossSum / double(ev.count);
        ev.accuracy = double(correct) / double(ev.count);
    }
    ev.perClassAccuracy.resize(std::size_t(ev.classes));
    for (int c = 0; c < ev.classes; ++c) {
        const auto total = perClassTotal[std::size_t(c)];
        ev.perClassAccuracy[std::size_t(c)] =
            total ? double(ev.confusionAt(c, c)) / double(total)
                  : std::numeric_limits<double>::quiet_NaN();
    }
    return ev;
}

} // namespace

void prepareEvaluationThreads(int threads)
{
    if (const int width = threadsAsked(threads); width > 1)
        evaluationPool(width);
}

Evaluation evaluate(const Network& net, const Dataset& data, std::size_t limit, int threads)
{
    return *evaluateChunks(net, data, limit, {}, threads);
}

std::optional<Evaluation> evaluateUnlessStopped(const Network& net, const Dataset& data,
                                                std::size_t limit,
                                                const std::function<bool()>& keepGoing,
                                                int threads)
{
    return evaluateChunks(net, data, limit, keepGoing, threads);
}

} // namespace nnlab::engine
