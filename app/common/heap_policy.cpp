#include "heap_policy.h"

#include <atomic>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nnlab::app {

void setHeapPolicy()
{
#if defined(__GLIBC__)
    constexpr int kLargeBlockBytes = 4 * 1024 * 1024;
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, kLargeBlockBytes); // fixed: also stops the dynamic trim threshold
    mallopt(M_TRIM_THRESHOLD, 2 * kLargeBlockBytes);
#endif
}

void returnFreedMemory(std::chrono::milliseconds minInterval)
{
#if defined(__GLIBC__)
    using Clock = std::chrono::steady_clock;
    static std::atomic<Clock::rep> last{0}; // Clock ticks of the last trim; 0: none yet
    const Clock::rep now = Clock::now().time_since_epoch().count();
    Clock::rep before = last.load();
    if (before != 0 && Clock::duration(now - before) < minInterval)
        return;
    if (!last.compare_exchange_strong(before, now))
        return; // another thread is trimming
    malloc_trim(0);
#else
    (void)minInterval;
#endif
}

} // namespace nnlab::app
