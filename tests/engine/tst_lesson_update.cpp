// The trainer's fast paths against the lesson's own per-sample loop (engine/lesson_network,
// itself checked against independent figures in tst_lesson_network): a 3-5-2 net with fixed
// weights after one and three updates and a whole epoch, and a wider net through the blocked
// per-sample path and the mini-batch path with batches of one (dense and sparse first layer).
#include "engine/lesson_network.h"
#include "engine/trainer.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace nnlab::engine;

namespace {

using Mat = std::vector<std::vector<double>>;

const Mat kWih = {{0.9, -0.3, 0.2}, {0.1, 0.8, -0.5}, {-0.7, 0.4, 0.3}, {0.2, 0.2, -0.9}, {0.5, -0.6, 0.1}};
const Mat kWho = {{0.3, -0.8, 0.5, 0.1, -0.2}, {-0.4, 0.6, 0.2, -0.7, 0.9}};
const double kLr = 0.3;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The lesson's loop, sample after sample, on the net's w_i_h and w_h_o.
void lessonLoop(Network& net, const Dataset& data, std::size_t count, float l_r)
{
    const Architecture& a = net.architecture();
    for (std::size_t s = 0; s < count; ++s)
        lessonTrain(net.weights(0), net.weights(1), lessonInput(data.image(s), a.inputs),
                    lessonTarget(data.labels[s], a.outputs), l_r);
}

// Largest |a - b| over both weight matrices.
double maxDifference(const Network& a, const Network& b)
{
    double m = 0;
    for (int l = 0; l < a.layerCount(); ++l)
        m = std::max(m, double((a.weights(l) - b.weights(l)).cwiseAbs().maxCoeff()));
    return m;
}

Network lessonNet()
{
    Architecture a;
    a.inputs = 3;
    a.hidden = {5};
    a.outputs = 2;
    Network net(a);
    for (int h = 0; h < 5; ++h)
        for (int i = 0; i < 3; ++i)
            net.weights(0)(h, i) = float(kWih[h][i]);
    for (int o = 0; o < 2; ++o)
        for (int h = 0; h < 5; ++h)
            net.weights(1)(o, h) = float(kWho[o][h]);
    return net;
}

Dataset samples(const std::vector<std::vector<int>>& pixels, const std::vector<int>& labels)
{
    Dataset d;
    d.rows = 1;
    d.cols = 3;
    d.classNames = {"0", "1"};
    for (std::size_t s = 0; s < pixels.size(); ++s) {
        for (int p : pixels[s])
            d.pixels.push_back(std::uint8_t(p));
        d.labels.push_back(std::uint8_t(labels[s]));
    }
    return d;
}

} // namespace

class TestLessonUpdate : public QObject
{
    Q_OBJECT

private slots:
    void forwardPassByHand()
    {
        const Network net = lessonNet();
        Vector x(3);
        const int pixels[3] = {200, 0, 90};
        for (int i = 0; i < 3; ++i)
            x[i] = float(pixels[i] / 255.0 * 0.99 + 0.01);
        const Network::Trace t = net.trace(x);
        for (int h = 0; h < 5; ++h) {
            double hInput = 0;
            for (int i = 0; i < 3; ++i)
                hInput += kWih[h][i] * x[i];
            QVERIFY(std::abs(t.preActivations[0][h] - hInput) < 1e-6);
            QVERIFY(std::abs(t.activations[1][h] - sigmoid(hInput)) < 1e-6);
        }
    }

    void updatesByHand_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("one sample") << 1;
        QTest::newRow("three samples in a row") << 3;
    }

    void updatesByHand()
    {
        QFETCH(int, count);
        const std::vector<std::vector<int>> pixels = {{200, 0, 90}, {12, 255, 140}, {77, 180, 3}};
        const std::vector<int> labels = {1, 0, 1};
        const Dataset data = samples(pixels, labels);
        Network lesson = lessonNet();
        lessonLoop(lesson, data, std::size_t(count), float(kLr));

        TrainingConfig cfg; // batch 1, plain SGD, the lesson's errors: its per-sample update
        cfg.lessonErrors = true;
        cfg.optimizer.learningRate = float(kLr);
        cfg.threads = 1;
        Trainer trainer(lessonNet(), data, cfg);
        for (int s = 0; s < count; ++s)
            trainer.step();
        QCOMPARE(trainer.samplesSeen(), std::uint64_t(count));
        const Network& net = trainer.network();
        for (int h = 0; h < 5; ++h)
            for (int i = 0; i < 3; ++i)
                QVERIFY2(std::abs(net.weights(0)(h, i) - lesson.weights(0)(h, i)) < 2e-6,
                         qPrintable(QString("w_i_h[%1][%2]: trainer %3, lesson %4").arg(h).arg(i).arg(net.weights(0)(h, i)).arg(lesson.weights(0)(h, i))));
        for (int o = 0; o < 2; ++o)
            for (int h = 0; h < 5; ++h)
                QVERIFY2(std::abs(net.weights(1)(o, h) - lesson.weights(1)(o, h)) < 2e-6,
                         qPrintable(QString("w_h_o[%1][%2]: trainer %3, lesson %4").arg(o).arg(h).arg(net.weights(1)(o, h)).arg(lesson.weights(1)(o, h))));
        // And it moved: the update is not the identity.
        QVERIFY(std::abs(lesson.weights(0)(0, 0) - kWih[0][0]) > 1e-4);
    }

    void wholeEpochInOneCallMatchesTheHandLoop()
    {
        // The trainer processes samples in blocks internally; the result must still be the
        // lesson's sequential per-sample loop.
        std::vector<std::vector<int>> pixels;
        std::vector<int> labels;
        for (int s = 0; s < 70; ++s) {
            pixels.push_back({(s * 37) % 256, (s * 91 + 11) % 256, (s * 53 + 200) % 256});
            labels.push_back(s % 2);
        }
        const Dataset data = samples(pixels, labels);
        Network lesson = lessonNet();
        lessonLoop(lesson, data, 70, float(kLr));
        TrainingConfig cfg;
        cfg.optimizer.learningRate = float(kLr);
        cfg.threads = 1;
        cfg.lessonErrors = true;
        Trainer trainer(lessonNet(), data, cfg);
        QCOMPARE(trainer.trainEpoch().end, SliceEnd::EpochEnded);
        for (int h = 0; h < 5; ++h)
            for (int i = 0; i < 3; ++i)
                QVERIFY(std::abs(trainer.network().weights(0)(h, i) - lesson.weights(0)(h, i)) < 1e-5);
        for (int o = 0; o < 2; ++o)
            for (int h = 0; h < 5; ++h)
                QVERIFY(std::abs(trainer.network().weights(1)(o, h) - lesson.weights(1)(o, h)) < 1e-5);
    }

    // A 64-16-10 lesson net on 8x8 images, two thirds of their pixels blank, through each of
    // the trainer's fast paths, against the lesson's loop over the same 45 samples (more than a
    // block of the per-sample path).
    void fastPathsMatchTheLesson_data()
    {
        QTest::addColumn<int>("batchPath"); // 0: per-sample blocks (batch 1, SGD), 1: mini-batch
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("inputPath");
        QTest::newRow("per-sample blocks") << 0 << 1 << int(InputPath::Auto);
        QTest::newRow("per-sample blocks, 2 threads") << 0 << 2 << int(InputPath::Auto);
        QTest::newRow("mini-batch of 1, dense") << 1 << 1 << int(InputPath::Dense);
        QTest::newRow("mini-batch of 1, sparse first layer") << 1 << 1 << int(InputPath::Sparse);
    }

    void fastPathsMatchTheLesson()
    {
        QFETCH(int, batchPath);
        QFETCH(int, threads);
        QFETCH(int, inputPath);
        constexpr int kSamples = 45;
        Dataset data;
        data.rows = data.cols = 8;
        for (int c = 0; c < 10; ++c)
            data.classNames.push_back(std::to_string(c));
        std::mt19937 rng(7);
        for (int s = 0; s < kSamples; ++s) {
            for (int p = 0; p < 64; ++p)
                data.pixels.push_back(rng() % 3 == 0 ? std::uint8_t(rng() % 256) : 0);
            data.labels.push_back(std::uint8_t(rng() % 10));
        }
        Architecture arch;
        arch.inputs = 64;
        arch.hidden = {16};
        Network start(arch);
        start.initialize(Init::Lesson, 4);
        const float l_r = 0.2f;
        Network lesson = start;
        lessonLoop(lesson, data, kSamples, l_r);

        TrainingConfig cfg;
        cfg.lessonErrors = true;
        cfg.optimizer.learningRate = l_r;
        cfg.threads = threads;
        cfg.inputPath = InputPath(inputPath);
        if (batchPath == 1) { // momentum 0 is plain SGD through the general mini-batch path
            cfg.optimizer.kind = OptimizerKind::Momentum;
            cfg.optimizer.momentum = 0.0f;
        }
        Trainer trainer(start, data, cfg);
        if (batchPath == 1)
            QCOMPARE(trainer.sparseInputs(), cfg.inputPath == InputPath::Sparse);
        QCOMPARE(trainer.trainEpoch().end, SliceEnd::EpochEnded);
        QCOMPARE(trainer.samplesSeen(), std::uint64_t(kSamples));
        QVERIFY(maxDifference(lesson, start) > 1e-2); // it moved
        const double diff = maxDifference(lesson, trainer.network());
        QVERIFY2(diff < 2e-6, qPrintable(QString::number(diff)));
    }
};

QTEST_APPLESS_MAIN(TestLessonUpdate)
#include "tst_lesson_update.moc"
