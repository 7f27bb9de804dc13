// Runs as the lesson compares them (issue 20): after a run ended, Start begins a new run from
// the same initial weights with the settings now in use; Continue trains the same weights
// further in the same run and marks what changed; a live change is marked too.
#include "app/bridge/training_controller.h"
#include "tests/common/controller_fixture.h"
#include "tests/common/test_support.h"

#include <QtTest>

using namespace nnlab::app;
using nnlab::test::ControllerFixture;
namespace engine = nnlab::engine;

namespace {

// The lesson's first experiment: 784-90-10 on the first 100 images, l_r 0.3, 5 epochs.
TrainingSetup lesson100() { return nnlab::test::presetSetup("lesson-100"); }

RunInfo runInfo(const QSignalSpy& runs, int i) { return runs.at(i).at(0).value<RunInfo>(); }

// The weights run `run` began with: the first snapshot under its number.
NetworkPtr firstWeightsOf(const QSignalSpy& snapshots, int run)
{
    for (const auto& args : snapshots) {
        const auto s = args.at(0).value<NetworkSnapshot>();
        if (s.run == run)
            return s.network;
    }
    return {};
}

} // namespace

class TestRuns : public QObject
{
    Q_OBJECT

    DataPair m_small; // 2,000 training and 500 test images of MNIST

private slots:
    void initTestCase()
    {
        nnlab::test::useBundledDataAndModel();
        const nnlab::test::Mnist mnist = nnlab::test::loadBundledMnist();
        m_small = nnlab::test::smallMnist(mnist);
    }

    void startAfterAFinishedRunIsANewRunFromTheSameInitialWeights()
    {
        ControllerFixture f;
        f.controller.configure(lesson100(), m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QTRY_COMPARE(f.controller.state(), WorkerState::Idle);
        QCOMPARE(f.runs.count(), 1);
        QCOMPARE(f.epochs.count(), 5);

        f.controller.setLearningRate(0.03f);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.runs.count(), 2); // a new run, not epochs 6-10 of run 1
        const RunInfo second = runInfo(f.runs, 1);
        QCOMPARE(second.run, 2);
        QCOMPARE(second.setup.training.optimizer.learningRate, 0.03f); // its legend's l_r
        QCOMPARE(runInfo(f.runs, 0).setup.training.optimizer.learningRate, 0.3f);
        const NetworkPtr first = firstWeightsOf(f.snapshots, 1);
        const NetworkPtr again = firstWeightsOf(f.snapshots, 2);
        QVERIFY(first && again);
        QVERIFY(*first == *again); // only the knob differs
        QVERIFY(*second.initial == *first);
        QVERIFY(!(*f.lastSnapshot().network == *first)); // and it trained
        // Epochs of the new run count from its start.
        QCOMPARE(f.lastEpoch().run, 2);
        QCOMPARE(f.lastEpoch().epoch, 5);
        QCOMPARE(f.lastEpoch().epochFraction, 5.0);
    }

    // What the window asks about before Start replaces trained weights (issue 20, items 1-2).
    void theControllerKnowsWhenStartBeginsANewRun()
    {
        ControllerFixture f;
        QSignalSpy restarted(&f.controller, &TrainingController::runRestarted);
        f.controller.configure(lesson100(), m_small);
        QVERIFY(!f.controller.startBeginsNewRun());
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QTRY_VERIFY(f.controller.startBeginsNewRun());
        f.controller.continueRun(); // trains these weights on: no new run
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.runs.count(), 1);
        QTRY_VERIFY(f.controller.startBeginsNewRun());
        QCOMPARE(restarted.count(), 0);
        f.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(f.finished.count(), 3, 20000);
        QCOMPARE(restarted.count(), 1);
        QCOMPARE(f.runs.count(), 2);
        // New weights (a preset, a shape, Reset): Start trains them, nothing is replaced.
        f.controller.configure(lesson100(), m_small);
        QTRY_VERIFY(!f.controller.startBeginsNewRun());
    }

    // Shuffling, the training-set size or the learner's digits changed after a run ended keep
    // the trained weights for Continue, and Start still begins from the run's initial weights.
    void otherRunSettingsAfterARunEndedKeepItsStart()
    {
        ControllerFixture f;
        f.controller.configure(lesson100(), m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QTRY_VERIFY(f.controller.startBeginsNewRun());
        const NetworkPtr trained = f.lastSnapshot().network;
        TrainingSetup other = lesson100();
        other.training.trainingSize = 50;
        other.training.shuffle = !other.training.shuffle;
        f.controller.configure(other, m_small, trained); // as LabSession::changeRunSettings does
        QTRY_VERIFY(*f.lastSnapshot().network == *trained);
        QVERIFY(f.controller.startBeginsNewRun());
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.runs.count(), 2);
        QVERIFY(*firstWeightsOf(f.snapshots, 2) == *firstWeightsOf(f.snapshots, 1));
        QCOMPARE(runInfo(f.runs, 1).setup.training.trainingSize, std::size_t(50));
        QTRY_COMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(5 * 50)); // 5 epochs of 50 images
    }

    void startAfterStopIsANewRunFromTheSameInitialWeights()
    {
        ControllerFixture f;
        TrainingSetup s = lesson100();
        s.epochs = 100000;
        f.controller.configure(s, m_small);
        f.controller.start();
        QTRY_VERIFY(f.epochs.count() >= 2);
        f.controller.stop();
        QTRY_COMPARE(f.controller.state(), WorkerState::Idle);
        f.controller.start();
        QTRY_COMPARE(f.runs.count(), 2);
        QTRY_VERIFY(firstWeightsOf(f.snapshots, 2) != nullptr);
        QVERIFY(*firstWeightsOf(f.snapshots, 2) == *firstWeightsOf(f.snapshots, 1));
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
    }

    void resumeAfterPauseIsTheSameRun()
    {
        ControllerFixture f;
        TrainingSetup s = lesson100();
        s.epochs = 100000;
        f.controller.configure(s, m_small);
        f.controller.start();
        QTRY_VERIFY(f.epochs.count() >= 1);
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        const int epochs = int(f.epochs.count());
        f.controller.start();
        QTRY_VERIFY(f.epochs.count() > epochs);
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        QCOMPARE(f.runs.count(), 1);
        QCOMPARE(f.lastEpoch().run, 1);
    }

    void continueTrainsTheSameRunAndMarksTheChange()
    {
        ControllerFixture f;
        QSignalSpy changes(&f.controller, &TrainingController::runChanged);
        f.controller.configure(lesson100(), m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QTRY_COMPARE(f.controller.state(), WorkerState::Idle);
        const NetworkPtr trained = f.lastSnapshot().network;

        f.controller.setLearningRate(0.03f);
        f.controller.continueRun();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.runs.count(), 1); // the same run
        QCOMPARE(f.epochs.count(), 10);
        QCOMPARE(f.lastEpoch().run, 1);
        QCOMPARE(f.lastEpoch().epoch, 10);
        QCOMPARE(f.lastEpoch().epochFraction, 10.0);
        QCOMPARE(changes.count(), 1);
        const RunChange c = changes.first().at(0).value<RunChange>();
        QCOMPARE(c.run, 1);
        QCOMPARE(c.epochFraction, 5.0);
        QCOMPARE(c.change, QStringLiteral("l_r 0.3 → 0.03"));
        QVERIFY(!(*f.lastSnapshot().network == *trained)); // trained further

        // Continue without a change marks nothing.
        f.controller.continueRun();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.runs.count(), 1);
        QCOMPARE(changes.count(), 1);
    }

    void continueAfterStopTrainsTheStoppedWeights()
    {
        ControllerFixture f;
        TrainingSetup s = lesson100();
        s.epochs = 100000;
        f.controller.configure(s, m_small);
        f.controller.start();
        QTRY_VERIFY(f.epochs.count() >= 2);
        f.controller.stop();
        QTRY_COMPARE(f.controller.state(), WorkerState::Idle);
        QTRY_VERIFY(f.lastSnapshot().samplesSeen > 0);
        const std::uint64_t seen = f.lastSnapshot().samplesSeen;
        f.controller.continueRun();
        QTRY_VERIFY(f.lastSnapshot().samplesSeen > seen);
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        QCOMPARE(f.runs.count(), 1);
    }

    void aLiveChangeIsMarkedWhereItBegins()
    {
        ControllerFixture f;
        QSignalSpy changes(&f.controller, &TrainingController::runChanged);
        TrainingSetup s = lesson100();
        s.epochs = 100000;
        f.controller.configure(s, m_small);
        f.controller.start();
        QTRY_VERIFY(f.epochs.count() >= 1);
        f.controller.setLearningRate(0.05f);
        QTRY_COMPARE(changes.count(), 1);
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        const RunChange c = changes.first().at(0).value<RunChange>();
        QCOMPARE(c.run, 1);
        QCOMPARE(c.change, QStringLiteral("l_r 0.3 → 0.05"));
        QVERIFY(c.epochFraction >= 1.0);
        QCOMPARE(f.runs.count(), 1);
    }

    void learningRateDecayIsNoChange()
    {
        ControllerFixture f;
        QSignalSpy changes(&f.controller, &TrainingController::runChanged);
        TrainingSetup s = lesson100();
        s.learningRateDecay = 0.5f;
        f.controller.configure(s, m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(changes.count(), 0);
        // A new run after it starts from the l_r that was set, not the decayed one.
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.runs.count(), 2);
        QCOMPARE(runInfo(f.runs, 1).setup.training.optimizer.learningRate, 0.3f);
    }
};

QTEST_GUILESS_MAIN(TestRuns)
#include "tst_runs.moc"
