// Runs that share a start (issue 17): "Again from the same start" begins a new run from exactly
// the previous run's initial weights and data order, "Branch here" from the paused weights,
// optimizer state and position; with no change either reproduces its parent bit for bit (file
// order and shuffled, fixed thread count). Knob changes are marked at the sample where they
// take effect, one KnobChange per setting.
#include "app/bridge/training_controller.h"
#include "tests/common/controller_fixture.h"
#include "tests/common/test_support.h"

#include <QtTest>

#include <cstring>

using namespace nnlab::app;
using nnlab::test::ControllerFixture;
namespace engine = nnlab::engine;

namespace {

RunInfo runInfo(const QSignalSpy& runs, int i) { return runs.at(i).at(0).value<RunInfo>(); }

std::vector<EpochReport> epochsOf(const QSignalSpy& epochs, int run)
{
    std::vector<EpochReport> out;
    for (const auto& args : epochs) {
        const auto e = args.at(0).value<EpochReport>();
        if (e.run == run)
            out.push_back(e);
    }
    return out;
}

// The first (or last) snapshot of run `run`: its weights before its first batch (or newest).
NetworkPtr weightsOf(const QSignalSpy& snapshots, int run, bool last)
{
    NetworkPtr found;
    for (const auto& args : snapshots) {
        const auto s = args.at(0).value<NetworkSnapshot>();
        if (s.run == run) {
            found = s.network;
            if (!last)
                break;
        }
    }
    return found;
}

bool sameBytes(const engine::Network& a, const engine::Network& b)
{
    if (!(a.architecture() == b.architecture()))
        return false;
    for (int l = 0; l < a.layerCount(); ++l) {
        if (std::memcmp(a.weights(l).data(), b.weights(l).data(), sizeof(float) * std::size_t(a.weights(l).size())))
            return false;
        if (a.architecture().biases &&
            std::memcmp(a.bias(l).data(), b.bias(l).data(), sizeof(float) * std::size_t(a.bias(l).size())))
            return false;
    }
    return true;
}

// The same test loss and accuracy at the same epoch ends, to the bit.
void compareEpochs(const std::vector<EpochReport>& a, const std::vector<EpochReport>& b)
{
    QCOMPARE(b.size(), a.size());
    QVERIFY(!a.empty());
    for (std::size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(b[i].epochFraction, a[i].epochFraction);
        QCOMPARE(b[i].epoch, a[i].epoch);
        // ==, not QCOMPARE's fuzzy comparison of doubles.
        QVERIFY2(b[i].testLoss == a[i].testLoss, qPrintable(QString::number(b[i].testLoss - a[i].testLoss)));
        QVERIFY(b[i].testAccuracy == a[i].testAccuracy);
        QVERIFY(b[i].trainLoss == a[i].trainLoss);
    }
}

} // namespace

class TestSameStart : public QObject
{
    Q_OBJECT

    DataPair m_small; // 2,000 training and 500 test images of MNIST

    // The lesson's per-sample SGD (784-400-10) in file order on 1,000 images, or RMSprop on mini-batches of
    // 50 shuffled, 400 images: 2 epochs, both quick.
    static TrainingSetup setupFor(bool shuffled)
    {
        TrainingSetup s = nnlab::test::presetSetup(shuffled ? "keras-rmsprop" : "lesson-100");
        if (shuffled) {
            s.training.batchSize = 50;
            s.training.trainingSize = 400;
        } else {
            // An epoch takes several 15 ms slices of the worker: they end inside epochs.
            s.architecture.hidden = {400};
            s.training.trainingSize = 1000;
        }
        s.epochs = 2;
        return s;
    }

private slots:
    void initTestCase()
    {
        nnlab::test::useBundledDataAndModel();
        m_small = nnlab::test::smallMnist(nnlab::test::loadBundledMnist());
    }

    void sameStartWithNoChangeReproducesItsParent_data()
    {
        QTest::addColumn<bool>("shuffled");
        QTest::addColumn<int>("threads");
        QTest::newRow("lesson per-sample, file order, 1 thread") << false << 1;
        QTest::newRow("lesson per-sample, file order, 2 threads") << false << 2;
        QTest::newRow("batch 50 shuffled, 1 thread") << true << 1;
        QTest::newRow("batch 50 shuffled, 2 threads") << true << 2;
    }

    void sameStartWithNoChangeReproducesItsParent()
    {
        QFETCH(bool, shuffled);
        QFETCH(int, threads);
        ControllerFixture f;
        f.controller.setThreads(threads);
        f.controller.configure(setupFor(shuffled), m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QTRY_COMPARE(f.controller.lastRun(), 1);
        const NetworkPtr trained = f.lastSnapshot().network;
        f.controller.startFromSameStart();
        QTRY_COMPARE_WITH_TIMEOUT(f.finished.count(), 2, 20000);
        QCOMPARE(f.runs.count(), 2);
        const RunInfo second = runInfo(f.runs, 1);
        QCOMPARE(second.origin, RunOrigin::SameStart);
        QCOMPARE(second.parent, 1);
        QCOMPARE(second.startEpochFraction, 0.0);
        QCOMPARE(second.startSamples, std::uint64_t(0));
        QVERIFY(sameBytes(*second.initial, *runInfo(f.runs, 0).initial));
        compareEpochs(epochsOf(f.epochs, 1), epochsOf(f.epochs, 2));
        QVERIFY(sameBytes(*trained, *f.lastSnapshot().network));
        QCOMPARE(f.failed.count(), 0);
    }

    // The knob the learner changed is the only difference: same initial weights, its l_r.
    void sameStartTakesTheSettingsNowInUse()
    {
        ControllerFixture f;
        f.controller.configure(setupFor(false), m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        f.controller.setLearningRate(0.05f);
        f.controller.startFromSameStart();
        QTRY_COMPARE_WITH_TIMEOUT(f.finished.count(), 2, 20000);
        const RunInfo second = runInfo(f.runs, 1);
        QCOMPARE(second.setup.training.optimizer.learningRate, 0.05f);
        QCOMPARE(runInfo(f.runs, 0).setup.training.optimizer.learningRate, 0.3f);
        QVERIFY(sameBytes(*second.initial, *runInfo(f.runs, 0).initial));
        QVERIFY(epochsOf(f.epochs, 2).front().testLoss != epochsOf(f.epochs, 1).front().testLoss);
    }

    // Running: the current run ends where it is and the new one trains; paused: the same.
    void sameStartWhileRunningOrPaused_data()
    {
        QTest::addColumn<bool>("paused");
        QTest::newRow("running") << false;
        QTest::newRow("paused") << true;
    }

    void sameStartWhileRunningOrPaused()
    {
        QFETCH(bool, paused);
        ControllerFixture f;
        QSignalSpy restarted(&f.controller, &TrainingController::runRestarted);
        TrainingSetup s = setupFor(false);
        s.epochs = 100000;
        f.controller.configure(s, m_small);
        f.controller.start();
        QTRY_VERIFY(f.epochs.count() >= 1);
        if (paused) {
            f.controller.pause();
            QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        }
        f.controller.startFromSameStart();
        QTRY_COMPARE(f.runs.count(), 2);
        QCOMPARE(restarted.count(), 1);
        QTRY_COMPARE(f.controller.state(), WorkerState::Running);
        QTRY_VERIFY(!epochsOf(f.epochs, 2).empty()); // the new run trains
        QVERIFY(epochsOf(f.epochs, 2).front().testLoss == epochsOf(f.epochs, 1).front().testLoss);
        QCOMPARE(runInfo(f.runs, 1).origin, RunOrigin::SameStart);
        QCOMPARE(runInfo(f.runs, 1).parent, 1);
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
    }

    // Start after an ended run goes back to the same start, as "Again from the same start" does.
    void restartIsARunFromTheEndedRunsStart()
    {
        ControllerFixture f;
        f.controller.configure(setupFor(true), m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QTRY_VERIFY(f.controller.startBeginsNewRun());
        f.controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(f.finished.count(), 2, 20000);
        QCOMPARE(runInfo(f.runs, 1).origin, RunOrigin::Restart);
        QCOMPARE(runInfo(f.runs, 1).parent, 1);
        compareEpochs(epochsOf(f.epochs, 1), epochsOf(f.epochs, 2));
    }

    void aBranchWithNoChangeReproducesTheRestOfItsParent_data()
    {
        QTest::addColumn<bool>("shuffled");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("steps");
        QTest::newRow("lesson per-sample, file order, 1 thread") << false << 1 << 37;
        QTest::newRow("lesson per-sample, file order, 2 threads") << false << 2 << 37;
        QTest::newRow("batch 50 shuffled, 1 thread") << true << 1 << 3;
        QTest::newRow("batch 50 shuffled, 2 threads") << true << 2 << 3;
    }

    void aBranchWithNoChangeReproducesTheRestOfItsParent()
    {
        QFETCH(bool, shuffled);
        QFETCH(int, threads);
        QFETCH(int, steps);
        const TrainingSetup s = setupFor(shuffled);
        const std::uint64_t samples = std::uint64_t(steps) * std::uint64_t(s.training.batchSize);
        const std::size_t epochSize = std::min<std::size_t>(s.training.trainingSize, m_small.train->size());

        // The parent trained on without branching.
        ControllerFixture whole;
        whole.controller.setThreads(threads);
        whole.controller.configure(s, m_small);
        for (int i = 0; i < steps; ++i)
            whole.controller.step();
        whole.controller.start();
        QVERIFY(whole.finished.wait(20000));

        ControllerFixture f;
        f.controller.setThreads(threads);
        f.controller.configure(s, m_small);
        for (int i = 0; i < steps; ++i)
            f.controller.step();
        f.controller.branch();
        QTRY_COMPARE(f.runs.count(), 2); // announced at once, still paused
        QCOMPARE(f.controller.state(), WorkerState::Paused);
        const RunInfo branch = runInfo(f.runs, 1);
        QCOMPARE(branch.origin, RunOrigin::Branch);
        QCOMPARE(branch.parent, 1);
        QCOMPARE(branch.startSamples, samples);
        QCOMPARE(branch.startEpochFraction, double(samples) / double(epochSize));
        QVERIFY(sameBytes(*branch.initial, *weightsOf(f.snapshots, 1, true)));
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.failed.count(), 0);
        compareEpochs(epochsOf(whole.epochs, 1), epochsOf(f.epochs, 2));
        QVERIFY(sameBytes(*whole.lastSnapshot().network, *f.lastSnapshot().network));

        // Again from the same start, of a branch: from its branch point.
        f.controller.startFromSameStart();
        QTRY_COMPARE_WITH_TIMEOUT(f.finished.count(), 2, 20000);
        const RunInfo again = runInfo(f.runs, 2);
        QCOMPARE(again.origin, RunOrigin::SameStart);
        QCOMPARE(again.parent, 2);
        QCOMPARE(again.startSamples, samples);
        QCOMPARE(again.startEpochFraction, branch.startEpochFraction);
        compareEpochs(epochsOf(f.epochs, 2), epochsOf(f.epochs, 3));
    }

    void branchNeedsAPausedRun()
    {
        ControllerFixture f;
        f.controller.configure(setupFor(false), m_small);
        f.controller.branch();
        QTRY_COMPARE(f.failed.count(), 1);
        QCOMPARE(f.runs.count(), 0);
    }

    // A start within an epoch needs the data order it was made with.
    void aStartThatNoLongerFitsIsRefused()
    {
        ControllerFixture f;
        const TrainingSetup s = setupFor(false);
        f.controller.configure(s, m_small);
        for (int i = 0; i < 10; ++i)
            f.controller.step();
        f.controller.branch();
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QTRY_VERIFY(f.controller.startBeginsNewRun());
        TrainingSetup other = s;
        other.training.trainingSize = 50;
        f.controller.configure(other, m_small, weightsOf(f.snapshots, 2, true));
        f.controller.startFromSameStart();
        QTRY_COMPARE(f.failed.count(), 1);
        const QString why = f.failed.first().at(0).toString();
        QVERIFY2(why.startsWith(QStringLiteral("Run 2's start cannot be used: this start point walks 1000 training samples")),
                 qPrintable(why));
        QCOMPARE(f.runs.count(), 2);
    }

    // Paused, then every knob set, then one step: the mark is at exactly the paused sample.
    void everyKnobIsMarkedWhereItTakesEffect()
    {
        ControllerFixture f;
        QSignalSpy changes(&f.controller, &TrainingController::runChanged);
        TrainingSetup s = setupFor(true); // RMSprop l_r 0.001, batch 50
        s.epochs = 100000;
        f.controller.configure(s, m_small);
        f.controller.start();
        QTRY_VERIFY(f.progress.count() >= 2);
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        engine::OptimizerSettings adam = s.training.optimizer;
        adam.kind = engine::OptimizerKind::Adam;
        f.controller.setOptimizer(adam);
        f.controller.setLearningRate(0.003f);
        f.controller.setBatchSize(100);
        f.controller.setLearningRateDecay(0.9f);
        f.controller.step();
        QTRY_COMPARE(changes.count(), 1);
        const RunChange c = changes.first().at(0).value<RunChange>();
        // The step's snapshot (one batch of 100 after the mark) and, before it, the pause's.
        QTRY_COMPARE(f.lastSnapshot().samplesSeen, c.samplesSeen + 100);
        const std::uint64_t paused = f.snapshots.at(f.snapshots.count() - 2).at(0).value<NetworkSnapshot>().samplesSeen;
        QVERIFY(paused > 0);
        QCOMPARE(c.samplesSeen, paused);
        QCOMPARE(c.change, QStringLiteral("RMSprop → Adam · l_r 0.001 → 0.003 · batch 50 → 100 · decay 1 → 0.9"));
        const std::vector<engine::KnobChange> expected = {
            {paused, "optimizer", "RMSprop", "Adam"},
            {paused, "l_r", "0.001", "0.003"},
            {paused, "batch", "50", "100"},
            {paused, "decay", "1", "0.9"},
        };
        QVERIFY(c.knobs == expected);
    }

    // While training, a command arrives between two slices: the mark is at the samples trained
    // when it arrived (so within one batch of the change). The worker runs on this thread.
    void aLiveChangeIsMarkedAtTheSampleItArrived()
    {
        TrainingWorker worker;
        QSignalSpy changes(&worker, &TrainingWorker::runChanged);
        TrainingSetup s = setupFor(true);
        s.epochs = 100000;
        s.training.batchSize = 200;
        s.training.trainingSize = 2000;
        worker.setThreads(1);
        worker.configure(s, m_small, {});
        std::uint64_t arrived = 0;
        int reports = 0;
        connect(&worker, &TrainingWorker::progressed, this, [&] {
            if (++reports != 3)
                return;
            QMetaObject::invokeMethod(
                &worker,
                [&] {
                    arrived = worker.samplesSeen();
                    worker.setLearningRate(0.01f);
                },
                Qt::QueuedConnection);
        });
        worker.start();
        QTRY_COMPARE(changes.count(), 1);
        worker.pause();
        const RunChange c = changes.first().at(0).value<RunChange>();
        QVERIFY(arrived > 0);
        QCOMPARE(c.samplesSeen, arrived);
        QCOMPARE(c.knobs.size(), std::size_t(1));
        QCOMPARE(c.knobs.front().knob, std::string("l_r"));
        QCOMPARE(c.change, QStringLiteral("l_r 0.001 → 0.01"));
        QCOMPARE(c.epochFraction, double(arrived % 2000) / 2000.0 + double(arrived / 2000));
    }
};

QTEST_GUILESS_MAIN(TestSameStart)
#include "tst_same_start.moc"
