// The trainer as a worker thread drives it: determinism, exact pause/step/resume, live
// learning-rate changes, bounded progress, divergence rollback, evaluation, bad configs.
#include "engine/evaluation.h"
#include "engine/idx_reader.h"
#include "engine/trainer.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <thread>

using namespace nnlab::engine;
using Clock = std::chrono::steady_clock;

namespace {

// Synthetic 8 x 8 digits: each class lights its own band of pixels, plus noise.
Dataset syntheticData(std::size_t n, std::uint32_t seed = 1)
{
    Dataset d;
    d.rows = d.cols = 8;
    d.classNames = digitClassNames();
    std::mt19937 rng(seed);
    for (std::size_t s = 0; s < n; ++s) {
        const int label = int(rng() % 10);
        for (int p = 0; p < 64; ++p) {
            const bool band = p / 6 == label;
            d.pixels.push_back(std::uint8_t(band ? 150 + rng() % 100 : rng() % 60));
        }
        d.labels.push_back(std::uint8_t(label));
    }
    return d;
}

Network net(bool modern, std::uint64_t seed = 1)
{
    Architecture a;
    a.inputs = 64;
    a.hidden = {32};
    if (modern) {
        a.hiddenActivation = Activation::ReLU;
        a.output = Output::Softmax;
        a.loss = Loss::CrossEntropy;
        a.biases = true;
    }
    Network n(a);
    n.initialize(modern ? Init::He : Init::Lesson, seed);
    return n;
}

TrainingConfig config(int batch, int threads = 1)
{
    TrainingConfig c;
    c.batchSize = batch;
    c.threads = threads;
    c.shuffle = true;
    c.seed = 9;
    c.optimizer.learningRate = batch == 1 ? 0.1f : 0.05f;
    if (batch > 1)
        c.optimizer.kind = OptimizerKind::Adam, c.optimizer.learningRate = 0.01f;
    return c;
}

bool sameBits(const Network& a, const Network& b) { return a == b; }

// Every weight and bias byte for byte.
bool sameBytes(const Network& a, const Network& b)
{
    if (a.layerCount() != b.layerCount())
        return false;
    for (int l = 0; l < a.layerCount(); ++l) {
        const auto& wa = a.weights(l);
        const auto& wb = b.weights(l);
        if (wa.size() != wb.size() || std::memcmp(wa.data(), wb.data(), sizeof(float) * std::size_t(wa.size())) != 0)
            return false;
        if (a.architecture().biases &&
            std::memcmp(a.bias(l).data(), b.bias(l).data(), sizeof(float) * std::size_t(a.bias(l).size())) != 0)
            return false;
    }
    return true;
}

} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT

private:
    Dataset m_data = syntheticData(3000);

private slots:
    void deterministic_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("threads");
        QTest::newRow("per-sample, 1 thread") << 1 << 1;
        QTest::newRow("per-sample, 2 threads") << 1 << 2;
        QTest::newRow("batch 50, 1 thread") << 50 << 1;
        QTest::newRow("batch 50, 2 threads") << 50 << 2;
    }

    void deterministic()
    {
        QFETCH(int, batch);
        QFETCH(int, threads);
        const bool modern = batch > 1;
        Trainer a(net(modern), m_data, config(batch, threads));
        Trainer b(net(modern), m_data, config(batch, threads));
        a.trainEpoch();
        b.trainEpoch();
        QVERIFY(sameBits(a.network(), b.network()));
        TrainingConfig otherSeed = config(batch, threads);
        otherSeed.seed = 10;
        Trainer c(net(modern), m_data, otherSeed);
        c.trainEpoch();
        QVERIFY(!sameBits(a.network(), c.network()));
        TrainingConfig inOrder = config(batch, threads);
        inOrder.shuffle = false;
        Trainer d(net(modern), m_data, inOrder);
        d.trainEpoch();
        QVERIFY(!sameBits(a.network(), d.network()));
    }

    // Trainer::state() between batches, a trainer rebuilt from it: both go on bit for bit.
    void rebuiltTrainerContinuesBitForBit_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("steps"); // batches before the capture
        QTest::newRow("lesson per-sample, file order, 1 thread") << 1 << 1 << 45;
        QTest::newRow("lesson per-sample, file order, 2 threads") << 1 << 2 << 45;
        QTest::newRow("batch 200 shuffled, 1 thread") << 200 << 1 << 4;
        QTest::newRow("batch 200 shuffled, 2 threads") << 200 << 2 << 4;
    }

    void rebuiltTrainerContinuesBitForBit()
    {
        QFETCH(int, batch);
        QFETCH(int, threads);
        QFETCH(int, steps);
        const bool modern = batch > 1;
        TrainingConfig c = config(batch, threads);
        c.shuffle = modern; // the lesson walks the file in order
        Trainer a(net(modern), m_data, c);
        a.trainUntil(Clock::now() + std::chrono::seconds(10), [n = 0]() mutable { return n++ < 7; });
        for (int i = 0; i < steps; ++i)
            a.step();
        const TrainerState captured = a.state();
        QCOMPARE(captured.samplesSeen, a.samplesSeen());
        QVERIFY(captured.cursor > 0);

        Trainer b(captured, m_data, c);
        QCOMPARE(b.samplesSeen(), a.samplesSeen());
        QCOMPARE(b.cursor(), a.cursor());
        const SliceResult ea = a.trainEpoch(), eb = b.trainEpoch();
        QCOMPARE(ea.end, SliceEnd::EpochEnded);
        QCOMPARE(eb.end, SliceEnd::EpochEnded);
        QCOMPARE(eb.epoch.epoch, ea.epoch.epoch);
        QVERIFY(eb.epoch.loss == ea.epoch.loss); // exactly, not QCOMPARE's fuzzy doubles
        QVERIFY(eb.epoch.accuracy == ea.epoch.accuracy);
        for (int i = 0; i < 3; ++i)
            a.step(), b.step();
        const SliceResult la = a.trainEpoch(), lb = b.trainEpoch();
        QVERIFY(lb.epoch.loss == la.epoch.loss);
        QVERIFY(sameBytes(a.network(), b.network()));
        QCOMPARE(b.samplesSeen(), a.samplesSeen());
        QCOMPARE(b.state().optimizer.stepCount(), a.state().optimizer.stepCount());
        QVERIFY(!sameBytes(a.network(), captured.network)); // and it did learn
    }

    void stateThatDoesNotFitIsRefused()
    {
        TrainingConfig c = config(50);
        Trainer a(net(true), m_data, c);
        const TrainerState atStart = a.state();
        a.step();
        const TrainerState midEpoch = a.state();

        TrainingConfig otherSeed = c;
        otherSeed.seed = 10;
        TrainingConfig inOrder = c;
        inOrder.shuffle = false;
        TrainingConfig smaller = c;
        smaller.trainingSize = 1000;
        for (const TrainingConfig& other : {otherSeed, inOrder, smaller}) {
            try {
                Trainer t(midEpoch, m_data, other);
                QFAIL("a data order that does not fit was accepted");
            } catch (const std::invalid_argument& e) {
                QVERIFY(std::string(e.what()).find("this start point walks") == 0);
            }
        }
        Trainer same(midEpoch, m_data, c); // fits

        // At epoch 0, cursor 0 only the weights (and the optimizer's state) count: the data
        // order follows the new settings, as a fresh trainer's does.
        Trainer fromStart(atStart, m_data, otherSeed);
        Trainer fresh(net(true), m_data, otherSeed);
        fromStart.trainEpoch();
        fresh.trainEpoch();
        QVERIFY(sameBytes(fromStart.network(), fresh.network()));
    }

    void stepIsOneSampleOrOneBatch()
    {
        Trainer lesson(net(false), m_data, config(1));
        QCOMPARE(lesson.step().samples, std::size_t(1));
        QCOMPARE(lesson.cursor(), std::size_t(1));
        Trainer batched(net(true), m_data, config(50));
        batched.step();
        batched.step();
        QCOMPARE(batched.samplesSeen(), std::uint64_t(100));
    }

    void pausesAndResumesExactly_data()
    {
        QTest::addColumn<int>("batch");
        QTest::newRow("per-sample") << 1;
        QTest::newRow("batch 50") << 50;
    }

    void pausesAndResumesExactly()
    {
        QFETCH(int, batch);
        const bool modern = batch > 1;
        Trainer whole(net(modern), m_data, config(batch));
        QCOMPARE(whole.trainEpoch().end, SliceEnd::EpochEnded);

        // The same epoch in many slices, each stopped by the continue-callback after a few
        // batches, with single steps in between: the bits must not change.
        Trainer sliced(net(modern), m_data, config(batch));
        std::mt19937 rng(4);
        int slices = 0;
        for (;;) {
            int allowed = int(rng() % 7);
            const SliceResult r = sliced.trainUntil(Clock::now() + std::chrono::seconds(10),
                                                    [&] { return allowed-- > 0; });
            ++slices;
            if (r.end == SliceEnd::EpochEnded)
                break;
            QVERIFY(r.end == SliceEnd::Stopped);
            if (rng() % 3 == 0 && sliced.cursor() + std::size_t(batch) < sliced.epochSize())
                sliced.step();
        }
        QVERIFY(slices > 10);
        QCOMPARE(sliced.epoch(), 1);
        if (batch > 1) {
            QVERIFY(sameBits(whole.network(), sliced.network()));
        } else {
            // The per-sample path applies w_i_h's updates in blocks (see runLessonBlock); a
            // pause ends a block early, which changes the rounding, not the arithmetic.
            for (int l = 0; l < whole.network().layerCount(); ++l) {
                const float diff = (whole.network().weights(l) - sliced.network().weights(l)).cwiseAbs().maxCoeff();
                QVERIFY2(diff < 1e-5f, qPrintable(QString("layer %1 differs by %2").arg(l).arg(diff)));
            }
            QVERIFY(!sameBits(whole.network(), net(false))); // and it did learn
        }
    }

    void learningRateChangeTakesEffectAtTheNextBatch()
    {
        // Set a tiny learning rate from inside the progress callback: from then on the
        // weights barely move, while a run that keeps the rate keeps moving them.
        auto run = [&](bool lower) {
            Trainer t(net(true), m_data, config(50));
            t.setOptimizer([] { OptimizerSettings s; s.kind = OptimizerKind::SGD; s.learningRate = 0.5f; return s; }());
            bool lowered = false;
            t.setProgressCallback([&](const TrainingProgress&) {
                if (lower && !lowered) {
                    t.setLearningRate(1e-6f);
                    lowered = true;
                }
            }, std::chrono::milliseconds(0));
            t.step(); // progress fires after this batch
            const Network before = t.snapshot();
            t.step();
            return (t.network().weights(0) - before.weights(0)).cwiseAbs().maxCoeff();
        };
        const float keptRate = run(false), lowered = run(true);
        QVERIFY2(keptRate > 1e-4f, qPrintable(QString::number(keptRate)));
        QVERIFY2(lowered < keptRate * 1e-4f, qPrintable(QString("%1 vs %2").arg(lowered).arg(keptRate)));
    }

    void progressIsBounded()
    {
        const Dataset big = syntheticData(20000, 2);
        Trainer t(net(false), big, config(1));
        int reports = 0;
        bool sane = true;
        t.setProgressCallback([&](const TrainingProgress& p) {
            ++reports;
            sane = sane && p.samplesPerSecond > 0 && p.runningAccuracy >= 0 &&
                   p.runningAccuracy <= 1 && p.epochFraction >= 0;
        }, std::chrono::milliseconds(50));
        const auto start = Clock::now();
        for (int e = 0; e < 3; ++e)
            t.trainEpoch();
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        QVERIFY(reports >= 1);
        QVERIFY2(reports <= int(seconds / 0.05) + 4, qPrintable(QString("%1 reports in %2 s").arg(reports).arg(seconds)));
        QVERIFY(sane);
    }

    void divergenceRollsBack()
    {
        // Output weights so large that o_input overflows to infinity: the loss turns NaN.
        Trainer t(net(true), m_data, config(50));
        t.trainUntil(Clock::now()); // one good batch
        Network huge = t.snapshot();
        huge.weights(1) *= 1e37f;
        Trainer blowUp(huge, m_data, config(50));
        const Network before = blowUp.snapshot();
        const SliceResult r = blowUp.trainUntil(Clock::now() + std::chrono::milliseconds(50));
        QCOMPARE(r.end, SliceEnd::Diverged);
        QVERIFY(blowUp.network().allFinite());
        QVERIFY(sameBits(blowUp.network(), before));
        QCOMPARE(blowUp.samplesSeen(), std::uint64_t(0));
    }

    // A finite loss whose update overflows the weights: the next slice finds them non-finite
    // and goes back to the previous slice's start.
    // Huge output weights: the first batch's loss is finite, but Adam's squared gradients
    // overflow and its update leaves NaN weights. The next slice must find them and go back.
    void overflowingUpdateRollsBackAtTheNextSlice()
    {
        Trainer good(net(true), m_data, config(50));
        good.trainUntil(Clock::now());
        Network big = good.snapshot();
        big.weights(1) *= 1e30f;
        Trainer t(big, m_data, config(50));
        const SliceResult first = t.trainUntil(Clock::now()); // one batch
        QCOMPARE(first.end, SliceEnd::Deadline);
        QVERIFY(!t.network().allFinite());
        const SliceResult second = t.trainUntil(Clock::now());
        QCOMPARE(second.end, SliceEnd::Diverged);
        QVERIFY(t.network().allFinite());
        QVERIFY(sameBits(t.network(), big));
        QCOMPARE(t.samplesSeen(), std::uint64_t(0));
    }

    // Two threads share the work of every batch (the thread pool's fork-join, which the TSan
    // run checks): the same seed and thread count give the same bits, and the loss falls.
    void twoThreadsAreDeterministic_data()
    {
        QTest::addColumn<int>("batch");
        QTest::newRow("per sample (the lesson)") << 1;
        QTest::newRow("mini-batch 200") << 200;
    }

    void twoThreadsAreDeterministic()
    {
        QFETCH(int, batch);
        Architecture a;
        a.inputs = 64;
        a.hidden = {256};
        Network start(a);
        start.initialize(Init::Lesson, 4);
        TrainingConfig c = config(batch, 2);
        if (batch > 1)
            c.optimizer.kind = OptimizerKind::SGD, c.optimizer.learningRate = 0.5f;
        Trainer first(start, m_data, c), second(start, m_data, c);
        const SliceResult r1 = first.trainEpoch(), r2 = second.trainEpoch();
        QCOMPARE(r1.end, SliceEnd::EpochEnded);
        // The per-sample path's blocks end at fixed places in the epoch, never where a slice's
        // deadline falls: both paths give the same bits.
        QVERIFY(sameBytes(first.network(), second.network()));
        QVERIFY(r1.epoch.loss == r2.epoch.loss);
        const SliceResult later = first.trainEpoch();
        QVERIFY2(later.epoch.loss < r1.epoch.loss, qPrintable(QStringLiteral("%1 then %2").arg(r1.epoch.loss).arg(later.epoch.loss)));
    }

    void setNetworkKeepsThePlace()
    {
        Trainer t(net(false), m_data, config(1));
        t.trainUntil(Clock::now()); // one sample
        const std::size_t cursor = t.cursor();
        Network other = net(false, 2);
        t.setNetwork(other);
        QVERIFY(sameBits(t.network(), other));
        QCOMPARE(t.cursor(), cursor);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.setNetwork(net(true)));
        Network bad = other;
        bad.weights(1)(0, 0) = INFINITY;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.setNetwork(bad));
        QVERIFY(sameBits(t.network(), other));
        t.trainUntil(Clock::now());
        QCOMPARE(t.cursor(), cursor + 1);
    }

    void nonFiniteStartIsRefused()
    {
        Network bad = net(true);
        bad.weights(0)(0, 0) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(bad, m_data, config(50)));
    }

    void allFiniteFindsEveryNonFiniteValue()
    {
        const Network good = net(true);
        QVERIFY(good.allFinite());
        Network edge = good; // the largest and the smallest floats are finite
        edge.weights(0)(0, 0) = std::numeric_limits<float>::max();
        edge.weights(0)(0, 1) = -std::numeric_limits<float>::max();
        edge.weights(1)(0, 0) = std::numeric_limits<float>::denorm_min();
        edge.bias(0)(0) = -0.0f;
        QVERIFY(edge.allFinite());
        const float bad[] = {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                             std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN()};
        for (const float v : bad) {
            for (int layer = 0; layer < 2; ++layer) {
                const Matrix& w = good.weights(layer);
                for (const Eigen::Index at : {Eigen::Index(0), w.size() / 2, w.size() - 1}) {
                    Network n = good;
                    n.weights(layer).data()[at] = v;
                    QVERIFY2(!n.allFinite(), qPrintable(QStringLiteral("layer %1, weight %2").arg(layer).arg(at)));
                }
                Network n = good;
                n.bias(layer)(n.bias(layer).size() - 1) = v;
                QVERIFY(!n.allFinite());
            }
        }
    }

    void evaluationIsConsistent()
    {
        Trainer t(net(true), m_data, config(50));
        t.trainEpoch();
        const Evaluation ev = evaluate(t.network(), m_data);
        QCOMPARE(ev.count, m_data.size());
        std::int64_t total = 0, diagonal = 0;
        for (int r = 0; r < 10; ++r)
            for (int c = 0; c < 10; ++c) {
                total += ev.confusionAt(r, c);
                diagonal += r == c ? ev.confusionAt(r, c) : 0;
            }
        QCOMPARE(total, std::int64_t(m_data.size()));
        QCOMPARE(ev.accuracy, double(diagonal) / double(total));
        QVERIFY(ev.accuracy > 0.9); // the synthetic classes are easy
        for (int c = 0; c < 10; ++c) {
            std::int64_t row = 0;
            for (int p = 0; p < 10; ++p)
                row += ev.confusionAt(c, p);
            QCOMPARE(ev.perClassAccuracy[std::size_t(c)], double(ev.confusionAt(c, c)) / double(row));
        }
    }

    void evaluationIsTheSameOnAnyThreadCount()
    {
        Trainer t(net(true), m_data, config(50));
        t.trainEpoch();
        const Network& n = t.network();
        // Each sample's answer and confidence against the network on that sample alone.
        const std::size_t limit = 1234; // two whole chunks of 500 and a short one
        const Evaluation one = evaluate(n, m_data, limit, 1);
        QCOMPARE(one.count, limit);
        double loss = 0;
        for (std::size_t i = 0; i < limit; ++i) {
            Batch x(64, 1);
            n.scaleInput(m_data.image(i), x.data());
            const Batch o = n.predict(x);
            Eigen::Index best = 0;
            o.col(0).maxCoeff(&best);
            QCOMPARE(int(one.predictions[i]), int(best));
            QCOMPARE(one.confidence[i], o(best, 0));
            loss += sampleLoss(n.architecture(), o.data(), m_data.labels[i]);
        }
        // (one column and a chunk of 500 may round the last bit of a float differently)
        QVERIFY2(std::abs(one.loss - loss / double(limit)) < 1e-6 * std::abs(one.loss),
                 qPrintable(QString::number(one.loss - loss / double(limit))));
        for (const int threads : {2, 3, 0}) {
            const Evaluation many = evaluate(n, m_data, limit, threads);
            QCOMPARE(many.loss, one.loss);
            QCOMPARE(many.accuracy, one.accuracy);
            QVERIFY(many.predictions == one.predictions);
            QVERIFY(many.confidence == one.confidence);
            QVERIFY(many.confusion == one.confusion);
        }
        // Asked to stop, it stops; and it asks on the calling thread only.
        const auto caller = std::this_thread::get_id();
        int asked = 0;
        bool elsewhere = false;
        const auto stopped = evaluateUnlessStopped(n, m_data, SIZE_MAX, [&] {
            elsewhere = elsewhere || std::this_thread::get_id() != caller;
            return ++asked < 2;
        }, 2);
        QVERIFY(!stopped);
        QCOMPARE(asked, 2);
        QVERIFY(!elsewhere);
        const auto whole = evaluateUnlessStopped(n, m_data, SIZE_MAX, [&] {
            elsewhere = elsewhere || std::this_thread::get_id() != caller;
            return true;
        }, 2);
        QVERIFY(whole && !elsewhere);
        QCOMPARE(whole->accuracy, evaluate(n, m_data, SIZE_MAX, 1).accuracy);
        // No samples: an empty evaluation, not a division by zero.
        QCOMPARE(evaluate(n, m_data, 0, 2).count, std::size_t(0));
    }

    void rejectsBadConfigurations()
    {
        TrainingConfig zeroBatch = config(1);
        zeroBatch.batchSize = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(net(false), m_data, zeroBatch));
        TrainingConfig nanRate = config(1);
        nanRate.optimizer.learningRate = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(net(false), m_data, nanRate));
        TrainingConfig zeroRate = config(1);
        zeroRate.optimizer.learningRate = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(net(false), m_data, zeroRate));
        Architecture wrongInputs;
        wrongInputs.inputs = 784;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(Network(wrongInputs), m_data, config(1)));
        Trainer t(net(false), m_data, config(1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.setLearningRate(-1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.setBatchSize(0));
    }

    void lessonOnRealMnist()
    {
        const std::string dir = NNLAB_SOURCE_DIR "/data/mnist/";
        const Dataset train = loadIdxDataset(dir + "train-images-idx3-ubyte.gz", dir + "train-labels-idx1-ubyte.gz", digitClassNames(), "train").head(2000);
        const Dataset test = loadIdxDataset(dir + "t10k-images-idx3-ubyte.gz", dir + "t10k-labels-idx1-ubyte.gz", digitClassNames(), "test");
        Network lesson{Architecture{}};
        lesson.initialize(Init::Lesson, 1);
        TrainingConfig cfg;
        cfg.optimizer.learningRate = 0.1f;
        cfg.lessonErrors = true;
        Trainer t(lesson, train, cfg);
        QCOMPARE(t.trainEpoch().end, SliceEnd::EpochEnded);
        const double accuracy = evaluate(t.network(), test).accuracy;
        QVERIFY2(accuracy > 0.85, qPrintable(QString::number(accuracy)));
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
