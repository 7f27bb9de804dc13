#include "training_worker.h"

#include "app/common/heap_policy.h"
#include "engine/thread_choice.h"
#include "engine/thread_pool.h"

#include <QLocale>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>

namespace nnlab::app {

namespace engine = nnlab::engine;
using Clock = std::chrono::steady_clock;

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent), m_paceTimer(new QTimer(this))
{
    m_paceTimer->setSingleShot(true);
    m_paceTimer->setTimerType(Qt::PreciseTimer); // 1 ms, not 5% of the wait
    connect(m_paceTimer, &QTimer::timeout, this, &TrainingWorker::runSlice);
}

TrainingWorker::~TrainingWorker() = default;

bool TrainingWorker::interrupted() const
{
    return QThread::currentThread()->isInterruptionRequested();
}

void TrainingWorker::setState(WorkerState state)
{
    if (state == m_state)
        return;
    if (state != WorkerState::Running)
        m_paceTimer->stop();
    m_state = state;
    emit stateChanged(state);
}

void TrainingWorker::configure(const TrainingSetup& setup, const DataPair& data, NetworkPtr initial)
{
    std::optional<engine::Network> ended;
    if (m_trainer && m_runEnded)
        ended = m_trainer->snapshot();
    m_setup = setup;
    m_data = data;
    m_trainer.reset();
    setState(WorkerState::Idle);
    if (!data.isValid()) {
        emit failed(QStringLiteral("There is no data to train on."));
        return;
    }
    if (const QString why = setup.validate(data.train->size()); !why.isEmpty()) {
        emit failed(why);
        return;
    }
    try {
        engine::Network net = initial ? *initial : engine::Network(setup.architecture);
        if (!initial)
            net.initialize(setup.init, setup.weightSeed);
        // The ended run's weights, with other run settings or data (shuffling, training size,
        // seed, the learner's digits): the next Start still begins from that run's initial
        // weights, so only what was changed differs; Continue trains these weights further.
        const bool keepsEndedRun = m_runEnded && m_runInitial && ended.has_value() &&
                                   m_runInitial->architecture() == net.architecture() && *ended == net;
        newTrainer(std::move(net));
        if (keepsEndedRun)
            setRunEnded(true);
    } catch (const std::exception& e) {
        m_trainer.reset();
        emit failed(QString::fromUtf8(e.what()));
    }
}

std::uint64_t TrainingWorker::samplesSeen() const
{
    return m_trainer ? m_trainer->samplesSeen() : 0;
}

void TrainingWorker::newTrainer(engine::Network network)
{
    engine::TrainingConfig config = m_setup.training;
    // 0: the count that trains this network fastest here, measured on copies of it (25-50 ms
    // on this thread, engine/thread_choice.h); its runs, restarts and branches keep that count.
    config.threads = m_threads > 0 ? m_threads
                                   : engine::measureThreadCount(network, *m_data.train, config,
                                                                engine::defaultThreadCount()).threads;
    m_nextOrigin = RunOrigin::New;
    m_nextParent = 0;
    installTrainer(std::make_unique<engine::Trainer>(std::move(network), *m_data.train, config));
}

void TrainingWorker::installTrainer(std::unique_ptr<engine::Trainer> trainer)
{
    m_trainer = std::move(trainer);
    returnFreedMemory(std::chrono::milliseconds(0)); // the old trainer's buffers
    // The tests' threads, made now rather than as the first test begins (evaluation.h).
    engine::prepareEvaluationThreads(m_threads);
    // Interval 0: the trainer reports every batch's sums; m_meter alone decides what is sent.
    m_trainer->setProgressCallback(
        [this](const engine::TrainingProgress& p) { meterProgress(p); }, std::chrono::milliseconds(0));
    m_meter.restart();
    setRunEnded(false);
    m_epochsDone = 0;
    m_epochsThisStart = 0;
    m_runAnnounced = false;
    emitSnapshot();
}

// A run (a series in the plots) begins with its first trained batch, so configuring, resetting
// or loading several times in a row does not leave empty series behind.
void TrainingWorker::beginRunIfNeeded()
{
    if (m_runAnnounced)
        return;
    m_runAnnounced = true;
    setRunEnded(false);
    ++m_run;
    m_runInitial = std::make_shared<const engine::Network>(m_trainer->snapshot());
    m_runStart = RunStart{std::make_shared<const engine::TrainerState>(m_trainer->state()), m_epochsDone,
                          m_epochsThisStart};
    m_shownConfig = liveConfig();
    m_shownDecay = m_setup.learningRateDecay;
    TrainingSetup shown = m_setup;
    shown.training = m_shownConfig; // with the l_r in use
    emit runStarted(RunInfo{m_run, shown, m_data.name, m_runInitial, m_nextOrigin, m_nextParent,
                            epochFraction(), m_trainer->samplesSeen()});
    m_nextOrigin = RunOrigin::New;
    m_nextParent = 0;
    emitSnapshot(); // the same weights, under the new run's number
}

void TrainingWorker::markChanges()
{
    const engine::TrainingConfig now = liveConfig();
    std::vector<engine::KnobChange> knobs =
        knobChanges(m_shownConfig, m_shownDecay, now, m_setup.learningRateDecay, m_trainer->samplesSeen());
    m_shownConfig = now;
    m_shownDecay = m_setup.learningRateDecay;
    if (!knobs.empty()) {
        const QString change = describeChange(knobs);
        emit runChanged(RunChange{m_run, epochFraction(), m_trainer->samplesSeen(), change, std::move(knobs)});
    }
}

double TrainingWorker::epochFraction() const
{
    return m_trainer->epoch() + double(m_trainer->cursor()) / double(std::max<std::size_t>(1, m_trainer->epochSize()));
}

void TrainingWorker::reportPosition(bool onlyPending)
{
    if (onlyPending && !m_meter.hasPending())
        return;
    meterProgress(engine::TrainingProgress{m_trainer->samplesSeen(), m_trainer->epoch(), m_trainer->cursor(),
                                           m_trainer->epochSize(), epochFraction(), std::nan(""), std::nan(""), 0},
                  true);
}

void TrainingWorker::start()
{
    if (!m_trainer) {
        emit failed(QStringLiteral("Nothing to train: choose a network and data first."));
        return;
    }
    if (m_state == WorkerState::Running)
        return;
    bool restarted = false;
    if (m_state == WorkerState::Idle && m_runEnded && m_runStart.state) {
        // The same start, the settings now in use (m_setup.training: the last commands, before
        // any l_r decay): only what was changed differs.
        if (!trainFromRunStart(RunOrigin::Restart))
            return;
        restarted = true;
    }
    if (m_state == WorkerState::Idle && !restarted)
        m_epochsThisStart = 0;
    beginRunning();
}

void TrainingWorker::beginRunning()
{
    setState(WorkerState::Running);
    m_pace.restart(Clock::now()); // the first image at once; a pause earned nothing
    scheduleSlice();
}

void TrainingWorker::continueRun()
{
    if (m_trainer && m_state != WorkerState::Running)
        setRunEnded(false); // these weights further, in this run: start() builds no new trainer
    start();
}

bool TrainingWorker::trainFromRunStart(RunOrigin origin)
{
    const RunStart from = m_runStart;
    engine::TrainingConfig config = m_setup.training;
    config.threads = trainerThreads();
    std::unique_ptr<engine::Trainer> trainer;
    try {
        if (m_trainer && !(from.state->network.architecture() == m_trainer->network().architecture()))
            throw std::invalid_argument("the network's shape changed since run " + std::to_string(m_run) +
                                        " started; its start needs that shape");
        trainer = std::make_unique<engine::Trainer>(*from.state, *m_data.train, config);
    } catch (const std::exception& e) {
        emit failed(QStringLiteral("Run %1's start cannot be used: %2.").arg(m_run).arg(QString::fromUtf8(e.what())));
        return false;
    }
    if (m_trainer && m_runAnnounced && !m_runEnded)
        reportPosition(true); // the current run's curve reaches where it ends
    emit runRestarted(); // the current weights go
    const int parent = m_run;
    installTrainer(std::move(trainer));
    m_epochsDone = from.epochsDone;
    m_epochsThisStart = from.epochsThisStart;
    m_nextOrigin = origin;
    m_nextParent = parent;
    return true;
}

void TrainingWorker::startFromSameStart()
{
    if (!m_runStart.state || !m_data.isValid()) {
        emit failed(QStringLiteral("There is no run to start again yet: train one first."));
        return;
    }
    if (!trainFromRunStart(RunOrigin::SameStart))
        return;
    beginRunning();
}

void TrainingWorker::branch()
{
    if (!m_trainer || m_state != WorkerState::Paused || !m_runAnnounced) {
        emit failed(QStringLiteral("Branch here needs a paused run: pause training first."));
        return;
    }
    engine::TrainingConfig config = liveConfig(); // the l_r in use, after any decay
    config.threads = trainerThreads();
    std::unique_ptr<engine::Trainer> trainer;
    try {
        trainer = std::make_unique<engine::Trainer>(m_trainer->state(), *m_data.train, config);
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
        return;
    }
    reportPosition(true); // the parent's curve reaches the branch point
    const int parent = m_run, epochsDone = m_epochsDone, epochsThisStart = m_epochsThisStart;
    installTrainer(std::move(trainer));
    m_epochsDone = epochsDone;
    m_epochsThisStart = epochsThisStart;
    m_nextOrigin = RunOrigin::Branch;
    m_nextParent = parent;
    beginRunIfNeeded(); // its curve begins at the branch point, before any batch
}

void TrainingWorker::pause()
{
    if (m_state != WorkerState::Running)
        return;
    // The weights first: a window that hears Paused already has the weights training paused at
    // (as one that hears Idle after Stop has its last ones).
    emitSnapshot();
    setState(WorkerState::Paused);
    reportPosition(true); // the curve and the status bar reach where training paused (no ETA)
}

void TrainingWorker::stop()
{
    if (!m_trainer)
        return;
    if (m_runAnnounced) {
        // The weights stay; the next start is a new run from this run's initial weights, a
        // continueRun trains these further.
        reportPosition(true);
        setRunEnded(true);
        emitSnapshot();
    }
    setState(WorkerState::Idle);
}

void TrainingWorker::step()
{
    if (!m_trainer || m_state == WorkerState::Running)
        return;
    beginRunIfNeeded();
    setRunEnded(false); // a step trains these weights further, in this run
    markChanges();
    try {
        if (m_pace.showsEveryStep()) {
            stepShown(); // with its snapshot, trace and progress
        } else {
            afterBatches(m_trainer->step());
            emitSnapshot();
            reportPosition();
        }
        if (m_state == WorkerState::Idle && m_trainer->samplesSeen() > 0)
            setState(WorkerState::Paused);
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
    }
}

void TrainingWorker::reset(std::uint64_t weightSeed)
{
    if (!m_data.isValid())
        return;
    m_setup.weightSeed = weightSeed;
    keepLiveSettings();
    const bool wasRunning = m_state == WorkerState::Running;
    setState(WorkerState::Idle);
    try {
        engine::Network net(m_setup.architecture);
        net.initialize(m_setup.init, weightSeed);
        newTrainer(std::move(net));
    } catch (const std::exception& e) {
        m_trainer.reset();
        emit failed(QString::fromUtf8(e.what()));
        return;
    }
    if (wasRunning)
        start();
}

void TrainingWorker::trainOnSample(std::size_t index)
{
    if (!m_trainer || m_state == WorkerState::Running)
        return;
    if (index >= m_data.train->size()) {
        emit failed(QStringLiteral("There is no training image %1.").arg(index));
        return;
    }
    beginRunIfNeeded();
    setRunEnded(false);
    try {
        auto before = std::make_shared<const engine::Network>(m_trainer->snapshot());
        engine::Network net = *before;
        SampleStep step;
        step.run = m_run;
        step.index = index;
        step.trace = engine::trainOneSample(net, m_data.train->image(index), m_data.train->labels[index],
                                            learningRate(), m_setup.training.lessonErrors);
        if (!net.allFinite()) {
            emit diverged(QStringLiteral("This step made a weight infinite or not a number, so it "
                                         "was not applied. The learning rate %1 is too large.")
                              .arg(double(learningRate()), 0, 'g', 3));
            return;
        }
        m_trainer->setNetwork(net);
        step.before = std::move(before);
        step.after = std::make_shared<const engine::Network>(std::move(net));
        emit sampleStepped(step);
        emitSnapshot();
        if (m_state == WorkerState::Idle)
            setState(WorkerState::Paused);
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
    }
}

float TrainingWorker::learningRate() const
{
    return m_trainer ? m_trainer->optimizer().learningRate : m_setup.training.optimizer.learningRate;
}

engine::TrainingConfig TrainingWorker::liveConfig() const
{
    engine::TrainingConfig config = m_trainer->config();
    config.optimizer = m_trainer->optimizer(); // l_r after any decay
    return config;
}

void TrainingWorker::keepLiveSettings()
{
    if (m_trainer)
        m_setup.training = liveConfig();
}

// The training settings in use live in the trainer (liveConfig()); m_setup.training keeps the
// last commands (before any l_r decay) for the next trainer.
void TrainingWorker::setLearningRate(float learningRate)
{
    if (!(learningRate > 0.0f) || !std::isfinite(learningRate))
        return;
    m_setup.training.optimizer.learningRate = learningRate;
    if (m_trainer)
        m_trainer->setLearningRate(learningRate);
}

void TrainingWorker::setOptimizer(const engine::OptimizerSettings& settings)
{
    if (!settings.validate().empty())
        return;
    m_setup.training.optimizer = settings;
    if (m_trainer)
        m_trainer->setOptimizer(settings);
}

void TrainingWorker::setBatchSize(int batchSize)
{
    if (batchSize < 1)
        return;
    m_setup.training.batchSize = batchSize;
    if (m_trainer)
        m_trainer->setBatchSize(batchSize);
}

void TrainingWorker::setEpochs(int epochs)
{
    if (epochs >= 1)
        m_setup.epochs = epochs;
}

void TrainingWorker::setLearningRateDecay(float decay)
{
    if (decay > 0.0f && decay <= 1.0f)
        m_setup.learningRateDecay = decay;
}

void TrainingWorker::setImagesPerSecond(double imagesPerSecond)
{
    if (!Pace::isValidRate(imagesPerSecond)) {
        emit failed(QStringLiteral("The speed must be between 0 and %1 images per second (0: as fast as it goes), not %2.")
                        .arg(QLocale().toString(Pace::kMaxRate, 'f', 0))
                        .arg(imagesPerSecond));
        return;
    }
    m_pace.setRate(imagesPerSecond, Clock::now());
    m_meter.setImagesPerSecond(imagesPerSecond); // the curve follows slow motion's images
    if (m_state == WorkerState::Running)
        scheduleSlice(); // a wait for the old pace (up to a second at 1 image/s) ends now
}

void TrainingWorker::stopWaiting()
{
    m_paceTimer->stop();
}

void TrainingWorker::scheduleSlice()
{
    m_paceTimer->stop();
    if (m_sliceQueued)
        return;
    m_sliceQueued = true;
    QMetaObject::invokeMethod(this, &TrainingWorker::runSlice, Qt::QueuedConnection);
}

void TrainingWorker::runSlice()
{
    m_sliceQueued = false;
    if (m_state != WorkerState::Running || !m_trainer)
        return;
    if (interrupted()) {
        setState(WorkerState::Paused);
        return;
    }
    beginRunIfNeeded();
    markChanges();
    if (!m_pace.fullSpeed()) {
        runPacedSlice();
        return;
    }
    const bool running = trainGuarded([this] {
        afterBatches(m_trainer->trainUntil(Clock::now() + kSlice, [this] { return !interrupted(); }));
    });
    if (!running)
        return;
    afterSlice(true);
    scheduleSlice();
}

bool TrainingWorker::trainGuarded(const std::function<void()>& train)
{
    try {
        train();
    } catch (const std::exception& e) {
        setState(WorkerState::Paused);
        emit failed(QString::fromUtf8(e.what()));
        return false;
    }
    return m_state == WorkerState::Running;
}

void TrainingWorker::afterSlice(bool snapshot)
{
    const auto now = Clock::now();
    if (snapshot && now - m_lastSnapshot >= kSnapshotInterval)
        emitSnapshot();
    if (now - m_lastQuickTest >= kQuickTestInterval)
        quickTest();
}

void TrainingWorker::runPacedSlice()
{
    const auto deadline = Clock::now() + kSlice;
    std::uint64_t due = m_pace.due(Clock::now());
    const bool running = trainGuarded([&] {
        // One batch at a time: one image in the lesson's per-sample mode.
        while (due > 0 && m_state == WorkerState::Running && !interrupted()) {
            const engine::SliceResult r = m_pace.showsEveryStep() ? stepShown() : m_trainer->step();
            if (!m_pace.showsEveryStep())
                afterBatches(r);
            m_pace.trained(r.samples);
            due -= std::min<std::uint64_t>(due, r.samples);
            if (Clock::now() >= deadline)
                break;
        }
    });
    if (!running)
        return;
    afterSlice(!m_pace.showsEveryStep()); // shown steps sent their own snapshots
    if (due > 0 || interrupted()) {
        scheduleSlice(); // the slice's time is up; more images are due already
        return;
    }
    // Wait with a timer, never by sleeping: pause, stop and the speed arrive meanwhile.
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(m_pace.nextSlice(Clock::now()) - Clock::now());
    m_paceTimer->start(int(std::clamp<std::int64_t>(wait.count(), 0, 24 * 3600 * 1000)));
}

engine::SliceResult TrainingWorker::stepShown()
{
    // The trace is of the weights the update uses: the lesson's o_errors and h_errors that move them.
    SampleStep learned;
    learned.run = m_run;
    learned.index = m_trainer->nextSample();
    learned.trace = engine::traceSample(m_trainer->network(), m_data.train->image(learned.index),
                                        m_data.train->labels[learned.index], m_trainer->config().lessonErrors);
    learned.before = std::make_shared<const engine::Network>(m_trainer->snapshot());
    const engine::SliceResult r = m_trainer->step();
    if (r.end != engine::SliceEnd::Diverged && r.samples > 0) {
        // Shown before an epoch's end is handled: the run's last image too, while it runs.
        reportPosition(true); // this step's loss on the curve
        learned.after = emitSnapshot();
        learned.samplesSeen = m_trainer->samplesSeen();
        learned.batchSize = int(r.samples);
        emit sampleLearned(learned);
    }
    afterBatches(r); // an epoch's end: its test; a divergence: paused, the weights before it
    return r;
}

void TrainingWorker::afterBatches(const engine::SliceResult& result)
{
    switch (result.end) {
    case engine::SliceEnd::EpochEnded:
        finishEpoch(result.epoch);
        break;
    case engine::SliceEnd::Diverged:
        setState(WorkerState::Paused);
        emitSnapshot();
        emit diverged(QStringLiteral(
            "The loss became infinite or not a number, so training stopped and the weights "
            "from before it went wrong are back. The learning rate %1 is probably too large: "
            "each step overshoots further. Try a smaller one.")
                          .arg(double(learningRate()), 0, 'g', 3));
        break;
    case engine::SliceEnd::Deadline:
    case engine::SliceEnd::Stopped:
        break;
    }
}

void TrainingWorker::finishEpoch(const engine::EpochSummary& summary)
{
    ++m_epochsDone;
    ++m_epochsThisStart;
    EpochReport report;
    report.run = m_run;
    report.epoch = m_epochsDone;
    report.epochFraction = double(m_trainer->epoch());
    report.trainLoss = summary.loss;
    report.trainAccuracy = summary.accuracy;
    report.seconds = summary.seconds;
    report.samplesPerSecond =
        summary.seconds > 0 ? double(m_trainer->epochSize()) / summary.seconds : 0;
    // On the trainer's cores (they are idle meanwhile), as nnlab-train tests.
    const auto test = engine::evaluateUnlessStopped(m_trainer->network(), *m_data.test, SIZE_MAX,
                                                    [this] { return !interrupted(); }, m_threads);
    if (!test)
        return; // the thread is being stopped
    report.testLoss = test->loss;
    report.testAccuracy = test->accuracy;
    report.test = std::make_shared<const engine::Evaluation>(std::move(*test));
    // The whole test set was just measured: the next quick estimate is a second from now, so
    // epochs shorter than that get none (they would only join distant points with a line).
    m_lastQuickTest = Clock::now();
    // The weights first, as at a pause: whoever hears of the epoch's end (the autosave keeps
    // the network then) already has the weights that were tested.
    emitSnapshot();
    emit epochEnded(report);
    returnFreedMemory(); // the replaced test evaluations, now and then

    if (m_setup.learningRateDecay < 1.0f) {
        // The decay is part of the run's settings: the curve marks no change for it.
        const bool shown = m_shownConfig.optimizer.learningRate == learningRate();
        m_trainer->setLearningRate(learningRate() * m_setup.learningRateDecay);
        if (shown)
            m_shownConfig.optimizer.learningRate = learningRate();
    }
    if (m_state == WorkerState::Running && m_epochsThisStart >= m_setup.epochs) {
        setRunEnded(true); // the next start is a new run; continueRun trains on in this one
        setState(WorkerState::Idle);
        emit finished();
    }
}

void TrainingWorker::setRunEnded(bool ended)
{
    if (ended == m_runEnded)
        return;
    m_runEnded = ended;
    emit runEndedChanged(ended);
}

NetworkPtr TrainingWorker::emitSnapshot()
{
    if (!m_trainer)
        return {};
    m_lastSnapshot = Clock::now();
    const double fraction =
        m_trainer->epoch() + double(m_trainer->cursor()) / double(std::max<std::size_t>(1, m_trainer->epochSize()));
    auto network = std::make_shared<const engine::Network>(m_trainer->snapshot());
    emit snapshotReady(NetworkSnapshot{m_run, network, m_trainer->samplesSeen(), fraction});
    return network;
}

void TrainingWorker::meterProgress(const engine::TrainingProgress& progress, bool force)
{
    const std::optional<MeteredProgress> metered = m_meter.add(progress, Clock::now(), force);
    if (!metered)
        return;
    engine::TrainingProgress p = metered->progress;
    if (!m_pace.fullSpeed()) // in slow motion the pace, not the trainer, sets the speed
        p.samplesPerSecond = std::min(p.samplesPerSecond, m_pace.rate());
    ProgressReport report{m_run, p, learningRate(), -1, m_setup.epochs, metered->smoothedLoss,
                          metered->smoothedAccuracy};
    if (p.samplesPerSecond > 0 && m_state == WorkerState::Running) {
        const double epochsLeft = double(m_setup.epochs - m_epochsThisStart) -
                                  double(p.cursor) / double(std::max<std::size_t>(1, p.epochSize));
        report.etaSeconds = std::max(0.0, epochsLeft) * double(p.epochSize) / p.samplesPerSecond;
    }
    emit progressed(report);
}

void TrainingWorker::quickTest()
{
    const auto e = engine::evaluateUnlessStopped(m_trainer->network(), *m_data.test, kQuickTestSize,
                                                 [this] { return !interrupted(); }, m_threads);
    // Counted from the answer, as at an epoch's end: the next estimate comes a second after
    // this one is sent, however long the evaluation took.
    m_lastQuickTest = Clock::now();
    if (!e)
        return;
    emit testEstimated(TestEstimate{m_run, epochFraction(), e->loss, e->accuracy});
}

} // namespace nnlab::app
