// The GUI thread's latency probe (app/lab/latency_probe.h): one lateness per 10 ms tick while
// started, none after stop; a blocked event loop shows as a late tick.
#include "app/lab/latency_probe.h"

#include <QElapsedTimer>
#include <QtTest>

using nnlab::app::LatencyProbe;

class TestLatencyProbe : public QObject
{
    Q_OBJECT

private slots:
    void ticksWhileStartedAndShowsABlockedLoop()
    {
        LatencyProbe probe;
        QVERIFY(probe.latencies().empty());
        probe.start();
        QTRY_VERIFY(probe.latencies().size() >= 3);
        for (const float late : probe.latencies())
            QVERIFY(late >= 0.0f);
        // The event loop held up for 60 ms: the next tick is at least 40 ms late.
        const std::size_t before = probe.latencies().size();
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < 60) {
        }
        QTRY_VERIFY(probe.latencies().size() > before);
        QVERIFY(probe.latencies()[before] >= 40.0f);
        probe.stop();
        probe.clear();
        QVERIFY(probe.latencies().empty());
    }
};

QTEST_GUILESS_MAIN(TestLatencyProbe)
#include "tst_latency_probe.moc"
