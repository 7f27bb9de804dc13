// How the window's process hands freed memory back to the system, so a long session does not
// grow (docs/RELIABILITY.md, the soak).
#pragma once

#include <chrono>

namespace nnlab::app {

// How glibc's malloc serves the window's process; call once, first thing in main(), before any
// thread starts. Measured by the soak (docs/RELIABILITY.md), on glibc's defaults resident memory
// rose 15-22% over 10 minutes while the bytes in use stayed within 3%, for two reasons:
//  - glibc raises its mmap threshold each time a large block is freed, up to 32 MiB, after which
//    test evaluations and replaced networks (4-20 MiB) come from the heaps and their holes stay
//    resident. Blocks of 4 MiB and more keep their own mapping here, returned when freed. (A
//    256 KiB threshold did the same but mapped a trainer's per-batch blocks afresh every batch:
//    the window trained at 0.61-0.79 of headless speed.)
//  - every thread that allocates may get a heap of its own (up to 8 per core), and the free space
//    left in one is not reused by the others. Two heaps in all: the GUI thread, the worker, the
//    trainer's and the predictions' threads share them.
// No effect on other C libraries.
void setHeapPolicy();

// Hands the free pages inside the C library's heaps back to the system (glibc's malloc_trim), at
// most once per `minInterval` (earlier calls return at once). The heaps of threads that come and
// go (trainer threads, loaders) keep the holes a replaced trainer or test evaluation left, which
// no later allocation of another thread reuses. A few milliseconds for a 100 MiB heap: the worker
// calls it off the GUI thread, when a trainer is replaced and after an epoch's test.
void returnFreedMemory(std::chrono::milliseconds minInterval = std::chrono::seconds(10));

} // namespace nnlab::app
