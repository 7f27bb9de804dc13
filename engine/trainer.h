// Training a network on a dataset in batches, built to be driven from a worker thread: it trains
// in slices, keeps its epoch and cursor as members (pause, step and resume are exact), reports
// progress at a bounded rate and checks a continue-callback every batch.
#pragma once

#include "dataset.h"
#include "network.h"
#include "optimizer.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace nnlab::engine {

// How the first layer is fed. Most MNIST pixels are 0 (81%); the sparse paths multiply and
// accumulate only the nonzero ones, for mini-batches and for the lesson's per-sample SGD (where
// w_i_h is kept as V + r 1^T for the lesson's offset 0.01 on every pixel). Auto takes them when
// at most 30% of the training pixels are nonzero (Fashion-MNIST: 50%, dense); Dense and Sparse
// force one path (tests, comparisons). Both give the same weights up to float rounding.
enum class InputPath : std::uint8_t { Auto = 0, Dense = 1, Sparse = 2 };

struct TrainingConfig
{
    OptimizerSettings optimizer;
    int batchSize = 1;         // 1 = the lesson's per-sample update
    bool shuffle = false;      // the lesson walks the data in file order; Keras shuffles
    std::uint64_t seed = 1;    // shuffling order (the initial weights have their own seed)
    int threads = 0;           // 0 = one per physical core; 1 = one thread. Same seed + threads -> same bits
    std::size_t trainingSize = SIZE_MAX; // use the first n samples of the training set
    // The lesson's error propagation: the output layer passes back its errors o_errors = t - o
    // (h_errors = w_h_o^T o_errors), not its deltas o_errors * o * (1 - o) as exact gradient
    // descent does. Needed to reproduce the lesson's figures; off = the exact gradient.
    bool lessonErrors = false;
    InputPath inputPath = InputPath::Auto;

    std::string validate() const; // empty if usable
};

// Streamed to the GUI and the terminal while an epoch runs.
struct TrainingProgress
{
    std::uint64_t samplesSeen = 0; // since the trainer was created
    int epoch = 0;                 // current epoch, 0-based
    std::size_t cursor = 0;        // samples done in the current epoch
    std::size_t epochSize = 0;
    double epochFraction = 0;      // epoch + cursor / epochSize
    double runningLoss = 0;        // mean loss of the samples since the previous report
    double runningAccuracy = 0;    // their accuracy (argmax output == label)
    double samplesPerSecond = 0;   // since the previous report
};

struct EpochSummary
{
    int epoch = 0;          // the epoch that just ended, 0-based
    double loss = 0;        // mean training loss over the epoch (as it was trained)
    double accuracy = 0;
    double seconds = 0;     // time spent in the training loop for this epoch
};

enum class SliceEnd { Deadline, Stopped, EpochEnded, Diverged };

// Everything a trainer needs to go on exactly where another stopped (captured between batches):
// the weights, the optimizer's state with its step count, the epoch's data order and position,
// and the epoch's running sums. A trainer rebuilt from it trains on bit for bit (same threads).
struct TrainerState
{
    Network network;
    Optimizer optimizer;              // settings, per-tensor state and step count
    std::vector<std::uint32_t> order; // the epoch's sample indices (training-set size entries)
    int epoch = 0;
    std::size_t cursor = 0;           // samples done in this epoch
    std::uint64_t samplesSeen = 0;
    double epochLoss = 0;             // summed loss of the epoch's samples so far
    std::size_t epochCorrect = 0, epochCount = 0;
    double epochSeconds = 0;

    bool atStart() const { return epoch == 0 && cursor == 0; }
};

struct SliceResult
{
    SliceEnd end = SliceEnd::Deadline;
    std::size_t samples = 0;   // trained in this slice
    EpochSummary epoch;        // valid when end == EpochEnded
};

class Trainer
{
public:
    using ProgressCallback = std::function<void(const TrainingProgress&)>;
    using ContinueCallback = std::function<bool()>;

    // The trainer keeps a reference to `train`; it must outlive the trainer. Throws
    // std::invalid_argument if config or network do not fit the data.
    Trainer(Network network, const Dataset& train, TrainingConfig config);
    // Rebuilt from a captured state, with `config`'s settings (its optimizer settings replace
    // the state's; a change of kind starts the optimizer's state afresh). Throws
    // std::invalid_argument with a sentence if the state's data order does not fit config and
    // train (another training-set size, shuffling or seed), unless the state is at epoch 0,
    // cursor 0: then only its weights and optimizer state are used.
    Trainer(const TrainerState& state, const Dataset& train, TrainingConfig config);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // Trains batch after batch until the deadline passes, the epoch ends, shouldContinue() says
    // false (checked before every batch), or the loss turns non-finite (then the weights and
    // optimizer state are restored to the start of this slice). The per-sample path checks the
    // deadline only between its blocks (which end at multiples of 32 samples in the epoch, 256
    // on sparse inputs), so the bits never depend on timing; a deadline already past trains
    // exactly one batch. Progress is reported at most every progressInterval; callbacks run
    // between batches on this thread and may call the setters below.
    SliceResult trainUntil(std::chrono::steady_clock::time_point deadline,
                           const ContinueCallback& shouldContinue = {});
    // One whole epoch (or what is left of the current one).
    SliceResult trainEpoch(const ContinueCallback& shouldContinue = {});
    // Exactly one batch (one sample when batchSize == 1).
    SliceResult step();

    void setProgressCallback(ProgressCallback cb, std::chrono::milliseconds interval);
    // Take effect at the next batch.
    void setLearningRate(float lr);
    void setOptimizer(const OptimizerSettings& settings);
    void setBatchSize(int batchSize);

    // Replaces the weights between batches (same architecture; throws std::invalid_argument
    // otherwise or if they are not finite): the step inspector's one-image update. The epoch
    // position and the optimizer's state stay.
    void setNetwork(Network network);

    // The configuration it was made with, with the batch size in use. The optimizer's settings
    // in use (l_r included) live in one place, the optimizer: optimizer().
    const TrainingConfig& config() const { return m_config; }
    const OptimizerSettings& optimizer() const { return m_optimizer.settings(); }
    const Network& network() const;
    Network snapshot() const { return network(); } // a consistent copy (call between batches)
    TrainerState state() const;                    // the same, with everything else (between batches)
    int epoch() const { return m_epoch; }
    std::size_t cursor() const { return m_cursor; }
    // The training-set index of the next sample to train (the first of the next batch; slow
    // motion traces it before the step).
    std::size_t nextSample() const { return m_order.empty() ? 0 : m_order[m_cursor < m_order.size() ? m_cursor : 0]; }
    std::size_t epochSize() const { return m_order.size(); }
    std::uint64_t samplesSeen() const { return m_samplesSeen; }
    // Seconds spent inside the training loop (for samples/s and the benchmarks).
    double trainingSeconds() const { return m_trainingSeconds; }
    // True if the first layer takes the sparse inputs' path: mini-batches (of up to 2048
    // samples) and the per-sample SGD (see InputPath).
    bool sparseInputs() const;
    // True if training itself runs on one thread whatever config().threads says (the lesson's
    // per-sample SGD on sparse inputs): only the evaluations split across the threads.
    bool trainsOnOneThread() const { return perSampleSgd() && sparseInputs(); }

private:
    struct Impl; // buffers and threads (trainer_impl.h)

    // The run (trainer.cpp): epochs, checkpoints, reports, and what the paths share.
    void startEpoch();
    std::vector<std::uint32_t> epochOrder(int epoch) const;
    void countSamples(std::size_t count, double loss, std::size_t correct);
    void reportIfDue(bool force);
    static constexpr std::chrono::milliseconds kCheckpointInterval{200};
    void checkpoint();
    void restoreCheckpoint();
    std::vector<std::int64_t> tensorSizes() const;
    void reserveBatch(int n);
    void scaleInputs(float* x, std::size_t count);
    void prefetchImages(std::size_t first, std::size_t count) const;
    void outputErrors(const float* o, const int* labels, int n, float* out) const;
    bool perSampleSgd() const; // batch 1, plain SGD: the lesson's per-sample paths

    // The lesson's per-sample SGD (per_sample_path.cpp).
    std::size_t runLessonBlock(std::chrono::steady_clock::time_point deadline,
                               const ContinueCallback& shouldContinue, bool mustRunOne,
                               bool& stopped);
    void startLessonBlock(int block);
    std::pair<double, bool> sampleForwardBackward(int label, bool activated = false);
    void updateLaterLayers();
    void finishLessonBlock(int done);

    // The lesson's per-sample SGD on sparse inputs (sparse_lesson_path.cpp).
    std::size_t runSparseLessonBlock(std::chrono::steady_clock::time_point deadline,
                                     const ContinueCallback& shouldContinue, bool mustRunOne,
                                     bool& stopped);
    void loadSparseLesson();
    void sumSparseLessonRows();
    void foldSparseLesson();
    void syncFirstLayer() const;
    void leaveSparseLesson();

    // Mini-batches (minibatch_path.cpp).
    void runBatch(std::size_t count);
    const float* batchLayerInput(int l) const;
    void loadBatch(std::size_t count, bool sparse);
    void forwardBatch(int n, bool sparse);
    std::pair<double, std::size_t> batchOutputErrors(int n);
    void backwardBatch(int n);
    void updateBatch(int n, bool sparse);

    // The sparse first layer of mini-batches (sparse_first_layer.cpp).
    bool inputsAreSparse() const;
    void reserveSparseBatch(int n);
    void gatherNonzeroInputs(int self, std::size_t count);
    void listByPixel(int self, int n);
    int sparseParts(int n) const;
    void forwardSparseInputs(int n);
    void updateSparseInputLayer(int n, float scale);

    // mutable: the sparse per-sample path writes w_i_h back from V + r 1^T when it is read
    // (syncFirstLayer).
    mutable Network m_network;
    const Dataset& m_train;
    TrainingConfig m_config;
    Optimizer m_optimizer;
    std::unique_ptr<Impl> m_impl;

    std::vector<std::uint32_t> m_order; // sample indices for the current epoch
    int m_epoch = 0;
    std::size_t m_cursor = 0;
    std::uint64_t m_samplesSeen = 0;
    double m_trainingSeconds = 0;

    // Epoch and report accumulators.
    double m_epochLoss = 0, m_windowLoss = 0;
    std::size_t m_epochCorrect = 0, m_windowCorrect = 0, m_epochCount = 0, m_windowCount = 0;
    double m_epochSeconds = 0, m_windowSeconds = 0;
    bool m_diverged = false;
    bool m_oneBatch = false; // this slice's deadline had passed: the per-sample path trains one sample

    ProgressCallback m_progress;
    std::chrono::milliseconds m_progressInterval{100};
    std::chrono::steady_clock::time_point m_lastReport{};
    std::chrono::steady_clock::time_point m_windowMark{}; // start of the untimed part of the window
};

} // namespace nnlab::engine
