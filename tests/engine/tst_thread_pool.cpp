// The fork-join pool under the trainer: every part runs exactly once per call, calls in quick
// succession do not leak parts into each other, and a thread that is held up does not hold up
// the parts nobody has started (the others take them). And the default thread count: one per
// physical core, from Linux's topology files.
#include "engine/thread_pool.h"

#include <QtTest>

#include <QTemporaryDir>

#if defined(__linux__)
#include <sched.h>
#endif

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

using nnlab::engine::ThreadPool;

namespace {

// cpuDir/cpuN/topology/{physical_package_id,core_id}
void writeTopology(const QString& cpuDir, int cpu, int package, int core)
{
    const QString topology = QStringLiteral("%1/cpu%2/topology").arg(cpuDir).arg(cpu);
    QVERIFY(QDir().mkpath(topology));
    std::ofstream(QString(topology + "/physical_package_id").toStdString()) << package << "\n";
    std::ofstream(QString(topology + "/core_id").toStdString()) << core << "\n";
}

} // namespace

class TestThreadPool : public QObject
{
    Q_OBJECT

private slots:
    void everyPartOnceInEveryCall_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("parts");
        QTest::newRow("1 thread, 5 parts") << 1 << 5;
        QTest::newRow("2 threads, 2 parts") << 2 << 2;
        QTest::newRow("2 threads, 7 parts") << 2 << 7;
        QTest::newRow("4 threads, 3 parts") << 4 << 3;
        QTest::newRow("4 threads, 64 parts") << 4 << 64;
    }

    void everyPartOnceInEveryCall()
    {
        QFETCH(int, threads);
        QFETCH(int, parts);
        ThreadPool pool(threads);
        QCOMPARE(pool.size(), threads);
        std::vector<std::atomic<int>> runs(std::size_t(parts) * 2000);
        std::atomic<int> outOfRange{0};
        for (int call = 0; call < 2000; ++call)
            pool.run(parts, [&](int part) {
                if (part < 0 || part >= parts)
                    outOfRange.fetch_add(1);
                else
                    runs[std::size_t(call * parts + part)].fetch_add(1);
            });
        QCOMPARE(outOfRange.load(), 0);
        for (std::size_t i = 0; i < runs.size(); ++i)
            QCOMPARE(runs[i].load(), 1);
    }

    // Each thread's place in its pool: 0 for the caller, 1..size()-1 for the workers, each
    // once; a thread of another pool is the caller here.
    void threadIndexIsEachThreadsOwn()
    {
        ThreadPool pool(3), other(2);
        QCOMPARE(pool.threadIndex(), 0);
        constexpr int kParts = 64;
        std::vector<std::atomic<int>> seen(3);
        std::atomic<int> outOfRange{0};
        for (int call = 0; call < 50; ++call)
            pool.run(kParts, [&](int) {
                const int index = pool.threadIndex();
                if (index < 0 || index >= 3)
                    outOfRange.fetch_add(1);
                else
                    seen[std::size_t(index)].fetch_add(1);
                std::this_thread::sleep_for(std::chrono::microseconds(20)); // time for the others
            });
        QCOMPARE(outOfRange.load(), 0);
        QCOMPARE(seen[0].load() + seen[1].load() + seen[2].load(), 50 * kParts);
        QVERIFY(seen[0].load() > 0); // the caller takes parts too
        std::atomic<int> fromOther{-1};
        other.run(2, [&](int part) {
            if (part == 1 || other.threadIndex() == 1)
                fromOther = pool.threadIndex(); // not one of pool's threads
        });
        QCOMPARE(fromOther.load(), 0);
    }

    // The results of one call are all there when run() returns: parts write plain memory that
    // the caller then reads (TSan checks the hand-over in CI).
    void resultsVisibleAfterRun()
    {
        ThreadPool pool(2);
        std::vector<long> sums(4);
        for (int call = 1; call <= 500; ++call) {
            pool.parallelRanges(1000, 8, [&](std::int64_t b, std::int64_t e) {
                long s = 0;
                for (std::int64_t i = b; i < e; ++i)
                    s += i * call;
                sums[std::size_t(b == 0 ? 0 : 1)] = s;
            });
            QCOMPARE(sums[0] + sums[1], 499500L * call);
        }
    }

    // One part blocks until every other part is done. With parts tied to threads this would
    // wait forever (the blocked thread owns a part still to do); taken in turn, the others
    // finish them.
    void heldUpThreadDoesNotHoldUpTheRest()
    {
        ThreadPool pool(2);
        constexpr int kParts = 16;
        std::atomic<int> done{0};
        std::atomic<bool> first{true};
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        pool.run(kParts, [&](int) {
            if (first.exchange(false))
                while (done.load() < kParts - 1 && std::chrono::steady_clock::now() < deadline)
                    std::this_thread::yield();
            done.fetch_add(1);
        });
        QCOMPARE(done.load(), kParts);
        QVERIFY2(std::chrono::steady_clock::now() < deadline, "the other thread did not take the free parts");
    }

    // Sleeping workers (after their spin) wake for the next call.
    void wakesAfterSleeping()
    {
        ThreadPool pool(2);
        std::atomic<int> count{0};
        for (int i = 0; i < 3; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            pool.run(2, [&](int) { count.fetch_add(1); });
        }
        QCOMPARE(count.load(), 6);
    }

    // A worker woken from its sleep is kept off the caller's core for that wake-up only
    // (ThreadPool::steerSleepers): as it runs a part its mask is the whole process's again,
    // call after call, and on a process allowed one core the calls still run.
    void wakesWithItsWholeMaskBack()
    {
#if defined(__linux__)
        cpu_set_t process;
        QVERIFY(sched_getaffinity(0, sizeof(process), &process) == 0);
        if (CPU_COUNT(&process) < 2)
            QSKIP("one core: nothing to steer");
        ThreadPool pool(3);
        for (int call = 0; call < 4; ++call) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5)); // past the workers' spin
            std::atomic<int> whole{0}, parts{0};
            pool.run(6, [&](int) {
                cpu_set_t mine;
                if (sched_getaffinity(0, sizeof(mine), &mine) == 0 && CPU_EQUAL(&mine, &process))
                    whole.fetch_add(1);
                parts.fetch_add(1);
                std::this_thread::sleep_for(std::chrono::milliseconds(1)); // every thread takes one
            });
            QCOMPARE(parts.load(), 6);
            QCOMPARE(whole.load(), 6);
        }
        // A pool made on a thread allowed a single core: its workers have nowhere else to go,
        // keep that core, and every part still runs.
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        QVERIFY(sched_setaffinity(0, sizeof(one), &one) == 0);
        std::atomic<int> count{0}, onOne{0};
        {
            ThreadPool single(3);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            single.run(6, [&](int) {
                cpu_set_t mine;
                if (sched_getaffinity(0, sizeof(mine), &mine) == 0 && CPU_EQUAL(&mine, &one))
                    onOne.fetch_add(1);
                count.fetch_add(1);
            });
        }
        QVERIFY(sched_setaffinity(0, sizeof(process), &process) == 0);
        QCOMPARE(count.load(), 6);
        QCOMPARE(onOne.load(), 6);
#else
        QSKIP("Linux only");
#endif
    }

    // Two vCPUs that are SMT siblings of one core count once; two cores, or the same core
    // number on two packages, twice; a CPU without topology files counts as a core of its own;
    // only the CPUs asked about (the process's affinity) count.
    void countsPhysicalCores()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.path();
        writeTopology(root, 0, 0, 0);
        writeTopology(root, 1, 0, 0); // cpu0's sibling
        writeTopology(root, 2, 0, 1);
        writeTopology(root, 3, 0, 1); // cpu2's sibling
        writeTopology(root, 4, 1, 0); // core 0 of the second package
        const std::string cpuDir = root.toStdString();
        using nnlab::engine::physicalCoreCount;
        QCOMPARE(physicalCoreCount(cpuDir, {0, 1}), 1);
        QCOMPARE(physicalCoreCount(cpuDir, {0, 1, 2, 3}), 2);
        QCOMPARE(physicalCoreCount(cpuDir, {0, 2}), 2);
        QCOMPARE(physicalCoreCount(cpuDir, {0, 1, 2, 3, 4}), 3);
        QCOMPARE(physicalCoreCount(cpuDir, {0, 7}), 2); // cpu7 has no files
        QCOMPARE(physicalCoreCount(cpuDir, {}), 0);
        QCOMPARE(physicalCoreCount(cpuDir + "/nowhere", {0, 1}), 2);
        const int threads = nnlab::engine::defaultThreadCount();
        QVERIFY(threads >= 1 && threads <= 16);
        QVERIFY(threads <= int(std::max(1u, std::thread::hardware_concurrency())));
    }
};

QTEST_APPLESS_MAIN(TestThreadPool)
#include "tst_thread_pool.moc"
