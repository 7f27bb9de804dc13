#include "redraw_coalescer.h"

#include <QTimer>

#include <algorithm>

namespace nnlab::app {

RedrawCoalescer::RedrawCoalescer(ms interval, QObject* parent, First first)
    : QObject(parent), m_interval(interval), m_first(first), m_now([] { return Clock::now(); }),
      m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &RedrawCoalescer::fire);
}

RedrawCoalescer::~RedrawCoalescer() = default;

RedrawCoalescer::ms RedrawCoalescer::wait() const
{
    if (m_first == First::AfterInterval)
        return m_interval;
    if (!m_lastRedraw)
        return ms(0);
    const auto left = std::chrono::ceil<ms>(*m_lastRedraw + m_interval - m_now());
    return std::clamp(left, ms(0), m_interval);
}

void RedrawCoalescer::request()
{
    if (m_pending)
        return;
    m_pending = true;
    const ms w = wait();
    m_due = m_now() + w;
    m_timer->start(int(w.count()));
}

void RedrawCoalescer::flush()
{
    if (m_pending && !m_flushing) {
        m_flushing = true;
        m_timer->start(0);
    }
    emit flushed();
}

void RedrawCoalescer::follow(RedrawCoalescer* leader)
{
    connect(leader, &RedrawCoalescer::flushed, this, &RedrawCoalescer::flush);
}

std::optional<RedrawCoalescer::ms> RedrawCoalescer::untilRedraw() const
{
    if (!m_pending)
        return std::nullopt;
    if (m_flushing)
        return ms(0);
    return std::max(ms(0), std::chrono::ceil<ms>(m_due - m_now()));
}

void RedrawCoalescer::fire()
{
    m_pending = false;
    m_flushing = false;
    m_lastRedraw = m_now();
    ++m_redraws;
    emit redraw();
}

} // namespace nnlab::app
