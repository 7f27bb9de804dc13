// Choosing the trainer's thread count by measuring it (engine/thread_choice.h): the rule that
// picks among measured times, and the measurement itself on a small network, which must leave
// the network it copies as it was.
#include "engine/thread_choice.h"

#include <QtTest>

#include <random>

using namespace nnlab::engine;

namespace {

// Synthetic 8 x 8 digits: each class lights its own band of pixels, plus noise.
Dataset syntheticData(std::size_t n)
{
    Dataset d;
    d.rows = d.cols = 8;
    d.classNames = digitClassNames();
    std::mt19937 rng(3);
    for (std::size_t s = 0; s < n; ++s) {
        const int label = int(rng() % 10);
        for (int p = 0; p < 64; ++p)
            d.pixels.push_back(std::uint8_t(p / 6 == label ? 150 + rng() % 100 : rng() % 60));
        d.labels.push_back(std::uint8_t(label));
    }
    return d;
}

} // namespace

class TestThreadChoice : public QObject
{
    Q_OBJECT

private slots:
    void choosesTheFewestThreadsNearTheFastest_data()
    {
        QTest::addColumn<double>("one");
        QTest::addColumn<double>("two");
        QTest::addColumn<int>("expected");
        // Seconds per sample on one thread and on two.
        QTest::newRow("two much faster (a wide network)") << 1.0 << 0.6 << 2;
        QTest::newRow("two slower (meetings across a far host)") << 0.7 << 1.05 << 1;
        QTest::newRow("two 5% faster: within the margin, one") << 1.0 << 0.95 << 1;
        QTest::newRow("two 12% faster") << 1.0 << 0.88 << 2;
        QTest::newRow("equal") << 1.0 << 1.0 << 1;
        QTest::newRow("two not measured") << 1.0 << 0.0 << 1;
        QTest::newRow("one not measured") << 0.0 << 1.0 << 2;
    }

    void choosesTheFewestThreadsNearTheFastest()
    {
        QFETCH(double, one);
        QFETCH(double, two);
        QFETCH(int, expected);
        QCOMPARE(chooseThreadCount({{1, one}, {2, two}}), expected);
        QCOMPARE(chooseThreadCount({{2, two}, {1, one}}), expected); // in any order
    }

    void choosesAmongMoreCounts()
    {
        QCOMPARE(chooseThreadCount({{1, 1.0}, {2, 0.5}, {4, 0.48}}), 2); // 4 within 10% of 2's
        QCOMPARE(chooseThreadCount({{1, 1.0}, {2, 0.6}, {4, 0.3}}), 4);
        QCOMPARE(chooseThreadCount({}), 1);
        QCOMPARE(chooseThreadCount({{1, 1.0}, {2, 0.5}}, 1.5), 1); // a margin of 150%
    }

    void measuresCopiesAndLeavesTheNetwork()
    {
        const Dataset data = syntheticData(2000);
        Architecture a;
        a.inputs = 64;
        a.hidden = {256, 256};
        a.hiddenActivation = Activation::ReLU;
        a.output = Output::Softmax;
        a.loss = Loss::CrossEntropy;
        a.biases = true;
        Network net(a);
        net.initialize(Init::He, 5);
        const Network before = net;
        TrainingConfig config;
        config.batchSize = 100;
        config.shuffle = true;
        config.optimizer.kind = OptimizerKind::Adam;
        config.optimizer.learningRate = 0.001f;
        config.threads = 7; // ignored: the counts measured are 1 and `most`

        const ThreadChoice choice = measureThreadCount(net, data, config, 2, std::chrono::milliseconds(2), 2);
        QVERIFY(net == before);
        QCOMPARE(choice.trials.size(), std::size_t(2));
        QCOMPARE(choice.trials[0].threads, 1);
        QCOMPARE(choice.trials[1].threads, 2);
        for (const ThreadTrial& t : choice.trials)
            QVERIFY2(t.secondsPerSample > 0 && t.secondsPerSample < 0.01,
                     qPrintable(QString::number(t.secondsPerSample)));
        QCOMPARE(choice.threads, chooseThreadCount(choice.trials));

        // Nothing to choose from: one thread, nothing trained.
        const ThreadChoice single = measureThreadCount(net, data, config, 1);
        QCOMPARE(single.threads, 1);
        QVERIFY(single.trials.empty());
        QCOMPARE(measureThreadCount(net, Dataset{}, config, 2).threads, 1);
    }

    // The lesson's per-sample SGD on sparse inputs trains on one thread at any count: nothing to
    // measure, and every core for the evaluations. On dense inputs it splits, and is measured.
    void perSampleSparsePathTakesEveryCoreUnmeasured()
    {
        const Dataset data = syntheticData(500);
        Architecture a;
        a.inputs = 64;
        a.hidden = {90};
        Network net(a);
        net.initialize(Init::Lesson, 1);
        TrainingConfig config; // batch 1, SGD: the lesson's
        config.inputPath = InputPath::Sparse;
        {
            Trainer t(net, data, config);
            QVERIFY(t.trainsOnOneThread());
        }
        const ThreadChoice sparse = measureThreadCount(net, data, config, 3, std::chrono::milliseconds(1), 1);
        QCOMPARE(sparse.threads, 3);
        QVERIFY(sparse.trials.empty());

        config.inputPath = InputPath::Dense;
        QVERIFY(!Trainer(net, data, config).trainsOnOneThread());
        const ThreadChoice dense = measureThreadCount(net, data, config, 2, std::chrono::milliseconds(1), 1);
        QCOMPARE(dense.trials.size(), std::size_t(2));

        config.inputPath = InputPath::Sparse;
        config.batchSize = 20; // mini-batches split
        QVERIFY(!Trainer(net, data, config).trainsOnOneThread());
        QCOMPARE(measureThreadCount(net, data, config, 2, std::chrono::milliseconds(1), 1).trials.size(),
                 std::size_t(2));
    }
};

QTEST_APPLESS_MAIN(TestThreadChoice)
#include "tst_thread_choice.moc"
