#include "evaluation.h"

#include "loss.h"
#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace nnlab::engine {

namespace {
// Samples per forward pass: at most 500 (784 x 500 floats = 1.5 MB), and for a large network
// as many as make about kChunkWork multiply-adds (a few milliseconds), at least 16, so that a
// worker asked to stop is not held up by a long chunk.
constexpr std::size_t kMaxChunk = 500, kMinChunk = 16;
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
    auto runChunk = [&](std::size_t chunk) {
        const std::size_t start = chunk * perChunk, n = std::min(perChunk, ev.count - start);
        Batch x(arch.inputs, Eigen::Index(n));
        for (std::size_t c = 0; c < n; ++c)
            net.scaleInput(data.image(start + c), x.col(Eigen::Index(c)).data());
        const Batch o = net.predict(x);
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
    const int width = int(std::min<std::size_t>(std::size_t(threads > 0 ? threads : defaultThreadCount()),
                                                std::max<std::size_t>(chunks, 1)));
    ThreadPool pool(width); // of one thread: no worker threads, run() calls the parts in turn
    if (keepGoing && !keepGoing())
        return std::nullopt;
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<bool> stopped{false};
    std::exception_ptr failure;
    std::mutex failureLock;
    pool.run(int(chunks), [&](int chunk) {
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
    });
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
