// When the views that show the network's answers get new ones: the gallery and the confusion
// matrix (whole-set evaluations off the GUI thread, at most every few seconds, and the test
// set's answers that come with each epoch's end) and the step inspector (one image's forward
// pass, for the newest network, when the inspector is on screen).
#pragma once

#include "app/bridge/dataset_predictions.h"
#include "app/bridge/training_setup.h"
#include "app/lab/redraw_coalescer.h"

#include "engine/step_trace.h"

#include <QElapsedTimer>
#include <QObject>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

class QTimer;

namespace nnlab::app {

// One image through the newest network, for the step inspector.
struct InspectedSample
{
    bool test = true;          // from the test set (else the training set)
    std::size_t index = 0;
    std::shared_ptr<const engine::Dataset> set;
    engine::LessonTrace trace;
    QString whyNoStep;         // empty: "Step on this image" may train on it
};

class PredictionScheduler : public QObject
{
    Q_OBJECT

public:
    using ms = std::chrono::milliseconds;
    // The shortest times between evaluations of a whole set (tests pass short ones).
    struct Intervals
    {
        ms galleryRefresh{400}; // while training, epoch-end answers reach the gallery this long after the first waiting
        ms testIdle{1000}, testTraining{2000};
        ms trainingSetIdle{3000}, trainingSetTraining{5000};
        ms epochAnswersFresh{3000}; // while training, epoch ends this close need no evaluation
    };
    // What the views on screen want now.
    struct Demand
    {
        bool testSet = false;     // the gallery showing the test set, or the confusion matrix
        bool trainingSet = false; // the gallery showing the training set
        bool inspector = false;   // the step inspector
    };

    explicit PredictionScheduler(QObject* parent = nullptr) : PredictionScheduler(Intervals{}, parent) {}
    explicit PredictionScheduler(Intervals intervals, QObject* parent = nullptr);
    ~PredictionScheduler() override;

    // Asked at every decision (the views' visibility); without it nothing is wanted.
    void setDemand(std::function<Demand()> demand) { m_demand = std::move(demand); }
    // With a pace (the session's), what training sends reaches the views at its redraws: the
    // confusion matrix gets the newest epoch's answers, the gallery too when its refresh allows
    // (or training stopped: the end at once), the inspector the newest network's trace. Without
    // one, each at once.
    void setRedraws(RedrawCoalescer* redraws);

    // New data: answers and requests about the old sets (and the old network) are dropped;
    // the inspector's image is the same index of the new set, traced with the next network.
    void setData(const DataPair& data);
    // The newest network: the views on screen ask for its answers (the inspector at once;
    // force: the sets whatever the interval). Answers are shown newest network first: those of
    // an older network that arrive later (an evaluation that ran long) are dropped.
    void setNetwork(NetworkPtr network, bool force = false);
    // Other weights replace the network (new shape, preset, Reset, data, a model opened):
    // answers about the old one, waiting or being computed, are dropped, and the next network's
    // are asked for whatever the interval.
    void networkReplaced();
    // The worker's state: training evaluates less often, and the step inspector says so.
    void setTraining(bool training);
    // The setup decides whether an image may be stepped on and how errors are traced.
    void setSetup(const TrainingSetup& setup);
    // Asks for answers now if due (force: whatever the interval); a request within the interval
    // is made when it ends, for the newest network then.
    void request(bool force = false);
    // The worker tested the whole test set at an epoch's end: the confusion matrix shows it at
    // once (at the pace's next redraw: the newest of a burst), the gallery, while training,
    // Intervals::galleryRefresh after the first answers waiting (the newest then), and at once
    // when training stops; the set is not evaluated again.
    // They are the answers of the network setNetwork gets next (the worker sends the epoch's
    // report, then its weights).
    void takeEpochAnswers(std::shared_ptr<const engine::Evaluation> test);

    // The step inspector: which image, and tracing it again (now, or when it comes on screen).
    void inspect(bool test, std::size_t index);
    void refreshInspector();
    void inspectorShown();
    std::optional<std::size_t> inspectedTrainingImage() const;

    // Closing: running evaluations stop, and are waited for.
    void stop();
    // A whole-set evaluation runs, or one waits for its interval to end.
    bool isEvaluating() const;

signals:
    void galleryAnswers(bool test, std::shared_ptr<const nnlab::engine::Evaluation> answers);
    void confusionAnswers(std::shared_ptr<const nnlab::engine::Evaluation> test);
    void inspected(const nnlab::app::InspectedSample& sample);
    void inspectionFailed(const QString& why);

private:
    void request(bool force, bool testKnown);
    void showPendingTestAnswers();
    void showEpochAnswers(); // the newest epoch's answers to the confusion matrix and gallery
    void onRedraw();
    void onAnswers(bool test, std::uint64_t serial, std::shared_ptr<const engine::Evaluation> answers);
    Demand demand() const { return m_demand ? m_demand() : Demand{}; }

    Intervals m_intervals;
    std::function<Demand()> m_demand;
    DatasetPredictions* m_predictions;
    DataPair m_data;
    NetworkPtr m_network;
    // Networks are numbered as they come (setNetwork); answers carry their network's number.
    std::uint64_t m_networkSerial = 0;
    std::uint64_t m_gallerySerial[2] = {0, 0}; // of the answers the gallery shows: test, training
    std::uint64_t m_confusionSerial = 0;
    std::uint64_t m_pendingSerial = 0;         // of m_pendingTestAnswers
    bool m_forceNext = false;                  // the network was replaced: ask for the next one's at once
    bool m_training = false;
    bool m_lessonErrors = false;
    bool m_perSampleSgd = false; // batch 1 and SGD: the lesson's per-sample update
    bool m_epochAnswersSeen = false; // an epoch ended on this data

    QElapsedTimer m_sinceRequest;       // the last whole-set request
    QTimer* m_requestLater;             // a request that came too soon, made when it may be
    QElapsedTimer m_sinceEpochAnswers;  // the test set's answers last came with an epoch's end
    std::shared_ptr<const engine::Evaluation> m_pendingTestAnswers; // not yet in the gallery
    std::shared_ptr<const engine::Evaluation> m_epochConfusion;     // not yet in the confusion matrix
    RedrawCoalescer* m_redraws = nullptr;
    QTimer* m_galleryRefresh;

    bool m_inspectedTest = true;
    std::optional<std::size_t> m_inspected;
    bool m_inspectorStale = false; // a network arrived while the inspector was out of sight
};

} // namespace nnlab::app
