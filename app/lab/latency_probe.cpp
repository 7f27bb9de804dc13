#include "latency_probe.h"

#include <QTimer>

#include <algorithm>

namespace nnlab::app {

LatencyProbe::LatencyProbe(QObject* parent) : QObject(parent), m_timer(new QTimer(this))
{
    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(kIntervalMs);
    m_clock.start();
    connect(m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        if (m_last > 0 && m_latencies.size() < kMaxSamples)
            m_latencies.push_back(std::max(0.0f, float(double(now - m_last) / 1e6 - kIntervalMs)));
        m_last = now;
    });
}

void LatencyProbe::start()
{
    m_last = 0;
    m_timer->start();
}

void LatencyProbe::stop()
{
    m_timer->stop();
}

} // namespace nnlab::app
