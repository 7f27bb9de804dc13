#include "thread_choice.h"

#include <algorithm>
#include <limits>
#include <memory>

namespace nnlab::engine {

int chooseThreadCount(const std::vector<ThreadTrial>& trials, double margin)
{
    double fastest = std::numeric_limits<double>::infinity();
    for (const ThreadTrial& t : trials)
        if (t.secondsPerSample > 0)
            fastest = std::min(fastest, t.secondsPerSample);
    int chosen = 0;
    for (const ThreadTrial& t : trials)
        if (t.secondsPerSample > 0 && t.secondsPerSample <= fastest * (1.0 + margin) &&
            (chosen == 0 || t.threads < chosen))
            chosen = t.threads;
    return std::max(chosen, 1);
}

ThreadChoice measureThreadCount(const Network& network, const Dataset& train, TrainingConfig config,
                                int most, std::chrono::microseconds perRound, int rounds)
{
    using Clock = std::chrono::steady_clock;
    ThreadChoice choice;
    if (most <= 1 || train.size() == 0)
        return choice;
    const int counts[] = {1, most};
    std::unique_ptr<Trainer> trainers[2];
    for (int i = 0; i < 2; ++i) {
        config.threads = counts[i];
        trainers[i] = std::make_unique<Trainer>(network, train, config);
        if (trainers[i]->trainsOnOneThread()) {
            // Nothing to measure: training takes one thread at any count, and the evaluations
            // (10,000 test images after every epoch) split well over every core.
            choice.threads = most;
            return choice;
        }
        trainers[i]->step(); // first touches of its buffers, its threads started
        choice.trials.push_back({counts[i], std::numeric_limits<double>::infinity()});
    }
    for (int round = 0; round < std::max(rounds, 1); ++round) {
        for (int i = 0; i < 2; ++i) {
            const auto start = Clock::now();
            std::size_t samples = 0;
            do // whole batches until the round's time is up: epoch ends and divergence included
                samples += trainers[i]->trainUntil(start + perRound).samples;
            while (Clock::now() < start + perRound);
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            if (samples > 0)
                choice.trials[std::size_t(i)].secondsPerSample =
                    std::min(choice.trials[std::size_t(i)].secondsPerSample, seconds / double(samples));
        }
    }
    for (ThreadTrial& t : choice.trials)
        if (!(t.secondsPerSample < std::numeric_limits<double>::infinity()))
            t.secondsPerSample = 0; // nothing trained: no figure
    choice.threads = chooseThreadCount(choice.trials);
    return choice;
}

} // namespace nnlab::engine
