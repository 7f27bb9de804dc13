// Slow motion's clock (issue 14): how many training images the worker may train now so that
// training keeps to a chosen rate in images per second. No Qt: the worker asks it before each
// slice and tells it what it trained; tests drive it with made-up time points.
//
// The schedule is anchored: images earned = credit at the anchor + rate * (now - anchor), so a
// timer that wakes late never makes the rate drift (the next wait is shorter), and the fraction
// of an image earned carries over from slice to slice and across a change of rate.
#pragma once

#include <chrono>
#include <cstdint>

namespace nnlab::app {

class Pace
{
public:
    using Clock = std::chrono::steady_clock;

    // The speed control's stops: images per second, 0 = as fast as it goes.
    static constexpr double kStops[] = {1, 10, 100, 1000, 10000, 0};
    // At or below this rate every image is shown: weights, step trace and progress per step.
    static constexpr double kShownEveryStep = 100;
    static constexpr double kMaxRate = 1e6;
    // Faster rates wake the worker at most this often, to train the images due by then in one go.
    static constexpr std::chrono::milliseconds kFastWait{10};
    // The most the schedule may fall behind (a long test at an epoch's end): older credit is
    // dropped, so no burst of images follows. A wake-up later than that still trains its image.
    static constexpr std::chrono::milliseconds kMaxLag{100};

    // 0 (as fast as it goes) or a finite rate in (0, kMaxRate].
    static bool isValidRate(double imagesPerSecond);
    // Whether every step is shown at this rate (0 < rate <= kShownEveryStep).
    static bool showsEveryStep(double imagesPerSecond);

    double rate() const { return m_rate; }
    bool fullSpeed() const { return m_rate == 0; }
    bool showsEveryStep() const { return showsEveryStep(m_rate); }

    // A new rate from `now` (0: as fast as it goes; an invalid rate is ignored). The fraction of
    // an image earned so far carries over (at most one image); from full speed, one image is due
    // at once.
    void setRate(double imagesPerSecond, Clock::time_point now);
    // Training (re)starts at `now`: one image is due at once, and the time since training
    // stopped (a pause) earns nothing.
    void restart(Clock::time_point now);
    // Whole images that may be trained at `now`: those the schedule has earned less those
    // trained (a batch larger than the credit leaves a debt, paid off before the next). Drops
    // credit beyond kMaxLag. At full speed, as many as there are.
    std::uint64_t due(Clock::time_point now);
    void trained(std::uint64_t images);
    // When to look again after the images due were trained: when the next one is due, and for
    // rates that do not show every step, no sooner than kFastWait from `now`.
    Clock::time_point nextSlice(Clock::time_point now) const;

private:
    double credit(Clock::time_point now) const; // images earned and not yet trained, at `now`
    double maxCredit() const;

    double m_rate = 0;
    Clock::time_point m_anchor{};
    double m_credit = 1; // at m_anchor
};

} // namespace nnlab::app
