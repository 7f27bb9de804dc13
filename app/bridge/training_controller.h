// The GUI thread's handle on training: owns the worker's QThread, forwards commands as queued
// calls and re-emits the worker's signals on the GUI thread. The only code that crosses threads.
#pragma once

#include "training_worker.h"

#include <QObject>
#include <QPointer>

#include <chrono>

class QThread;

namespace nnlab::app {

class TrainingController : public QObject
{
    Q_OBJECT

public:
    explicit TrainingController(QObject* parent = nullptr);
    // Stops and joins the worker thread (shutdown()).
    ~TrainingController() override;

    void configure(const TrainingSetup& setup, const DataPair& data, NetworkPtr initial = {});
    void start();
    void pause();
    void stop();
    void continueRun(); // TrainingWorker::continueRun
    void startFromSameStart(); // TrainingWorker::startFromSameStart
    void branch();             // TrainingWorker::branch (while paused)
    void step();
    void reset(std::uint64_t weightSeed);
    void trainOnSample(std::size_t index);
    void setLearningRate(float learningRate);
    void setOptimizer(const engine::OptimizerSettings& settings);
    void setBatchSize(int batchSize);
    void setEpochs(int epochs);
    void setLearningRateDecay(float decay);
    void setThreads(int threads);
    // Slow motion: images per second (0 = as fast as it goes), live (TrainingWorker::setImagesPerSecond).
    void setImagesPerSecond(double imagesPerSecond);
    double imagesPerSecond() const { return m_imagesPerSecond; } // as last asked for

    // As last reported by the worker (queued, so a command's effect shows a moment later).
    WorkerState state() const { return m_state; }
    bool isRunning() const { return m_state == WorkerState::Running; }
    // The last run ended: start() begins a new run from its initial weights, replacing the
    // trained ones (TrainingWorker::runEndedChanged).
    bool startBeginsNewRun() const { return m_runEnded; }
    // The newest run announced (runStarted), 0 before the first: the one "Again from the same
    // start" begins again.
    int lastRun() const { return m_lastRun; }

    // Interrupts the current slice, ends the thread's event loop and joins it. Returns false if
    // the thread did not end within `timeout` (it is then waited for without limit).
    bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds(500));

signals:
    void runStarted(const nnlab::app::RunInfo& info);
    void runChanged(const nnlab::app::RunChange& change);
    void progressed(const nnlab::app::ProgressReport& report);
    void epochEnded(const nnlab::app::EpochReport& report);
    void testEstimated(const nnlab::app::TestEstimate& estimate);
    void snapshotReady(const nnlab::app::NetworkSnapshot& snapshot);
    void sampleStepped(const nnlab::app::SampleStep& step);
    void sampleLearned(const nnlab::app::SampleStep& step); // slow motion: each step, shown
    void stateChanged(nnlab::app::WorkerState state);
    void runRestarted(); // start() began a new run: the ended run's weights are gone
    void finished();
    void diverged(const QString& why);
    void failed(const QString& why);

private:
    template <typename F>
    void post(F&& command);

    QThread* m_thread = nullptr;
    TrainingWorker* m_worker = nullptr;
    WorkerState m_state = WorkerState::Idle;
    bool m_runEnded = false;
    int m_lastRun = 0;
    double m_imagesPerSecond = 0;
};

} // namespace nnlab::app
