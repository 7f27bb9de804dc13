// The views' redraw pace (app/lab/redraw_coalescer.h): a burst of changes is one redraw of the
// newest state, never more than one per interval however fast changes come, every value kept by
// the view, and the end state drawn at the next turn of the event loop when flushed.
#include "app/lab/redraw_coalescer.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimer>
#include <QtTest>

#include <vector>

using nnlab::app::RedrawCoalescer;
using namespace std::chrono_literals;

namespace {

// A view as the window's are: it keeps every value it is given and draws the newest.
struct View
{
    explicit View(RedrawCoalescer& pace) : pace(pace)
    {
        QObject::connect(&pace, &RedrawCoalescer::redraw, [this] {
            drawn = values.empty() ? -1 : values.back();
            ++draws;
        });
    }
    void add(int value)
    {
        values.push_back(value);
        pace.request();
    }
    RedrawCoalescer& pace;
    std::vector<int> values;
    int drawn = -1;
    int draws = 0;
};

} // namespace

class TestRedrawCoalescer : public QObject
{
    Q_OBJECT

private slots:
    void aBurstIsOneRedrawOfTheNewest()
    {
        RedrawCoalescer pace;
        View view(pace);
        for (int epoch = 1; epoch <= 1000; ++epoch) // a thousand epochs' ends in one turn
            view.add(epoch);
        QCOMPARE(view.draws, 0); // never within request()
        QVERIFY(pace.isPending());
        QSignalSpy redraws(&pace, &RedrawCoalescer::redraw);
        QVERIFY(redraws.wait(1000));
        QCOMPARE(view.draws, 1);
        QCOMPARE(view.drawn, 1000);
        QCOMPARE(view.values.size(), std::size_t(1000)); // every value kept, one redraw
        QVERIFY(!pace.isPending());
    }

    // Epochs ending every millisecond for 400 ms: at most one redraw per 40 ms, the view drawn
    // all along (not only at the end), and its newest value shown within an interval of the last.
    void atMostOneRedrawPerInterval()
    {
        RedrawCoalescer pace(40ms);
        View view(pace);
        QTimer epochs;
        epochs.setTimerType(Qt::PreciseTimer);
        int epoch = 0;
        connect(&epochs, &QTimer::timeout, this, [&] { view.add(++epoch); });
        QElapsedTimer clock;
        clock.start();
        epochs.start(1);
        QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() >= 400, 5000);
        epochs.stop();
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(epoch > 20, qPrintable(QString::number(epoch)));
        QVERIFY2(view.draws <= elapsed / 40 + 1,
                 qPrintable(QStringLiteral("%1 redraws in %2 ms").arg(view.draws).arg(elapsed)));
        QVERIFY2(view.draws >= 3, qPrintable(QString::number(view.draws))); // drawn while it runs
        QTRY_COMPARE_WITH_TIMEOUT(view.drawn, epoch, 1000);
        QCOMPARE(view.values.size(), std::size_t(epoch));
    }

    // On a made-up clock: a request an interval after the last redraw is drawn at the next turn;
    // one 10 ms after it waits the 30 ms left.
    void waitsWhatIsLeftOfTheInterval()
    {
        auto now = RedrawCoalescer::Clock::time_point(1h);
        RedrawCoalescer pace(40ms);
        pace.setClock([&] { return now; });
        QSignalSpy redraws(&pace, &RedrawCoalescer::redraw);
        QCOMPARE(pace.untilRedraw(), std::nullopt);
        pace.request();
        QCOMPARE(pace.untilRedraw(), std::optional(0ms)); // nothing drawn yet
        QVERIFY(redraws.wait(1000));
        now += 10ms;
        pace.request();
        QCOMPARE(pace.untilRedraw(), std::optional(30ms));
        now += 45ms;
        QCOMPARE(pace.untilRedraw(), std::optional(0ms));
        QVERIFY(redraws.wait(1000));
        QCOMPARE(redraws.count(), 2);

        // A plot that draws a burst's first change with the rest: an interval after it.
        RedrawCoalescer plot(100ms, nullptr, RedrawCoalescer::First::AfterInterval);
        plot.setClock([&] { return now; });
        plot.request();
        QCOMPARE(plot.untilRedraw(), std::optional(100ms));
        now += 60ms;
        plot.request(); // adds nothing
        QCOMPARE(plot.untilRedraw(), std::optional(40ms));
    }

    // A run's end: what waits is drawn at the next turn, not an interval later, and so is what
    // waits in a coalescer that follows (one with a slower interval of its own).
    void aFlushDrawsTheEndAtOnce()
    {
        RedrawCoalescer pace(1h), slower(2h);
        slower.follow(&pace);
        View view(pace), curves(slower);
        view.add(1);
        curves.add(1);
        QTRY_COMPARE(view.draws, 1); // the first at once: nothing was drawn before
        QTRY_COMPARE(curves.draws, 1);
        view.add(2);
        curves.add(2);
        QVERIFY(pace.untilRedraw() > 59min); // the interval, an hour
        QVERIFY(slower.untilRedraw() > 119min);
        pace.flush();
        QCOMPARE(view.draws, 1); // not within flush() either
        QCOMPARE(pace.untilRedraw(), std::optional(0ms));
        QTRY_COMPARE_WITH_TIMEOUT(view.drawn, 2, 1000);
        QTRY_COMPARE_WITH_TIMEOUT(curves.drawn, 2, 1000);
        QCOMPARE(view.draws, 2);
        QCOMPARE(curves.draws, 2);

        // Nothing waiting: a flush draws nothing.
        QSignalSpy redraws(&pace, &RedrawCoalescer::redraw);
        pace.flush();
        QVERIFY(!redraws.wait(100));
        QCOMPARE(pace.redrawCount(), 2);
    }
};

QTEST_GUILESS_MAIN(TestRedrawCoalescer)
#include "tst_redraw_coalescer.moc"
