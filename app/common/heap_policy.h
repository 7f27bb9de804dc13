// How the window's process hands freed memory back to the system, so a long session does not
// grow (docs/RELIABILITY.md, the soak).
#pragma once

#include <chrono>

namespace nnlab::app {

// Hands the free pages inside the C library's heaps back to the system (glibc's malloc_trim), at
// most once per `minInterval` (earlier calls return at once). The heaps of threads that come and
// go (trainer threads, loaders) keep the holes a replaced trainer or test evaluation left, which
// no later allocation of another thread reuses. A few milliseconds for a 100 MiB heap: the worker
// calls it off the GUI thread, when a trainer is replaced and after an epoch's test.
void returnFreedMemory(std::chrono::milliseconds minInterval = std::chrono::seconds(10));

} // namespace nnlab::app
