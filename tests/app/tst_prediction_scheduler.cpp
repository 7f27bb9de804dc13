// When the gallery, the confusion matrix and the step inspector get new answers
// (app/lab/prediction_scheduler.h), without widgets and with short intervals: a request within
// the refresh interval is made when it ends, and the newest network's answers win; epoch-end
// answers reach the confusion matrix at once and the gallery at most every refresh interval;
// the inspector traces the newest network when it is on screen.
#include "app/lab/prediction_scheduler.h"

#include "tests/common/controller_fixture.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace nnlab;
using app::PredictionScheduler;
using namespace std::chrono_literals;

class TestPredictionScheduler : public QObject
{
    Q_OBJECT

    app::DataPair m_data;

    static app::NetworkPtr network(std::uint64_t seed) { return test::lessonNetwork({20}, seed); }
    double testLoss(const app::NetworkPtr& n) const { return engine::evaluate(*n, *m_data.test).loss; }
    static PredictionScheduler::Intervals shortIntervals()
    {
        PredictionScheduler::Intervals i;
        i.galleryRefresh = 300ms;
        i.testIdle = i.testTraining = 500ms;
        i.trainingSetIdle = i.trainingSetTraining = 500ms;
        i.epochAnswersFresh = 500ms;
        return i;
    }
    using Answers = std::shared_ptr<const engine::Evaluation>;
    static Answers answersAt(const QSignalSpy& spy, qsizetype i, int arg)
    {
        return spy.at(i).at(arg).value<Answers>();
    }

private slots:
    void initTestCase()
    {
        m_data = test::lessonCsvData();
        QVERIFY(m_data.isValid());
    }

    void requestWithinTheIntervalIsMadeWhenItEnds()
    {
        PredictionScheduler s(shortIntervals());
        s.setDemand([] { return PredictionScheduler::Demand{true, false, false}; });
        QSignalSpy gallery(&s, &PredictionScheduler::galleryAnswers);
        QSignalSpy confusion(&s, &PredictionScheduler::confusionAnswers);
        s.setData(m_data);
        const auto first = network(1);
        s.setNetwork(first);
        QVERIFY(gallery.wait(5000));
        QCOMPARE(gallery.first().at(0).toBool(), true);
        QCOMPARE(answersAt(gallery, 0, 1)->loss, testLoss(first));
        QCOMPARE(confusion.count(), 1); // nothing trains: the confusion matrix follows too

        // Two new networks within the interval: neither is dropped for good; when the
        // interval ends the newest is evaluated, with nothing else asking.
        const auto second = network(2), third = network(3);
        s.setNetwork(second);
        s.setNetwork(third);
        QTRY_COMPARE_WITH_TIMEOUT(gallery.count(), 2, 5000);
        QCOMPARE(answersAt(gallery, 1, 1)->loss, testLoss(third));
        QVERIFY(testLoss(second) != testLoss(third));
    }

    void trainingSetAnswersWhenTheGalleryShowsIt()
    {
        PredictionScheduler s(shortIntervals());
        s.setDemand([] { return PredictionScheduler::Demand{false, true, false}; });
        QSignalSpy gallery(&s, &PredictionScheduler::galleryAnswers);
        s.setData(m_data);
        s.setNetwork(network(4), true);
        QVERIFY(gallery.wait(5000));
        QCOMPARE(gallery.first().at(0).toBool(), false);
        QCOMPARE(answersAt(gallery, 0, 1)->predictions.size(), std::size_t(100));
    }

    void epochAnswersReachTheGalleryAtMostEveryRefresh()
    {
        PredictionScheduler s(shortIntervals());
        s.setDemand([] { return PredictionScheduler::Demand{true, false, false}; });
        QSignalSpy gallery(&s, &PredictionScheduler::galleryAnswers);
        QSignalSpy confusion(&s, &PredictionScheduler::confusionAnswers);
        s.setData(m_data);
        s.setTraining(true);
        auto answers = [&](std::uint64_t seed) {
            return std::make_shared<const engine::Evaluation>(engine::evaluate(*network(seed), *m_data.test));
        };
        const Answers e1 = answers(5), e2 = answers(6), e3 = answers(7), e4 = answers(8);
        s.takeEpochAnswers(e1);
        QCOMPARE(confusion.count(), 1); // the confusion matrix at once (no pace here)...
        QCOMPARE(gallery.count(), 0);   // ... the gallery a refresh later
        s.takeEpochAnswers(e2);
        QCOMPARE(confusion.count(), 2);
        QCOMPARE(answersAt(confusion, 1, 0), e2);
        QTRY_COMPARE_WITH_TIMEOUT(gallery.count(), 1, 5000);
        QCOMPARE(answersAt(gallery, 0, 1), e2); // only the newest
        s.takeEpochAnswers(e3);
        QCOMPARE(gallery.count(), 1);
        // Training stops: what waits reaches the gallery at once, not a refresh later...
        s.setTraining(false);
        QCOMPARE(gallery.count(), 2);
        QCOMPARE(answersAt(gallery, 1, 1), e3);
        s.takeEpochAnswers(e4); // ... and so does an epoch's end while it is stopped (a step)
        QCOMPARE(gallery.count(), 3);
        QCOMPARE(answersAt(gallery, 2, 1), e4);

    }

    void inspectorTracesTheNewestNetworkWhenOnScreen()
    {
        PredictionScheduler s(shortIntervals());
        bool onScreen = true;
        s.setDemand([&] { return PredictionScheduler::Demand{false, false, onScreen}; });
        QSignalSpy traced(&s, &PredictionScheduler::inspected);
        s.setData(m_data);
        app::TrainingSetup lesson = app::TrainingSetup::fromPreset(*engine::findPreset("lesson"));
        s.setSetup(lesson);
        const auto first = network(9);
        s.setNetwork(first);
        s.inspect(true, 3);
        QCOMPARE(traced.count(), 1); // at once, on the GUI thread
        auto sample = traced.last().at(0).value<app::InspectedSample>();
        QCOMPARE(sample.index, std::size_t(3));
        QVERIFY(!sample.whyNoStep.isEmpty()); // a test image is never trained on
        const engine::LessonTrace expected =
            engine::traceSample(*first, m_data.test->image(3), m_data.test->labels[3], lesson.training.lessonErrors);
        QVERIFY(sample.trace.outputOutput.isApprox(expected.outputOutput));

        s.inspect(false, 0);
        QVERIFY(traced.last().at(0).value<app::InspectedSample>().whyNoStep.isEmpty());
        s.setTraining(true);
        QVERIFY(traced.last().at(0).value<app::InspectedSample>().whyNoStep.contains(QLatin1String("Pause")));
        QCOMPARE(s.inspectedTrainingImage(), std::optional<std::size_t>(0));
        s.setTraining(false);

        // Out of sight, a new network is not traced until the inspector is shown again.
        onScreen = false;
        const qsizetype before = traced.count();
        const auto second = network(10);
        s.setNetwork(second);
        QCOMPARE(traced.count(), before);
        onScreen = true;
        s.inspectorShown();
        QCOMPARE(traced.count(), before + 1);
        const engine::LessonTrace now =
            engine::traceSample(*second, m_data.train->image(0), m_data.train->labels[0], lesson.training.lessonErrors);
        QVERIFY(traced.last().at(0).value<app::InspectedSample>().trace.outputOutput.isApprox(now.outputOutput));
        s.inspectorShown(); // nothing new: no second trace
        QCOMPARE(traced.count(), before + 1);
    }
};

QTEST_GUILESS_MAIN(TestPredictionScheduler)
#include "tst_prediction_scheduler.moc"
