#include "progress_meter.h"

#include <algorithm>
#include <cmath>

namespace nnlab::app {

void ProgressMeter::restart()
{
    m_mark = 0;
    m_lossSum = m_correctSum = m_trainingSeconds = 0;
    m_samples = 0;
    m_smoothedSamples = 0;
}

double ProgressMeter::windowCap(double imagesPerSecond)
{
    if (!(imagesPerSecond > 0) || imagesPerSecond > 1000)
        return kSmoothingSamples;
    return std::max(10.0, 2.0 * imagesPerSecond);
}

void ProgressMeter::setImagesPerSecond(double rate)
{
    m_windowCap = windowCap(rate);
}

std::optional<MeteredProgress> ProgressMeter::add(const engine::TrainingProgress& report,
                                                  Clock::time_point now, bool force)
{
    const std::uint64_t samples = report.samplesSeen - std::min(report.samplesSeen, m_mark);
    m_mark = report.samplesSeen;
    if (samples > 0 && std::isfinite(report.runningLoss)) {
        // The trainer's means over its window, back to sums: reports merge exactly.
        m_lossSum += report.runningLoss * double(samples);
        m_correctSum += report.runningAccuracy * double(samples);
        if (report.samplesPerSecond > 0)
            m_trainingSeconds += double(samples) / report.samplesPerSecond;
        m_samples += samples;
    }
    const bool epochEnd = report.epochSize > 0 && report.cursor == report.epochSize;
    if (!force && !epochEnd && now - m_lastSent < m_interval)
        return std::nullopt;
    m_lastSent = now;

    MeteredProgress out;
    out.progress = report;
    const double nan = std::nan("");
    out.progress.runningLoss = m_samples ? m_lossSum / double(m_samples) : nan;
    out.progress.runningAccuracy = m_samples ? m_correctSum / double(m_samples) : nan;
    out.progress.samplesPerSecond = m_trainingSeconds > 0 ? double(m_samples) / m_trainingSeconds
                                                          : report.samplesPerSecond;
    if (m_samples > 0) {
        // A moving average over about the last kSmoothingSamples samples (fewer for tiny
        // training sets and in slow motion), however many arrived since the last report: a busy
        // machine that trains slower does not make the curve noisier.
        const double window = std::min(
            std::clamp(double(report.epochSize) / 20.0, 50.0, double(kSmoothingSamples)), m_windowCap);
        const double weight = m_smoothedSamples == 0 ? 1.0 : 1.0 - std::exp(-double(m_samples) / window);
        m_smoothedLoss += weight * (out.progress.runningLoss - m_smoothedLoss);
        m_smoothedAccuracy += weight * (out.progress.runningAccuracy - m_smoothedAccuracy);
        m_smoothedSamples += m_samples;
    }
    out.smoothedLoss = m_smoothedSamples ? m_smoothedLoss : nan;
    out.smoothedAccuracy = m_smoothedSamples ? m_smoothedAccuracy : nan;
    m_lossSum = m_correctSum = m_trainingSeconds = 0;
    m_samples = 0;
    return out;
}

} // namespace nnlab::app
