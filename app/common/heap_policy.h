// How the window's process hands freed memory back to the system, so a long session does not
// grow (docs/RELIABILITY.md, the soak).
#pragma once

#include <chrono>

namespace nnlab::app {

// glibc raises its mmap threshold each time a large block is freed, up to 32 MiB, after which a
// network's weights, an optimizer's state or a test evaluation (each 0.1 to 10 MiB) come from the
// per-thread heaps, whose free holes are not given back: resident memory then creeps up run after
// run although the memory in use stays flat. A fixed threshold keeps every block of 256 KiB and
// more in its own mapping, returned to the system when freed. Call once, first thing in main().
// No effect on other C libraries.
void returnLargeBlocksToTheSystem();

// Hands the free pages inside the C library's heaps back to the system (glibc's malloc_trim), at
// most once per `minInterval` (earlier calls return at once). The heaps of threads that come and
// go (trainer threads, loaders) keep the holes a replaced trainer or test evaluation left, which
// no later allocation of another thread reuses. A few milliseconds for a 100 MiB heap: the worker
// calls it off the GUI thread, when a trainer is replaced and after an epoch's test.
void returnFreedMemory(std::chrono::milliseconds minInterval = std::chrono::seconds(10));

} // namespace nnlab::app
