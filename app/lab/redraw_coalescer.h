// How often a view that follows training redraws: at most once per interval, whatever the rate
// its data comes at (a 100-image epoch ends every few milliseconds), always the newest state, and
// the end state (a pause, a run's last epoch) at the next turn of the event loop. Only redraws
// are coalesced: the view keeps every value it is given (each epoch's point on the curves).
//
// A view stores what it is given and calls request(); on redraw() it draws what it holds.
// Coalescers that follow another (follow()) are flushed with it: the session's is flushed when
// training pauses or ends, and the views with their own, slower interval follow it.
#pragma once

#include <QObject>

#include <chrono>
#include <functional>
#include <optional>

class QTimer;

namespace nnlab::app {

class RedrawCoalescer : public QObject
{
    Q_OBJECT

public:
    using Clock = std::chrono::steady_clock;
    using ms = std::chrono::milliseconds;
    // <= 20 redraws a second: smooth to the eye, and the window's views, a few ms to redraw
    // together, take about a tenth of a core at most however fast epochs end.
    static constexpr ms kInterval{50};

    // When a request after a pause is drawn: at the next turn of the event loop, or an interval
    // later, with whatever else arrives meanwhile (a plot whose every replot is costly).
    enum class First { NextTurn, AfterInterval };

    explicit RedrawCoalescer(ms interval = kInterval, QObject* parent = nullptr, First first = First::NextTurn);
    ~RedrawCoalescer() override;
    // Tests: a made-up clock. The wait it leaves is still waited in real time.
    void setClock(std::function<Clock::time_point()> now) { m_now = std::move(now); }

    // The view's data changed: redraw at the next turn of the event loop if the last redraw is
    // an interval old, else when it is (First::AfterInterval: an interval from now). Never
    // within this call; requests meanwhile add nothing.
    void request();
    // The end state: a redraw that waits comes at the next turn of the event loop, whatever the
    // interval (none waits: nothing to draw). The coalescers that follow this one flush too.
    void flush();
    // Flushed whenever `leader` is.
    void follow(RedrawCoalescer* leader);

    bool isPending() const { return m_pending; }
    // How long until the pending redraw, by the clock (nullopt: none pending).
    std::optional<ms> untilRedraw() const;
    ms interval() const { return m_interval; }
    int redrawCount() const { return m_redraws; }

signals:
    void redraw(); // draw the newest state now
    void flushed();

private:
    void fire();
    ms wait() const; // from now to the next redraw a request may have

    ms m_interval;
    First m_first;
    std::function<Clock::time_point()> m_now;
    QTimer* m_timer;
    std::optional<Clock::time_point> m_lastRedraw; // when the last redraw began
    Clock::time_point m_due{};                     // ... and the pending one is due
    bool m_pending = false;
    bool m_flushing = false; // the pending redraw comes at the next turn
    int m_redraws = 0;
};

} // namespace nnlab::app
