#include "prediction_scheduler.h"

#include <QTimer>

#include <utility>

namespace nnlab::app {

namespace engine = nnlab::engine;

PredictionScheduler::PredictionScheduler(Intervals intervals, QObject* parent)
    : QObject(parent), m_intervals(intervals), m_predictions(new DatasetPredictions(this)),
      m_requestLater(new QTimer(this)), m_galleryRefresh(new QTimer(this))
{
    m_requestLater->setSingleShot(true);
    connect(m_requestLater, &QTimer::timeout, this, [this] { request(false); });
    m_galleryRefresh->setSingleShot(true);
    connect(m_galleryRefresh, &QTimer::timeout, this, &PredictionScheduler::showPendingTestAnswers);
    connect(m_predictions, &DatasetPredictions::ready, this, &PredictionScheduler::onAnswers);
}

void PredictionScheduler::onAnswers(bool test, std::uint64_t serial, std::shared_ptr<const engine::Evaluation> e)
{
    // An evaluation of an older network that ended after newer answers came (an epoch's end
    // meanwhile) would put older answers back.
    std::uint64_t& shown = m_gallerySerial[test ? 0 : 1];
    if (serial < shown)
        return;
    shown = serial;
    emit galleryAnswers(test, e);
    // While training, the confusion matrix shows the epoch ends' answers.
    if (test && serial >= m_confusionSerial && (!m_training || !m_epochAnswersSeen) && m_data.test) {
        m_confusionSerial = serial;
        emit confusionAnswers(e);
    }
}

PredictionScheduler::~PredictionScheduler() = default;

void PredictionScheduler::stop()
{
    m_requestLater->stop();
    m_galleryRefresh->stop();
    m_predictions->invalidate();
    m_predictions->waitForIdle();
}

void PredictionScheduler::setRedraws(RedrawCoalescer* redraws)
{
    m_redraws = redraws;
    connect(redraws, &RedrawCoalescer::redraw, this, &PredictionScheduler::onRedraw);
}

void PredictionScheduler::onRedraw()
{
    showEpochAnswers();
    if (m_inspectorStale && demand().inspector)
        refreshInspector();
}

bool PredictionScheduler::isEvaluating() const
{
    return m_predictions->busy() || m_requestLater->isActive();
}

void PredictionScheduler::setData(const DataPair& data)
{
    m_data = data;
    m_predictions->invalidate();
    m_pendingTestAnswers.reset(); // answers about the old data
    m_epochConfusion.reset();
    m_galleryRefresh->stop();
    m_requestLater->stop();
    m_epochAnswersSeen = false;
    // The inspector keeps tracing an image, of the new data now (its first, if the set is
    // smaller), so that it never goes on showing the old data's trace.
    const auto& set = m_inspectedTest ? m_data.test : m_data.train;
    if (m_inspected && set && *m_inspected >= set->size())
        m_inspected = 0;
    if (m_inspected && (!set || set->size() == 0))
        m_inspected.reset();
    m_inspectorStale = m_inspected.has_value();
    m_network.reset();
}

void PredictionScheduler::setNetwork(NetworkPtr network, bool force)
{
    if (network != m_network)
        ++m_networkSerial;
    m_network = std::move(network);
    force = force || std::exchange(m_forceNext, false);
    if (demand().inspector && !m_redraws)
        refreshInspector();
    else
        m_inspectorStale = true; // traced at the pace's next redraw, or when it comes on screen
    if (m_redraws && m_inspected)
        m_redraws->request();
    request(force);
}

void PredictionScheduler::networkReplaced()
{
    m_predictions->invalidate();
    m_pendingTestAnswers.reset();
    m_epochConfusion.reset();
    m_galleryRefresh->stop();
    m_requestLater->stop();
    m_epochAnswersSeen = false;
    m_sinceEpochAnswers.invalidate();
    m_forceNext = true;
}

void PredictionScheduler::setTraining(bool training)
{
    m_training = training;
    if (!training && m_pendingTestAnswers) { // the run's end reaches the gallery at once
        if (m_redraws) {
            m_redraws->request();
            m_redraws->flush();
        } else {
            showEpochAnswers();
        }
    }
    refreshInspector(); // its Step button follows the state
}

void PredictionScheduler::setSetup(const TrainingSetup& setup)
{
    m_lessonErrors = setup.training.lessonErrors;
    m_perSampleSgd = setup.training.batchSize == 1 &&
                     setup.training.optimizer.kind == engine::OptimizerKind::SGD;
}

void PredictionScheduler::request(bool force)
{
    request(force, false);
}

// Whole-set evaluations off the GUI thread, only for views on screen: at most one a second for
// the test set, every 3 s for the 60,000 training images. While training, the test set's
// answers come with each epoch's end; epochs longer than 3 s also have it evaluated every 2 s
// in between, and the training images every 5 s. testKnown: the test set's answers just came
// with an epoch's end; only the training set (if shown) needs evaluating.
void PredictionScheduler::request(bool force, bool testKnown)
{
    if (!m_network || !m_data.isValid())
        return;
    const Demand wanted = demand();
    // While training, each epoch's end brings the test set's answers; only long epochs (none
    // for 3 s) have the set evaluated in between, so short ones cost the training nothing.
    const bool epochAnswersFresh = m_training && m_sinceEpochAnswers.isValid() &&
                                   m_sinceEpochAnswers.elapsed() < m_intervals.epochAnswersFresh.count();
    const bool wantTest = !testKnown && !epochAnswersFresh && wanted.testSet;
    const bool wantTrain = wanted.trainingSet;
    if (!wantTest && !wantTrain) {
        if (testKnown)
            m_sinceRequest.start(); // fresh: the next refresh is an interval away
        return;
    }
    const qint64 interval = (wantTrain ? (m_training ? m_intervals.trainingSetTraining : m_intervals.trainingSetIdle)
                                       : (m_training ? m_intervals.testTraining : m_intervals.testIdle))
                                .count();
    if (!force && m_sinceRequest.isValid() && m_sinceRequest.elapsed() < interval) {
        // Too soon: asked again when the interval is over, so that the newest network's answers
        // are shown even if no other request follows (a network changed while nothing trains).
        if (!m_requestLater->isActive())
            m_requestLater->start(int(interval - m_sinceRequest.elapsed()));
        return;
    }
    m_requestLater->stop();
    m_sinceRequest.start();
    if (wantTest)
        m_predictions->request(m_network, m_data.test, true, m_networkSerial);
    if (wantTrain)
        m_predictions->request(m_network, m_data.train, false, m_networkSerial);
}

void PredictionScheduler::takeEpochAnswers(std::shared_ptr<const engine::Evaluation> test)
{
    const std::uint64_t serial = m_networkSerial + 1;
    m_confusionSerial = serial;
    m_epochAnswersSeen = true;
    m_epochConfusion = test;
    m_pendingTestAnswers = std::move(test);
    m_pendingSerial = serial;
    m_sinceEpochAnswers.start();
    if (m_redraws)
        m_redraws->request();
    else
        showEpochAnswers();
    request(false, true);
}

void PredictionScheduler::showEpochAnswers()
{
    if (m_epochConfusion)
        emit confusionAnswers(std::exchange(m_epochConfusion, nullptr));
    if (!m_pendingTestAnswers)
        return;
    // While training, an interval after the first answers waiting (as the curves' replots): the
    // gallery's update (10,000 or 60,000 digits) is the costliest redraw, and a run shorter than
    // that shows only its end.
    if (!m_training) { // stopped: the run's end at once
        m_galleryRefresh->stop();
        showPendingTestAnswers();
    } else if (!m_galleryRefresh->isActive()) {
        m_galleryRefresh->start(int(m_intervals.galleryRefresh.count()));
    }
}

void PredictionScheduler::showPendingTestAnswers()
{
    if (!m_pendingTestAnswers)
        return;
    if (m_pendingSerial < m_gallerySerial[0]) {
        m_pendingTestAnswers.reset();
        return; // newer answers are shown already
    }
    m_gallerySerial[0] = m_pendingSerial;
    emit galleryAnswers(true, std::move(m_pendingTestAnswers));
    m_pendingTestAnswers.reset();
}

void PredictionScheduler::inspect(bool test, std::size_t index)
{
    m_inspectedTest = test;
    m_inspected = index;
    refreshInspector();
}

void PredictionScheduler::inspectorShown()
{
    if (m_inspectorStale)
        refreshInspector();
}

std::optional<std::size_t> PredictionScheduler::inspectedTrainingImage() const
{
    if (m_inspected && !m_inspectedTest)
        return m_inspected;
    return std::nullopt;
}

void PredictionScheduler::refreshInspector()
{
    m_inspectorStale = false;
    if (!m_inspected || !m_network || !m_data.isValid())
        return;
    const auto& set = m_inspectedTest ? m_data.test : m_data.train;
    if (*m_inspected >= set->size() || m_network->architecture().inputs != set->pixelsPerImage())
        return;
    InspectedSample s;
    s.test = m_inspectedTest;
    s.index = *m_inspected;
    s.set = set;
    try {
        s.trace = engine::traceSample(*m_network, set->image(s.index), set->labels[s.index], m_lessonErrors);
    } catch (const std::exception& e) {
        emit inspectionFailed(QString::fromUtf8(e.what()));
        return;
    }
    if (m_inspectedTest)
        s.whyNoStep = tr("This is a test image: the network never trains on those. Pick a "
                         "training image in the gallery.");
    else if (!m_perSampleSgd)
        s.whyNoStep = tr("Stepping on one image is the lesson's per-sample update: set the batch "
                         "size to 1 and the optimizer to SGD (the Lesson presets do).");
    else if (m_training)
        s.whyNoStep = tr("Pause training first (Space).");
    emit inspected(s);
}

} // namespace nnlab::app
