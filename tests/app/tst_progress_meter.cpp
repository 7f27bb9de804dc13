// The one place progress is averaged and rate-limited (app/lab/progress_meter.h): trainer
// reports closer together than the interval merge exactly (means weighted by their samples),
// at most one report per interval leaves, and the curve's moving average forgets a run.
#include "app/lab/progress_meter.h"

#include <QtTest>

#include <cmath>

using nnlab::app::MeteredProgress;
using nnlab::app::ProgressMeter;
using nnlab::engine::TrainingProgress;
using namespace std::chrono_literals;

class TestProgressMeter : public QObject
{
    Q_OBJECT

    // The trainer's report after `seen` samples in all: `loss` and `accuracy` are the means of
    // its last `window` samples, trained at `perSecond`.
    static TrainingProgress report(std::uint64_t seen, double loss, double accuracy,
                                   double perSecond = 1000, std::size_t epochSize = 60000)
    {
        TrainingProgress p;
        p.samplesSeen = seen;
        p.cursor = seen % epochSize;
        p.epochSize = epochSize;
        p.epochFraction = double(seen) / double(epochSize);
        p.runningLoss = loss;
        p.runningAccuracy = accuracy;
        p.samplesPerSecond = perSecond;
        return p;
    }

private slots:
    void reportsWithinTheIntervalMerge()
    {
        ProgressMeter meter(50ms);
        const auto t0 = ProgressMeter::Clock::now();
        const auto first = meter.add(report(100, 1.0, 0.5), t0);
        QVERIFY(first); // the first report leaves at once
        QCOMPARE(first->progress.runningLoss, 1.0);
        QVERIFY(!meter.add(report(200, 2.0, 0.2), t0 + 10ms));
        QVERIFY(!meter.add(report(300, 3.0, 0.4, 500), t0 + 20ms));
        const auto next = meter.add(report(400, 4.0, 0.6), t0 + 60ms);
        QVERIFY(next);
        // The mean of the 300 samples since the first report, each report weighted by its 100.
        QCOMPARE(next->progress.runningLoss, 3.0);
        QVERIFY(std::abs(next->progress.runningAccuracy - 0.4) < 1e-12);
        // 300 samples in 0.1 + 0.2 + 0.1 s of training.
        QVERIFY(std::abs(next->progress.samplesPerSecond - 750.0) < 1e-9);
        QCOMPARE(next->progress.samplesSeen, std::uint64_t(400)); // the newest position
    }

    void anEpochsLastReportLeavesWithinTheInterval()
    {
        // 100 images an epoch, trained in far less than the interval: each epoch's last report
        // (cursor == epochSize) still leaves, so the curve reaches every epoch's end.
        ProgressMeter meter(50ms);
        const auto t0 = ProgressMeter::Clock::now();
        QVERIFY(meter.add(report(50, 1.0, 0.5, 1000, 100), t0));
        QVERIFY(!meter.add(report(90, 1.0, 0.5, 1000, 100), t0 + 1ms));
        TrainingProgress end = report(100, 2.0, 0.5, 1000, 100);
        end.cursor = 100; // the trainer's report at the epoch's end, before the next begins
        end.epochFraction = 1.0;
        const auto last = meter.add(end, t0 + 2ms);
        QVERIFY(last);
        QCOMPARE(last->progress.epochFraction, 1.0);
        QCOMPARE(last->progress.runningLoss, 1.2); // the 50 samples since the first report
        QVERIFY(!meter.add(report(110, 1.0, 0.5, 1000, 100), t0 + 3ms)); // then the limit again
    }

    void forcedReportLeavesAtOnce()
    {
        ProgressMeter meter(50ms);
        const auto t0 = ProgressMeter::Clock::now();
        QVERIFY(meter.add(report(100, 1.0, 0.5), t0));
        const auto forced = meter.add(report(100, std::nan(""), std::nan(""), 0), t0 + 1ms, true);
        QVERIFY(forced);
        // No samples since the last report: no mean, and the curve's value stays.
        QVERIFY(std::isnan(forced->progress.runningLoss));
        QCOMPARE(forced->smoothedLoss, 1.0);
    }

    void smoothedValuesAverageAboutTheLast2000Samples()
    {
        ProgressMeter meter(0ms);
        const auto t0 = ProgressMeter::Clock::now();
        const auto a = meter.add(report(1000, 2.0, 0.0), t0);
        QCOMPARE(a->smoothedLoss, 2.0); // the run's first value is its own
        const auto b = meter.add(report(1000 + ProgressMeter::kSmoothingSamples, 1.0, 1.0), t0 + 1ms);
        // One averaging window later, the old value weighs e^-1.
        QVERIFY(std::abs(b->smoothedLoss - (1.0 + std::exp(-1.0))) < 1e-9);
        QVERIFY(std::abs(b->smoothedAccuracy - (1.0 - std::exp(-1.0))) < 1e-9);
        QVERIFY(std::abs(b->progress.runningLoss - 1.0) < 1e-12); // the plain mean stays plain

        // A new trainer: nothing of the old run is averaged in.
        meter.restart();
        const auto c = meter.add(report(50, 0.25, 0.75), t0 + 2ms);
        QCOMPARE(c->smoothedLoss, 0.25);
        QCOMPARE(c->smoothedAccuracy, 0.75);
    }

    void smallSetsAverageFewerSamples()
    {
        // 100 training images: the window is 50 samples, so 500 samples forget the start.
        ProgressMeter meter(0ms);
        const auto t0 = ProgressMeter::Clock::now();
        QVERIFY(meter.add(report(100, 2.0, 0.0, 1000, 100), t0));
        const auto later = meter.add(report(600, 1.0, 1.0, 1000, 100), t0 + 1ms);
        QVERIFY(std::abs(later->smoothedLoss - 1.0) < 1e-4);
    }

    // Slow motion: at 10 images a second the average is over about 20 images, so 20 images of
    // a new loss take the curve most of the way (1 - e^-1) there; as fast as it goes they
    // hardly move it.
    void slowMotionAveragesAboutTwoSecondsOfImages()
    {
        QCOMPARE(ProgressMeter::windowCap(10), 20.0);
        QCOMPARE(ProgressMeter::windowCap(1), 10.0);
        QCOMPARE(ProgressMeter::windowCap(1000), 2000.0);
        QCOMPARE(ProgressMeter::windowCap(0), double(ProgressMeter::kSmoothingSamples));
        QCOMPARE(ProgressMeter::windowCap(10000), double(ProgressMeter::kSmoothingSamples));
        for (const double rate : {10.0, 0.0}) {
            ProgressMeter meter(0ms);
            meter.setImagesPerSecond(rate);
            const auto t0 = ProgressMeter::Clock::now();
            QVERIFY(meter.add(report(1, 2.0, 0.0), t0));
            std::optional<MeteredProgress> last;
            for (std::uint64_t seen = 2; seen <= 21; ++seen) // one image a report, as slow motion sends
                last = meter.add(report(seen, 1.0, 1.0), t0 + std::chrono::milliseconds(seen));
            QVERIFY(last);
            const double expected = 1.0 + std::exp(-20.0 / (rate > 0 ? 20.0 : 2000.0));
            QVERIFY2(std::abs(last->smoothedLoss - expected) < 1e-9, qPrintable(QString::number(last->smoothedLoss)));
        }
        // Back to full speed: the long average again.
        ProgressMeter meter(0ms);
        meter.setImagesPerSecond(10);
        meter.setImagesPerSecond(0);
        const auto t0 = ProgressMeter::Clock::now();
        QVERIFY(meter.add(report(1000, 2.0, 0.0), t0));
        const auto b = meter.add(report(1000 + ProgressMeter::kSmoothingSamples, 1.0, 1.0), t0 + 1ms);
        QVERIFY(std::abs(b->smoothedLoss - (1.0 + std::exp(-1.0))) < 1e-9);
    }
};

QTEST_GUILESS_MAIN(TestProgressMeter)
#include "tst_progress_meter.moc"
