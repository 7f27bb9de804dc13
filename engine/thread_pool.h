// A small fork-join pool that splits one kernel call across the cores. Workers spin briefly
// between calls (a training batch takes microseconds) and then sleep until the next one.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

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

    // Calls fn(part) for every part in [0, parts), parts <= size(); the caller runs part 0.
    // Returns when all parts are done. Not reentrant.
    void run(int parts, const std::function<void(int)>& fn);

    // Splits [0, n) into size() nearly equal ranges (aligned to `align`) and runs
    // fn(begin, end) on each non-empty one.
    void parallelRanges(std::int64_t n, std::int64_t align,
                        const std::function<void(std::int64_t, std::int64_t)>& fn);

private:
    void workerLoop(int id);

    std::vector<std::thread> m_workers;
    std::atomic<std::uint64_t> m_generation{0};
    std::atomic<int> m_pending{0};
    std::atomic<bool> m_stop{false};
    const std::function<void(int)>* m_job = nullptr; // published by m_generation
    int m_parts = 0;
};

// Every core, as the default for `threads = 0` (at least 1, at most 16).
int defaultThreadCount();

} // namespace nnlab::engine
