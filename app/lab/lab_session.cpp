#include "lab_session.h"

#include "app/common/bundled_files.h"
#include "app/common/heap_policy.h"
#include "engine/presets.h"

#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstdint>

namespace nnlab::app {

namespace engine = nnlab::engine;

LabSession::LabSession(QObject* parent)
    : QObject(parent), m_controller(new TrainingController(this)),
      m_myDigits(new MyDigits({}, this))
{
    m_runs->setRedraws(m_redraws); // the runs table's cells at the views' pace
    m_dataSources = {DataSource::Mnist};
    if (fashionMnistAvailable())
        m_dataSources.push_back(DataSource::FashionMnist);
    m_dataSources.push_back(DataSource::Files);

    connect(m_controller, &TrainingController::runStarted, this, [this](const RunInfo& info) {
        m_freshWeights = false;
        m_runInitialWeights[info.run] = info.initial;
        // The run before stays (a discard question compares them); older weights would add up
        // over a long session (2 MiB a run with `best`).
        m_runInitialWeights.erase(m_runInitialWeights.begin(), m_runInitialWeights.lower_bound(info.run - 1));
    });
    connect(m_controller, &TrainingController::snapshotReady, this, &LabSession::onSnapshot);
    // Start after an ended run: its weights give way to its initial ones (asked about first,
    // needsAskingBeforeDiscard); what the new run learns is counted from zero.
    connect(m_controller, &TrainingController::runRestarted, this, &LabSession::forgetLearned);
    connect(m_controller, &TrainingController::sampleStepped, this, [this] {
        if (!awaitsNewNetwork())
            ++m_samplesSinceKept; // one lesson update on one image
    });
    connect(m_controller, &TrainingController::epochEnded, this, [this](const EpochReport& r) {
        if (!awaitsNewNetwork())
            m_lastTestAccuracy = r.testAccuracy;
    });
    // A new trainer that could not be built sends no weights: stop waiting for them.
    connect(m_controller, &TrainingController::failed, this, [this] { m_pendingReplacements = 0; });
    connect(m_myDigits, &MyDigits::added, this, [this] {
        if (m_controller->state() == WorkerState::Idle)
            rejoinMyDigits();
        else
            m_joinPending = true;
    });
    connect(m_controller, &TrainingController::stateChanged, this, [this](WorkerState state) {
        if (state != WorkerState::Running)
            m_redraws->flush(); // the run's end state, drawn at the next turn
        if (state == WorkerState::Idle && m_joinPending)
            rejoinMyDigits();
    });
}

// Every new trainer (configure, reset, stop) first sends its weights with samplesSeen 0, and
// commands and snapshots keep their order across the threads: until the trainer asked for by the
// newest replacement has sent its first snapshot, snapshots are of the replaced network.
void LabSession::onSnapshot(const NetworkSnapshot& s)
{
    if (m_pendingReplacements > 0 && (s.samplesSeen != 0 || --m_pendingReplacements > 0))
        return;
    // A drop in samplesSeen is a new trainer on the same weights (Stop, a run setting).
    m_samplesSinceKept += s.samplesSeen >= m_samplesCounted ? s.samplesSeen - m_samplesCounted : s.samplesSeen;
    m_samplesCounted = s.samplesSeen;
    const bool otherShape = m_snapshot.network && s.network &&
                            m_snapshot.network->architecture() != s.network->architecture();
    m_snapshot = s;
    emit snapshotChanged(s);
    // The views let go of the old network's weights (a 3 x 1,024 network's are 30 MiB) when they
    // take the new one, at the pace's next redraw: hand them back then, not at the worker's next
    // trim (the worker trimmed when it replaced the trainer, before they were freed here).
    if (otherShape)
        connect(m_redraws, &RedrawCoalescer::redraw, this,
                [] { QTimer::singleShot(0, [] { returnFreedMemory(std::chrono::milliseconds(0)); }); },
                Qt::SingleShotConnection);
}

void LabSession::replacingNetwork()
{
    ++m_pendingReplacements;
    forgetLearned();
}

void LabSession::forgetLearned()
{
    m_samplesSinceKept = 0;
    m_samplesCounted = 0;
    m_lastTestAccuracy.reset();
    emit networkReplaced();
}

bool LabSession::hasWorkWorthKeeping() const
{
    if (!m_data.isValid())
        return false;
    const std::uint64_t epoch = std::min<std::uint64_t>(m_setup.training.trainingSize, m_data.train->size());
    return m_samplesSinceKept >= std::min(kWorthKeepingSamples, std::max<std::uint64_t>(1, epoch));
}

LabSession::~LabSession()
{
    m_controller->shutdown();
    m_loaders.waitForDone();
}

void LabSession::loadData(int index, const QStringList& files)
{
    if (index < 0 || index >= int(m_dataSources.size()))
        return;
    const DataSource source = m_dataSources[std::size_t(index)];
    const int generation = ++m_loadGeneration;
    const bool replacing = m_data.isValid();
    emit dataLoading();
    auto* watcher = new QFutureWatcher<std::pair<DataPair, QString>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, index, replacing] {
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return; // a newer choice replaced this one
        const auto [data, error] = watcher->result();
        if (!error.isEmpty()) {
            emit dataFailed(error);
            if (!m_data.isValid() && index != 0) {
                loadData(0); // fall back to the bundled MNIST
                return;
            }
            emit dataIndexChanged(m_dataIndex); // the current data stays
            return;
        }
        m_dataIndex = index;
        emit dataIndexChanged(index);
        if (replacing) {
            m_freshWeights = true;
            m_snapshot = {};
        }
        onLoaded(data);
    });
    watcher->setFuture(QtConcurrent::run(&m_loaders, [source, files]() -> std::pair<DataPair, QString> {
        try {
            return {app::loadData(source, files), QString()};
        } catch (const std::exception& e) {
            return {DataPair{}, QString::fromUtf8(e.what())};
        }
    }));
}

void LabSession::onLoaded(const DataPair& data)
{
    m_data = data;
    m_ownTrain = data.train;
    joinMyDigits();
    m_lastTestAccuracy.reset();
    emit dataChanged(m_data);
    if (const QString why = smallSetWarning(*m_data.train); !why.isEmpty())
        emit dataWarning(why);
    const TrainingSetup setup = fitToData(m_setupSource ? m_setupSource() : m_setup);
    NetworkPtr initial = initialNetworkFor(setup);
    if (!initial && m_snapshot.network && m_snapshot.network->architecture() == setup.architecture &&
        !m_freshWeights)
        initial = m_snapshot.network; // keep what was learned when only the data changed shape-alike
    configure(setup, initial);
    emit dataReady();
}

NetworkPtr LabSession::runInitialWeights(int run) const
{
    const auto it = m_runInitialWeights.find(run);
    return it == m_runInitialWeights.end() ? NetworkPtr{} : it->second;
}

void LabSession::joinMyDigits()
{
    m_joinPending = false;
    m_data.train = m_ownTrain;
    const auto mine = m_myDigits->digits();
    if (mine && m_ownTrain && m_data.name == QLatin1String("MNIST")) {
        try {
            m_data.train =
                std::make_shared<const engine::Dataset>(engine::joined(*m_ownTrain, *mine));
        } catch (const std::exception& e) {
            emit dataWarning(QString::fromUtf8(e.what()));
        }
    }
    const auto mineInSet = m_data.train ? m_data.train->countFrom(engine::ImageOrigin::Mine) : 0;
    m_myDigits->setInTrainingSet(int(mineInSet));
}

void LabSession::rejoinMyDigits()
{
    if (!m_data.isValid() || m_data.name != QLatin1String("MNIST")) {
        m_joinPending = false;
        return;
    }
    joinMyDigits();
    emit dataChanged(m_data);
    const bool fresh = m_freshWeights;
    configure(m_setup, m_snapshot.network ? m_snapshot.network : initialNetworkFor(m_setup));
    m_freshWeights = fresh; // the same weights: nothing learned, nothing lost
    emit dataReady();
}

QString LabSession::trainOnMyDigits(int epochs)
{
    if (m_myDigits->count() == 0)
        return tr("There are none of your digits yet: draw one, set \"This is a\" to its digit and "
                  "press Add to training set.");
    if (m_data.name != QLatin1String("MNIST"))
        return tr("Your digits join MNIST's training set: choose MNIST handwritten digits as the "
                  "data first.");
    if (m_controller->isRunning())
        return tr("Training is under way: pause it (Space) or stop it first.");
    if (m_joinPending) {
        joinMyDigits();
        emit dataChanged(m_data);
    }
    TrainingSetup next = m_setup;
    next.epochs = std::max(1, epochs);
    next.training.trainingSize = SIZE_MAX; // all of MNIST and all of yours
    if (!configure(next, m_snapshot.network ? m_snapshot.network : initialNetworkFor(next)))
        return tr("These settings cannot train.");
    m_controller->start();
    return {};
}

QStringList LabSession::classNames() const
{
    QStringList names;
    if (m_data.test)
        for (const auto& n : m_data.test->classNames)
            names << QString::fromStdString(n);
    return names;
}

QString LabSession::loadDefaultModel()
{
    const std::string path = findBundled(Bundled::DefaultModel).path;
    if (path.empty())
        return {};
    try {
        engine::Model model = engine::loadModel(path);
        m_defaultModelAccuracy = model.info.testAccuracy;
        m_defaultModel = std::make_shared<const engine::Network>(std::move(model.network));
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

NetworkPtr LabSession::initialNetworkFor(const TrainingSetup& setup) const
{
    if (m_defaultModel && m_defaultModel->architecture() == setup.architecture &&
        m_data.name == QLatin1String("MNIST"))
        return m_defaultModel;
    return {};
}

TrainingSetup LabSession::fitToData(TrainingSetup setup) const
{
    if (m_data.isValid()) {
        setup.architecture.inputs = m_data.train->pixelsPerImage();
        setup.architecture.outputs = m_data.train->classCount();
    }
    return setup;
}

void LabSession::begin(std::optional<TrainingSetup> remembered, int rememberedDataIndex)
{
    const bool userFiles = rememberedDataIndex >= int(m_dataSources.size()) - 1;
    m_dataIndex = rememberedDataIndex < 0 || userFiles ? 0 : rememberedDataIndex;
    if (!remembered)
        remembered = TrainingSetup::fromPreset(
            engine::findPreset(m_defaultModel ? "default" : "lesson").value_or(engine::presets().front()));
    setSetup(*remembered);
    if (m_defaultModel)
        m_snapshot = NetworkSnapshot{0, m_defaultModel, 0, 0};
    if (m_snapshot.network == nullptr || !(m_snapshot.network->architecture() == m_setup.architecture))
        m_snapshot = {};
    if (!m_myDigits->loadError().isEmpty())
        emit dataWarning(tr("Your digits could not be read, so they are left out of the training "
                            "set: %1").arg(m_myDigits->loadError()));
}

QString LabSession::whyNotFit(const engine::Architecture& a, const QString& name) const
{
    if (!m_data.isValid() || (a.inputs == m_data.train->pixelsPerImage() && a.outputs == m_data.train->classCount()))
        return {};
    return tr("%1 reads %2 inputs into %3 classes, but the data has %4 pixels per image and %5 classes.")
        .arg(name)
        .arg(a.inputs)
        .arg(a.outputs)
        .arg(m_data.train->pixelsPerImage())
        .arg(m_data.train->classCount());
}

void LabSession::setSetup(const TrainingSetup& setup)
{
    m_setup = setup;
    emit setupChanged(m_setup);
}

std::optional<engine::Model> LabSession::currentModel() const
{
    if (!m_snapshot.network)
        return std::nullopt;
    engine::Model model;
    model.network = *m_snapshot.network;
    if (m_lastTestAccuracy)
        model.info.testAccuracy = float(*m_lastTestAccuracy);
    model.info.samplesSeen = m_snapshot.samplesSeen;
    model.info.note = m_setup.describe().toStdString();
    if (m_snapshot.samplesSeen > 0) // untrained weights (new, opened, the default model) have no run
        model.info.provenance = m_runs->provenance(m_snapshot.run);
    return model;
}

bool LabSession::configure(const TrainingSetup& setup, NetworkPtr initial)
{
    const bool replacing = !initial || initial != m_snapshot.network;
    return configure(setup, std::move(initial), replacing);
}

bool LabSession::configure(const TrainingSetup& setup, NetworkPtr initial, bool replacing)
{
    setSetup(setup);
    if (!m_data.isValid())
        return false;
    if (const QString why = m_setup.validate(m_data.train->size()); !why.isEmpty()) {
        emit setupRefused(why);
        return false;
    }
    m_freshWeights = !initial;
    if (replacing) {
        m_comingInitial = initial;
        replacingNetwork();
    }
    // The run's legend names the learner's digits it trains on (they follow the set's own).
    DataPair data = m_data;
    const std::size_t used = std::min(m_setup.training.trainingSize, m_data.train->size());
    const std::size_t own = m_ownTrain ? m_ownTrain->size() : used;
    if (used > own)
        data.name += tr(" + %n of yours", nullptr, int(used - own));
    m_controller->configure(m_setup, data, initial);
    emit configured();
    return true;
}

void LabSession::adopt(NetworkPtr network, const TrainingSetup& setup)
{
    if (m_controller->isRunning())
        m_controller->pause();
    m_snapshot = NetworkSnapshot{0, network, 0, 0};
    configure(setup, network, true);
}

void LabSession::resetWeights(const TrainingSetup& setup)
{
    setSetup(setup);
    if (!m_data.isValid())
        return; // the worker has nothing to reset
    m_comingInitial = nullptr; // fresh from the seed
    replacingNetwork();
    m_controller->reset(m_setup.weightSeed);
    m_freshWeights = true;
}

LabSession::RunSettings LabSession::changeRunSettings(const TrainingSetup& requested)
{
    TrainingSetup next = requested;
    next.architecture = m_setup.architecture;
    const bool newWeights = next.init != m_setup.init || next.weightSeed != m_setup.weightSeed;
    if (m_controller->isRunning()) {
        // Shuffling, training-set size and the error shortcut belong to the trainer: they take
        // effect when this run ends. Seed and initialiser are used by Reset.
        TrainingSetup kept = m_setup;
        kept.init = next.init;
        kept.weightSeed = next.weightSeed;
        setSetup(kept);
        return newWeights ? RunSettings::UsedByReset : RunSettings::FromNextRun;
    }
    const bool keepWeights = !(newWeights && m_freshWeights);
    // Weights asked of the worker and not arrived yet (a new shape a moment ago) are the ones to
    // keep, not the older snapshot's (issue 14: a shape typed, then at once a training size).
    const NetworkPtr current = awaitsNewNetwork() ? m_comingInitial : m_snapshot.network;
    configure(next, keepWeights ? current : NetworkPtr{});
    return RunSettings::Applied;
}

void LabSession::setLearningRate(float learningRate)
{
    m_setup.training.optimizer.learningRate = learningRate;
    m_controller->setLearningRate(learningRate);
    emit setupChanged(m_setup);
}

void LabSession::setOptimizer(const engine::OptimizerSettings& settings)
{
    m_setup.training.optimizer = settings;
    m_controller->setOptimizer(settings);
    emit setupChanged(m_setup);
}

void LabSession::setBatchSize(int batchSize)
{
    m_setup.training.batchSize = batchSize;
    m_controller->setBatchSize(batchSize);
    emit setupChanged(m_setup);
}

void LabSession::setEpochs(int epochs)
{
    m_setup.epochs = epochs;
    m_controller->setEpochs(epochs);
    emit setupChanged(m_setup);
}

void LabSession::setLearningRateDecay(float decay)
{
    m_setup.learningRateDecay = decay;
    m_controller->setLearningRateDecay(decay);
    emit setupChanged(m_setup);
}

} // namespace nnlab::app
