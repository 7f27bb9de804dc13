// The training worker on its thread, driven through the controller as the GUI drives it:
// progress arrives at a bounded rate, pause/resume/stop/step/reset, live learning rate,
// architecture changes, divergence and shutting down mid-epoch.
#include "app/bridge/training_controller.h"
#include "tests/common/controller_fixture.h"
#include "tests/common/test_support.h"

#include <QElapsedTimer>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace nnlab::app;
using nnlab::test::ControllerFixture;
namespace engine = nnlab::engine;

namespace {

TrainingSetup lessonSetup() { return nnlab::test::presetSetup("lesson"); }
TrainingSetup kerasSetup() { return nnlab::test::presetSetup("keras-rmsprop"); }

} // namespace

class TestTrainingWorker : public QObject
{
    Q_OBJECT

    DataPair m_small; // 2,000 training and 500 test images of MNIST
    DataPair m_full;

    // One lesson step from freshly configured weights; before and after.
    void stepWith(float lr, engine::Network& before, engine::Network& after)
    {
        ControllerFixture f;
        f.controller.configure(lessonSetup(), m_small);
        QVERIFY(f.snapshots.wait(2000));
        f.controller.setLearningRate(lr);
        f.controller.step();
        QTRY_COMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(1));
        before = *f.snapshots.first().at(0).value<NetworkSnapshot>().network;
        after = *f.lastSnapshot().network;
    }

    // A test the worker reported, in the order it reported them (queued signals from one
    // thread arrive in order), and when it arrived (ms).
    struct Tested
    {
        qint64 ms;
        bool estimate; // else a whole-test at an epoch's end
    };

    // Each estimate came at least 900 ms (the 1 s interval, less the jitter of queued delivery)
    // after the test before it of either kind.
    static void verifyEstimatesSpaced(const std::vector<Tested>& tests)
    {
        for (std::size_t i = 1; i < tests.size(); ++i)
            if (tests[i].estimate)
                QVERIFY2(tests[i].ms - tests[i - 1].ms >= 900,
                         qPrintable(QStringLiteral("an estimate %1 ms after %2").arg(tests[i].ms - tests[i - 1].ms)
                                        .arg(tests[i - 1].estimate ? "an estimate" : "an epoch end")));
    }

private slots:
    void initTestCase()
    {
        nnlab::test::useBundledDataAndModel();
        const nnlab::test::Mnist mnist = nnlab::test::loadBundledMnist();
        m_small = nnlab::test::smallMnist(mnist);
        m_full = DataPair{mnist.train, mnist.test, "MNIST"};
    }

    void progressArrivesAtBoundedRate()
    {
        ControllerFixture f;
        TrainingSetup s = lessonSetup();
        s.epochs = 1000;
        f.start(s, m_full);
        if (QTest::currentTestFailed())
            return;
        QElapsedTimer clock;
        clock.start();
        const qsizetype first = f.progress.count();
        // 20 reports: 0.9 s at the most allowed (22 a second), 4 s at the least (5 a second).
        QTRY_VERIFY_WITH_TIMEOUT(f.progress.count() - first >= 20, 4000);
        const qint64 ms = clock.elapsed();
        const double perSecond = double(f.progress.count() - first) * 1000.0 / double(ms);
        // The meter's limit is on the reports between epoch ends: each epoch's end reports too,
        // and a fast machine ends the lesson's epoch several times a second.
        qsizetype metered = 0;
        for (qsizetype i = first; i < f.progress.count(); ++i) {
            const auto p = f.progress.at(i).at(0).value<ProgressReport>().progress;
            metered += p.cursor != p.epochSize;
        }
        QVERIFY2(double(metered) * 1000.0 / double(ms) <= 22, qPrintable(QString::number(metered)));
        QVERIFY2(perSecond >= 5, qPrintable(QString::number(perSecond)));
        const ProgressReport r = f.lastProgress();
        QCOMPARE(r.run, 1);
        QVERIFY(r.progress.samplesSeen > 0);
        QVERIFY(std::isfinite(r.progress.runningLoss) && r.progress.runningLoss > 0);
        QVERIFY(r.progress.runningAccuracy > 0.1);
        QVERIFY(r.progress.samplesPerSecond > 0);
        QCOMPARE(r.learningRate, 0.1f);
        QCOMPARE(f.runs.count(), 1);
        QVERIFY(f.controller.shutdown());
    }

    // A quick estimate when no test of either kind was made for a second: at the start of a
    // run and a second apart through a long epoch; short epochs (their whole-test dots are
    // close together) get none between them.
    void quickEstimatesOnlyBetweenDistantEpochEnds()
    {
        QElapsedTimer clock;
        std::vector<Tested> tests;
        qsizetype epochEnds = 0;
        auto record = [&](ControllerFixture& f) {
            connect(&f.controller, &TrainingController::epochEnded, this, [&] {
                tests.push_back({clock.elapsed(), false});
                ++epochEnds;
            });
            connect(&f.controller, &TrainingController::testEstimated, this, [&](const TestEstimate& e) {
                QVERIFY(e.loss > 0 && e.accuracy >= 0 && e.accuracy <= 1);
                tests.push_back({clock.elapsed(), true});
            });
        };
        {
            // The lesson with 4,000 hidden nodes on all of MNIST, one sample at a time: an epoch
            // takes seconds (784-1000-10 about 0.8 s on one thread, 784-90-10 0.06-0.1 s), and
            // stopping takes no longer.
            ControllerFixture f;
            record(f);
            TrainingSetup s = lessonSetup();
            s.architecture.hidden = {4000};
            s.epochs = 100;
            clock.start();
            f.controller.configure(s, m_full);
            f.controller.start();
            QTRY_VERIFY_WITH_TIMEOUT(f.estimates.count() >= 2, 10000);
            const TestEstimate first = f.estimates.first().at(0).value<TestEstimate>();
            QCOMPARE(first.run, 1);
            QVERIFY2(first.epochFraction < 1.0, qPrintable(QString::number(first.epochFraction))); // the run's start
            verifyEstimatesSpaced(tests);
            if (QTest::currentTestFailed())
                return;
        }
        tests.clear();
        epochEnds = 0;
        ControllerFixture f;
        record(f);
        TrainingSetup s = kerasSetup();
        s.epochs = 100000; // 2,000 images an epoch: a few milliseconds each
        clock.restart();
        f.controller.configure(s, m_small);
        f.controller.start();
        // Epoch ends over 1.8 s: long enough for an estimate a second to have come at least once.
        auto epochEndsSpan = [&] {
            qint64 first = -1, last = -1;
            for (const Tested& t : tests)
                if (!t.estimate) {
                    if (first < 0)
                        first = t.ms;
                    last = t.ms;
                }
            return last - first;
        };
        QTRY_VERIFY_WITH_TIMEOUT(epochEndsSpan() >= 1800, 10000);
        f.controller.pause();
        QVERIFY(f.controller.shutdown());
        QVERIFY2(epochEnds >= 10, qPrintable(QString::number(epochEnds)));
        verifyEstimatesSpaced(tests);
    }

    void epochEndsWithTestFigures()
    {
        ControllerFixture f;
        TrainingSetup s = lessonSetup();
        s.epochs = 2;
        f.controller.configure(s, m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(20000));
        QCOMPARE(f.epochs.count(), 2);
        const EpochReport e = f.lastEpoch();
        QCOMPARE(e.epoch, 2);
        QCOMPARE(e.epochFraction, 2.0);
        QVERIFY(e.testAccuracy > 0.75); // 2,000 images, 2 epochs: about 0.85
        QVERIFY(e.trainAccuracy > 0.7);
        QCOMPARE(e.test->confusion.size(), std::size_t(100));
        std::int64_t total = 0;
        for (const auto n : e.test->confusion)
            total += n;
        QCOMPARE(total, std::int64_t(500));
        QTRY_COMPARE(f.controller.state(), WorkerState::Idle);
    }

    void stopsWithinHalfASecond()
    {
        auto f = std::make_unique<ControllerFixture>();
        TrainingSetup s = kerasSetup();
        s.architecture.hidden = {1024, 1024}; // slow batches: the worst case for stopping
        s.epochs = 100;
        f->start(s, m_full, 10000);
        if (QTest::currentTestFailed())
            return;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(f->controller.shutdown());
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
        clock.restart();
        f.reset(); // the destructor after shutdown is instant
        QVERIFY(clock.elapsed() < 100);
    }

    // Commands still queued when shutdown begins are dropped: a backlog of configures (each
    // builds a large network, as a person typing into the controls can cause) does not hold up
    // closing the window.
    void shutdownSkipsQueuedCommands()
    {
        ControllerFixture f;
        TrainingSetup s = kerasSetup();
        s.architecture.hidden = {1024, 1024};
        f.controller.configure(s, m_full);
        QVERIFY(f.snapshots.wait(10000)); // the worker is up and builds a network in this time
        QElapsedTimer one;
        one.start();
        f.controller.configure(s, m_full);
        QVERIFY(f.snapshots.wait(10000));
        const qint64 each = one.elapsed();
        const int queued = int(1000 / std::max<qint64>(each, 1)) + 2; // more than a second of work
        for (int i = 0; i < queued; ++i)
            f.controller.configure(s, m_full);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(f.controller.shutdown());
        QVERIFY2(clock.elapsed() < 500, qPrintable(QStringLiteral("%1 ms with %2 configures of %3 ms queued")
                                                       .arg(clock.elapsed()).arg(queued).arg(each)));
        QVERIFY(f.snapshots.count() < 2 + queued);
    }

    void destroyingMidEpochJoins()
    {
        QElapsedTimer clock;
        {
            ControllerFixture f;
            TrainingSetup s = lessonSetup();
            s.epochs = 100;
            f.start(s, m_full);
            if (QTest::currentTestFailed())
                return;
            clock.start();
        }
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
    }

    void pauseAndResume()
    {
        ControllerFixture f;
        TrainingSetup s = lessonSetup();
        s.epochs = 100;
        f.start(s, m_full);
        if (QTest::currentTestFailed())
            return;
        f.snapshots.clear();
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        // Pausing shows the weights it paused at, and they came before Paused did: whoever
        // hears Paused (a question before discarding them, a test) has them already.
        QVERIFY(!f.snapshots.isEmpty());
        const qsizetype atPause = f.snapshots.size();
        const std::uint64_t seen = f.lastSnapshot().samplesSeen;
        // The curve's last point after them: where training paused.
        QTRY_VERIFY(!f.progress.isEmpty() && f.lastProgress().progress.samplesSeen == seen);
        f.progress.clear();
        // Nothing trains while paused: time passes with no signal to wait for, so a bounded wait.
        QVERIFY(!f.progress.wait(300));
        QCOMPARE(f.snapshots.size(), atPause);
        f.controller.step();
        QVERIFY(f.snapshots.wait(1000));
        QCOMPARE(f.lastSnapshot().samplesSeen, seen + 1); // Step: one sample (lesson)
        f.controller.start();
        QTRY_VERIFY(!f.progress.isEmpty() && f.lastProgress().progress.samplesSeen > seen + 1);
        QCOMPARE(f.lastProgress().run, 1); // the same run goes on
    }

    void stepIsOneBatchInBatchMode()
    {
        ControllerFixture f;
        f.controller.configure(kerasSetup(), m_small);
        QVERIFY(f.snapshots.wait(2000));
        f.controller.step();
        QVERIFY(f.snapshots.wait(2000));
        QTRY_COMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(200));
        f.controller.setBatchSize(50);
        f.controller.step();
        QTRY_COMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(250));
    }
    // The lesson's update is w += l_r * (...): from the same weights and the same first image,
    // doubling l_r doubles the weight change of the next step.
    void learningRateIsUsedByTheNextBatch()
    {
        engine::Network w0, w1, w0b, w2;
        stepWith(0.05f, w0, w1);
        stepWith(0.1f, w0b, w2);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(w0 == w0b);
        double maxError = 0, maxChange = 0;
        for (int l = 0; l < w0.layerCount(); ++l) {
            const Eigen::ArrayXXf d1 = (w1.weights(l) - w0.weights(l)).array();
            const Eigen::ArrayXXf d2 = (w2.weights(l) - w0.weights(l)).array();
            maxError = std::max(maxError, double((d2 - 2 * d1).abs().maxCoeff()));
            maxChange = std::max(maxChange, double(d2.abs().maxCoeff()));
        }
        QVERIFY(maxChange > 1e-4);
        QVERIFY2(maxError < 1e-3 * maxChange, qPrintable(QString::number(maxError)));
    }

    void learningRateChangesMidRun()
    {
        ControllerFixture f;
        TrainingSetup s = lessonSetup();
        s.epochs = 100;
        f.start(s, m_full);
        if (QTest::currentTestFailed())
            return;
        f.controller.setLearningRate(0.02f);
        QTRY_COMPARE(f.lastProgress().learningRate, 0.02f);
        f.controller.setLearningRate(-1.0f); // refused: impossible values never reach the trainer
        f.controller.setLearningRate(std::nanf(""));
        f.progress.clear();
        QVERIFY(f.progress.wait(2000));
        QCOMPARE(f.lastProgress().learningRate, 0.02f);
    }

    void architectureChangeRestartsCleanly()
    {
        ControllerFixture f;
        TrainingSetup s = lessonSetup();
        s.epochs = 100;
        f.start(s, m_full);
        if (QTest::currentTestFailed())
            return;
        s.architecture.hidden = {30, 20};
        f.controller.configure(s, m_full); // while it trains
        QTRY_COMPARE(f.controller.state(), WorkerState::Idle);
        f.controller.start();
        QTRY_COMPARE(f.runs.count(), 2);
        QCOMPARE(f.runs.last().at(0).value<RunInfo>().setup.architecture.hidden, (std::vector<int>{30, 20}));
        QTRY_VERIFY(f.lastSnapshot().run == 2 && f.lastSnapshot().samplesSeen > 0);
        QCOMPARE(f.lastSnapshot().network->architecture().layerSizes(), (std::vector<int>{784, 30, 20, 10}));
        QVERIFY(f.progress.wait(2000));
        QCOMPARE(f.lastProgress().run, 2);
    }

    void resetGivesNewWeightsAndANewRun()
    {
        ControllerFixture f;
        f.controller.configure(lessonSetup(), m_small);
        QVERIFY(f.snapshots.wait(2000));
        const engine::Network first = *f.lastSnapshot().network;
        f.controller.step();
        QTRY_COMPARE(f.runs.count(), 1);
        QTRY_COMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(1));
        f.snapshots.clear();
        f.controller.reset(7);
        QTRY_VERIFY(!f.snapshots.isEmpty());
        QCOMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(0));
        QVERIFY(!(*f.lastSnapshot().network == first));
        engine::Network expected(first.architecture());
        expected.initialize(engine::Init::Lesson, 7);
        QVERIFY(*f.lastSnapshot().network == expected);
        f.controller.step();
        QTRY_COMPARE(f.runs.count(), 2);
    }

    void divergenceStopsAndRestoresWeights()
    {
        ControllerFixture f;
        TrainingSetup s = kerasSetup();
        engine::Network huge(s.architecture);
        huge.initialize(s.init, 1);
        huge.weights(1) *= 1e37f; // o_input overflows: the loss is not a number
        f.controller.configure(s, m_small, std::make_shared<const engine::Network>(huge));
        f.controller.start();
        QVERIFY(f.diverged.wait(5000));
        QVERIFY(f.diverged.first().at(0).toString().contains(QLatin1String("learning rate")));
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        QTRY_VERIFY(f.lastSnapshot().network->allFinite());
        QVERIFY(*f.lastSnapshot().network == huge);
        QCOMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(0));
    }

    void badSetupsFailWithAMessage()
    {
        ControllerFixture f;
        TrainingSetup s = lessonSetup();
        s.training.batchSize = 0;
        f.controller.configure(s, m_small);
        QVERIFY(f.failed.wait(2000));
        QVERIFY(f.failed.last().at(0).toString().contains(QLatin1String("batch")));
        f.controller.configure(lessonSetup(), DataPair{});
        QVERIFY(f.failed.wait(2000));
        s = lessonSetup();
        s.architecture.outputs = 3; // fewer outputs than the data has classes
        f.controller.configure(s, m_small);
        QVERIFY(f.failed.wait(2000));
        f.controller.start(); // nothing configured: a message, no crash
        QVERIFY(f.failed.wait(2000));
    }
};

QTEST_GUILESS_MAIN(TestTrainingWorker)
#include "tst_training_worker.moc"
