// Sweeps: the knob and seed parser with its bad rows, run presets, summaries that do not depend
// on the order runs end in, and the runner: the same bits as a plain Trainer loop for any number
// of jobs, paused or not; cancel and destruction leave no thread behind.
#include "engine/evaluation.h"
#include "engine/idx_reader.h"
#include "engine/sweep.h"
#include "engine/trainer.h"

#include <QtTest>

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <thread>

using namespace nnlab::engine;

Q_DECLARE_METATYPE(std::vector<std::string>)
Q_DECLARE_METATYPE(std::vector<std::uint64_t>)
Q_DECLARE_METATYPE(SweepKnob)

namespace {

int threadCount()
{
    return int(std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                             std::filesystem::directory_iterator()));
}

// The scheduler state of one of this process's threads ('R' running, 'S' sleeping...).
char threadState(long tid)
{
    std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const std::size_t paren = line.rfind(')');
    return paren == std::string::npos || paren + 2 >= line.size() ? '?' : line[paren + 2];
}

long currentTid() { return long(syscall(SYS_gettid)); }

Preset lessonBase(int epochs = 1)
{
    Preset p = *findPreset("lesson");
    p.epochs = epochs;
    return p;
}

// Results by index, whatever order they came in.
std::map<std::size_t, SweepRunResult> byIndex(const std::vector<SweepRunResult>& results)
{
    std::map<std::size_t, SweepRunResult> m;
    for (const SweepRunResult& r : results)
        m[r.index] = r;
    return m;
}

// Every figure of two runs but the time they took, compared exactly.
void compareRuns(const SweepRunResult& a, const SweepRunResult& b)
{
    QCOMPARE(a.index, b.index);
    QCOMPARE(a.value, b.value);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(a.error, b.error);
    QCOMPARE(a.samples, b.samples);
    QCOMPARE(a.epochs.size(), b.epochs.size());
    for (std::size_t e = 0; e < a.epochs.size(); ++e) {
        QCOMPARE(a.epochs[e].trainLoss, b.epochs[e].trainLoss);
        QCOMPARE(a.epochs[e].trainAccuracy, b.epochs[e].trainAccuracy);
        QCOMPARE(a.epochs[e].testLoss, b.epochs[e].testLoss);
        QCOMPARE(a.epochs[e].testAccuracy, b.epochs[e].testAccuracy);
    }
    QCOMPARE(a.curve.size(), b.curve.size());
    for (std::size_t i = 0; i < a.curve.size(); ++i) {
        QCOMPARE(a.curve[i].epochFraction, b.curve[i].epochFraction);
        QCOMPARE(a.curve[i].runningLoss, b.curve[i].runningLoss);
    }
}

SweepRunResult result(std::size_t index, std::size_t seeds, double testAccuracy,
                      double trainAccuracy, double testLoss, const std::string& error = {})
{
    SweepRunResult r;
    r.index = index;
    r.valueIndex = index / seeds;
    r.seed = index % seeds + 1;
    r.error = error;
    r.epochs.push_back({1, 0.1, trainAccuracy, testLoss, testAccuracy, 100});
    return r;
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

} // namespace

class TestSweep : public QObject
{
    Q_OBJECT

    Dataset m_train, m_test; // the first 1,000 MNIST training and test images

private slots:
    void initTestCase()
    {
        const std::string dir = NNLAB_SOURCE_DIR "/data/mnist/";
        m_train = loadIdxDataset(dir + "train-images-idx3-ubyte.gz",
                                 dir + "train-labels-idx1-ubyte.gz", digitClassNames(), "train")
                      .head(1000);
        m_test = loadIdxDataset(dir + "t10k-images-idx3-ubyte.gz",
                                dir + "t10k-labels-idx1-ubyte.gz", digitClassNames(), "test")
                     .head(1000);
    }

    void parsesSweeps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<SweepKnob>("knob");
        QTest::addColumn<std::vector<std::string>>("values");
        using V = std::vector<std::string>;
        QTest::newRow("lr list") << "lr=0.01,0.1,1" << SweepKnob::LearningRate << V{"0.01", "0.1", "1"};
        QTest::newRow("spaces, a plus, a trailing zero")
            << " lr = 0.10 , +1 " << SweepKnob::LearningRate << V{"0.1", "1"};
        QTest::newRow("exponent") << "lr=1e-3,0.5" << SweepKnob::LearningRate << V{"0.001", "0.5"};
        // 0.01 * 100^(i/7), to 3 significant digits.
        QTest::newRow("lr log range")
            << "lr=0.01:1:8:log" << SweepKnob::LearningRate
            << V{"0.01", "0.0193", "0.0373", "0.072", "0.139", "0.268", "0.518", "1"};
        QTest::newRow("lr linear range") << "lr=0.1:0.5:5" << SweepKnob::LearningRate
                                         << V{"0.1", "0.2", "0.3", "0.4", "0.5"};
        QTest::newRow("alias, :lin") << "learning-rate=0.1:0.3:3:lin" << SweepKnob::LearningRate
                                     << V{"0.1", "0.2", "0.3"};
        QTest::newRow("hidden rounded") << "hidden=10:200:5" << SweepKnob::HiddenNodes
                                        << V{"10", "58", "105", "153", "200"};
        QTest::newRow("hidden duplicates dropped") << "hidden=1:3:5" << SweepKnob::HiddenNodes
                                                   << V{"1", "2", "3"};
        QTest::newRow("hidden log") << "hidden=10:1000:3:log" << SweepKnob::HiddenNodes
                                    << V{"10", "100", "1000"};
        QTest::newRow("hidden as 1e2") << "hidden-nodes=1e2" << SweepKnob::HiddenNodes << V{"100"};
        QTest::newRow("layers") << "layers=0,1,2" << SweepKnob::HiddenLayers << V{"0", "1", "2"};
        QTest::newRow("epochs") << "epochs=1:4:4" << SweepKnob::Epochs << V{"1", "2", "3", "4"};
        QTest::newRow("train-size") << "train-size=100,1000,60000" << SweepKnob::TrainingImages
                                    << V{"100", "1000", "60000"};
        QTest::newRow("batch") << "batch-size=1,10,200" << SweepKnob::BatchSize << V{"1", "10", "200"};
        QTest::newRow("optimizer") << "optimizer=sgd,rmsprop,adam" << SweepKnob::Optimizer
                                   << V{"sgd", "rmsprop", "adam"};
        QTest::newRow("activation") << "activation=sigmoid,tanh,relu" << SweepKnob::Activation
                                    << V{"sigmoid", "tanh", "relu"};
        QTest::newRow("init") << "init=lesson,fan-in,he" << SweepKnob::Init
                              << V{"lesson", "fan-in", "he"};
        QTest::newRow("scaling") << "scaling=lesson,unit" << SweepKnob::Scaling << V{"lesson", "unit"};
    }

    void parsesSweeps()
    {
        QFETCH(QString, text);
        QFETCH(SweepKnob, knob);
        QFETCH(std::vector<std::string>, values);
        const SweepSpec spec = parseSweep(text.toStdString());
        QCOMPARE(spec.knob, knob);
        QCOMPARE(spec.values, values);
        QCOMPARE(spec.seeds, (std::vector<std::uint64_t>{1, 2, 3}));
        // The values field of the window gets the same values.
        const QString valuesText = text.mid(text.indexOf('=') + 1);
        QCOMPARE(parseSweepValues(knob, valuesText.toStdString()), values);
    }

    void rejectsBadSweeps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("no equals sign") << "lr" << "write a sweep as KNOB=VALUES";
        QTest::newRow("unknown knob") << "speed=1,2"
                                      << "there is no knob \"speed\": the knobs are lr, hidden";
        QTest::newRow("no values") << "lr=" << "lr has no values";
        QTest::newRow("empty value") << "lr=0.1,,1" << "lr=0.1,,1 has an empty value";
        QTest::newRow("not a number") << "lr=fast" << "lr=fast is not a number";
        QTest::newRow("nan") << "lr=nan" << "lr=nan is not a number";
        QTest::newRow("lr 0") << "lr=0,0.1"
                              << "lr=0 is out of range: the learning rate is above 0 and at most 100";
        QTest::newRow("lr above 100") << "lr=101" << "lr=101 is out of range";
        QTest::newRow("hidden 0") << "hidden=0"
                                  << "hidden=0 is out of range: hidden nodes go from 1 to 65536";
        QTest::newRow("hidden fraction") << "hidden=1.5" << "hidden=1.5 is not a whole number";
        QTest::newRow("65 layers") << "layers=65" << "layers=65 is out of range";
        QTest::newRow("epochs 0") << "epochs=0" << "epochs=0 is out of range";
        QTest::newRow("batch too large") << "batch=65537" << "batch=65537 is out of range";
        QTest::newRow("negative train-size") << "train-size=-5" << "train-size=-5 is out of range";
        QTest::newRow("FROM above TO") << "lr=1:0.01:8:log" << "does not go up";
        QTest::newRow("FROM equals TO") << "hidden=5:5:3" << "does not go up";
        QTest::newRow("one step") << "lr=0.01:1:1" << "the number of steps must be 2 to 1000";
        QTest::newRow("too many steps") << "hidden=1:5000:1001" << "must be 2 to 1000";
        QTest::newRow("fractional steps") << "lr=0.1:1:2.5" << "must be a whole number";
        QTest::newRow("range end out of range") << "lr=0.1:200:3" << "lr=200 is out of range";
        QTest::newRow("bad range suffix") << "lr=0.1:1:3:exp" << "a range ends in :log or :lin";
        QTest::newRow("two parts") << "lr=0.1:1" << "is not a range";
        QTest::newRow("log from 0") << "layers=0:4:3:log" << "a log range cannot start at 0";
        QTest::newRow("unknown choice")
            << "optimizer=sgd,lbfgs" << "optimizer=lbfgs is not one of sgd, momentum, rmsprop, adam";
        QTest::newRow("range of choices") << "activation=1:3:3"
                                          << "activation function takes a list of choices";
        QTest::newRow("list and range") << "lr=0.1,0.2:1:3" << "either a list or one range";
        QTest::newRow("given twice") << "lr=0.1,0.10" << "lr=0.1 is given twice";
    }

    void rejectsBadSweeps()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            parseSweep(text.toStdString());
            QFAIL("no SweepError");
        } catch (const SweepError& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
        }
    }

    void parsesSeeds_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<std::vector<std::uint64_t>>("seeds");
        using S = std::vector<std::uint64_t>;
        QTest::newRow("list") << "1,2,3" << S{1, 2, 3};
        QTest::newRow("range") << "1:5" << S{1, 2, 3, 4, 5};
        QTest::newRow("range and a seed") << " 4:6, 9 " << S{4, 5, 6, 9};
        QTest::newRow("zero") << "0" << S{0};
        QTest::newRow("largest") << "9223372036854775807" << S{9223372036854775807ull};
    }

    void parsesSeeds()
    {
        QFETCH(QString, text);
        QFETCH(std::vector<std::uint64_t>, seeds);
        QCOMPARE(parseSeeds(text.toStdString()), seeds);
    }

    void rejectsBadSeeds_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << "" << "there are no seeds";
        QTest::newRow("empty item") << "1,,2" << "not \"\"";
        QTest::newRow("word") << "one" << "not \"one\"";
        QTest::newRow("negative") << "-1" << "not \"-1\"";
        QTest::newRow("too large") << "9223372036854775808" << "not \"9223372036854775808\"";
        QTest::newRow("down") << "3:1" << "the seeds 3:1 do not go up";
        QTest::newRow("twice") << "1:3,2" << "seed 2 is given twice";
        QTest::newRow("three parts") << "1:2:3" << "not \"1:2:3\"";
        QTest::newRow("too many") << "0:1000" << "at most 1000 seeds";
    }

    void rejectsBadSeeds()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            parseSeeds(text.toStdString());
            QFAIL("no SweepError");
        } catch (const SweepError& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
        }
    }

    void runPresetsSetTheKnobAndBothSeeds()
    {
        Preset base = lessonBase();
        base.training.shuffle = true;
        const Preset lr = sweepRunPreset(base, SweepKnob::LearningRate, "0.0193", 7, 1000);
        QCOMPARE(lr.training.optimizer.learningRate, 0.0193f);
        QCOMPARE(lr.weightSeed, std::uint64_t(7));
        QCOMPARE(lr.training.seed, std::uint64_t(7));
        QCOMPARE(lr.architecture, base.architecture);

        Preset best = *findPreset("best");
        QCOMPARE(sweepRunPreset(best, SweepKnob::HiddenNodes, "64", 1, 1000).architecture.hidden,
                 (std::vector<int>{64, 64}));
        Preset none = base;
        none.architecture.hidden.clear();
        QCOMPARE(sweepRunPreset(none, SweepKnob::HiddenNodes, "30", 1, 1000).architecture.hidden,
                 std::vector<int>{30});
        QCOMPARE(sweepRunPreset(base, SweepKnob::HiddenLayers, "3", 1, 1000).architecture.hidden,
                 (std::vector<int>{90, 90, 90}));
        QCOMPARE(sweepRunPreset(none, SweepKnob::HiddenLayers, "2", 1, 1000).architecture.hidden,
                 (std::vector<int>{90, 90}));
        QVERIFY(sweepRunPreset(base, SweepKnob::HiddenLayers, "0", 1, 1000).architecture.hidden.empty());
        QCOMPARE(sweepRunPreset(base, SweepKnob::Epochs, "4", 1, 1000).epochs, 4);
        QCOMPARE(sweepRunPreset(base, SweepKnob::TrainingImages, "1000", 1, 1000).training.trainingSize,
                 std::size_t(1000));
        QCOMPARE(sweepRunPreset(base, SweepKnob::BatchSize, "20", 1, 1000).training.batchSize, 20);
        QVERIFY(sweepRunPreset(base, SweepKnob::Optimizer, "adam", 1, 1000).training.optimizer.kind ==
                OptimizerKind::Adam);
        QVERIFY(sweepRunPreset(base, SweepKnob::Activation, "relu", 1, 1000)
                    .architecture.hiddenActivation == Activation::ReLU);
        QVERIFY(sweepRunPreset(base, SweepKnob::Init, "glorot", 1, 1000).init == Init::Glorot);
        QVERIFY(sweepRunPreset(base, SweepKnob::Scaling, "unit", 1, 1000).architecture.scaling ==
                Scaling::UnitRange);
    }

    void rejectsMoreTrainingImagesThanTheSet()
    {
        try {
            sweepRunPreset(lessonBase(), SweepKnob::TrainingImages, "1001", 1, 1000);
            QFAIL("no SweepError");
        } catch (const SweepError& e) {
            QCOMPARE(QString(e.what()), "train-size=1001 is more than the 1,000 training images");
        }
        const SweepSpec spec = parseSweep("train-size=100,2000");
        QVERIFY_THROWS_EXCEPTION(SweepError, SweepRunner(lessonBase(), spec, m_train, m_test));
    }

    void knobPositions()
    {
        QCOMPARE(knobPosition(SweepKnob::LearningRate, "0.0193"), 0.0193);
        QCOMPARE(knobPosition(SweepKnob::HiddenNodes, "90"), 90.0);
        QCOMPARE(knobPosition(SweepKnob::Optimizer, "adam"), 3.0);
        QCOMPARE(knobPosition(SweepKnob::Scaling, "lesson"), 0.0);
        QVERIFY_THROWS_EXCEPTION(SweepError, knobPosition(SweepKnob::Optimizer, "lbfgs"));
        QVERIFY(knobInfo(SweepKnob::LearningRate).logScale);
        QVERIFY(!knobInfo(SweepKnob::HiddenNodes).logScale);
        QCOMPARE(knobInfo(SweepKnob::Init).label, std::string_view("initial weights"));
        for (const SweepKnobInfo& k : sweepKnobs())
            QCOMPARE(parseSweepKnob(k.name), std::optional(k.knob));
    }

    void summariesDoNotDependOnOrder()
    {
        SweepSpec spec;
        spec.knob = SweepKnob::LearningRate;
        spec.values = {"0.1", "0.3", "1", "3"};
        spec.seeds = {1, 2, 3};
        // 0.1 + 0.2 + 0.3 rounds differently from 0.3 + 0.2 + 0.1: only a fixed order of the
        // sums gives the same bits for every order of the results.
        std::vector<SweepRunResult> results{
            result(0, 3, 0.1, 0.7, 0.3), result(1, 3, 0.2, 0.8, 0.2), result(2, 3, 0.3, 0.9, 0.1),
            result(3, 3, 0.5, 0.6, 0.4), result(5, 3, 0.6, 0.7, 0.5, "diverged in epoch 1"),
            result(6, 3, 0.9, 0.9, 0.1, "diverged in epoch 1"),
            result(7, 3, 0.9, 0.9, 0.1, "diverged in epoch 1")};
        const std::vector<SweepPointSummary> first = summarize(spec, results);
        QCOMPARE(first.size(), std::size_t(3)); // "3" has no result yet
        QCOMPARE(first[0].value, std::string("0.1"));
        QCOMPARE(first[0].position, 0.1);
        QCOMPARE(first[0].runs, 3);
        QCOMPARE(first[0].failed, 0);
        QVERIFY(sameBits(first[0].testAccuracyMean, (0.1 + 0.2 + 0.3) / 3));
        QCOMPARE(first[0].testAccuracyMin, 0.1);
        QCOMPARE(first[0].testAccuracyMax, 0.3);
        QVERIFY(sameBits(first[0].trainAccuracyMean, (0.7 + 0.8 + 0.9) / 3));
        QCOMPARE(first[0].testLossMin, 0.1);
        QCOMPARE(first[0].testLossMax, 0.3);
        QCOMPARE(first[1].runs, 1); // one run, one failed, one not ended
        QCOMPARE(first[1].failed, 1);
        QCOMPARE(first[1].testAccuracyMean, 0.5);
        QCOMPARE(first[2].value, std::string("1"));
        QCOMPARE(first[2].runs, 0);
        QCOMPARE(first[2].failed, 2);
        QVERIFY(std::isnan(first[2].testAccuracyMean));

        std::mt19937 rng(1);
        for (int round = 0; round < 20; ++round) {
            std::shuffle(results.begin(), results.end(), rng);
            const std::vector<SweepPointSummary> again = summarize(spec, results);
            QCOMPARE(again.size(), first.size());
            for (std::size_t i = 0; i < again.size(); ++i) {
                QCOMPARE(again[i].value, first[i].value);
                QVERIFY(sameBits(again[i].testAccuracyMean, first[i].testAccuracyMean));
                QVERIFY(sameBits(again[i].trainAccuracyMean, first[i].trainAccuracyMean));
                QVERIFY(sameBits(again[i].testLossMean, first[i].testLossMean));
                QCOMPARE(again[i].runs, first[i].runs);
            }
        }
    }

    // The runner's runs against the lesson's loop written out with the Trainer alone, for the
    // per-sample path and mini-batches, with l_r decay between epochs.
    void runnerGivesThePlainTrainerBits_data()
    {
        QTest::addColumn<QString>("sweep");
        QTest::addColumn<int>("jobs");
        QTest::newRow("lr, 1 job") << "lr=0.1,0.3" << 1;
        QTest::newRow("lr, 2 jobs") << "lr=0.1,0.3" << 2;
        QTest::newRow("batch, 2 jobs") << "batch=1,20" << 2;
    }

    void runnerGivesThePlainTrainerBits()
    {
        QFETCH(QString, sweep);
        QFETCH(int, jobs);
        Preset base = lessonBase(2);
        base.learningRateDecay = 0.5f;
        SweepSpec spec = parseSweep(sweep.toStdString());
        spec.seeds = {1, 2};
        SweepRunner runner(base, spec, m_train, m_test, jobs, 1);
        QCOMPARE(runner.jobs(), jobs);
        std::vector<SweepRunResult> results;
        runner.run([&](const SweepRunResult& r) { results.push_back(r); });
        QCOMPARE(results.size(), std::size_t(4));

        for (const auto& [index, r] : byIndex(results)) {
            const Preset& p = runner.runPresets()[index];
            QCOMPARE(r.value, spec.values[index / 2]);
            QCOMPARE(r.seed, spec.seeds[index % 2]);
            Architecture a = p.architecture;
            Network network(a);
            network.initialize(Init::Lesson, r.seed);
            TrainingConfig config = base.training;
            config.threads = 1;
            config.seed = r.seed;
            config.optimizer.learningRate = p.training.optimizer.learningRate;
            config.batchSize = p.training.batchSize;
            Trainer trainer(network, m_train, config);
            float lr = config.optimizer.learningRate;
            QVERIFY(r.ok());
            QCOMPARE(r.epochs.size(), std::size_t(2));
            for (int e = 0; e < 2; ++e) {
                const SliceResult s = trainer.trainEpoch();
                const Evaluation tested = evaluate(trainer.network(), m_test, SIZE_MAX, 1);
                QCOMPARE(r.epochs[std::size_t(e)].trainLoss, s.epoch.loss);
                QCOMPARE(r.epochs[std::size_t(e)].trainAccuracy, s.epoch.accuracy);
                QCOMPARE(r.epochs[std::size_t(e)].testLoss, tested.loss);
                QCOMPARE(r.epochs[std::size_t(e)].testAccuracy, tested.accuracy);
                lr *= 0.5f;
                trainer.setLearningRate(lr);
            }
            QCOMPARE(r.samples, std::uint64_t(2000));
            QVERIFY(r.seconds > 0);
            QVERIFY(!r.setup.empty());
        }
        // The same sweep with one job gives the same results, learning curves included.
        SweepRunner single(base, spec, m_train, m_test, 1, 1);
        std::vector<SweepRunResult> again;
        single.run([&](const SweepRunResult& r) { again.push_back(r); });
        const auto first = byIndex(results), second = byIndex(again);
        for (std::size_t i = 0; i < 4; ++i)
            compareRuns(first.at(i), second.at(i));
    }

    // A point every epochSize / 50 samples at the most, the mean of the samples since the last.
    void learningCurvesAverageTheEpoch()
    {
        Preset p = lessonBase(2);
        p.training.batchSize = 100;
        p.training.threads = 1;
        const std::optional<SweepRunResult> r = runSweepRun(p, m_train, m_test);
        QVERIFY(r && r->ok());
        QCOMPARE(r->curve.size(), std::size_t(20)); // a point per batch of 100: every 20 is due
        for (int e = 0; e < 2; ++e) {
            double loss = 0, accuracy = 0;
            for (int i = 0; i < 10; ++i) {
                const SweepCurvePoint& point = r->curve[std::size_t(e * 10 + i)];
                QCOMPARE(point.epochFraction, e + (i + 1) / 10.0);
                loss += point.runningLoss / 10;
                accuracy += point.runningAccuracy / 10;
            }
            QVERIFY(std::abs(loss - r->epochs[std::size_t(e)].trainLoss) < 1e-12);
            QVERIFY(std::abs(accuracy - r->epochs[std::size_t(e)].trainAccuracy) < 1e-12);
        }
        // The lesson's batch 1 reports every 32 samples: 1,000 images end on a block of 8,
        // whose point closes the epoch rather than opening the next.
        p.training.batchSize = 1;
        const std::optional<SweepRunResult> lesson = runSweepRun(p, m_train, m_test);
        QVERIFY(lesson && lesson->ok());
        QCOMPARE(lesson->curve.size(), std::size_t(64));
        QCOMPARE(lesson->curve[31].epochFraction, 1.0);
        QCOMPARE(lesson->curve[63].epochFraction, 2.0);
    }

    void progressCountsEverySample()
    {
        SweepSpec spec = parseSweep("lr=0.1,0.3");
        spec.seeds = {1, 2};
        SweepRunner runner(lessonBase(), spec, m_train, m_test, 2);
        std::vector<SweepProgress> progress;
        runner.run([](const SweepRunResult&) {},
                   [&](const SweepProgress& p) { progress.push_back(p); },
                   std::chrono::milliseconds(0));
        QVERIFY(progress.size() >= 2);
        for (std::size_t i = 1; i < progress.size(); ++i)
            QVERIFY(progress[i].samplesDone >= progress[i - 1].samplesDone);
        QCOMPARE(progress.back().runsDone, std::size_t(4));
        QCOMPARE(progress.back().runCount, std::size_t(4));
        QCOMPARE(progress.back().samplesDone, std::uint64_t(4000));
        QCOMPARE(progress.back().samplesTotal, std::uint64_t(4000));
        QVERIFY(progress.back().samplesPerSecond > 0);
    }

    // A run that diverges is a result with its error; the others go on.
    void divergedRunsAreResultsWithTheirError()
    {
        Preset base = *findPreset("best");
        base.epochs = 1;
        base.training.optimizer.kind = OptimizerKind::Momentum;
        SweepSpec spec = parseSweep("lr=0.001,100");
        spec.seeds = {1};
        SweepRunner runner(base, spec, m_train, m_test, 2);
        std::vector<SweepRunResult> results;
        std::vector<SweepProgress> progress;
        runner.run([&](const SweepRunResult& r) { results.push_back(r); },
                   [&](const SweepProgress& p) { progress.push_back(p); });
        const auto runs = byIndex(results);
        QVERIFY(runs.at(0).ok());
        QVERIFY(!runs.at(1).ok());
        QVERIFY2(runs.at(1).error.starts_with("diverged in epoch 1"), runs.at(1).error.c_str());
        const std::vector<SweepPointSummary> s = summarize(spec, results);
        QCOMPARE(s[1].failed, 1);
        // What the diverged run did not train leaves the total: the bar still ends full.
        QCOMPARE(progress.back().samplesDone, progress.back().samplesTotal);
    }

    void cancelStopsMidRunAndLeavesNoThread()
    {
        const int before = threadCount();
        // 200 epochs each (seconds): a cancel that did not stop them would leave results.
        SweepSpec spec = parseSweep("lr=0.05,0.1,0.2,0.3");
        Preset base = lessonBase(200);
        SweepRunner runner(base, spec, m_train, m_test, 2);
        std::promise<int> running;
        bool told = false;
        std::vector<SweepRunResult> results;
        std::thread sweep([&] {
            runner.run([&](const SweepRunResult& r) { results.push_back(r); },
                       [&](const SweepProgress& p) {
                           if (!told && p.samplesDone >= 2000) {
                               told = true;
                               running.set_value(threadCount());
                           }
                       },
                       std::chrono::milliseconds(0));
        });
        // Whatever fails below, the sweep is cancelled and joined (a joinable thread left behind
        // would abort the whole suite).
        auto stop = qScopeGuard([&] {
            runner.cancel();
            if (sweep.joinable())
                sweep.join();
        });
        int during = running.get_future().get();
        // The first run can pass 2,000 samples before the second job's thread has started
        // (a fast machine): both jobs and the runner's thread, within a few seconds.
        QElapsedTimer waited;
        waited.start();
        while (during < before + 3 && waited.elapsed() < 5000) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            during = threadCount();
        }
        QVERIFY2(during >= before + 3, qPrintable(QString("%1 threads while running, %2 before")
                                                      .arg(during).arg(before)));
        stop.dismiss();
        runner.cancel();
        sweep.join();
        QVERIFY(results.empty()); // every run was cut short: none gives a result
        QCOMPARE(threadCount(), before);
    }

    void destroyingMidRunCancels()
    {
        const int before = threadCount();
        auto runner = std::make_unique<SweepRunner>(lessonBase(200), parseSweep("lr=0.1,0.3"),
                                                    m_train, m_test, 2);
        std::promise<void> running;
        bool told = false;
        int results = 0;
        std::thread sweep([&, r = runner.get()] {
            r->run([&](const SweepRunResult&) { ++results; },
                   [&](const SweepProgress&) {
                       if (!told) {
                           told = true;
                           running.set_value();
                       }
                   },
                   std::chrono::milliseconds(0));
        });
        running.get_future().get();
        runner.reset(); // cancels, and waits for run() to end
        sweep.join();
        QCOMPARE(results, 0); // 200 epochs each: every run was cut short
        QCOMPARE(threadCount(), before);
    }

    // A sweep paused mid-epoch (one job between blocks of the lesson's per-sample path, the
    // other at whichever sample it reached) and resumed gives the bits of one never paused.
    void pauseAndResumeGiveTheSameBits()
    {
        SweepSpec spec = parseSweep("lr=0.1,0.3");
        spec.seeds = {1, 2};
        const Preset base = lessonBase(1);
        std::vector<SweepRunResult> plain;
        SweepRunner(base, spec, m_train, m_test, 2).run(
            [&](const SweepRunResult& r) { plain.push_back(r); });

        SweepRunner runner(base, spec, m_train, m_test, 2);
        std::vector<SweepRunResult> paused;
        std::atomic<long> pausedTid{0};
        std::thread resumer;
        runner.run([&](const SweepRunResult& r) { paused.push_back(r); },
                   [&](const SweepProgress& p) {
                       if (pausedTid == 0 && p.samplesDone >= 500) {
                           // This job holds at its next keepGoing; the other at its own.
                           runner.setPaused(true);
                           pausedTid = currentTid();
                           resumer = std::thread([&] {
                               // Resume once the job really waits (asleep on the condition),
                               // or has ended (a pause that stopped it: '?').
                               for (char state = threadState(pausedTid);
                                    state != 'S' && state != '?'; state = threadState(pausedTid))
                                   std::this_thread::yield();
                               runner.setPaused(false);
                           });
                       }
                   },
                   std::chrono::milliseconds(0));
        resumer.join();
        QVERIFY(pausedTid != 0);
        const auto a = byIndex(plain), b = byIndex(paused);
        QCOMPARE(b.size(), std::size_t(4));
        for (std::size_t i = 0; i < 4; ++i)
            compareRuns(a.at(i), b.at(i));
    }

    void callbackExceptionsComeOutOfRun()
    {
        const int before = threadCount();
        SweepRunner runner(lessonBase(), parseSweep("lr=0.1,0.3"), m_train, m_test, 2);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 runner.run([](const SweepRunResult&) {
                                     throw std::runtime_error("the window went away");
                                 }));
        QCOMPARE(threadCount(), before);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, runner.run([](const SweepRunResult&) {}));
    }

    void rejectsBadRunners()
    {
        const SweepSpec spec = parseSweep("lr=0.1");
        SweepSpec noSeeds = spec;
        noSeeds.seeds.clear();
        QVERIFY_THROWS_EXCEPTION(SweepError, SweepRunner(lessonBase(), noSeeds, m_train, m_test));
        QVERIFY_THROWS_EXCEPTION(SweepError, SweepRunner(lessonBase(), SweepSpec{}, m_train, m_test));
        QVERIFY_THROWS_EXCEPTION(SweepError, SweepRunner(lessonBase(), spec, m_train, m_test, -1));
        QVERIFY_THROWS_EXCEPTION(SweepError, SweepRunner(lessonBase(), spec, m_train, Dataset{}));
        Dataset small = m_test;
        small.rows = small.cols = 14;
        QVERIFY_THROWS_EXCEPTION(SweepError, SweepRunner(lessonBase(), spec, m_train, small));
        // More jobs than runs: one job per run.
        QCOMPARE(SweepRunner(lessonBase(), spec, m_train, m_test, 8).jobs(), 3);
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
