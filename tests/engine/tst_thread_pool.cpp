// The fork-join pool under the trainer: every part runs exactly once per call, calls in quick
// succession do not leak parts into each other, and a thread that is held up does not hold up
// the parts nobody has started (the others take them).
#include "engine/thread_pool.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using nnlab::engine::ThreadPool;

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
};

QTEST_APPLESS_MAIN(TestThreadPool)
#include "tst_thread_pool.moc"
