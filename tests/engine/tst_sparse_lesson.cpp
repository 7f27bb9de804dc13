// The lesson's per-sample SGD on sparse inputs (w_i_h kept as V + r 1^T, sparse_lesson_path.cpp)
// against the lesson's own loop (engine/lesson_network) and the dense blocked path, on real
// MNIST digits with an all-zero and an all-255 image among them, across the 256-sample block
// boundary; and the weights as every caller reads them: between slices, from a rebuilt trainer,
// from inside the callbacks, after a pause.
#include "engine/idx_reader.h"
#include "engine/kernels.h"
#include "engine/lesson_network.h"
#include "engine/trainer.h"
#include "tests/common/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

using namespace nnlab::engine;
using nnlab::test::relativeDifference;
using Clock = std::chrono::steady_clock;

namespace {

// As in tst_sparse_inputs: float rounding puts two paths about 1e-6 of the weights' change
// apart; one pixel left out of one image about 1e-2.
constexpr double kSamePathTolerance = 1e-4;

constexpr std::size_t kZeroImage = 1, kFullImage = 255; // the last sample of the first block

// The first 300 MNIST training images with an all-zero image at 1 and an all-255 one at 255.
Dataset mnistWithEdgeCases()
{
    const std::string dir = NNLAB_SOURCE_DIR "/data/mnist/";
    const Dataset mnist = loadIdxDataset(dir + "train-images-idx3-ubyte.gz",
                                         dir + "train-labels-idx1-ubyte.gz", digitClassNames(),
                                         "train")
                              .head(300);
    Dataset d = mnist;
    const std::size_t pixels = std::size_t(d.pixelsPerImage());
    std::fill_n(d.pixels.begin() + std::ptrdiff_t(kZeroImage * pixels), pixels, std::uint8_t(0));
    std::fill_n(d.pixels.begin() + std::ptrdiff_t(kFullImage * pixels), pixels, std::uint8_t(255));
    return d;
}

Network lessonNet(bool biases = false, Scaling scaling = Scaling::Lesson)
{
    Architecture a; // 784-90-10 sigmoid, squared error: the lesson's
    a.hidden = {90};
    a.biases = biases;
    a.scaling = scaling;
    Network net(a);
    net.initialize(Init::Lesson, 1);
    if (biases)
        for (int l = 0; l < net.layerCount(); ++l)
            for (Eigen::Index i = 0; i < net.bias(l).size(); ++i)
                net.bias(l)[i] = 0.02f * float(i % 5) - 0.04f;
    return net;
}

TrainingConfig lessonConfig(InputPath path, int threads = 1)
{
    TrainingConfig c; // batch 1, SGD, file order: the lesson's loop
    c.lessonErrors = true;
    c.optimizer.learningRate = 0.1f;
    c.threads = threads;
    c.inputPath = path;
    return c;
}

// The lesson's train(), sample after sample.
Network lessonLoop(Network net, const Dataset& data, std::size_t count, float l_r)
{
    const Architecture& a = net.architecture();
    for (std::size_t s = 0; s < count; ++s)
        lessonTrain(net.weights(0), net.weights(1), lessonInput(data.image(s), a.inputs),
                    lessonTarget(data.labels[s], a.outputs), l_r);
    return net;
}

// `count` samples from the start, as one slice.
Network trained(const Network& start, const Dataset& data, const TrainingConfig& c,
                std::size_t count, bool* sparse = nullptr)
{
    Trainer t(start, data, c);
    if (sparse)
        *sparse = t.sparseInputs();
    t.trainUntil(Clock::now() + std::chrono::seconds(60), [&] { return t.cursor() < count; });
    if (t.samplesSeen() != count)
        qFatal("trained %llu samples, not %zu", static_cast<unsigned long long>(t.samplesSeen()),
               count);
    return t.network();
}

} // namespace

class TestSparseLesson : public QObject
{
    Q_OBJECT

private:
    Dataset m_data = mnistWithEdgeCases();

private slots:
    // The kernel's step W^T[index_e, :] -= value_e * step on every ISA level this CPU runs,
    // against the same sums in double; rows not listed stay as they were.
    void stepKernelMatchesTheSums_data()
    {
        QTest::addColumn<int>("hidden");
        QTest::newRow("1 node") << 1;
        QTest::newRow("10 nodes") << 10;
        QTest::newRow("90 nodes (the lesson)") << 90;
        QTest::newRow("96 nodes (whole vectors)") << 96;
        QTest::newRow("200 nodes (several register blocks)") << 200;
    }

    void stepKernelMatchesTheSums()
    {
        QFETCH(int, hidden);
        const int m = hidden, inputs = 53, ld = (m + 15) / 16 * 16;
        std::mt19937 rng{std::uint32_t(m)};
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        std::vector<float> start(std::size_t(inputs * ld), 0.0f), step(std::size_t(ld), 0.0f);
        for (int p = 0; p < inputs; ++p)
            for (int r = 0; r < m; ++r)
                start[std::size_t(p * ld + r)] = u(rng);
        for (int r = 0; r < m; ++r)
            step[std::size_t(r)] = u(rng);
        std::vector<std::int32_t> index;
        std::vector<float> value;
        for (int p = 0; p < inputs; ++p)
            if (rng() % 3 == 0) {
                index.push_back(p);
                value.push_back(float(1 + rng() % 255) / 255.0f);
            }
        const KernelTable* tables[4];
        const int levels = availableKernelTables(tables, 4);
        for (int t = 0; t < levels; ++t) {
            std::vector<float> wT = start;
            tables[t]->sparseStep(m, wT.data(), ld, int(index.size()), index.data(), value.data(),
                                  step.data());
            double worst = 0;
            for (int p = 0; p < inputs; ++p) {
                const auto listed = std::find(index.begin(), index.end(), p);
                const double x = listed == index.end() ? 0.0 : value[std::size_t(listed - index.begin())];
                for (int r = 0; r < ld; ++r) {
                    const std::size_t at = std::size_t(p * ld + r);
                    worst = std::max(worst, std::abs(start[at] - x * step[std::size_t(r)] - wT[at]));
                    if (x == 0.0 || r >= m)
                        QCOMPARE(wT[at], start[at]);
                }
            }
            QVERIFY2(worst < 1e-6, qPrintable(QString("%1: off by %2").arg(tables[t]->isa).arg(worst)));
        }
    }

    // The fused output layer of the lesson's network (o = sigmoid(W h), its delta, the step
    // for the layer below with W as it was, then W's own step) on every ISA level, against
    // the same formulas in double, for the exact gradient and the lesson's o - t.
    void outputStepKernelMatchesTheFormulas_data()
    {
        QTest::addColumn<int>("outputs");
        QTest::addColumn<int>("hidden");
        QTest::addColumn<bool>("passErrors");
        QTest::newRow("10 x 90, lesson's errors (the lesson)") << 10 << 90 << true;
        QTest::newRow("10 x 90, exact gradient") << 10 << 90 << false;
        QTest::newRow("1 x 1") << 1 << 1 << false;
        QTest::newRow("3 x 16 (one whole vector)") << 3 << 16 << true;
        QTest::newRow("17 x 33 (ragged)") << 17 << 33 << false;
        QTest::newRow("64 x 200 (the most outputs)") << kMaxLessonOutputs << 200 << true;
    }

    void outputStepKernelMatchesTheFormulas()
    {
        QFETCH(int, outputs);
        QFETCH(int, hidden);
        QFETCH(bool, passErrors);
        std::mt19937 rng{std::uint32_t(outputs * 1000 + hidden)};
        std::uniform_real_distribution<float> u(-1.0f, 1.0f), unit(0.0f, 1.0f);
        const std::size_t nO = std::size_t(outputs), nH = std::size_t(hidden);
        std::vector<float> start(nO * nH), h(nH);
        for (float& w : start)
            w = u(rng);
        for (float& x : h)
            x = unit(rng);
        const int label = outputs / 2;
        const float lo = 0.01f, hi = 0.99f, lr = 0.3f;
        // In double: o, delta, what goes back, the step below and the moved W.
        std::vector<double> o(nO), delta(nO), back(nO), step(nH, 0.0);
        for (int j = 0; j < outputs; ++j) {
            double z = 0;
            for (int i = 0; i < hidden; ++i)
                z += double(start[std::size_t(j * hidden + i)]) * h[std::size_t(i)];
            o[std::size_t(j)] = 1.0 / (1.0 + std::exp(-z));
            const double error = o[std::size_t(j)] - (j == label ? hi : lo);
            delta[std::size_t(j)] = error * o[std::size_t(j)] * (1.0 - o[std::size_t(j)]);
            back[std::size_t(j)] = passErrors ? error : delta[std::size_t(j)];
        }
        for (int i = 0; i < hidden; ++i) {
            for (int j = 0; j < outputs; ++j)
                step[std::size_t(i)] += double(start[std::size_t(j * hidden + i)]) * back[std::size_t(j)];
            step[std::size_t(i)] *= lr * h[std::size_t(i)] * (1.0 - h[std::size_t(i)]);
        }
        const KernelTable* tables[4];
        const int levels = availableKernelTables(tables, 4);
        for (int t = 0; t < levels; ++t) {
            // Guards past every array's end: the kernel writes none of them.
            std::vector<float> w = start, gotO(nO + 1, -7.0f), gotDelta(nO + 1, -7.0f),
                               gotStep(nH + 1, -7.0f);
            w.push_back(-7.0f);
            tables[t]->lessonOutputStep(outputs, hidden, w.data(), h.data(), label, lo, hi, lr,
                                        passErrors, gotO.data(), gotDelta.data(), gotStep.data());
            QCOMPARE(w.back(), -7.0f);
            QCOMPARE(gotO.back(), -7.0f);
            QCOMPARE(gotDelta.back(), -7.0f);
            QCOMPARE(gotStep.back(), -7.0f);
            double worst = 0;
            for (int j = 0; j < outputs; ++j) {
                worst = std::max(worst, std::abs(gotO[std::size_t(j)] - o[std::size_t(j)]));
                worst = std::max(worst, std::abs(gotDelta[std::size_t(j)] - delta[std::size_t(j)]));
                for (int i = 0; i < hidden; ++i) {
                    const std::size_t at = std::size_t(j * hidden + i);
                    const double moved = start[at] - lr * delta[std::size_t(j)] * h[std::size_t(i)];
                    worst = std::max(worst, std::abs(w[at] - moved));
                }
            }
            for (int i = 0; i < hidden; ++i)
                worst = std::max(worst, std::abs(gotStep[std::size_t(i)] - step[std::size_t(i)]));
            QVERIFY2(worst < 2e-5, qPrintable(QString("%1: off by %2").arg(tables[t]->isa).arg(worst)));
        }
    }

    void takesTheSparsePathWhenAskedOrSparse()
    {
        const Network start = lessonNet();
        QVERIFY(Trainer(start, m_data, lessonConfig(InputPath::Auto)).sparseInputs());
        QVERIFY(!Trainer(start, m_data, lessonConfig(InputPath::Dense)).sparseInputs());
        // Forced dense, the old blocked path: close, but not the same bits.
        bool sparse = false, dense = true;
        const Network a = trained(start, m_data, lessonConfig(InputPath::Auto), 300, &sparse);
        const Network b = trained(start, m_data, lessonConfig(InputPath::Dense), 300, &dense);
        QVERIFY(sparse && !dense);
        QVERIFY(!(a == b));
        QVERIFY(relativeDifference(a, b, start) < kSamePathTolerance);
    }

    // The weights after n samples against the lesson's loop (and the dense path): one sample,
    // the all-zero image, the block boundary on either side (the all-255 image is its last
    // sample), the whole 300.
    void matchesTheLessonLoop_data()
    {
        QTest::addColumn<int>("samples");
        QTest::addColumn<int>("threads");
        QTest::addColumn<float>("l_r");
        QTest::newRow("one sample") << 1 << 1 << 0.1f;
        QTest::newRow("through the all-zero image") << 2 << 1 << 0.1f;
        QTest::newRow("to the all-255 image, the block's end") << 256 << 1 << 0.1f;
        QTest::newRow("one past the block") << 257 << 1 << 0.1f;
        QTest::newRow("300 samples") << 300 << 1 << 0.1f;
        QTest::newRow("300 samples, 2 threads") << 300 << 2 << 0.1f;
        QTest::newRow("300 samples, l_r 0.3") << 300 << 1 << 0.3f;
    }

    void matchesTheLessonLoop()
    {
        QFETCH(int, samples);
        QFETCH(int, threads);
        QFETCH(float, l_r);
        const Network start = lessonNet();
        const Network lesson = lessonLoop(start, m_data, std::size_t(samples), l_r);
        TrainingConfig c = lessonConfig(InputPath::Sparse, threads);
        c.optimizer.learningRate = l_r;
        const Network sparse = trained(start, m_data, c, std::size_t(samples));
        c.inputPath = InputPath::Dense;
        const Network dense = trained(start, m_data, c, std::size_t(samples));
        QVERIFY(relativeDifference(lesson, start, start) > 1e-3); // it moved
        const double fromLesson = relativeDifference(sparse, lesson, start);
        const double fromDense = relativeDifference(sparse, dense, start);
        const double denseFromLesson = relativeDifference(dense, lesson, start);
        qInfo("apart by %.2g (lesson loop), %.2g (dense path); dense from the lesson %.2g",
              fromLesson, fromDense, denseFromLesson);
        QVERIFY2(fromLesson < kSamePathTolerance, qPrintable(QString::number(fromLesson)));
        // The dense blocked path is itself 2.2e-4 from the lesson's loop at l_r 0.3 (its block
        // corrections round differently), so it is the reference here only at l_r 0.1.
        if (l_r == 0.1f)
            QVERIFY2(fromDense < kSamePathTolerance, qPrintable(QString::number(fromDense)));
    }

    // Biases and x/255 (no offset: r stays 0) against the dense path, which the lesson's loop
    // does not cover.
    void matchesTheDensePath_data()
    {
        QTest::addColumn<bool>("biases");
        QTest::addColumn<int>("scaling");
        QTest::addColumn<bool>("exact");
        QTest::newRow("biases, lesson scaling") << true << int(Scaling::Lesson) << false;
        QTest::newRow("x/255") << false << int(Scaling::UnitRange) << false;
        QTest::newRow("biases, x/255, exact gradient") << true << int(Scaling::UnitRange) << true;
        QTest::newRow("exact gradient, no biases (the fused output layer)")
            << false << int(Scaling::Lesson) << true;
    }

    void matchesTheDensePath()
    {
        QFETCH(bool, biases);
        QFETCH(int, scaling);
        QFETCH(bool, exact);
        const Network start = lessonNet(biases, Scaling(scaling));
        TrainingConfig c = lessonConfig(InputPath::Sparse);
        c.lessonErrors = !exact;
        const Network sparse = trained(start, m_data, c, 300);
        c.inputPath = InputPath::Dense;
        const Network dense = trained(start, m_data, c, 300);
        QVERIFY(relativeDifference(dense, start, start) > 1e-3);
        const double apart = relativeDifference(sparse, dense, start);
        qInfo("apart by %.2g of the weights' change", apart);
        QVERIFY2(apart < kSamePathTolerance, qPrintable(QString::number(apart)));
    }

    // Slices that end at the deadline (between blocks), single steps, a trainer rebuilt from
    // state(): the same bits as one slice; a pause mid-block changes the rounding only.
    void slicesAndRebuildsGoOnBitForBit()
    {
        const Network start = lessonNet();
        const TrainingConfig c = lessonConfig(InputPath::Auto);
        Trainer whole(start, m_data, c);
        QCOMPARE(whole.trainEpoch().end, SliceEnd::EpochEnded);

        // A deadline that passes during the first block: one block, the deadline is checked
        // between blocks. One already past when trainUntil starts asks for a single step
        // instead (a busy or sanitized build can take the 50 us before that check): try again
        // from the start then.
        std::unique_ptr<Trainer> slicedPtr;
        std::size_t first = 1;
        for (int attempt = 0; attempt < 20 && first == 1; ++attempt) {
            slicedPtr = std::make_unique<Trainer>(start, m_data, c);
            first = slicedPtr->trainUntil(Clock::now() + std::chrono::microseconds(50)).samples;
        }
        Trainer& sliced = *slicedPtr;
        QCOMPARE(first, std::size_t(256));
        QCOMPARE(sliced.network().weights(0).rows(), 90);
        Trainer rebuilt(sliced.state(), m_data, c);
        QCOMPARE(rebuilt.trainEpoch().end, SliceEnd::EpochEnded);
        QCOMPARE(sliced.trainEpoch().end, SliceEnd::EpochEnded);
        QVERIFY(sliced.network() == whole.network());
        QVERIFY(rebuilt.network() == whole.network());

        Trainer stepped(start, m_data, c);
        for (int i = 0; i < 5; ++i)
            stepped.step();
        Trainer stepsRebuilt(stepped.state(), m_data, c);
        stepped.trainEpoch();
        stepsRebuilt.trainEpoch();
        QVERIFY(stepped.network() == stepsRebuilt.network());
        QVERIFY(relativeDifference(stepped.network(), whole.network(), start) < kSamePathTolerance);

        Trainer paused(start, m_data, c);
        QCOMPARE(paused.trainUntil(Clock::now() + std::chrono::seconds(60),
                                   [&] { return paused.cursor() < 100; }).end,
                 SliceEnd::Stopped);
        QCOMPARE(paused.cursor(), std::size_t(100));
        paused.trainEpoch();
        QVERIFY(relativeDifference(paused.network(), whole.network(), start) < kSamePathTolerance);
    }

    // Read from inside the callbacks (mid-slice, mid-block), the weights are those of the
    // samples trained so far, and reading them changes nothing.
    void weightsReadMidSlice()
    {
        const Network start = lessonNet();
        const TrainingConfig c = lessonConfig(InputPath::Auto);
        Trainer t(start, m_data, c);
        Network atSample100, atFirstReport;
        std::size_t reportedAt = 0;
        t.setProgressCallback([&](const TrainingProgress& p) {
            if (reportedAt == 0) {
                reportedAt = p.cursor;
                atFirstReport = t.snapshot();
            }
        }, std::chrono::milliseconds(0));
        const SliceResult r = t.trainUntil(Clock::now() + std::chrono::seconds(60), [&] {
            if (t.cursor() == 100)
                atSample100 = t.network();
            return true;
        });
        QCOMPARE(r.end, SliceEnd::EpochEnded);
        QCOMPARE(reportedAt, std::size_t(32)); // every 32 samples, as the dense path reports

        Trainer quiet(start, m_data, c);
        quiet.trainEpoch();
        QVERIFY(t.network() == quiet.network());
        // A stop after 32 samples folds r into V: the same sums V + r 1^T the read gave.
        Trainer stopped(start, m_data, c);
        stopped.trainUntil(Clock::now() + std::chrono::seconds(60),
                           [&] { return stopped.cursor() < 32; });
        QVERIFY(atFirstReport == stopped.network());
        const Network lesson100 = lessonLoop(start, m_data, 100, c.optimizer.learningRate);
        QVERIFY(relativeDifference(atSample100, lesson100, start) < kSamePathTolerance);
    }

    // Progress every 32 samples inside the 256-sample blocks; a batch size set from the
    // callback takes effect at the next batch, as on the dense path.
    void reportsEvery32SamplesAndTakesCommands()
    {
        Trainer t(lessonNet(), m_data, lessonConfig(InputPath::Auto));
        std::vector<std::size_t> cursors;
        t.setProgressCallback([&](const TrainingProgress& p) {
            cursors.push_back(p.cursor);
            if (p.cursor == 96)
                t.setBatchSize(50);
        }, std::chrono::milliseconds(0));
        QCOMPARE(t.trainEpoch().end, SliceEnd::EpochEnded);
        const std::vector<std::size_t> expected = {32, 64, 96, 146, 196, 246, 296, 300};
        QCOMPARE(cursors, expected);
    }
};

QTEST_APPLESS_MAIN(TestSparseLesson)
#include "tst_sparse_lesson.moc"
