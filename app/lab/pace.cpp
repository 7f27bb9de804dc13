#include "pace.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nnlab::app {

using Seconds = std::chrono::duration<double>;

bool Pace::isValidRate(double imagesPerSecond)
{
    return imagesPerSecond == 0 || (std::isfinite(imagesPerSecond) && imagesPerSecond > 0 && imagesPerSecond <= kMaxRate);
}

bool Pace::showsEveryStep(double imagesPerSecond)
{
    return imagesPerSecond > 0 && imagesPerSecond <= kShownEveryStep;
}

double Pace::credit(Clock::time_point now) const
{
    return m_credit + m_rate * Seconds(now - m_anchor).count();
}

double Pace::maxCredit() const
{
    return 1.0 + m_rate * Seconds(kMaxLag).count(); // the image due, and kMaxLag's worth more
}

void Pace::setRate(double imagesPerSecond, Clock::time_point now)
{
    if (!isValidRate(imagesPerSecond) || imagesPerSecond == m_rate)
        return;
    const double carried = fullSpeed() ? 1.0 : std::min(credit(now), 1.0);
    m_rate = imagesPerSecond;
    m_anchor = now;
    m_credit = carried;
}

void Pace::restart(Clock::time_point now)
{
    m_anchor = now;
    m_credit = 1;
}

std::uint64_t Pace::due(Clock::time_point now)
{
    if (fullSpeed())
        return std::numeric_limits<std::uint64_t>::max();
    double c = credit(now) + 1e-9; // an image due at nextSlice() is due then, whatever the rounding
    if (c > maxCredit()) { // fallen behind: start the schedule again from here
        c = maxCredit();
        m_anchor = now;
        m_credit = c;
    }
    return c < 1 ? 0 : std::uint64_t(std::floor(c));
}

void Pace::trained(std::uint64_t images)
{
    m_credit -= double(images);
}

Pace::Clock::time_point Pace::nextSlice(Clock::time_point now) const
{
    if (fullSpeed())
        return now;
    // credit(t) = 1 at t = anchor + (1 - credit at anchor) / rate.
    const auto wait = std::chrono::ceil<Clock::duration>(Seconds((1.0 - m_credit) / m_rate));
    const Clock::time_point next = std::max(now, m_anchor + wait);
    return showsEveryStep() ? next : std::max(next, now + kFastWait);
}

} // namespace nnlab::app
