// How many threads train a given network fastest on this machine, measured rather than assumed
// (issue 19). The topology files tell physical cores from logical CPUs, but not what a VM's two
// vCPUs are on the host: two cores next to each other, two far apart (every meeting of a batch
// then costs more than the second thread saves), or one core's two halves. Which wins depends
// on the network too: on one host the keras presets (784-90-10, batch 200) trained 1.5x faster
// on one thread than on two, and `best` (three wide layers) 1.25x faster on two.
#pragma once
#include "dataset.h"
#include "network.h"
#include "trainer.h"

#include <chrono>
#include <vector>

namespace nnlab::engine {

// One thread count's fastest round: seconds of training per sample.
struct ThreadTrial
{
    int threads = 1;
    double secondsPerSample = 0;
};

struct ThreadChoice
{
    int threads = 1;
    std::vector<ThreadTrial> trials; // empty when there was nothing to choose from
};

// The fewest threads whose time per sample is within `margin` (a share) of the fastest: more
// threads must be clearly faster to be worth a core that other programs (a GUI) could use, and
// a run on fewer threads reaches the same bits on more machines. 1 for no trials.
int chooseThreadCount(const std::vector<ThreadTrial>& trials, double margin = 0.1);

// Trains copies of `network` with `config` on 1 and on `most` threads, in turn, `rounds` times
// each for about `perRound` (at least one batch), after a first batch each to warm up; then
// chooses among each count's fastest round (the least disturbed by the rest of the machine).
// The network and data are not changed; config.threads is ignored. most <= 1: 1, unmeasured.
// When training would run on one thread at any count (Trainer::trainsOnOneThread: the lesson's
// per-sample path on sparse inputs): `most`, unmeasured, for the evaluations' sake.
// About 2 x (rounds + 1) x perRound, e.g. 25 ms for the keras presets.
ThreadChoice measureThreadCount(const Network& network, const Dataset& train, TrainingConfig config,
                                int most, std::chrono::microseconds perRound = std::chrono::milliseconds(3),
                                int rounds = 3);

} // namespace nnlab::engine
