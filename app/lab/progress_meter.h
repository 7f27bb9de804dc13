// The one place where training progress is averaged and rate-limited on its way from the
// trainer to the plot (docs/ARCHITECTURE.md): the trainer hands over every batch's sums, the
// meter merges them and, at most once per interval, says what the plot and status bar show.
#pragma once

#include "engine/trainer.h"

#include <chrono>
#include <optional>

namespace nnlab::app {

// One metered report.
struct MeteredProgress
{
    // Position and speed at the newest trainer report. progress.runningLoss / runningAccuracy
    // keep the trainer's meaning, the mean over the samples since the previous report, here
    // since the previous *metered* report (NaN if none was trained since); samplesPerSecond is
    // over those samples too.
    engine::TrainingProgress progress;
    // The learning curve's values: an exponential moving average over about the last
    // kSmoothingSamples training samples (fewer for small sets and in slow motion). Loss in the
    // run's loss units, accuracy a fraction 0..1; NaN until the first sample of the run.
    double smoothedLoss = 0;
    double smoothedAccuracy = 0;
};

class ProgressMeter
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kSmoothingSamples = 2000;

    // interval: the shortest time between two metered reports (the worker's 50 ms, <= 20 Hz).
    explicit ProgressMeter(std::chrono::milliseconds interval) : m_interval(interval) {}

    // A new run of samples (a new trainer): forgets the sums and the average, keeps the clock.
    void restart();
    // Adds one trainer report (the samples since its previous report). Returns the metered
    // report when one is due at `now`, or `force`, or the report is an epoch's last (cursor ==
    // epochSize: the curve and the status bar reach every epoch's end), else nothing.
    std::optional<MeteredProgress> add(const engine::TrainingProgress& report, Clock::time_point now,
                                       bool force = false);

    // Slow motion (images a second; 0: as fast as it goes): at 1,000 a second or slower the
    // average narrows to about the last two seconds of images (at least 10), so the curve
    // follows the images a learner watches instead of a 2,000-image average that barely moves.
    void setImagesPerSecond(double rate);
    static double windowCap(double imagesPerSecond);

    // Samples added since the last metered report.
    bool hasPending() const { return m_samples > 0; }

private:
    std::chrono::milliseconds m_interval;
    Clock::time_point m_lastSent{};
    std::uint64_t m_mark = 0;                          // samplesSeen at the previous report
    double m_lossSum = 0, m_correctSum = 0;            // over the samples not yet metered
    double m_trainingSeconds = 0;                      // their training time
    std::uint64_t m_samples = 0;
    double m_smoothedLoss = 0, m_smoothedAccuracy = 0;
    std::uint64_t m_smoothedSamples = 0; // 0: none yet in this run
    double m_windowCap = kSmoothingSamples;
};

} // namespace nnlab::app
