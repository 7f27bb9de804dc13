// Slow motion's pace (app/lab/pace.h) alone, on made-up time points: the images due at a rate,
// a late wake-up that does not make the rate drift, the fraction of an image carried over a change
// of speed, a pause that earns nothing, no burst after falling behind, a batch's debt, and
// 0 = as fast as it goes. Every expected figure is the schedule worked out by hand in a comment.
#include "app/lab/pace.h"

#include <QtTest>

#include <cmath>
#include <limits>

using nnlab::app::Pace;
using Clock = Pace::Clock;
using namespace std::chrono_literals;

namespace {

const Clock::time_point t0 = Clock::time_point{} + 1000s;

} // namespace

class TestPace : public QObject
{
    Q_OBJECT

private slots:
    void ratesItAccepts()
    {
        QVERIFY(Pace::isValidRate(0));
        QVERIFY(Pace::isValidRate(0.5));
        QVERIFY(Pace::isValidRate(10000));
        QVERIFY(Pace::isValidRate(Pace::kMaxRate));
        QVERIFY(!Pace::isValidRate(Pace::kMaxRate * 2));
        QVERIFY(!Pace::isValidRate(-1));
        QVERIFY(!Pace::isValidRate(std::nan("")));
        QVERIFY(!Pace::isValidRate(std::numeric_limits<double>::infinity()));
        // Every step is shown from 1 to 100 images a second; not at 1,000 nor at full speed.
        QVERIFY(Pace::showsEveryStep(1));
        QVERIFY(Pace::showsEveryStep(100));
        QVERIFY(!Pace::showsEveryStep(1000));
        QVERIFY(!Pace::showsEveryStep(0));
        // The control's six stops, in its order.
        const double stops[] = {1, 10, 100, 1000, 10000, 0};
        for (int i = 0; i < 6; ++i)
            QCOMPARE(Pace::kStops[i], stops[i]);
    }

    void fullSpeedUnlessAsked()
    {
        Pace p;
        QVERIFY(p.fullSpeed());
        QCOMPARE(p.due(t0), std::numeric_limits<std::uint64_t>::max());
        QCOMPARE(p.nextSlice(t0), t0);
        // A rate it refuses changes nothing.
        p.setRate(std::nan(""), t0);
        p.setRate(-3, t0);
        QVERIFY(p.fullSpeed());
        // 10 a second, then 0: as fast as it goes again.
        p.setRate(10, t0);
        QCOMPARE(p.rate(), 10.0);
        p.setRate(0, t0 + 1s);
        QVERIFY(p.fullSpeed());
        QCOMPARE(p.due(t0 + 1s), std::numeric_limits<std::uint64_t>::max());
    }

    void tenASecond()
    {
        // From full speed one image is due at once, then one every 100 ms: 1 + 10 t in all.
        Pace p;
        p.setRate(10, t0);
        QCOMPARE(p.due(t0), std::uint64_t(1));
        p.trained(1);
        QCOMPARE(p.due(t0), std::uint64_t(0));
        QCOMPARE(p.nextSlice(t0), t0 + 100ms);
        QCOMPARE(p.due(t0 + 99ms), std::uint64_t(0));
        QCOMPARE(p.due(t0 + 100ms), std::uint64_t(1));
        p.trained(1);
        QCOMPARE(p.nextSlice(t0 + 100ms), t0 + 200ms);
        QVERIFY(p.showsEveryStep());
    }

    void lateWakeUpsDoNotDrift_data()
    {
        QTest::addColumn<double>("rate");
        QTest::newRow("10 images/s") << 10.0;
        QTest::newRow("100 images/s") << 100.0;
    }

    void lateWakeUpsDoNotDrift()
    {
        // A worker that wakes 0, 1, 2 or 3 ms after each image is due, for 10 s: 1 + 10 * rate
        // images are due by the end, whatever the lateness (a schedule restarted at each wake-up
        // would train 10 / (1 / rate + 0.0015) images: 98.5 at 10 a second, 985 at 100).
        QFETCH(double, rate);
        const auto expected = std::uint64_t(1 + 10 * rate);
        Pace p;
        p.setRate(rate, t0);
        Clock::time_point now = t0;
        std::uint64_t total = 0;
        int wake = 0;
        while (now <= t0 + 10s) {
            const std::uint64_t n = p.due(now);
            p.trained(n);
            total += n;
            now = p.nextSlice(now) + std::chrono::milliseconds(wake++ % 4);
        }
        QVERIFY2(total + 1 >= expected && total <= expected, qPrintable(QString::number(total)));
    }

    void theFractionCarriesOverAChangeOfSpeed()
    {
        // 1 a second: the first image at t0, then half of the next earned by t0 + 500 ms. At 100
        // a second the other half takes 0.5 / 100 s = 5 ms.
        Pace p;
        p.setRate(1, t0);
        QCOMPARE(p.due(t0), std::uint64_t(1));
        p.trained(1);
        p.setRate(100, t0 + 500ms);
        QCOMPARE(p.due(t0 + 504ms), std::uint64_t(0));
        QCOMPARE(p.due(t0 + 505ms), std::uint64_t(1));
        QVERIFY(std::chrono::abs(p.nextSlice(t0 + 500ms) - (t0 + 505ms)) < 1us);
        // ... and slower: 100 a second, half an image earned 5 ms after the last; at 1 a second
        // the other half takes 0.5 s.
        Pace q;
        q.setRate(100, t0);
        q.trained(q.due(t0));
        q.setRate(1, t0 + 5ms);
        QVERIFY(std::chrono::abs(q.nextSlice(t0 + 5ms) - (t0 + 505ms)) < 1us);
        QCOMPARE(q.due(t0 + 504ms), std::uint64_t(0));
        QCOMPARE(q.due(t0 + 505ms), std::uint64_t(1));
    }

    void aPauseEarnsNothing()
    {
        // 10 a second: images at 0, 100, ..., 400 ms; paused at 450 ms for 10 s. Resumed, one
        // image is due at once (not the hundred the pause lasted), the next 100 ms later.
        Pace p;
        p.setRate(10, t0);
        std::uint64_t total = 0;
        for (auto t = t0; t <= t0 + 450ms; t += 50ms) {
            const std::uint64_t n = p.due(t);
            p.trained(n);
            total += n;
        }
        QCOMPARE(total, std::uint64_t(5));
        const auto resumed = t0 + 10450ms;
        p.restart(resumed);
        QCOMPARE(p.due(resumed), std::uint64_t(1));
        p.trained(1);
        QCOMPARE(p.nextSlice(resumed), resumed + 100ms);
        QCOMPARE(p.due(resumed + 99ms), std::uint64_t(0));
    }

    void fallingBehindGivesNoBurst()
    {
        // 100 a second, then a 1 s test at an epoch's end: 100 images earned, but only the one
        // due and 100 ms more (10) may be trained at once; then one every 10 ms again.
        Pace p;
        p.setRate(100, t0);
        p.trained(p.due(t0));
        QCOMPARE(p.due(t0 + 1s), std::uint64_t(11));
        p.trained(11);
        QCOMPARE(p.due(t0 + 1s), std::uint64_t(0));
        QCOMPARE(p.nextSlice(t0 + 1s), t0 + 1010ms);
        // At 1 a second, 5 s late: the image due, and 0.1 of the next (100 ms) kept: it is due
        // 0.9 s later.
        Pace slow;
        slow.setRate(1, t0);
        slow.trained(1);
        QCOMPARE(slow.due(t0 + 5s), std::uint64_t(1));
        slow.trained(1);
        QCOMPARE(slow.due(t0 + 5899ms), std::uint64_t(0));
        QCOMPARE(slow.due(t0 + 5900ms), std::uint64_t(1));
    }

    void aBatchLeavesADebt()
    {
        // 1 image a second, a mini-batch of 32 trained at t0: the next batch may start when 32
        // images are earned, 32 s later.
        Pace p;
        p.setRate(1, t0);
        QCOMPARE(p.due(t0), std::uint64_t(1));
        p.trained(32);
        QCOMPARE(p.nextSlice(t0), t0 + 32s);
        QCOMPARE(p.due(t0 + 31s), std::uint64_t(0));
        QCOMPARE(p.due(t0 + 32s), std::uint64_t(1));
    }

    void fastRatesWakeEveryTenMilliseconds()
    {
        // 1,000 a second: not a wake-up per image but one every 10 ms, training the 10 due.
        Pace p;
        p.setRate(1000, t0);
        QVERIFY(!p.showsEveryStep());
        p.trained(p.due(t0));
        QCOMPARE(p.nextSlice(t0), t0 + 10ms);
        QCOMPARE(p.due(t0 + 10ms), std::uint64_t(10));
    }
};

QTEST_APPLESS_MAIN(TestPace)
#include "tst_pace.moc"
