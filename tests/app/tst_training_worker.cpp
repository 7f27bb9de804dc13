// The training worker on its thread, driven through the controller as the GUI drives it:
// progress arrives at a bounded rate, pause/resume/stop/step/reset, live learning rate,
// architecture changes, divergence and shutting down mid-epoch.
#include "app/bundled_files.h"
#include "app/training_controller.h"
#include "engine/idx_folder.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace nnlab::app;
namespace engine = nnlab::engine;

namespace {

TrainingSetup lessonSetup()
{
    return TrainingSetup::fromPreset(*engine::findPreset("lesson"));
}

TrainingSetup kerasSetup()
{
    return TrainingSetup::fromPreset(*engine::findPreset("keras-rmsprop"));
}

NetworkSnapshot lastSnapshot(const QSignalSpy& spy)
{
    return spy.last().at(0).value<NetworkSnapshot>();
}

} // namespace

class TestTrainingWorker : public QObject
{
    Q_OBJECT

    DataPair m_small; // 2,000 training and 500 test images of MNIST
    DataPair m_full;

    // Configures `setup` on all of MNIST, starts, and waits for the first progress report.
    static void startOnFull(TrainingController& c, QSignalSpy& progress, const TrainingSetup& setup,
                            const DataPair& data, int timeoutMs = 5000)
    {
        c.configure(setup, data);
        c.start();
        QVERIFY(progress.wait(timeoutMs));
    }

    // One lesson step from freshly configured weights; before and after.
    void stepWith(float lr, engine::Network& before, engine::Network& after)
    {
        TrainingController c;
        QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
        c.configure(lessonSetup(), m_small);
        QVERIFY(snapshots.wait(2000));
        c.setLearningRate(lr);
        c.step();
        QTRY_COMPARE(lastSnapshot(snapshots).samplesSeen, std::uint64_t(1));
        before = *snapshots.first().at(0).value<NetworkSnapshot>().network;
        after = *lastSnapshot(snapshots).network;
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        engine::TrainTest t = engine::loadIdxFolder(findBundled(Bundled::Mnist).require(), engine::digitClassNames(), "MNIST ");
        m_small = DataPair{std::make_shared<const engine::Dataset>(t.train.head(2000)),
                           std::make_shared<const engine::Dataset>(t.test.head(500)), "MNIST 2000"};
        m_full = DataPair{std::make_shared<const engine::Dataset>(std::move(t.train)),
                          std::make_shared<const engine::Dataset>(std::move(t.test)), "MNIST"};
    }

    void progressArrivesAtBoundedRate()
    {
        TrainingController c;
        QSignalSpy progress(&c, &TrainingController::progressed);
        QSignalSpy epochs(&c, &TrainingController::epochEnded);
        QSignalSpy runs(&c, &TrainingController::runStarted);
        TrainingSetup s = lessonSetup();
        s.epochs = 1000;
        startOnFull(c, progress, s, m_full);
        if (QTest::currentTestFailed())
            return;
        QElapsedTimer clock;
        clock.start();
        const qsizetype first = progress.count();
        QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= 1000, 3000);
        const double perSecond = double(progress.count() - first) * 1000.0 / double(clock.elapsed());
        QVERIFY2(perSecond <= 22, qPrintable(QString::number(perSecond)));
        QVERIFY2(perSecond >= 5, qPrintable(QString::number(perSecond)));
        const ProgressReport r = progress.last().at(0).value<ProgressReport>();
        QCOMPARE(r.run, 1);
        QVERIFY(r.progress.samplesSeen > 0);
        QVERIFY(std::isfinite(r.progress.runningLoss) && r.progress.runningLoss > 0);
        QVERIFY(r.progress.runningAccuracy > 0.1);
        QVERIFY(r.progress.samplesPerSecond > 0);
        QCOMPARE(r.learningRate, 0.1f);
        QCOMPARE(runs.count(), 1);
        QVERIFY(c.shutdown());
    }

    // A quick estimate only when no test of either kind was made for a second: short epochs
    // (their whole-test dots are close together) get none between them.
    void quickEstimatesOnlyBetweenDistantEpochEnds()
    {
        TrainingController c;
        QElapsedTimer clock;
        clock.start();
        std::vector<qint64> epochEnds, estimates;
        connect(&c, &TrainingController::epochEnded, this, [&] { epochEnds.push_back(clock.elapsed()); });
        connect(&c, &TrainingController::testEstimated, this, [&](const TestEstimate& e) {
            QVERIFY(e.loss > 0 && e.accuracy >= 0 && e.accuracy <= 1);
            estimates.push_back(clock.elapsed());
        });
        TrainingSetup s = kerasSetup();
        s.epochs = 100000; // 2,000 images an epoch: a few milliseconds each
        c.configure(s, m_small);
        c.start();
        QTest::qWait(1800);
        c.pause();
        QVERIFY(c.shutdown());
        QVERIFY2(epochEnds.size() >= 10, qPrintable(QString::number(epochEnds.size())));
        for (std::size_t i = 0; i < estimates.size(); ++i) {
            const auto before = std::upper_bound(epochEnds.begin(), epochEnds.end(), estimates[i]);
            if (before != epochEnds.begin())
                QVERIFY2(estimates[i] - *(before - 1) >= 900,
                         qPrintable(QStringLiteral("an estimate %1 ms after an epoch end").arg(estimates[i] - *(before - 1))));
        }
    }

    void epochEndsWithTestFigures()
    {
        TrainingController c;
        QSignalSpy epochs(&c, &TrainingController::epochEnded);
        QSignalSpy finished(&c, &TrainingController::finished);
        TrainingSetup s = lessonSetup();
        s.epochs = 2;
        c.configure(s, m_small);
        c.start();
        QVERIFY(finished.wait(20000));
        QCOMPARE(epochs.count(), 2);
        const EpochReport e = epochs.last().at(0).value<EpochReport>();
        QCOMPARE(e.epoch, 2);
        QCOMPARE(e.epochFraction, 2.0);
        QVERIFY(e.testAccuracy > 0.75); // 2,000 images, 2 epochs: about 0.85
        QVERIFY(e.trainAccuracy > 0.7);
        QCOMPARE(e.test->confusion.size(), std::size_t(100));
        std::int64_t total = 0;
        for (const auto n : e.test->confusion)
            total += n;
        QCOMPARE(total, std::int64_t(500));
        QTRY_COMPARE(c.state(), WorkerState::Idle);
    }

    void stopsWithinHalfASecond()
    {
        auto c = std::make_unique<TrainingController>();
        QSignalSpy progress(c.get(), &TrainingController::progressed);
        TrainingSetup s = kerasSetup();
        s.architecture.hidden = {1024, 1024}; // slow batches: the worst case for stopping
        s.epochs = 100;
        startOnFull(*c, progress, s, m_full, 10000);
        if (QTest::currentTestFailed())
            return;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(c->shutdown());
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
        clock.restart();
        c.reset(); // the destructor after shutdown is instant
        QVERIFY(clock.elapsed() < 100);
    }

    // Commands still queued when shutdown begins are dropped: a backlog of configures (each
    // builds a large network, as a person typing into the controls can cause) does not hold up
    // closing the window.
    void shutdownSkipsQueuedCommands()
    {
        TrainingController c;
        QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
        TrainingSetup s = kerasSetup();
        s.architecture.hidden = {1024, 1024};
        c.configure(s, m_full);
        QVERIFY(snapshots.wait(10000)); // the worker is up and builds a network in this time
        QElapsedTimer one;
        one.start();
        c.configure(s, m_full);
        QVERIFY(snapshots.wait(10000));
        const qint64 each = one.elapsed();
        const int queued = int(1000 / std::max<qint64>(each, 1)) + 2; // more than a second of work
        for (int i = 0; i < queued; ++i)
            c.configure(s, m_full);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(c.shutdown());
        QVERIFY2(clock.elapsed() < 500, qPrintable(QStringLiteral("%1 ms with %2 configures of %3 ms queued")
                                                       .arg(clock.elapsed()).arg(queued).arg(each)));
        QVERIFY(snapshots.count() < 2 + queued);
    }

    void destroyingMidEpochJoins()
    {
        QElapsedTimer clock;
        {
            TrainingController c;
            QSignalSpy progress(&c, &TrainingController::progressed);
            TrainingSetup s = lessonSetup();
            s.epochs = 100;
            startOnFull(c, progress, s, m_full);
            if (QTest::currentTestFailed())
                return;
            clock.start();
        }
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
    }

    void pauseAndResume()
    {
        TrainingController c;
        QSignalSpy progress(&c, &TrainingController::progressed);
        QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
        TrainingSetup s = lessonSetup();
        s.epochs = 100;
        startOnFull(c, progress, s, m_full);
        if (QTest::currentTestFailed())
            return;
        snapshots.clear();
        c.pause();
        QTRY_COMPARE(c.state(), WorkerState::Paused);
        QTRY_VERIFY(!snapshots.isEmpty()); // pausing shows the weights it paused at
        progress.clear();
        const std::uint64_t seen = lastSnapshot(snapshots).samplesSeen;
        QVERIFY(!progress.wait(300)); // nothing trains while paused
        c.step();
        QVERIFY(snapshots.wait(1000));
        QCOMPARE(lastSnapshot(snapshots).samplesSeen, seen + 1); // Step: one sample (lesson)
        c.start();
        QTRY_VERIFY(!progress.isEmpty() &&
                    progress.last().at(0).value<ProgressReport>().progress.samplesSeen > seen + 1);
        QCOMPARE(progress.last().at(0).value<ProgressReport>().run, 1); // the same run goes on
    }

    void stepIsOneBatchInBatchMode()
    {
        TrainingController c;
        QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
        c.configure(kerasSetup(), m_small);
        QVERIFY(snapshots.wait(2000));
        c.step();
        QVERIFY(snapshots.wait(2000));
        QTRY_COMPARE(lastSnapshot(snapshots).samplesSeen, std::uint64_t(200));
        c.setBatchSize(50);
        c.step();
        QTRY_COMPARE(lastSnapshot(snapshots).samplesSeen, std::uint64_t(250));
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
        TrainingController c;
        QSignalSpy progress(&c, &TrainingController::progressed);
        TrainingSetup s = lessonSetup();
        s.epochs = 100;
        startOnFull(c, progress, s, m_full);
        if (QTest::currentTestFailed())
            return;
        c.setLearningRate(0.02f);
        QTRY_COMPARE(progress.last().at(0).value<ProgressReport>().learningRate, 0.02f);
        c.setLearningRate(-1.0f); // refused: impossible values never reach the trainer
        c.setLearningRate(std::nanf(""));
        progress.clear();
        QVERIFY(progress.wait(2000));
        QCOMPARE(progress.last().at(0).value<ProgressReport>().learningRate, 0.02f);
    }

    void architectureChangeRestartsCleanly()
    {
        TrainingController c;
        QSignalSpy progress(&c, &TrainingController::progressed);
        QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
        QSignalSpy runs(&c, &TrainingController::runStarted);
        TrainingSetup s = lessonSetup();
        s.epochs = 100;
        startOnFull(c, progress, s, m_full);
        if (QTest::currentTestFailed())
            return;
        s.architecture.hidden = {30, 20};
        c.configure(s, m_full); // while it trains
        QTRY_COMPARE(c.state(), WorkerState::Idle);
        c.start();
        QTRY_COMPARE(runs.count(), 2);
        QCOMPARE(runs.last().at(0).value<RunInfo>().setup.architecture.hidden, (std::vector<int>{30, 20}));
        QTRY_VERIFY(lastSnapshot(snapshots).run == 2 && lastSnapshot(snapshots).samplesSeen > 0);
        QCOMPARE(lastSnapshot(snapshots).network->architecture().layerSizes(),
                 (std::vector<int>{784, 30, 20, 10}));
        QVERIFY(progress.wait(2000));
        QCOMPARE(progress.last().at(0).value<ProgressReport>().run, 2);
    }

    void resetGivesNewWeightsAndANewRun()
    {
        TrainingController c;
        QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
        QSignalSpy runs(&c, &TrainingController::runStarted);
        c.configure(lessonSetup(), m_small);
        QVERIFY(snapshots.wait(2000));
        const engine::Network first = *lastSnapshot(snapshots).network;
        c.step();
        QTRY_COMPARE(runs.count(), 1);
        QTRY_COMPARE(lastSnapshot(snapshots).samplesSeen, std::uint64_t(1));
        snapshots.clear();
        c.reset(7);
        QTRY_VERIFY(!snapshots.isEmpty());
        QCOMPARE(lastSnapshot(snapshots).samplesSeen, std::uint64_t(0));
        QVERIFY(!(*lastSnapshot(snapshots).network == first));
        engine::Network expected(first.architecture());
        expected.initialize(engine::Init::Lesson, 7);
        QVERIFY(*lastSnapshot(snapshots).network == expected);
        c.step();
        QTRY_COMPARE(runs.count(), 2);
    }

    void divergenceStopsAndRestoresWeights()
    {
        TrainingController c;
        QSignalSpy diverged(&c, &TrainingController::diverged);
        QSignalSpy snapshots(&c, &TrainingController::snapshotReady);
        TrainingSetup s = kerasSetup();
        engine::Network huge(s.architecture);
        huge.initialize(s.init, 1);
        huge.weights(1) *= 1e37f; // o_input overflows: the loss is not a number
        c.configure(s, m_small, std::make_shared<const engine::Network>(huge));
        c.start();
        QVERIFY(diverged.wait(5000));
        QVERIFY(diverged.first().at(0).toString().contains(QLatin1String("learning rate")));
        QTRY_COMPARE(c.state(), WorkerState::Paused);
        QTRY_VERIFY(lastSnapshot(snapshots).network->allFinite());
        QVERIFY(*lastSnapshot(snapshots).network == huge);
        QCOMPARE(lastSnapshot(snapshots).samplesSeen, std::uint64_t(0));
    }

    void badSetupsFailWithAMessage()
    {
        TrainingController c;
        QSignalSpy failed(&c, &TrainingController::failed);
        TrainingSetup s = lessonSetup();
        s.training.batchSize = 0;
        c.configure(s, m_small);
        QVERIFY(failed.wait(2000));
        QVERIFY(failed.last().at(0).toString().contains(QLatin1String("batch")));
        c.configure(lessonSetup(), DataPair{});
        QVERIFY(failed.wait(2000));
        s = lessonSetup();
        s.architecture.outputs = 3; // fewer outputs than the data has classes
        c.configure(s, m_small);
        QVERIFY(failed.wait(2000));
        c.start(); // nothing configured: a message, no crash
        QVERIFY(failed.wait(2000));
    }
};

QTEST_GUILESS_MAIN(TestTrainingWorker)
#include "tst_training_worker.moc"
