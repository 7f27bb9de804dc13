// Answers about an older network never replace newer ones (app/lab/prediction_scheduler.h),
// without widgets: a whole-set evaluation that ends after an epoch's answers came is dropped, and
// when the weights are replaced, the old network's waiting answers are dropped and the new one's
// are asked for at once.
#include "app/lab/prediction_scheduler.h"

#include "tests/common/controller_fixture.h"

#include <QSignalSpy>
#include <QtTest>

using namespace nnlab;
using app::PredictionScheduler;
using namespace std::chrono_literals;

class TestStaleAnswers : public QObject
{
    Q_OBJECT

    app::DataPair m_data;
    using Answers = std::shared_ptr<const engine::Evaluation>;

    static app::NetworkPtr network(std::uint64_t seed) { return test::lessonNetwork({20}, seed); }
    Answers answers(const app::NetworkPtr& n) const
    {
        return std::make_shared<const engine::Evaluation>(engine::evaluate(*n, *m_data.test));
    }
    static double lossAt(const QSignalSpy& spy, qsizetype i, int arg)
    {
        return spy.at(i).at(arg).value<Answers>()->loss;
    }
    static PredictionScheduler::Intervals intervals()
    {
        PredictionScheduler::Intervals i;
        i.galleryRefresh = 300ms;
        i.testIdle = i.testTraining = 600ms;
        i.trainingSetIdle = i.trainingSetTraining = 600ms;
        i.epochAnswersFresh = 100ms;
        return i;
    }

private slots:
    void initTestCase()
    {
        m_data = test::lessonCsvData();
        QVERIFY(m_data.isValid());
    }

    void anOlderEvaluationEndingLateIsDropped()
    {
        PredictionScheduler s(intervals());
        s.setDemand([] { return PredictionScheduler::Demand{true, false, false}; });
        QSignalSpy gallery(&s, &PredictionScheduler::galleryAnswers);
        QSignalSpy confusion(&s, &PredictionScheduler::confusionAnswers);
        s.setData(m_data);
        const auto older = network(1), newer = network(2);
        QVERIFY(engine::evaluate(*older, *m_data.test).loss != engine::evaluate(*newer, *m_data.test).loss);
        s.setNetwork(older, true); // its evaluation runs off the GUI thread...
        // ... and an epoch ends before its answers come back: the epoch's are newer.
        const Answers epoch = answers(newer);
        s.takeEpochAnswers(epoch);
        QCOMPARE(gallery.count(), 1);
        QCOMPARE(confusion.count(), 1);
        s.setNetwork(newer); // the epoch's weights follow its report
        // The newer network is evaluated when the interval ends, after the older one finished.
        QTRY_VERIFY_WITH_TIMEOUT(gallery.count() >= 2 && lossAt(gallery, gallery.count() - 1, 1) == epoch->loss,
                                 5000);
        for (qsizetype i = 0; i < gallery.count(); ++i)
            QCOMPARE(lossAt(gallery, i, 1), epoch->loss);
        for (qsizetype i = 0; i < confusion.count(); ++i)
            QCOMPARE(lossAt(confusion, i, 0), epoch->loss);
    }

    void replacedWeightsDropTheOldAnswers()
    {
        PredictionScheduler s(intervals());
        s.setDemand([] { return PredictionScheduler::Demand{true, false, false}; });
        QSignalSpy gallery(&s, &PredictionScheduler::galleryAnswers);
        QSignalSpy confusion(&s, &PredictionScheduler::confusionAnswers);
        s.setData(m_data);
        s.setTraining(true);
        const Answers first = answers(network(3)), second = answers(network(4));
        s.takeEpochAnswers(first);
        s.takeEpochAnswers(second); // both wait for the gallery's refresh (300 ms)
        QCOMPARE(gallery.count(), 0);

        // Reset weights while training: the old network's waiting answers go, and the new
        // network's come at once, within the 600 ms interval and though epochs bring answers.
        s.networkReplaced();
        const auto fresh = network(5);
        s.setNetwork(fresh);
        QTRY_COMPARE_WITH_TIMEOUT(gallery.count(), 1, 5000);
        QCOMPARE(lossAt(gallery, 0, 1), engine::evaluate(*fresh, *m_data.test).loss);
        QCOMPARE(lossAt(confusion, confusion.count() - 1, 0), engine::evaluate(*fresh, *m_data.test).loss);

        // The next network, within the interval, is evaluated when it ends (600 ms), after the
        // refresh that would have shown the old network's waiting answers (300 ms).
        const auto later = network(6);
        s.setNetwork(later);
        QTRY_COMPARE_WITH_TIMEOUT(gallery.count(), 2, 5000);
        QCOMPARE(lossAt(gallery, 1, 1), engine::evaluate(*later, *m_data.test).loss);
    }

    void inspectorFollowsNewData()
    {
        PredictionScheduler s(intervals());
        s.setDemand([] { return PredictionScheduler::Demand{false, false, true}; });
        QSignalSpy traced(&s, &PredictionScheduler::inspected);
        s.setData(m_data);
        s.setNetwork(network(7));
        s.inspect(false, 42); // a training image
        QCOMPARE(traced.count(), 1);
        // Other data (here the test set as training set): the inspector traces its image 42
        // with the next network, rather than keep the old data's trace.
        app::DataPair other = m_data;
        other.train = m_data.test;
        s.setData(other);
        const auto next = network(8);
        s.setNetwork(next);
        QCOMPARE(traced.count(), 2);
        const auto sample = traced.last().at(0).value<app::InspectedSample>();
        QCOMPARE(sample.set, m_data.test);
        QCOMPARE(sample.index, std::size_t(0)); // the set has 10 images: its first
        const engine::LessonTrace expected =
            engine::traceSample(*next, m_data.test->image(0), m_data.test->labels[0], false);
        QVERIFY(sample.trace.outputOutput.isApprox(expected.outputOutput));
    }
};

QTEST_GUILESS_MAIN(TestStaleAnswers)
#include "tst_stale_answers.moc"
