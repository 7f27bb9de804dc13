// The run: epochs, the cursor, slices (trainUntil) and the choice of path for each batch,
// checkpoints and progress reports, and the batch buffers and inputs the paths share.
#include "trainer_impl.h"

#include "loss.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

namespace nnlab::engine {

using namespace trainer_detail;
using Clock = std::chrono::steady_clock;

std::string TrainingConfig::validate() const
{
    if (batchSize < 1 || batchSize > kMaxBatchSize)
        return "the batch size must be 1 to " + std::to_string(kMaxBatchSize);
    if (threads < 0 || threads > 256)
        return "threads must be 0 (one per physical core) to 256";
    if (trainingSize < 1)
        return "the training set must have at least one sample";
    return optimizer.validate();
}

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
    m_impl = std::make_unique<Impl>(m_config.threads == 0 ? defaultThreadCount() : m_config.threads,
                                    arch.scaling);
    Impl& im = *m_impl;
    im.sparse = inputsAreSparse();
    startEpoch();
    checkpoint();
}

Trainer::Trainer(const TrainerState& state, const Dataset& train, TrainingConfig config)
    : Trainer(state.network, train, config)
{
    std::vector<std::uint32_t> expected = epochOrder(state.epoch);
    if (state.atStart()) {
        // Only the weights and the optimizer's state: the data order follows config.
    } else if (state.order != expected) {
        const std::size_t n = expected.size();
        if (state.order.size() != n)
            throw std::invalid_argument(
                "this start point walks " + std::to_string(state.order.size()) +
                " training samples per epoch, the settings now in use " + std::to_string(n) +
                "; set the training size back to go on from it");
        throw std::invalid_argument(
            "this start point walks the data in another order (shuffling or its seed changed); "
            "set them back to go on from it");
    } else {
        m_epoch = state.epoch;
        m_cursor = state.cursor;
        m_samplesSeen = state.samplesSeen;
        m_epochLoss = state.epochLoss;
        m_epochCorrect = state.epochCorrect;
        m_epochCount = state.epochCount;
        m_epochSeconds = state.epochSeconds;
        m_order = std::move(expected);
    }
    if (state.optimizer.tensorSizes() != tensorSizes())
        throw std::invalid_argument("the optimizer's state belongs to another network");
    m_optimizer = state.optimizer;
    m_optimizer.setSettings(m_config.optimizer);
    checkpoint();
}

Trainer::~Trainer() = default;

const Network& Trainer::network() const
{
    syncFirstLayer();
    return m_network;
}

TrainerState Trainer::state() const
{
    return TrainerState{network(), m_optimizer, m_order, m_epoch, m_cursor, m_samplesSeen,
                        m_epochLoss, m_epochCorrect, m_epochCount, m_epochSeconds};
}

void Trainer::setNetwork(Network network)
{
    if (!(network.architecture() == m_network.architecture()))
        throw std::invalid_argument("the new weights have a different architecture");
    if (!network.allFinite())
        throw std::invalid_argument("the network's weights are not all finite numbers");
    m_impl->lessonLoaded = m_impl->lessonStale = false;
    m_network = std::move(network);
    checkpoint();
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

std::vector<std::uint32_t> Trainer::epochOrder(int epoch) const
{
    const std::size_t n = std::min(m_config.trainingSize, m_train.size());
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    if (m_config.shuffle) {
        // Fisher-Yates from (seed, epoch): the same order on every run and every platform.
        std::seed_seq seq{std::uint64_t(m_config.seed), std::uint64_t(epoch)};
        std::mt19937_64 rng(seq);
        for (std::size_t i = n; i > 1; --i)
            std::swap(order[i - 1], order[rng() % i]);
    }
    return order;
}

void Trainer::startEpoch()
{
    m_order = epochOrder(m_epoch);
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
    m_impl->lessonLoaded = m_impl->lessonStale = false; // V + r 1^T goes with the weights
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
    const InputScale scale = inputScale(arch.scaling);
    m_impl->pool.parallelRanges(std::int64_t(count), 8, [&](std::int64_t c0, std::int64_t c1) {
        for (std::int64_t c = c0; c < c1; ++c) {
            const std::size_t sample = m_order[m_cursor + std::size_t(c)];
            k.scalePixels(m_train.image(sample), x + c * arch.inputs, arch.inputs, scale);
        }
    });
}

// -o_errors = o - t for n output columns: what the lesson passes back to the hidden layer.
// The sign flips here and in every error signal of the trainer (Impl::d, outputDelta): they
// are gradients dE/dz, the opposite of the lesson's errors = target - output stated in
// lesson_network.h, because the optimizers subtract l_r * gradient.
void Trainer::outputErrors(const float* o, const int* labels, int n, float* out) const
{
    const Architecture& arch = m_network.architecture();
    for (int c = 0; c < n; ++c)
        for (int i = 0; i < arch.outputs; ++i) {
            const std::ptrdiff_t at = std::ptrdiff_t(c) * arch.outputs + i;
            out[at] = o[at] - targetValue(arch, i == labels[c]);
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

void Trainer::reportIfDue(bool force)
{
    if (!m_progress)
        return;
    if (!force && m_windowCount == 0) // nothing trained since the last report
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

bool Trainer::perSampleSgd() const
{
    return m_config.batchSize == 1 && m_optimizer.settings().kind == OptimizerKind::SGD;
}

SliceResult Trainer::trainUntil(Clock::time_point deadline, const ContinueCallback& shouldContinue)
{
    SliceResult result;
    // A deadline already past asks for exactly one batch (step()); any other slice ends
    // between the per-sample path's blocks (see runLessonBlock).
    m_oneBatch = deadline <= Clock::now();
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
        const bool perSample = perSampleSgd();
        if (!(perSample && m_impl->sparse))
            leaveSparseLesson(); // a callback changed the batch size or the optimizer
        if (perSample) {
            bool stopped = false;
            count = m_impl->sparse
                        ? runSparseLessonBlock(deadline, shouldContinue, result.samples == 0, stopped)
                        : runLessonBlock(deadline, shouldContinue, result.samples == 0, stopped);
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
    leaveSparseLesson();
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
