// How long events wait on the GUI thread: a 10 ms timer whose lateness is recorded, one entry
// per tick. It runs only when asked (nnlab --measure): its 100 wake-ups a second take a core
// from a training thread each time, about 5% of the mini-batch speed.
#pragma once

#include <QElapsedTimer>
#include <QObject>

#include <vector>

class QTimer;

namespace nnlab::app {

class LatencyProbe : public QObject
{
    Q_OBJECT

public:
    static constexpr int kIntervalMs = 10;
    static constexpr std::size_t kMaxSamples = 1'000'000;

    explicit LatencyProbe(QObject* parent = nullptr);

    void start();
    void stop();
    // Lateness of each tick beyond kIntervalMs, in ms.
    const std::vector<float>& latencies() const { return m_latencies; }
    void clear() { m_latencies.clear(); }

private:
    QTimer* m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0; // ns on m_clock at the previous tick; 0: none since start()
    std::vector<float> m_latencies;
};

} // namespace nnlab::app
