// The worker that owns the training network on its own QThread. It trains in slices of about
// 15 ms and re-posts itself with a queued call, so every command (learning rate, pause, step,
// reset...) arrives between two batches as a queued call: no locks, nothing torn.
//
// Thread contract: construct on the GUI thread, moveToThread(), then call its methods only
// through queued invokeMethod (TrainingController does this). Signals carry values.
#pragma once

#include "engine/evaluation.h"
#include "engine/provenance.h"
#include "engine/step_trace.h"
#include "app/lab/pace.h"
#include "app/lab/progress_meter.h"
#include "training_setup.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

class QTimer;

namespace nnlab::app {

enum class WorkerState { Idle, Running, Paused };

// How a run's first weights came about.
enum class RunOrigin
{
    New,       // a fresh trainer on new or loaded weights
    Restart,   // Start after a run ended: that run's start again, with the settings now in use
    SameStart, // Training > Again from the same start: the previous run's start, on purpose
    Branch     // Training > Branch here: the paused run's weights, optimizer state and position
};

// A new coloured series in the plots: a fresh trainer on new or loaded weights, a Start after a
// run ended, a same-start run or a branch.
struct RunInfo
{
    int run = 0;
    TrainingSetup setup; // with the l_r in use at the run's first batch
    QString dataName;
    NetworkPtr initial;  // the weights before the run's first batch (never null)
    RunOrigin origin = RunOrigin::New;
    int parent = 0;      // the run it started from (Restart, SameStart, Branch), else 0
    // Where its curve begins: 0 for a run from epoch 0, the parent's position for a branch.
    double startEpochFraction = 0;
    std::uint64_t startSamples = 0;
};

// A training setting changed within a run, live or before a Continue: the curve marks it, so a
// legend never describes settings that did not produce its curve.
struct RunChange
{
    int run = 0;
    double epochFraction = 0; // where on the curve (epochs) the new settings begin
    std::uint64_t samplesSeen = 0; // samples trained before the first batch with them
    QString change;           // "l_r 0.3 → 0.03", "SGD → Adam", "batch 1 → 32"
    std::vector<engine::KnobChange> knobs = {}; // the same, one entry per setting
};

// At most every TrainingWorker::kProgressInterval, metered by ProgressMeter (its comments say
// what each value means).
struct ProgressReport
{
    int run = 0;
    // Position, speed, and the mean loss and accuracy of the samples since the previous report.
    engine::TrainingProgress progress;
    float learningRate = 0; // the l_r in use (after any per-epoch decay)
    double etaSeconds = -1; // until the run's last epoch ends; -1 when unknown
    int targetEpochs = 0;
    // The learning curve's running values: moving averages over about the last
    // ProgressMeter::kSmoothingSamples samples (loss in the run's loss units, accuracy 0..1).
    double smoothedLoss = 0;
    double smoothedAccuracy = 0;
};

struct EpochReport
{
    int run = 0;
    int epoch = 0;             // 1-based number of epochs done in this run
    double epochFraction = 0;  // x position on the plots (= epoch)
    double trainLoss = 0, trainAccuracy = 0;
    double testLoss = 0, testAccuracy = 0; // on the whole test set
    double seconds = 0;        // training-loop time of this epoch
    double samplesPerSecond = 0;
    // The whole test-set evaluation: its 10x10 confusion matrix, and each image's prediction and
    // confidence (the gallery shows them without evaluating the set again). Never null.
    std::shared_ptr<const engine::Evaluation> test;
};

// A quick test-set estimate on a fixed subset (the first kQuickTestSize test images), made
// whenever no test of either kind was made for kQuickTestInterval (as at the start of a run).
struct TestEstimate
{
    int run = 0;
    double epochFraction = 0;
    double loss = 0, accuracy = 0;
};

// One update on one chosen training image (the step inspector's "Step on this image"); in slow
// motion (TrainingWorker::sampleLearned), a batch the trainer just learned and its first image.
struct SampleStep
{
    int run = 0;
    std::size_t index = 0;      // in the training set
    engine::LessonTrace trace;  // the forward pass and errors before the update
    NetworkPtr before, after;
    int batchSize = 1;          // images in the update (sampleLearned: the batch's)
    std::uint64_t samplesSeen = 0; // trained in all, this update included (sampleLearned)
};

struct NetworkSnapshot
{
    int run = 0;
    NetworkPtr network;
    std::uint64_t samplesSeen = 0;
    double epochFraction = 0;
};

class TrainingWorker : public QObject
{
    Q_OBJECT

public:
    static constexpr std::size_t kQuickTestSize = 1000;
    static constexpr std::chrono::milliseconds kSlice{15};
    static constexpr std::chrono::milliseconds kProgressInterval{50};  // <= 20 Hz
    static constexpr std::chrono::milliseconds kSnapshotInterval{200}; // <= 5 Hz
    static constexpr std::chrono::milliseconds kQuickTestInterval{1000};

    explicit TrainingWorker(QObject* parent = nullptr);
    ~TrainingWorker() override;

    // Commands; run on the worker thread.
    // New trainer for `setup` on `data`, starting from `initial` (null: fresh random weights
    // from setup.init and setup.weightSeed). Stops any run; a new run (series) begins.
    void configure(const TrainingSetup& setup, const DataPair& data, NetworkPtr initial);
    // Starts, or resumes a paused run. After a run ended (its epochs done, or stop()), a new run
    // (series) from the ended run's initial weights, with the settings now in use: only the
    // knobs changed since differ.
    void start();
    void pause();
    void stop();    // ends the run; the weights stay (continueRun trains them further)
    // Trains the current weights setup.epochs more epochs in the same run (series), marking any
    // setting changed since (runChanged); resumes a paused run.
    void continueRun();
    // Training > Again from the same start: a new run (RunOrigin::SameStart, parent the current
    // run) from exactly the current run's start (its initial weights, optimizer state and data
    // order; a branch's branch point) with the settings now in use, trained at once. Works
    // paused, ended or running (the current run ends where it is). Emits runRestarted, as the
    // current weights go; failed(why) if the start no longer fits (another shape, training
    // size, shuffling or seed for a start within an epoch), and nothing changes.
    void startFromSameStart();
    // Training > Branch here, while paused: a new run (RunOrigin::Branch) from the current
    // weights, optimizer state and position in the data, announced at once and left paused;
    // its epochs go on from its parent's. The parent's curve ends at the branch point.
    void branch();
    void step();    // exactly one batch (one sample in the lesson's per-sample mode); same run
    void reset(std::uint64_t weightSeed); // fresh random weights, a new run
    // One lesson update (SGD, this image alone) on training image `index`, when not running.
    void trainOnSample(std::size_t index);
    void setLearningRate(float learningRate);
    void setOptimizer(const engine::OptimizerSettings& settings);
    void setBatchSize(int batchSize);
    void setEpochs(int epochs);
    void setLearningRateDecay(float decay);
    // Slow motion: train at most this many images per second (0 = as fast as it goes), from now,
    // while running; at Pace::kShownEveryStep or less every step is shown (snapshotReady,
    // sampleLearned and progressed after each). A rate Pace::isValidRate refuses: failed(why).
    void setImagesPerSecond(double imagesPerSecond);
    double imagesPerSecond() const { return m_pace.rate(); }
    // Threads the trainer uses (0 = as many as train the network fastest here, measured when
    // it is configured: engine/thread_choice.h); applies at the next configure.
    void setThreads(int threads) { m_threads = threads; }
    // The count the current trainer uses (a restart or branch keeps it: same start, same bits).
    int trainerThreads() const { return m_trainer ? m_trainer->config().threads : m_threads; }

    // Called on the worker's thread as it ends (TrainingController): no timer outlives it.
    void stopWaiting();

    WorkerState state() const { return m_state; }
    // Samples the trainer has trained (0 without one); on the worker thread, between commands.
    std::uint64_t samplesSeen() const;

signals:
    void runStarted(const nnlab::app::RunInfo& info);
    void runChanged(const nnlab::app::RunChange& change);
    void progressed(const nnlab::app::ProgressReport& report);
    void epochEnded(const nnlab::app::EpochReport& report);
    void testEstimated(const nnlab::app::TestEstimate& estimate);
    void snapshotReady(const nnlab::app::NetworkSnapshot& snapshot);
    void sampleStepped(const nnlab::app::SampleStep& step);
    // Slow motion (every step shown): the batch just trained, with its first image's trace from
    // the weights its update used; emitted after that step's snapshotReady.
    void sampleLearned(const nnlab::app::SampleStep& step);
    void stateChanged(nnlab::app::WorkerState state);
    // ended: the run's epochs are done or it was stopped, so the next start() begins a new run
    // from its initial weights (runRestarted, just before) and continueRun() trains on in it.
    void runEndedChanged(bool ended);
    void runRestarted();
    void finished();                  // the run's epochs are done
    void diverged(const QString& why); // stopped; the last finite weights are back
    void failed(const QString& why);   // a command could not be carried out

private:
    void runSlice();
    void scheduleSlice(); // a slice as soon as the event loop gets to it (ends a wait for the pace)
    void beginRunning();  // Running, the pace from now, and the first slice
    // Slow motion: the images the pace allows, one batch at a time, then a timer until the next.
    void runPacedSlice();
    // One batch (Trainer::step) shown: its snapshot, its first image's trace (sampleLearned).
    engine::SliceResult stepShown();
    // Runs a slice's training; an exception pauses with failed(what). True if still running.
    bool trainGuarded(const std::function<void()>& train);
    // After a slice's training: a snapshot (if `snapshot`) and a quick test, each when due.
    void afterSlice(bool snapshot);
    void setState(WorkerState state);
    void newTrainer(engine::Network network);
    // The worker's part of a run's start: the trainer's state before its first batch and the
    // epochs counted by then (a branch goes on counting its parent's).
    struct RunStart
    {
        std::shared_ptr<const engine::TrainerState> state;
        int epochsDone = 0, epochsThisStart = 0;
    };
    // The current run's start again (Start after an ended run, Again from the same start), with
    // the settings now in use; false, with failed(why) and nothing changed, if it does not fit.
    bool trainFromRunStart(RunOrigin origin);
    void installTrainer(std::unique_ptr<engine::Trainer> trainer);
    void beginRunIfNeeded();
    // Before the run's next batch: emits runChanged if its training settings differ from those
    // the curve shows so far.
    void markChanges();
    // A metered report of the position now (forced: the pending samples reach the curve);
    // with onlyPending, only if samples wait to be reported.
    void reportPosition(bool onlyPending = false);
    double epochFraction() const;
    void afterBatches(const engine::SliceResult& result);
    void finishEpoch(const engine::EpochSummary& summary);
    NetworkPtr emitSnapshot(); // the weights sent (null without a trainer)
    void setRunEnded(bool ended); // emits runEndedChanged
    // Every trainer report goes through m_meter, the one place progress is averaged and
    // rate-limited; what it lets through is emitted as a ProgressReport.
    void meterProgress(const engine::TrainingProgress& progress, bool force = false);
    // The l_r in use: the trainer's, or the next trainer's when there is none.
    float learningRate() const;
    // The live settings (l_r after decay, optimizer, batch size) carried into the next trainer.
    void keepLiveSettings();
    engine::TrainingConfig liveConfig() const; // the trainer's settings in use (needs a trainer)
    void quickTest();
    bool interrupted() const;

    // The setup the next trainer is built from; while a trainer exists, its config holds the
    // training settings in use (liveConfig(), with l_r decay; keepLiveSettings copies them back).
    TrainingSetup m_setup;
    DataPair m_data;
    std::unique_ptr<engine::Trainer> m_trainer;
    int m_threads = 0;
    WorkerState m_state = WorkerState::Idle;
    bool m_sliceQueued = false;
    bool m_runAnnounced = false;
    bool m_runEnded = false;    // its epochs done, or stopped: the next start is a new run
    NetworkPtr m_runInitial;    // the current run's weights before its first batch
    RunStart m_runStart;        // ... and the rest of its start
    RunOrigin m_nextOrigin = RunOrigin::New; // how the next announced run came about
    int m_nextParent = 0;
    engine::TrainingConfig m_shownConfig; // the settings the run's legend and marks describe
    float m_shownDecay = 1.0f;            // ... and its l_r decay per epoch
    int m_run = 0;
    int m_epochsThisStart = 0;  // epochs finished since the last start()
    int m_epochsDone = 0;       // in this run
    std::chrono::steady_clock::time_point m_lastSnapshot{};
    ProgressMeter m_meter{kProgressInterval};
    std::chrono::steady_clock::time_point m_lastQuickTest{};
    Pace m_pace;                  // slow motion (full speed unless asked)
    QTimer* m_paceTimer;          // the wait for the pace's next image (a child: same thread)
};

} // namespace nnlab::app
