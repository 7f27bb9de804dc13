#include "thread_pool.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <utility>

#if defined(__linux__)
#include <sched.h>
#include <unistd.h>
#endif

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
thread_local const ThreadPool* tlsPool = nullptr; // the pool this thread works for, if any
thread_local int tlsIndex = 0;

} // namespace

ThreadPool::ThreadPool(int threads)
    : m_sleepers(std::make_unique<Sleeper[]>(std::size_t(std::max(1, threads))))
{
    for (int id = 1; id < std::max(1, threads); ++id)
        m_workers.emplace_back([this, id] {
            tlsPool = this;
            tlsIndex = id;
#if defined(__linux__)
            Sleeper& me = m_sleepers[std::size_t(id)];
            if (sched_getaffinity(0, sizeof(me.allowed), &me.allowed) == 0)
                me.tid.store(int(gettid()), std::memory_order_release);
#endif
            workerLoop();
        });
}

// Linux wakes a sleeping thread on the waker's core when no cache level joins that core to an
// idle one (a 2-vCPU cloud machine: each vCPU has its own L1 and L2). The woken worker then
// waits in that core's queue behind the caller, and the idle core takes it over only at the
// next scheduler tick, 4 ms later: a 5 ms test of 10,000 images ran on one core for most of
// its time (sched_switch trace, issue 19). So before waking a sleeping worker, the caller takes
// its own core out of the worker's mask for that wake-up; the worker puts its mask back as it
// wakes.
void ThreadPool::steerSleepers()
{
#if defined(__linux__)
    const int core = sched_getcpu();
    if (core < 0)
        return;
    for (std::size_t id = 1; id <= m_workers.size(); ++id) {
        Sleeper& w = m_sleepers[id];
        const int tid = w.tid.load(std::memory_order_acquire); // 0 until w.allowed is known
        if (tid <= 0 || !w.asleep.load(std::memory_order_acquire) || w.steered.load(std::memory_order_relaxed))
            continue;
        cpu_set_t others = w.allowed;
        CPU_CLR(core, &others);
        if (CPU_COUNT(&others) == 0)
            continue;
        // The mask first, then the flag: a worker that sees the flag puts its own mask back.
        if (sched_setaffinity(tid, sizeof(others), &others) == 0)
            w.steered.store(true, std::memory_order_release);
    }
#endif
}

void ThreadPool::unsteer(int id)
{
#if defined(__linux__)
    Sleeper& w = m_sleepers[std::size_t(id)];
    if (w.steered.load(std::memory_order_acquire)) {
        sched_setaffinity(0, sizeof(w.allowed), &w.allowed);
        w.steered.store(false, std::memory_order_relaxed);
    }
#else
    (void)id;
#endif
}

int ThreadPool::threadIndex() const
{
    return tlsPool == this ? tlsIndex : 0;
}

ThreadPool::~ThreadPool()
{
    m_stop.store(true);
    m_generation.fetch_add(1, std::memory_order_acq_rel);
    m_generation.notify_all();
    for (auto& t : m_workers)
        t.join();
}

void ThreadPool::workerLoop()
{
    std::uint64_t seen = 0;
    std::atomic<bool>& asleep = m_sleepers[std::size_t(tlsIndex)].asleep;
    for (;;) {
        std::uint64_t now = m_generation.load(std::memory_order_acquire);
        const auto spinUntil = std::chrono::steady_clock::now() + kSpinTime;
        for (int spins = 0; now == seen; now = m_generation.load(std::memory_order_acquire)) {
            if (++spins % 256 == 0 && std::chrono::steady_clock::now() > spinUntil) {
                asleep.store(true, std::memory_order_release);
                m_generation.wait(seen, std::memory_order_acquire);
                asleep.store(false, std::memory_order_relaxed);
                unsteer(tlsIndex);
            } else {
                NNLAB_PAUSE();
            }
        }
        seen = now;
        if (m_stop.load())
            return;
        runParts(std::uint32_t(now));
    }
}

void ThreadPool::runParts(std::uint32_t call)
{
    std::uint64_t claim = m_claim.load(std::memory_order_acquire);
    for (;;) {
        if (std::uint32_t(claim >> 32) != call)
            return; // that call is over (or a later one has begun)
        // Read before the exchange: if it succeeds, the call was still open, so these are its own.
        const int parts = m_parts.load(std::memory_order_relaxed);
        const auto* job = m_job.load(std::memory_order_relaxed);
        const auto part = int(std::uint32_t(claim)); // every part is taken once this is >= parts
        if (part >= parts)
            return;
        if (!m_claim.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel,
                                           std::memory_order_acquire))
            continue;
        (*job)(part);
        if (m_done.fetch_add(1, std::memory_order_acq_rel) + 1 == parts)
            m_done.notify_one(); // the caller may be asleep in run()
        claim = m_claim.load(std::memory_order_acquire);
    }
}

void ThreadPool::run(int parts, const std::function<void(int)>& fn)
{
    if (parts <= 1 || m_workers.empty()) {
        for (int p = 0; p < parts; ++p)
            fn(p);
        return;
    }
    const auto call = std::uint32_t(m_generation.load(std::memory_order_relaxed) + 1);
    m_job.store(&fn, std::memory_order_relaxed);
    m_parts.store(parts, std::memory_order_relaxed);
    m_done.store(0, std::memory_order_relaxed);
    m_claim.store(std::uint64_t(call) << 32, std::memory_order_release);
    steerSleepers();
    m_generation.fetch_add(1, std::memory_order_acq_rel);
    m_generation.notify_all();
    runParts(call);
    // Spin while the others finish the parts they took; then sleep, so that when the machine is
    // busy (a GUI, other programs) the waiting caller does not hold the core a worker needs.
    const auto spinUntil = std::chrono::steady_clock::now() + kSpinTime;
    for (int spins = 0;; ++spins) {
        const int done = m_done.load(std::memory_order_acquire);
        if (done == parts)
            break;
        if (spins % 256 == 255 && std::chrono::steady_clock::now() > spinUntil)
            m_done.wait(done, std::memory_order_acquire);
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

int physicalCoreCount(const std::string& cpuDir, const std::vector<int>& cpus)
{
    std::set<std::pair<long, long>> cores;
    int unknown = 0;
    for (int cpu : cpus) {
        const std::string topology = cpuDir + "/cpu" + std::to_string(cpu) + "/topology/";
        long package = -1, core = -1;
        std::ifstream(topology + "physical_package_id") >> package;
        std::ifstream(topology + "core_id") >> core;
        if (package < 0 || core < 0)
            ++unknown;
        else
            cores.emplace(package, core);
    }
    return int(cores.size()) + unknown;
}

int defaultThreadCount()
{
    static const int count = [] {
        std::vector<int> cpus;
#if defined(__linux__)
        cpu_set_t allowed;
        CPU_ZERO(&allowed);
        if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
            for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
                if (CPU_ISSET(cpu, &allowed))
                    cpus.push_back(cpu);
#endif
        if (cpus.empty())
            return int(std::thread::hardware_concurrency());
        return physicalCoreCount("/sys/devices/system/cpu", cpus);
    }();
    return std::clamp(count, 1, 16);
}

} // namespace nnlab::engine
