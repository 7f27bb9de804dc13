// Internal to the trainer's files (not installed): the buffers, thread pool and tuning
// constants that the run (trainer.cpp) and its paths share: the lesson's per-sample blocks
// (per_sample_path.cpp) and their form on sparse inputs (sparse_lesson_path.cpp), mini-batches
// (minibatch_path.cpp) and their sparse first layer (sparse_first_layer.cpp).
#pragma once

#include "activation.h"
#include "kernels.h"
#include "thread_pool.h"
#include "trainer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace nnlab::engine::trainer_detail {

constexpr int kMaxBatchSize = 65536;
// Samples per block of the per-sample path: large enough for efficient matrix products, small
// enough that the within-block corrections (k^2/2 dot products per block) stay cheap.
constexpr int kLessonBlock = 32;
// Samples per block of the per-sample path on sparse inputs (sparse_lesson_path.cpp): at each
// block's end r is folded into V, at most once per ~0.3 ms of training.
constexpr int kSparseLessonBlock = 256;
// Multiply-adds below which a product runs on one thread. Splitting costs about a microsecond
// when every thread is on hand, and far more when the host or another thread (a GUI) has taken
// one of their cores for a moment: the others wait at the end of the step. So the small steps
// of a batch (the keras presets' 10 x 90 layer: 180,000 multiply-adds for a batch of 200, a few
// microseconds) run on one thread, and a batch of the keras presets has three such meetings,
// not eight.
constexpr std::int64_t kSplitWork = 400000;
// Floats below which an optimizer step, or a batch's output errors, run on one thread.
constexpr std::int64_t kSplitFloats = 65536;
// InputPath::Auto: Dataset::mostlyBlank.
// Larger batches take the dense path: the sparse path's lists hold up to 2 x batch x inputs
// entries (a batch of dense images), 25 MB for 2048 MNIST images.
constexpr int kMaxSparseBatch = 2048;
// How many images ahead the sparse path's gather asks for the next image.
constexpr std::int64_t kGatherAhead = 4;
// Part `part` of [0, n) split into `parts` nearly equal ranges with boundaries at multiples
// of `align` (as ThreadPool::parallelRanges splits).
inline std::pair<std::int64_t, std::int64_t> shareOf(std::int64_t n, std::int64_t align, int part,
                                                     int parts)
{
    auto bound = [&](int p) {
        return p >= parts ? n : std::min(n, (n * p / parts + align - 1) / align * align);
    };
    return {bound(part), bound(part + 1)};
}

// softmax (activation.h) of one output column of n values, in place.
inline void softmaxColumn(float* o, int n)
{
    Eigen::Map<Eigen::ArrayXf> column(o, n);
    softmaxColumns(column);
}

inline int argmax(const float* o, int n) { return int(std::max_element(o, o + n) - o); }

} // namespace nnlab::engine::trainer_detail

namespace nnlab::engine {

// Buffers allocated once per batch size (never inside the batch loop) and the worker threads.
struct Trainer::Impl
{
    Impl(int threads, Scaling scaling) : pool(threads), pixels(scaling) {}

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
    // scaling; the pixel itself for raw scaling) at column * inputs, and their count; the same by pixel: the samples where pixel
    // p is nonzero (ascending) with their values, at p * sparseCapacity. Every input is
    // x' = v + pixels.offset. w_i_h^T and its gradient are inputs x ldT, row-major (each pixel's
    // weights contiguous); deltaT is d[0] with its columns padded to ldT.
    bool sparse = false;
    int sparseCapacity = 0;
    PixelValues pixels; // x' = v + pixels.offset; v for each byte
    // One set of lists per thread of a split forward pass: each thread lists the whole batch
    // itself (the same lists, from the same images), so that no list is written on one core
    // and read on another. Such hand-overs cost more than the listing on some hosts (docs/
    // BENCHMARKS.md, "The thread count measured").
    struct SparseLists
    {
        std::vector<std::int32_t> nzCount, nzIndex, pxCount;
        std::vector<float> nzValue;
        std::vector<PixelEntry> pxEntries;
        std::uint64_t batch = 0; // the sparseBatch they list
    };
    std::vector<SparseLists> lists; // [pool.threadIndex()]
    std::uint64_t sparseBatch = 0;  // the batches the sparse forward pass has begun
    // Each part's share of the hidden nodes, transposed, in memory of its own: where two
    // threads' columns met inside one row of a shared w_i_h^T, the core's adjacent-line
    // prefetcher (128-byte pairs of lines) moved the row's middle lines back and forth between
    // the cores. Rows of ld = paddedRow(the part's nodes).
    struct SparseScratch
    {
        Matrix wT, gT;   // inputs x ldT, of which each row's first ld are used
        Batch deltaT;    // ldT x n: the part's rows of d[0], zero padded to ld
        Vector biasT;    // b_0 + pixels.offset * rowsum(w_i_h) over the part's nodes, zero padded
        Vector gradBase; // pixels.offset * dE/db_0 over the part's nodes, zero padded
    };
    std::vector<SparseScratch> scratch; // [pool.threadIndex()]

    // The lesson's per-sample path works on blocks of up to kLessonBlock samples (see
    // runLessonBlock): their inputs, w_i_h times each of them, their Gram matrix, and the
    // first layer's steps lr * h_delta, one column per sample.
    Batch blockX, blockP, blockSteps;
    Eigen::MatrixXf gram;
    // The lesson's per-sample path on sparse inputs keeps w_i_h = V + r 1^T (see
    // runSparseLessonBlock): V^T (inputs x ldT, each pixel's weights contiguous), r and the row
    // sums w_i_h 1 (ldT each, zero padded), one sample's nonzero pixels and values, and the
    // sample's step lr * h_delta and first-layer shift (ldT). loaded: V^T, r and the row sums
    // hold w_i_h; stale: the network's w_i_h is older than they are (syncFirstLayer).
    Matrix lessonVT;
    Vector lessonR, lessonRowSum, lessonStep, lessonShift;
    std::vector<std::int32_t> lessonIndex;
    std::vector<float> lessonValue;
    bool lessonLoaded = false, lessonStale = false;

    Vector step; // lr * delta for one layer of one sample
    Vector lessonErrors; // o - t per output and sample (-o_errors, see outputErrors), outputs x n

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

// `count` samples trained from the cursor, with their summed loss and how many were right.
inline void Trainer::countSamples(std::size_t count, double loss, std::size_t correct)
{
    m_cursor += count;
    m_samplesSeen += count;
    m_epochLoss += loss;
    m_windowLoss += loss;
    m_epochCorrect += correct;
    m_windowCorrect += correct;
    m_epochCount += count;
    m_windowCount += count;
}

} // namespace nnlab::engine
