// A small fork-join pool that splits one kernel call across the cores. Workers spin briefly
// between calls (a training batch takes microseconds) and then sleep until the next one.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace nnlab::engine {

class ThreadPool
{
public:
    // threads counts the caller: 1 means no worker threads at all.
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return int(m_workers.size()) + 1; }
    // The calling thread's place in this pool: 1..size()-1 on its workers, 0 on any other
    // thread (the one that calls run()). For buffers of each thread's own, kept in its cache
    // from call to call whichever parts it takes.
    int threadIndex() const;

    // Calls fn(part) once for every part in [0, parts) and returns when all are done. Each
    // thread, the caller included, takes the next part nobody has started, so a worker that is
    // asleep or descheduled when the call begins does not hold it up: the others take its
    // share. The result must not depend on which thread runs a part. Not reentrant.
    void run(int parts, const std::function<void(int)>& fn);

    // Splits [0, n) into size() nearly equal ranges (aligned to `align`) and runs
    // fn(begin, end) on each non-empty one.
    void parallelRanges(std::int64_t n, std::int64_t align,
                        const std::function<void(std::int64_t, std::int64_t)>& fn);

private:
    void workerLoop();
    // Takes and runs parts of call `call` until none is left or that call is over.
    void runParts(std::uint32_t call);
    void steerSleepers();
    void unsteer(int id);

    std::vector<std::thread> m_workers;
    std::atomic<std::uint64_t> m_generation{0}; // bumped to wake the workers for a call
    // (call number << 32) | next part to take. A part is taken by a compare-exchange on the
    // whole word, so a thread that is late for a call cannot take a part of the next one.
    std::atomic<std::uint64_t> m_claim{0};
    std::atomic<int> m_done{0};                 // parts of the current call finished
    std::atomic<int> m_parts{0};
    std::atomic<const std::function<void(int)>*> m_job{nullptr};
    std::atomic<bool> m_stop{false};
    // Each worker's thread id and sleep, by its threadIndex() (see steerSleepers()).
    struct Sleeper
    {
        std::atomic<int> tid{0};
        std::atomic<bool> asleep{false};
        std::atomic<bool> steered{false}; // its mask leaves out the waking caller's core
#if defined(__linux__)
        cpu_set_t allowed{};              // its own mask, as it started: put back as it wakes
#endif
    };
    std::unique_ptr<Sleeper[]> m_sleepers;
};

// The default for `threads = 0`: one thread per physical core this process may run on (at
// least 1, at most 16). Two logical CPUs of one core (SMT siblings, as a VM's two vCPUs may be)
// share its multiply-add units and caches, so a second trainer thread on the same core gains
// little or nothing; Linux's topology files say which CPUs share a core.
int defaultThreadCount();

// The physical cores among `cpus` (logical CPU numbers), by the (physical_package_id, core_id)
// pairs in <cpuDir>/cpuN/topology/; a CPU whose files cannot be read counts as a core of its
// own. cpuDir is /sys/devices/system/cpu on Linux.
int physicalCoreCount(const std::string& cpuDir, const std::vector<int>& cpus);

} // namespace nnlab::engine
