// The sparse first layer: its kernels (every ISA level this CPU runs) against sums written out
// in double, and whole mini-batch training on the sparse path against the dense path on the
// same batches, including an all-zero image, a fully dense one and the lesson's scaling.
#include "engine/evaluation.h"
#include "engine/idx_reader.h"
#include "engine/kernels.h"
#include "engine/trainer.h"
#include "tests/common/test_support.h"

#include <QtTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <vector>

using namespace nnlab::engine;
using nnlab::test::relativeDifference;
using Clock = std::chrono::steady_clock;

namespace {

// Training runs are compared by how far they end apart, as a share of how far the reference
// moved from the start: float rounding gives about 1e-6 here; one pixel left out of one image
// about 1e-2 (checked below by droppedPixelIsDetected).
constexpr double kSamePathTolerance = 1e-4;

// A sparse batch in the kernels' layouts: sample j's nonzeros at j * stride, and pixel p's
// at p * n (by pixel, for the gradient).
struct SparseBatch
{
    int n = 0, stride = 0;
    std::vector<std::int32_t> count, index;
    std::vector<float> value;
    std::vector<std::int32_t> pixelCount;
    std::vector<PixelEntry> pixelEntries;
    std::vector<double> dense; // stride x n, column-major: the same inputs written out
};

SparseBatch randomSparseBatch(int inputs, int n, std::mt19937& rng)
{
    SparseBatch b;
    b.n = n;
    b.stride = inputs;
    b.count.assign(std::size_t(n), 0);
    b.index.assign(std::size_t(n * inputs), -1);
    b.value.assign(std::size_t(n * inputs), 0.0f);
    b.dense.assign(std::size_t(n * inputs), 0.0);
    b.pixelCount.assign(std::size_t(inputs), 0);
    b.pixelEntries.assign(std::size_t(inputs * n), PixelEntry{-1, 0.0f});
    for (int j = 0; j < n; ++j) {
        // Sample 0 has no nonzero input at all, sample 1 has every input; the rest about 20%.
        for (int p = 0; p < inputs; ++p) {
            const bool on = j == 1 || (j != 0 && rng() % 5 == 0);
            if (!on)
                continue;
            const float v = float(1 + rng() % 255) / 255.0f;
            const std::size_t e = std::size_t(j * inputs + b.count[std::size_t(j)]++);
            b.index[e] = p;
            b.value[e] = v;
            b.dense[std::size_t(j * inputs + p)] = v;
            const std::size_t byPixel = std::size_t(p * n + b.pixelCount[std::size_t(p)]++);
            b.pixelEntries[byPixel] = PixelEntry{j, v};
        }
    }
    return b;
}

std::vector<float> randomFloats(std::size_t n, std::mt19937& rng)
{
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v)
        x = u(rng);
    return v;
}

int paddedWidth(int m) { return (m + 15) / 16 * 16; }

// The first 300 MNIST training images, with an all-zero image first, a fully dense one second
// (every pixel 1..255) and another dense one in the middle.
Dataset mnistWithEdgeCases()
{
    const std::string dir = NNLAB_SOURCE_DIR "/data/mnist/";
    const Dataset mnist = loadIdxDataset(dir + "train-images-idx3-ubyte.gz",
                                         dir + "train-labels-idx1-ubyte.gz", digitClassNames(),
                                         "train")
                              .head(300);
    Dataset d;
    d.name = "MNIST with edge cases";
    d.rows = mnist.rows;
    d.cols = mnist.cols;
    d.classNames = mnist.classNames;
    std::mt19937 rng(7);
    const int pixels = mnist.pixelsPerImage();
    auto addDense = [&](std::uint8_t label) {
        for (int p = 0; p < pixels; ++p)
            d.pixels.push_back(std::uint8_t(1 + rng() % 255));
        d.labels.push_back(label);
    };
    d.pixels.insert(d.pixels.end(), std::size_t(pixels), std::uint8_t(0));
    d.labels.push_back(3);
    addDense(5);
    for (std::size_t s = 0; s < mnist.size(); ++s) {
        if (s == 150)
            addDense(8);
        d.pixels.insert(d.pixels.end(), mnist.image(s), mnist.image(s) + pixels);
        d.labels.push_back(mnist.labels[s]);
    }
    return d;
}

struct Setup
{
    Scaling scaling = Scaling::UnitRange;
    bool biases = true;
    std::vector<int> hidden{90};
    Activation activation = Activation::ReLU;
    int batch = 50;
    int threads = 1;
    OptimizerKind optimizer = OptimizerKind::SGD;
};

Network startingNetwork(const Setup& s)
{
    Architecture a;
    a.hidden = s.hidden;
    a.hiddenActivation = s.activation;
    a.output = Output::Softmax;
    a.loss = Loss::CrossEntropy;
    a.biases = s.biases;
    a.scaling = s.scaling;
    Network net(a);
    net.initialize(Init::He, 3);
    if (s.biases)
        for (int l = 0; l < net.layerCount(); ++l)
            for (Eigen::Index i = 0; i < net.bias(l).size(); ++i)
                net.bias(l)[i] = 0.02f * float(i % 5) - 0.04f;
    return net;
}

TrainingConfig trainingConfig(const Setup& s, InputPath path)
{
    TrainingConfig c;
    c.batchSize = s.batch;
    c.threads = s.threads;
    c.shuffle = false; // the edge-case images land in the first batches
    c.optimizer.kind = s.optimizer;
    c.optimizer.learningRate = 0.05f;
    c.optimizer.momentum = 0.5f;
    c.inputPath = path;
    return c;
}

Network trainOneEpoch(const Setup& s, const Dataset& data, InputPath path, bool* sparse = nullptr)
{
    Trainer t(startingNetwork(s), data, trainingConfig(s, path));
    if (sparse)
        *sparse = t.sparseInputs();
    if (t.trainEpoch().end != SliceEnd::EpochEnded)
        qFatal("training did not finish the epoch");
    return t.network();
}

} // namespace

class TestSparseInputs : public QObject
{
    Q_OBJECT

private:
    Dataset m_data = mnistWithEdgeCases();

private slots:
    // Every copy finds the same pixels with the same values, bit for bit, as the table of the
    // scaling's formula gives them: a copy may compute the value instead of looking it up.
    void gathersNonzeroPixels()
    {
        std::mt19937 rng(1);
        const KernelTable* tables[4];
        const int levels = availableKernelTables(tables, 4);
        for (Scaling scaling : {Scaling::Lesson, Scaling::UnitRange, Scaling::Raw}) {
            const InputScale full = inputScale(scaling);
            const InputScale s{full.range, 0.0f, full.divisor};
            float table[256];
            for (int b = 0; b < 256; ++b)
                table[b] = scaledPixel(float(b), s);
            for (int t = 0; t < levels; ++t) {
                for (int n : {784, 100, 64, 37, 16, 5}) {
                    for (int density : {0, 5, 50, 100}) { // percent nonzero
                        std::vector<std::uint8_t> image(static_cast<std::size_t>(n));
                        for (auto& b : image)
                            b = int(rng() % 100) < density ? std::uint8_t(1 + rng() % 255) : 0;
                        std::vector<std::int32_t> index(std::size_t(n), -1);
                        std::vector<float> value(std::size_t(n), -1.0f);
                        const int count = tables[t]->sparsePixels(image.data(), n, table, s,
                                                                  index.data(), value.data());
                        int expected = 0;
                        for (int p = 0; p < n; ++p) {
                            if (image[std::size_t(p)] == 0) continue;
                            QCOMPARE(index[std::size_t(expected)], p);
                            QCOMPARE(std::bit_cast<std::uint32_t>(value[std::size_t(expected)]),
                                     std::bit_cast<std::uint32_t>(table[image[std::size_t(p)]]));
                            ++expected;
                        }
                        QVERIFY2(count == expected, qPrintable(QString("%1: %2 of %3 found, n %4")
                                                                   .arg(tables[t]->isa)
                                                                   .arg(count)
                                                                   .arg(expected)
                                                                   .arg(n)));
                    }
                }
            }
        }
    }

    void kernelsMatchTheSums_data()
    {
        QTest::addColumn<int>("hidden");
        QTest::newRow("1 node") << 1;
        QTest::newRow("10 nodes") << 10;
        QTest::newRow("90 nodes (the lesson)") << 90;
        QTest::newRow("96 nodes (whole vectors)") << 96;
        QTest::newRow("200 nodes (several register blocks)") << 200;
        QTest::newRow("300 nodes") << 300;
    }

    void kernelsMatchTheSums()
    {
        QFETCH(int, hidden);
        const int m = hidden, inputs = 53, n = 11, ld = paddedWidth(m);
        std::mt19937 rng{std::uint32_t(m)};
        const SparseBatch x = randomSparseBatch(inputs, n, rng);
        std::vector<float> wT(std::size_t(inputs * ld), 0.0f), bias(std::size_t(ld), 0.0f);
        const std::vector<float> w = randomFloats(std::size_t(m * inputs), rng); // m x inputs
        const std::vector<float> b = randomFloats(std::size_t(m), rng);
        const std::vector<float> d = randomFloats(std::size_t(ld * n), rng); // m x n, padded
        std::copy(b.begin(), b.end(), bias.begin());
        std::vector<float> base(std::size_t(ld), 0.0f);
        for (int r = 0; r < m; ++r)
            base[std::size_t(r)] = 0.25f * float(r % 7) - 0.5f;
        const float alpha = 0.125f;

        const KernelTable* tables[4];
        const int levels = availableKernelTables(tables, 4);
        for (int t = 0; t < levels; ++t) {
            const KernelTable& k = *tables[t];
            const QString isa = k.isa;
            k.transpose(m, inputs, w.data(), inputs, wT.data(), ld);
            for (int p = 0; p < inputs; ++p)
                for (int r = 0; r < m; ++r)
                    QCOMPARE(wT[std::size_t(p * ld + r)], w[std::size_t(r * inputs + p)]);

            // Forward, with and without the bias, against W x + b summed in double.
            for (bool withBias : {true, false}) {
                std::vector<float> y(std::size_t(m * n), 0.0f);
                k.sparseForward(m, n, wT.data(), ld, withBias ? bias.data() : nullptr,
                                x.count.data(), x.index.data(), x.value.data(), x.stride, y.data(),
                                m, KernelActivation::Identity);
                double worst = 0;
                for (int j = 0; j < n; ++j)
                    for (int r = 0; r < m; ++r) {
                        double sum = withBias ? b[std::size_t(r)] : 0.0;
                        for (int p = 0; p < inputs; ++p)
                            sum += double(w[std::size_t(r * inputs + p)]) *
                                   x.dense[std::size_t(j * inputs + p)];
                        worst = std::max(worst, std::abs(sum - y[std::size_t(j * m + r)]));
                    }
                QVERIFY2(worst < 1e-5, qPrintable(isa + QString(": forward off by %1").arg(worst)));
            }
            std::vector<float> y(std::size_t(m * n));
            k.sparseForward(m, n, wT.data(), ld, bias.data(), x.count.data(), x.index.data(),
                            x.value.data(), x.stride, y.data(), m, KernelActivation::ReLU);
            QVERIFY(*std::min_element(y.begin(), y.end()) == 0.0f);

            // The transposed gradient for a middle range of inputs; rows outside stay as they were.
            for (bool withBase : {true, false}) {
                const int p0 = 5, p1 = 41;
                std::vector<float> gT(std::size_t(inputs * ld), 42.0f);
                k.sparseWeightGradient(m, d.data(), ld, alpha, x.pixelCount.data(),
                                       x.pixelEntries.data(), n,
                                       withBase ? base.data() : nullptr, gT.data(), ld, p0, p1);
                double worst = 0;
                for (int p = 0; p < inputs; ++p)
                    for (int r = 0; r < m; ++r) {
                        const float got = gT[std::size_t(p * ld + r)];
                        if (p < p0 || p >= p1) {
                            QCOMPARE(got, 42.0f);
                            continue;
                        }
                        double sum = withBase ? base[std::size_t(r)] : 0.0;
                        for (int j = 0; j < n; ++j)
                            sum += alpha * double(d[std::size_t(j * ld + r)]) *
                                   x.dense[std::size_t(j * inputs + p)];
                        worst = std::max(worst, std::abs(sum - got));
                    }
                QVERIFY2(worst < 1e-5, qPrintable(isa + QString(": gradient off by %1").arg(worst)));
            }
        }
    }

    void autoPicksThePath()
    {
        const Setup s;
        bool sparse = false;
        Trainer mnist(startingNetwork(s), m_data, trainingConfig(s, InputPath::Auto));
        QVERIFY(mnist.sparseInputs()); // about 81% of MNIST's pixels are 0
        Dataset noise = m_data;
        std::mt19937 rng(2);
        for (auto& p : noise.pixels)
            p = std::uint8_t(rng() % 4 == 0 ? 0 : 1 + rng() % 255);
        Trainer dense(startingNetwork(s), noise, trainingConfig(s, InputPath::Auto));
        QVERIFY(!dense.sparseInputs());
        Trainer forced(startingNetwork(s), noise, trainingConfig(s, InputPath::Sparse));
        QVERIFY(forced.sparseInputs());
        trainOneEpoch(s, m_data, InputPath::Dense, &sparse);
        QVERIFY(!sparse);
    }

    // The tests' evaluation takes the same sparse first layer on mostly blank images
    // (evaluation.cpp: w_i_h v + (b + offset * w_i_h 1)): the answers of the dense forward pass
    // over every scaled pixel, on one thread or several, the all-zero and all-dense images too.
    void evaluationMatchesTheDenseForwardPass_data()
    {
        QTest::addColumn<int>("scaling");
        QTest::addColumn<bool>("biases");
        QTest::addColumn<QList<int>>("hidden");
        QTest::addColumn<int>("activation");
        QTest::addColumn<int>("threads");
        const int unit = int(Scaling::UnitRange), lesson = int(Scaling::Lesson), raw = int(Scaling::Raw);
        const int relu = int(Activation::ReLU), sigmoid = int(Activation::Sigmoid);
        QTest::newRow("lesson scaling, no biases, sigmoid") << lesson << false << QList<int>{90} << sigmoid << 1;
        QTest::newRow("lesson scaling, biases, 2 threads") << lesson << true << QList<int>{90} << relu << 2;
        QTest::newRow("x/255, biases, 3 threads") << unit << true << QList<int>{90} << relu << 3;
        QTest::newRow("raw pixels, sigmoid") << raw << false << QList<int>{30} << sigmoid << 2;
        QTest::newRow("200 hidden nodes") << lesson << true << QList<int>{200} << relu << 2;
        QTest::newRow("two hidden layers") << unit << true << QList<int>{64, 32} << relu << 2;
        QTest::newRow("no hidden layer (dense)") << lesson << true << QList<int>{} << relu << 2;
    }

    void evaluationMatchesTheDenseForwardPass()
    {
        QFETCH(int, scaling);
        QFETCH(bool, biases);
        QFETCH(QList<int>, hidden);
        QFETCH(int, activation);
        QFETCH(int, threads);
        Setup s;
        s.scaling = Scaling(scaling);
        s.biases = biases;
        s.hidden.assign(hidden.begin(), hidden.end());
        s.activation = Activation(activation);
        const Network net = startingNetwork(s);
        // Four copies of the data: more than one chunk of the evaluation, so the threads split it.
        Dataset data = m_data;
        for (int copy = 0; copy < 3; ++copy) {
            data.pixels.insert(data.pixels.end(), m_data.pixels.begin(), m_data.pixels.end());
            data.labels.insert(data.labels.end(), m_data.labels.begin(), m_data.labels.end());
        }
        QVERIFY(data.mostlyBlank());
        const Evaluation ev = evaluate(net, data, SIZE_MAX, threads);
        QCOMPARE(ev.count, data.size());

        const Architecture& a = net.architecture();
        Batch x(a.inputs, Eigen::Index(data.size()));
        for (std::size_t i = 0; i < data.size(); ++i)
            net.scaleInput(data.image(i), x.col(Eigen::Index(i)).data());
        const Batch o = net.predict(x);
        double loss = 0;
        int differ = 0;
        for (std::size_t i = 0; i < data.size(); ++i) {
            const float* oc = o.col(Eigen::Index(i)).data();
            const int predicted = int(std::max_element(oc, oc + a.outputs) - oc);
            loss += sampleLoss(a, oc, data.labels[i]);
            differ += int(ev.predictions[i]) != predicted;
            QVERIFY2(std::abs(ev.confidence[i] - oc[predicted]) <= 1e-4f * std::max(1.0f, oc[predicted]),
                     qPrintable(QString("image %1: %2 against %3").arg(i).arg(ev.confidence[i]).arg(oc[predicted])));
        }
        loss /= double(data.size());
        qInfo("loss %.9g against %.9g; %d of %zu answers differ", ev.loss, loss, differ, data.size());
        QCOMPARE(differ, 0);
        QVERIFY(std::abs(ev.loss - loss) <= 1e-5 * std::abs(loss));
        // The same evaluation again, and on another thread count: the same bits.
        const Evaluation again = evaluate(net, data, SIZE_MAX, threads == 1 ? 2 : 1);
        QCOMPARE(again.loss, ev.loss);
        QVERIFY(again.predictions == ev.predictions);
    }

    void sparseMatchesDense_data()
    {
        QTest::addColumn<int>("scaling");
        QTest::addColumn<bool>("biases");
        QTest::addColumn<QList<int>>("hidden");
        QTest::addColumn<int>("activation");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("optimizer");
        const int unit = int(Scaling::UnitRange), lesson = int(Scaling::Lesson);
        const int relu = int(Activation::ReLU), sigmoid = int(Activation::Sigmoid);
        const int sgd = int(OptimizerKind::SGD), momentum = int(OptimizerKind::Momentum);
        QTest::newRow("x/255, biases, 1 thread") << unit << true << QList<int>{90} << relu << 50 << 1 << sgd;
        QTest::newRow("x/255, biases, 2 threads") << unit << true << QList<int>{90} << relu << 50 << 2 << sgd;
        QTest::newRow("lesson scaling, biases") << lesson << true << QList<int>{90} << relu << 50 << 2 << sgd;
        QTest::newRow("lesson scaling, no biases, sigmoid") << lesson << false << QList<int>{90} << sigmoid << 50 << 1 << sgd;
        QTest::newRow("x/255, no biases") << unit << false << QList<int>{90} << relu << 50 << 2 << sgd;
        QTest::newRow("200 hidden nodes") << lesson << true << QList<int>{200} << relu << 50 << 2 << sgd;
        QTest::newRow("two hidden layers") << unit << true << QList<int>{64, 32} << relu << 50 << 2 << sgd;
        QTest::newRow("no hidden layer") << lesson << true << QList<int>{} << relu << 50 << 1 << sgd;
        QTest::newRow("batch 7, momentum") << lesson << true << QList<int>{90} << relu << 7 << 2 << momentum;
        QTest::newRow("batch 1, momentum") << unit << true << QList<int>{20} << sigmoid << 1 << 1 << momentum;
    }

    void sparseMatchesDense()
    {
        QFETCH(int, scaling);
        QFETCH(bool, biases);
        QFETCH(QList<int>, hidden);
        QFETCH(int, activation);
        QFETCH(int, batch);
        QFETCH(int, threads);
        QFETCH(int, optimizer);
        Setup s;
        s.scaling = Scaling(scaling);
        s.biases = biases;
        s.hidden.assign(hidden.begin(), hidden.end());
        s.activation = Activation(activation);
        s.batch = batch;
        s.threads = threads;
        s.optimizer = OptimizerKind(optimizer);
        const Dataset data = batch == 1 ? m_data.head(60) : m_data;
        bool tookSparse = false, tookDense = true;
        const Network sparse = trainOneEpoch(s, data, InputPath::Sparse, &tookSparse);
        const Network dense = trainOneEpoch(s, data, InputPath::Dense, &tookDense);
        QVERIFY(tookSparse && !tookDense);
        const double apart = relativeDifference(sparse, dense, startingNetwork(s));
        qInfo("sparse and dense paths apart by %.2g of the weights' change", apart);
        QVERIFY2(apart < kSamePathTolerance, qPrintable(QString("apart by %1").arg(apart)));
    }

    // The comparison above can fail: the dense path trained without one pixel of one image
    // (the kind of slip a sparse path could make) lands far outside the tolerance.
    void droppedPixelIsDetected_data()
    {
        QTest::addColumn<int>("scaling");
        QTest::newRow("x/255") << int(Scaling::UnitRange);
        QTest::newRow("lesson scaling") << int(Scaling::Lesson);
    }

    void droppedPixelIsDetected()
    {
        QFETCH(int, scaling);
        Setup s;
        s.scaling = Scaling(scaling);
        Dataset dropped = m_data;
        const int pixels = dropped.pixelsPerImage();
        std::uint8_t* image = dropped.pixels.data() + 40 * pixels; // a digit in batch 0
        const auto brightest = std::max_element(image, image + pixels);
        QVERIFY(*brightest > 0);
        *brightest = 0;
        const Network intact = trainOneEpoch(s, m_data, InputPath::Dense);
        const Network without = trainOneEpoch(s, dropped, InputPath::Dense);
        const double apart = relativeDifference(without, intact, startingNetwork(s));
        qInfo("one pixel left out: apart by %.2g of the weights' change", apart);
        QVERIFY2(apart > 10 * kSamePathTolerance, qPrintable(QString("apart by %1").arg(apart)));
    }

    void largeBatchesTakeTheDensePath()
    {
        // Above 2048 samples a batch is multiplied densely even when Sparse is asked for: the
        // two paths then give the same bits.
        Setup s;
        s.batch = 2100;
        s.threads = 2;
        Dataset data = m_data.head(2); // the all-zero and the dense image...
        const int pixels = data.pixelsPerImage();
        for (int copy = 0; data.size() < 2100; ++copy) { // ...then MNIST digits over and over
            const std::size_t from = 2 + std::size_t(copy) % (m_data.size() - 2);
            data.pixels.insert(data.pixels.end(), m_data.image(from), m_data.image(from) + pixels);
            data.labels.push_back(m_data.labels[from]);
        }
        Trainer sparse(startingNetwork(s), data, trainingConfig(s, InputPath::Sparse));
        Trainer dense(startingNetwork(s), data, trainingConfig(s, InputPath::Dense));
        sparse.step();
        dense.step();
        QVERIFY(sparse.network() == dense.network());
        // A batch of 2048 takes the sparse path: close to the dense one, not the same bits.
        s.batch = 2048;
        Trainer sparse2048(startingNetwork(s), data, trainingConfig(s, InputPath::Sparse));
        Trainer dense2048(startingNetwork(s), data, trainingConfig(s, InputPath::Dense));
        sparse2048.step();
        dense2048.step();
        QVERIFY(!(sparse2048.network() == dense2048.network()));
        QVERIFY(relativeDifference(sparse2048.network(), dense2048.network(), startingNetwork(s)) <
                kSamePathTolerance);
    }

    void deterministic()
    {
        Setup s;
        s.scaling = Scaling::Lesson;
        s.threads = 2;
        TrainingConfig c = trainingConfig(s, InputPath::Sparse);
        c.shuffle = true;
        c.seed = 5;
        Trainer a(startingNetwork(s), m_data, c);
        Trainer b(startingNetwork(s), m_data, c);
        a.trainEpoch();
        b.trainEpoch();
        QVERIFY(a.network() == b.network());
        QVERIFY(!(a.network() == startingNetwork(s)));
    }

    // Each thread lists the whole batch itself and keeps its share of w_i_h^T in memory of its
    // own (engine/sparse_first_layer.cpp); a thread that took no part of a batch's forward pass
    // but takes one of its update reads another's lists. With more threads than this machine
    // may have cores, some sit out a forward pass now and then, differently from run to run:
    // however the parts fall to the threads, the same thread count gives the same bits, close
    // to the dense path's.
    void sameBitsHoweverThePartsFall()
    {
        Setup s;
        s.scaling = Scaling::Lesson;
        s.batch = 50; // 90 x 784 x 50 multiply-adds: split across the threads
        for (const int threads : {3, 7}) {
            s.threads = threads;
            TrainingConfig c = trainingConfig(s, InputPath::Sparse);
            c.shuffle = true;
            c.seed = 3;
            Trainer a(startingNetwork(s), m_data, c);
            Trainer b(startingNetwork(s), m_data, c);
            QVERIFY(a.sparseInputs());
            a.trainEpoch();
            b.trainEpoch();
            QVERIFY2(a.network() == b.network(), qPrintable(QString("%1 threads").arg(threads)));
            Trainer dense(startingNetwork(s), m_data, [&] {
                TrainingConfig d = c;
                d.inputPath = InputPath::Dense;
                return d;
            }());
            dense.trainEpoch();
            const double apart = relativeDifference(a.network(), dense.network(), startingNetwork(s));
            QVERIFY2(apart < kSamePathTolerance, qPrintable(QString("%1 threads: %2").arg(threads).arg(apart)));
        }
    }

    void pausesAndResumesExactly()
    {
        Setup s;
        s.scaling = Scaling::Lesson;
        s.threads = 2;
        s.batch = 20;
        s.optimizer = OptimizerKind::Momentum;
        const TrainingConfig c = trainingConfig(s, InputPath::Sparse);
        Trainer whole(startingNetwork(s), m_data, c);
        QCOMPARE(whole.trainEpoch().end, SliceEnd::EpochEnded);
        Trainer sliced(startingNetwork(s), m_data, c);
        std::mt19937 rng(4);
        int slices = 0;
        for (;;) {
            int allowed = int(rng() % 4);
            const SliceResult r = sliced.trainUntil(Clock::now() + std::chrono::seconds(10),
                                                    [&] { return allowed-- > 0; });
            ++slices;
            if (r.end == SliceEnd::EpochEnded)
                break;
            QVERIFY(r.end == SliceEnd::Stopped);
        }
        QVERIFY(slices > 3);
        QVERIFY(whole.network() == sliced.network());
    }
};

QTEST_APPLESS_MAIN(TestSparseInputs)
#include "tst_sparse_inputs.moc"
