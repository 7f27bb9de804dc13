#include "training_controller.h"

#include <QThread>

namespace nnlab::app {

TrainingController::TrainingController(QObject* parent)
    : QObject(parent), m_thread(new QThread), m_worker(new TrainingWorker)
{
    m_thread->setObjectName(QStringLiteral("nnlab training"));
    m_worker->moveToThread(m_thread);
    // Worker -> controller: queued, so these arrive on the GUI thread.
    connect(m_worker, &TrainingWorker::runStarted, this, [this](const RunInfo& info) {
        m_lastRun = info.run;
        emit runStarted(info);
    });
    connect(m_worker, &TrainingWorker::runChanged, this, &TrainingController::runChanged);
    connect(m_worker, &TrainingWorker::progressed, this, &TrainingController::progressed);
    connect(m_worker, &TrainingWorker::epochEnded, this, &TrainingController::epochEnded);
    connect(m_worker, &TrainingWorker::testEstimated, this, &TrainingController::testEstimated);
    connect(m_worker, &TrainingWorker::snapshotReady, this, &TrainingController::snapshotReady);
    connect(m_worker, &TrainingWorker::sampleStepped, this, &TrainingController::sampleStepped);
    connect(m_worker, &TrainingWorker::sampleLearned, this, &TrainingController::sampleLearned);
    connect(m_worker, &TrainingWorker::runRestarted, this, &TrainingController::runRestarted);
    connect(m_worker, &TrainingWorker::runEndedChanged, this, [this](bool ended) { m_runEnded = ended; });
    connect(m_worker, &TrainingWorker::finished, this, &TrainingController::finished);
    connect(m_worker, &TrainingWorker::diverged, this, &TrainingController::diverged);
    connect(m_worker, &TrainingWorker::failed, this, &TrainingController::failed);
    connect(m_worker, &TrainingWorker::stateChanged, this, [this](WorkerState s) {
        m_state = s;
        emit stateChanged(s);
    });
    // On the worker's thread as it ends: a wait for slow motion's next image is not left to a
    // timer that only that thread could stop.
    connect(m_thread, &QThread::finished, m_worker, [w = m_worker] { w->stopWaiting(); }, Qt::DirectConnection);
    m_thread->start();
}

TrainingController::~TrainingController()
{
    shutdown();
}

bool TrainingController::shutdown(std::chrono::milliseconds timeout)
{
    if (!m_thread)
        return true;
    m_thread->requestInterruption(); // the trainer checks this before every batch
    m_thread->quit();                // the event loop ends after the current slice
    const bool inTime = m_thread->wait(QDeadlineTimer(timeout.count()));
    if (!inTime)
        m_thread->wait();
    delete m_worker; // its thread has ended: safe to delete from here
    m_worker = nullptr;
    delete m_thread;
    m_thread = nullptr;
    if (m_state != WorkerState::Idle) {
        m_state = WorkerState::Idle;
        emit stateChanged(m_state);
    }
    return inTime;
}

template <typename F>
void TrainingController::post(F&& command)
{
    if (!m_worker)
        return;
    // A command still queued when shutdown() begins is dropped: closing the window does not
    // wait for a backlog of commands (each configure builds a network) to be worked off first.
    QMetaObject::invokeMethod(
        m_worker,
        [command = std::forward<F>(command)]() mutable {
            if (!QThread::currentThread()->isInterruptionRequested())
                command();
        },
        Qt::QueuedConnection);
}

void TrainingController::configure(const TrainingSetup& setup, const DataPair& data,
                                   NetworkPtr initial)
{
    post([w = m_worker, setup, data, initial] { w->configure(setup, data, initial); });
}

void TrainingController::start()
{
    post([w = m_worker] { w->start(); });
}

void TrainingController::pause()
{
    post([w = m_worker] { w->pause(); });
}

void TrainingController::stop()
{
    post([w = m_worker] { w->stop(); });
}

void TrainingController::continueRun()
{
    post([w = m_worker] { w->continueRun(); });
}

void TrainingController::startFromSameStart()
{
    post([w = m_worker] { w->startFromSameStart(); });
}

void TrainingController::branch()
{
    post([w = m_worker] { w->branch(); });
}

void TrainingController::step()
{
    post([w = m_worker] { w->step(); });
}

void TrainingController::reset(std::uint64_t weightSeed)
{
    post([w = m_worker, weightSeed] { w->reset(weightSeed); });
}

void TrainingController::trainOnSample(std::size_t index)
{
    post([w = m_worker, index] { w->trainOnSample(index); });
}

void TrainingController::setLearningRate(float learningRate)
{
    post([w = m_worker, learningRate] { w->setLearningRate(learningRate); });
}

void TrainingController::setOptimizer(const engine::OptimizerSettings& settings)
{
    post([w = m_worker, settings] { w->setOptimizer(settings); });
}

void TrainingController::setBatchSize(int batchSize)
{
    post([w = m_worker, batchSize] { w->setBatchSize(batchSize); });
}

void TrainingController::setEpochs(int epochs)
{
    post([w = m_worker, epochs] { w->setEpochs(epochs); });
}

void TrainingController::setLearningRateDecay(float decay)
{
    post([w = m_worker, decay] { w->setLearningRateDecay(decay); });
}

void TrainingController::setImagesPerSecond(double imagesPerSecond)
{
    if (Pace::isValidRate(imagesPerSecond))
        m_imagesPerSecond = imagesPerSecond;
    post([w = m_worker, imagesPerSecond] { w->setImagesPerSecond(imagesPerSecond); });
}

void TrainingController::setThreads(int threads)
{
    post([w = m_worker, threads] { w->setThreads(threads); });
}

} // namespace nnlab::app
