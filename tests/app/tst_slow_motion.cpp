// Slow motion in the training worker (issue 14), driven through the controller as the window
// drives it: 10 and 100 images a second kept within 10% (the one time figure the issue asks for,
// so this suite runs alone: SERIAL), every step shown (its snapshot, its trace, its progress),
// exact sample counts across a change of speed and a pause, a wait that is a timer (pause and
// shutdown arrive during it), and 0 = as fast as it goes.
#include "app/bridge/training_controller.h"
#include "engine/trainer.h"
#include "tests/common/controller_fixture.h"
#include "tests/common/test_support.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>
#include <ctime>
#include <vector>

using namespace nnlab::app;
using nnlab::test::ControllerFixture;
namespace engine = nnlab::engine;

namespace {

TrainingSetup lessonSetup()
{
    TrainingSetup s = nnlab::test::presetSetup("lesson"); // 784-90-10, one image at a time, file order
    s.epochs = 100;
    return s;
}

// Waits, in a running event loop (so that queued signals arrive when sent), until `done`.
template <typename Done>
bool waitUntil(QSignalSpy& spy, Done done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        spy.wait(std::max<int>(1, timeoutMs - int(clock.elapsed())));
    }
    return true;
}

} // namespace

class TestSlowMotion : public QObject
{
    Q_OBJECT

    DataPair m_small; // 2,000 training and 500 test images of MNIST
    DataPair m_full;

private slots:
    void initTestCase()
    {
        nnlab::test::useBundledDataAndModel();
        const nnlab::test::Mnist mnist = nnlab::test::loadBundledMnist();
        m_small = nnlab::test::smallMnist(mnist);
        m_full = DataPair{mnist.train, mnist.test, "MNIST"};
    }

    void keepsTheAskedRate_data()
    {
        QTest::addColumn<double>("rate");
        QTest::newRow("10 images/s") << 10.0;
        QTest::newRow("100 images/s") << 100.0;
    }

    void keepsTheAskedRate()
    {
        QFETCH(double, rate);
        ControllerFixture f;
        QSignalSpy learned(&f.controller, &TrainingController::sampleLearned);
        f.controller.setImagesPerSecond(rate);
        QCOMPARE(f.controller.imagesPerSecond(), rate);
        f.start(lessonSetup(), m_small);
        if (QTest::currentTestFailed())
            return;
        // Each progress report as it arrives: when (ns on the test's clock) and samples trained.
        QElapsedTimer clock;
        clock.start();
        std::vector<std::pair<qint64, std::uint64_t>> seen;
        connect(&f.controller, &TrainingController::progressed, this,
                [&](const ProgressReport& r) { seen.emplace_back(clock.nsecsElapsed(), r.progress.samplesSeen); });
        QVERIFY(waitUntil(f.progress, [&] { return clock.elapsed() >= 2200; }, 5000));
        f.controller.pause();
        QVERIFY(seen.size() >= 2);
        const double seconds = double(seen.back().first - seen.front().first) / 1e9;
        const double samples = double(seen.back().second - seen.front().second);
        const double measured = samples / seconds;
        qInfo("asked %g images/s: %g samples in %.3f s, %.2f images/s", rate, samples, seconds, measured);
        QVERIFY2(std::abs(measured - rate) <= 0.1 * rate, qPrintable(QString::number(measured)));
        // Every step shown: a progress report, a snapshot and a trace per image.
        const auto steps = seen.back().second - seen.front().second;
        QVERIFY2(std::uint64_t(seen.size()) >= steps, qPrintable(QStringLiteral("%1 reports for %2 images").arg(seen.size()).arg(steps)));
        QVERIFY(learned.count() >= qsizetype(steps));
        QVERIFY(f.snapshots.count() >= qsizetype(steps));
        // The status bar's speed is the pace, not the trainer's speed while it trains.
        QVERIFY(f.lastProgress().progress.samplesPerSecond <= rate + 1e-9);
        QVERIFY(f.controller.shutdown());
    }

    // Every image trained once, in order, whatever the speed changes and pauses: the weights after
    // N images are those of N steps of a trainer of the same start with no pace at all.
    void exactCountsAcrossSpeedChangesAndAPause()
    {
        ControllerFixture f;
        QSignalSpy state(&f.controller, &TrainingController::stateChanged);
        std::vector<SampleStep> steps;
        connect(&f.controller, &TrainingController::sampleLearned, this,
                [&](const SampleStep& s) { steps.push_back(SampleStep{s.run, s.index, {}, {}, {}, s.batchSize, s.samplesSeen}); });
        QSignalSpy learned(&f.controller, &TrainingController::sampleLearned);
        f.controller.setThreads(1); // the same bits as the trainer below
        f.controller.setImagesPerSecond(100);
        f.controller.configure(lessonSetup(), m_small);
        QVERIFY(f.snapshots.wait(5000));
        const engine::Network initial = *f.lastSnapshot().network;
        f.controller.start();
        QVERIFY(waitUntil(learned, [&] { return steps.size() >= 20; }, 5000));
        f.controller.setImagesPerSecond(10); // mid-run, slower
        const std::size_t atTen = steps.size();
        QVERIFY(waitUntil(learned, [&] { return steps.size() >= atTen + 3; }, 5000));
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        const std::uint64_t paused = f.lastSnapshot().samplesSeen;
        QVERIFY(!learned.wait(400)); // nothing is trained while paused
        QCOMPARE(f.lastSnapshot().samplesSeen, paused);
        QCOMPARE(f.lastProgress().progress.samplesSeen, paused);
        QCOMPARE(steps.back().samplesSeen, paused);
        // Resumed: the next image at once, and only one (the pause earned nothing).
        f.controller.setImagesPerSecond(1); // and slower again while paused
        const std::size_t beforeResume = steps.size();
        f.controller.start();
        QVERIFY(learned.wait(2000));
        QCOMPARE(steps.size(), beforeResume + 1);
        QCOMPARE(steps.back().samplesSeen, paused + 1);
        f.controller.setImagesPerSecond(100); // the wait for the next second's image ends now
        QVERIFY(waitUntil(learned, [&] { return steps.size() >= beforeResume + 10; }, 5000));
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        const std::uint64_t total = f.lastSnapshot().samplesSeen;

        // One image a step, counted from 1 without a gap or a repeat, in the file's order.
        for (std::size_t i = 0; i < steps.size(); ++i) {
            QCOMPARE(steps[i].samplesSeen, std::uint64_t(i + 1));
            QCOMPARE(steps[i].index, std::size_t(i));
            QCOMPARE(steps[i].batchSize, 1);
            QCOMPARE(steps[i].run, 1);
        }
        QCOMPARE(std::uint64_t(steps.size()), total);
        engine::TrainingConfig config = lessonSetup().training;
        config.threads = 1;
        engine::Trainer plain(initial, *m_small.train, config);
        for (std::uint64_t i = 0; i < total; ++i)
            plain.step();
        QVERIFY(plain.network() == *f.lastSnapshot().network);
        QVERIFY(f.controller.shutdown());
    }

    void stepShowsTheImageItLearned()
    {
        // Paused in slow motion, Step (one image) is shown as a running step is.
        ControllerFixture f;
        QSignalSpy learned(&f.controller, &TrainingController::sampleLearned);
        f.controller.setImagesPerSecond(10);
        f.controller.configure(lessonSetup(), m_small);
        QVERIFY(f.snapshots.wait(5000));
        f.controller.step();
        QVERIFY(learned.wait(5000));
        const SampleStep s = learned.last().at(0).value<SampleStep>();
        QCOMPARE(s.index, std::size_t(0));
        QCOMPARE(s.samplesSeen, std::uint64_t(1));
        QCOMPARE(s.trace.label, int(m_small.train->labels[0])); // the file's first label, a 5
        QCOMPARE(s.trace.label, 5);
        QVERIFY(s.before && s.after && !(*s.before == *s.after));
        QVERIFY(s.after == f.lastSnapshot().network); // the snapshot sent with it
        // The trace is of the weights before the update: o_output = sigmoid(w_h_o sigmoid(w_i_h x)).
        const engine::Network& before = *s.before;
        engine::Vector x(784);
        before.scaleInput(m_small.train->image(0), x.data());
        engine::Batch batch = x;
        const engine::Batch o = before.predict(batch);
        for (int k = 0; k < 10; ++k)
            QVERIFY(std::abs(s.trace.outputOutput[k] - o(k, 0)) < 1e-6f);
        QVERIFY(f.controller.shutdown());
    }

    void waitsWithATimerThatLetsPauseAndShutdownThrough()
    {
        // One image a second: after the first, the worker waits a second for the next. A pause
        // sent meanwhile arrives before it (a thread put to sleep would train it first), and the
        // wait costs no processor time (a busy loop would cost a core).
        ControllerFixture f;
        QSignalSpy learned(&f.controller, &TrainingController::sampleLearned);
        f.controller.setImagesPerSecond(1);
        f.controller.configure(lessonSetup(), m_small);
        QVERIFY(f.snapshots.wait(5000));
        const std::clock_t cpu = std::clock();
        f.controller.start();
        QVERIFY(learned.wait(5000));
        QVERIFY(!learned.wait(600)); // within the second's wait
        const double cpuSeconds = double(std::clock() - cpu) / CLOCKS_PER_SEC;
        f.controller.pause();
        QTRY_COMPARE(f.controller.state(), WorkerState::Paused);
        QCOMPARE(f.lastSnapshot().samplesSeen, std::uint64_t(1));
        QVERIFY2(cpuSeconds < 0.3, qPrintable(QString::number(cpuSeconds)));
        // Shut down while it waits for the pace: joins at once, no timer left behind.
        f.controller.start();
        QVERIFY(learned.wait(5000));
        QVERIFY(f.controller.shutdown());
    }

    void zeroIsAsFastAsItGoes()
    {
        ControllerFixture f;
        QSignalSpy learned(&f.controller, &TrainingController::sampleLearned);
        f.controller.setImagesPerSecond(10);
        f.controller.configure(lessonSetup(), m_full); // epochs of 60,000: few epoch ends below
        f.controller.start();
        QVERIFY(learned.wait(5000));
        f.controller.setImagesPerSecond(0);
        QCOMPARE(f.controller.imagesPerSecond(), 0.0);
        // Thousands of images a second at once, as today: progress and snapshots time-limited
        // again, no step shown.
        QTRY_VERIFY_WITH_TIMEOUT(f.lastProgress().progress.samplesSeen > 1000, 5000);
        const qsizetype shown = learned.count();
        const qsizetype reports = f.progress.count(), snapshots = f.snapshots.count(), ends = f.epochs.count();
        QVERIFY(!learned.wait(500));
        QCOMPARE(learned.count(), shown);
        // <= 20 Hz and <= 5 Hz, and each epoch's end with its own report and snapshot (the
        // sparse per-sample path trains a lesson epoch of 60,000 in about 0.1 s).
        const qsizetype ended = f.epochs.count() - ends;
        QVERIFY2(f.progress.count() - reports <= 13 + ended,
                 qPrintable(QStringLiteral("%1 reports, %2 epoch ends").arg(f.progress.count() - reports).arg(ended)));
        QVERIFY2(f.snapshots.count() - snapshots <= 5 + ended,
                 qPrintable(QStringLiteral("%1 snapshots, %2 epoch ends").arg(f.snapshots.count() - snapshots).arg(ended)));
        QVERIFY(f.lastProgress().progress.samplesPerSecond > 1000);
        QVERIFY(f.controller.shutdown());
    }

    void absurdSpeedsAreRefused_data()
    {
        QTest::addColumn<double>("rate");
        QTest::newRow("negative") << -5.0;
        QTest::newRow("not a number") << std::nan("");
        QTest::newRow("infinite") << HUGE_VAL;
        QTest::newRow("ten million") << 1e7;
    }

    void absurdSpeedsAreRefused()
    {
        QFETCH(double, rate);
        ControllerFixture f;
        f.controller.setImagesPerSecond(10);
        f.controller.setImagesPerSecond(rate);
        QVERIFY(f.failed.wait(5000));
        const QString why = f.failed.last().at(0).toString();
        QVERIFY2(why.contains(QLatin1String("speed")) && why.contains(QLatin1String("images per second")), qPrintable(why));
        QCOMPARE(f.controller.imagesPerSecond(), 10.0); // the speed in use stays
    }
};

QTEST_GUILESS_MAIN(TestSlowMotion)
#include "tst_slow_motion.moc"
