#include "thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNLAB_PAUSE() _mm_pause()
#else
#define NNLAB_PAUSE() ((void)0)
#endif

namespace nnlab::engine {

namespace {
// How long an idle worker keeps spinning before it sleeps: longer than the gap between two
// kernel calls of one batch, far shorter than anything a person notices.
constexpr auto kSpinTime = std::chrono::microseconds(200);
} // namespace

ThreadPool::ThreadPool(int threads)
{
    for (int id = 1; id < std::max(1, threads); ++id)
        m_workers.emplace_back([this, id] { workerLoop(id); });
}

ThreadPool::~ThreadPool()
{
    m_stop.store(true);
    m_generation.fetch_add(1, std::memory_order_acq_rel);
    m_generation.notify_all();
    for (auto& t : m_workers)
        t.join();
}

void ThreadPool::workerLoop(int id)
{
    std::uint64_t seen = 0;
    for (;;) {
        std::uint64_t now = m_generation.load(std::memory_order_acquire);
        const auto spinUntil = std::chrono::steady_clock::now() + kSpinTime;
        for (int spins = 0; now == seen; now = m_generation.load(std::memory_order_acquire)) {
            if (++spins % 256 == 0 && std::chrono::steady_clock::now() > spinUntil)
                m_generation.wait(seen, std::memory_order_acquire);
            else
                NNLAB_PAUSE();
        }
        seen = now;
        if (m_stop.load())
            return;
        if (id < m_parts)
            (*m_job)(id);
        if (m_pending.fetch_sub(1, std::memory_order_acq_rel) == 1)
            m_pending.notify_one(); // the caller may be asleep in run()

    }
}

void ThreadPool::run(int parts, const std::function<void(int)>& fn)
{
    if (parts <= 1 || m_workers.empty()) {
        for (int p = 0; p < parts; ++p)
            fn(p);
        return;
    }
    m_job = &fn;
    m_parts = std::min(parts, size());
    m_pending.store(int(m_workers.size()), std::memory_order_relaxed);
    m_generation.fetch_add(1, std::memory_order_acq_rel);
    m_generation.notify_all();
    fn(0);
    // Spin while the others are about to finish; then sleep, so that when the machine is busy
    // (a GUI, other programs) the waiting caller does not hold the core a worker needs.
    const auto spinUntil = std::chrono::steady_clock::now() + kSpinTime;
    for (int spins = 0;; ++spins) {
        const int left = m_pending.load(std::memory_order_acquire);
        if (left == 0)
            return;
        if (spins % 256 == 255 && std::chrono::steady_clock::now() > spinUntil)
            m_pending.wait(left, std::memory_order_acquire);
        else
            NNLAB_PAUSE();
    }
}

void ThreadPool::parallelRanges(std::int64_t n, std::int64_t align,
                                const std::function<void(std::int64_t, std::int64_t)>& fn)
{
    const int parts = size();
    if (parts == 1 || n < 2 * align) {
        fn(0, n);
        return;
    }
    auto bound = [&](int p) {
        if (p >= parts)
            return n;
        const std::int64_t b = n * p / parts;
        return std::min(n, (b + align - 1) / align * align);
    };
    run(parts, [&](int p) {
        const std::int64_t begin = bound(p), end = bound(p + 1);
        if (begin < end)
            fn(begin, end);
    });
}

int defaultThreadCount()
{
    return std::clamp(int(std::thread::hardware_concurrency()), 1, 16);
}

} // namespace nnlab::engine
