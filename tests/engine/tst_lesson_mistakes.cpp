// The lesson's first, broken attempt as options (issue 14): raw 0-255 inputs, np.random.rand
// weights (and rand - 0.5), and targets 0/1 beside the lesson's 0.01/0.99. Their arithmetic
// against numpy-written figures, the lesson's "all 1s", the preset, the sweep knobs, and the
// model files that store them (old files still open).
#include "engine/csv_reader.h"
#include "engine/evaluation.h"
#include "engine/file_error.h"
#include "engine/kernels.h"
#include "engine/loss.h"
#include "engine/model_file.h"
#include "engine/npz.h"
#include "engine/presets.h"
#include "engine/step_trace.h"
#include "engine/sweep.h"
#include "engine/sweep_file.h"
#include "engine/trainer.h"
#include "tests/common/test_support.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <sstream>

using namespace nnlab::engine;

namespace {

// A 4-3-2 sigmoid net small enough for numpy by hand: its weights are small, so raw pixels up to
// 255 give h_input values of about 1, not thousands, and every figure means something.
const float kW1[3][4] = {{0.004f, -0.002f, 0.010f, -0.003f},
                         {-0.006f, 0.008f, -0.001f, 0.005f},
                         {0.002f, 0.003f, -0.007f, 0.001f}};
const float kW2[2][3] = {{0.9f, -1.2f, 0.4f}, {-0.5f, 0.7f, 1.1f}};
const std::uint8_t kPixels[4] = {0, 17, 128, 255};
constexpr int kLabel = 0;
constexpr float kLr = 0.1f;

Network smallNet(Scaling scaling, Targets targets)
{
    Architecture a;
    a.inputs = 4;
    a.hidden = {3};
    a.outputs = 2;
    a.scaling = scaling;
    a.targets = targets;
    Network net(a);
    for (int h = 0; h < 3; ++h)
        for (int i = 0; i < 4; ++i)
            net.weights(0)(h, i) = kW1[h][i];
    for (int o = 0; o < 2; ++o)
        for (int h = 0; h < 3; ++h)
            net.weights(1)(o, h) = kW2[o][h];
    return net;
}

Dataset oneSample()
{
    Dataset d;
    d.rows = 1;
    d.cols = 4;
    d.classNames = {"0", "1"};
    d.pixels.assign(std::begin(kPixels), std::end(kPixels));
    d.labels = {std::uint8_t(kLabel)};
    return d;
}

// |a - b| relative to the size of b (raw inputs make weights of about 5).
bool nearlyEqual(double a, double b, double tolerance) { return std::abs(a - b) <= tolerance * std::max(1.0, std::abs(b)); }

Dataset firstTrainingDigits()
{
    return loadCsvDataset(nnlab::test::sourceFile("data/mnist_train_100.csv").toStdString(),
                          digitClassNames());
}

std::vector<float> allWeights(const Network& net)
{
    std::vector<float> w;
    for (int l = 0; l < net.layerCount(); ++l)
        w.insert(w.end(), net.weights(l).data(), net.weights(l).data() + net.weights(l).size());
    return w;
}

QString text(std::string_view s) { return QString::fromLatin1(s.data(), qsizetype(s.size())); }

std::string nnlabBytes(const Model& m)
{
    std::ostringstream out;
    writeModel(out, m, "mem");
    return out.str();
}

} // namespace

class TestLessonMistakes : public QObject
{
    Q_OBJECT

private slots:
    // ---- Raw 0-255 inputs -------------------------------------------------------------------

    // Every kernel level passes the pixels through unchanged (37: vectors and a tail).
    void rawScalingKeepsThePixels()
    {
        std::vector<std::uint8_t> pixels(37);
        for (std::size_t i = 0; i < pixels.size(); ++i)
            pixels[i] = std::uint8_t(i * 7 % 256);
        pixels[3] = 255;
        const KernelTable* tables[4];
        const int n = availableKernelTables(tables, 4);
        QVERIFY(n >= 1);
        for (int t = 0; t < n; ++t) {
            std::vector<float> out(pixels.size(), -1.0f);
            tables[t]->scalePixels(pixels.data(), out.data(), std::int64_t(pixels.size()),
                                   inputScale(Scaling::Raw));
            for (std::size_t i = 0; i < pixels.size(); ++i)
                QVERIFY2(out[i] == float(pixels[i]), tables[t]->isa);
        }
        QCOMPARE(scalePixelValue(Scaling::Raw, 17.5f), 17.5f); // a soft brush's fraction
        QCOMPARE(scalePixel(Scaling::Raw, 255), 255.0f);
        // The lesson's own scaling is as before: 255 -> 1.0, 0 -> 0.01.
        QCOMPARE(scalePixel(Scaling::Lesson, 255), 1.0f);
        QCOMPARE(scalePixel(Scaling::Lesson, 0), 0.01f);
    }

    // The 4-3-2 net's forward pass on raw pixels, against numpy:
    //   W1 = [[.004,-.002,.010,-.003],[-.006,.008,-.001,.005],[.002,.003,-.007,.001]]
    //   W2 = [[.9,-1.2,.4],[-.5,.7,1.1]];  x = np.array([0,17,128,255.])
    //   h_input = W1 @ x; h_output = sig(h_input); o_output = sig(W2 @ h_output)
    void rawForwardPassAgainstNumpy()
    {
        const Network net = smallNet(Scaling::Raw, Targets::Lesson);
        const LessonTrace t = traceSample(net, kPixels, kLabel, true);
        const double hInput[3] = {0.481, 1.283, -0.59};
        const double hOutput[3] = {0.6179839824, 0.7829600101, 0.3566348543};
        const double oOutput[2] = {0.4401107772, 0.6528019344};
        for (int i = 0; i < 4; ++i)
            QCOMPARE(t.input[i], float(kPixels[i]));
        for (int h = 0; h < 3; ++h) {
            QVERIFY2(std::abs(t.hiddenInputs[0][h] - hInput[h]) < 1e-6, qPrintable(QString::number(h)));
            QVERIFY2(std::abs(t.hiddenOutputs[0][h] - hOutput[h]) < 1e-6, qPrintable(QString::number(h)));
        }
        for (int o = 0; o < 2; ++o)
            QVERIFY2(std::abs(t.outputOutput[o] - oOutput[o]) < 1e-6, qPrintable(QString::number(o)));
        // The same through the batched predict() that evaluation and the draw view use.
        Batch x(4, 1);
        net.scaleInput(kPixels, x.data());
        const Batch o = net.predict(x);
        for (int k = 0; k < 2; ++k)
            QVERIFY(std::abs(o(k, 0) - oOutput[k]) < 1e-6);
    }

    // The lesson's first feed-forward: its first training digit (a 5) as raw pixels through
    // 784-90-10 with rand weights gives "all 1s". numpy, on data/mnist_train_100.csv row 0:
    //   x = np.asarray(row[1:], float): x.sum() = 27525 over 166 inked pixels
    //   np.random.seed(s); w_i_h = np.random.rand(90, 784); w_h_o = np.random.rand(10, 90)
    //   for seeds 0-4: min h_input 11,302 to 12,391, max 15,595; min o_input 39.2;
    //   every h_output and o_output is 1.0 in float64.
    void firstAttemptGivesAllOnes()
    {
        const Dataset digits = firstTrainingDigits();
        QCOMPARE(int(digits.labels[0]), 5);
        Architecture a; // the lesson's 784-90-10 sigmoid net
        a.scaling = Scaling::Raw;
        Network net(a);
        net.initialize(Init::Rand, 1);
        const LessonTrace t = traceSample(net, digits.image(0), 5, true);
        constexpr double kPixelSum = 27525; // numpy: x.sum()
        for (int h = 0; h < 90; ++h) {
            const double hIn = t.hiddenInputs[0][h];
            // Weights in [0, 1): 0 <= h_input <= x.sum(), and near numpy's 11,302..15,595.
            QVERIFY2(hIn > 10000 && hIn < kPixelSum, qPrintable(QString::number(hIn)));
            QVERIFY(t.hiddenOutputs[0][h] > 0.99f);
        }
        for (int o = 0; o < 10; ++o) {
            QVERIFY2(t.outputInput[o] > 30, qPrintable(QString::number(t.outputInput[o])));
            QVERIFY(t.outputOutput[o] > 0.99f);
        }
        // The sigmoid's slope there is 0 (in float32 the outputs are exactly 1): one lesson step
        // moves no weight, the reason the lesson's first attempt cannot learn.
        Network trained = net;
        trainOneSample(trained, digits.image(0), 5, 0.1f, true);
        QVERIFY(allWeights(trained) == allWeights(net));
        // With the lesson's scaling and weights the same digit gives outputs well inside 0..1.
        Architecture lesson;
        Network good(lesson);
        good.initialize(Init::Lesson, 1);
        const LessonTrace g = traceSample(good, digits.image(0), 5, true);
        QVERIFY(g.outputOutput.maxCoeff() < 0.99f && g.outputOutput.minCoeff() > 0.01f);
    }

    // ---- rand and rand - 0.5 ------------------------------------------------------------------

    void randWeights_data()
    {
        QTest::addColumn<int>("init");
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("mean");
        QTest::newRow("rand: uniform 0..1") << int(Init::Rand) << 0.0 << 0.5;
        QTest::newRow("rand - 0.5: uniform -0.5..0.5") << int(Init::RandCentered) << -0.5 << 0.0;
    }

    // 70,560 weights of 784-90-10 drawn from seed 1: all in [low, low + 1), spread over the
    // whole interval, the mean within 0.01 of the middle (its standard error is 0.0011, so
    // the bound is 9 of them) and half of them on each side.
    void randWeights()
    {
        QFETCH(int, init);
        QFETCH(double, low);
        QFETCH(double, mean);
        Network net{Architecture{}};
        net.initialize(Init(init), 1);
        const std::vector<float> w = allWeights(net);
        QCOMPARE(w.size(), std::size_t(784 * 90 + 90 * 10));
        const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
        QVERIFY2(*lo >= low && *hi < low + 1.0, qPrintable(QString("%1 .. %2").arg(*lo).arg(*hi)));
        QVERIFY(*lo < low + 0.001 && *hi > low + 0.999);
        double sum = 0;
        std::size_t below = 0;
        for (float v : w) {
            sum += v;
            below += v < mean;
        }
        QVERIFY2(std::abs(sum / double(w.size()) - mean) < 0.01, qPrintable(QString::number(sum / double(w.size()))));
        QVERIFY(std::abs(double(below) / double(w.size()) - 0.5) < 0.01);
        // Deterministic per seed, different between seeds.
        Network again{Architecture{}}, other{Architecture{}};
        again.initialize(Init(init), 1);
        other.initialize(Init(init), 2);
        QVERIFY(allWeights(again) == w);
        QVERIFY(allWeights(other) != w);
    }

    // ---- Targets 0/1 --------------------------------------------------------------------------

    void targetsVector()
    {
        QCOMPARE(targetValue(Loss::SquaredError, Targets::Lesson, true), 0.99f);
        QCOMPARE(targetValue(Loss::SquaredError, Targets::Lesson, false), 0.01f);
        QCOMPARE(targetValue(Loss::SquaredError, Targets::ZeroOne, true), 1.0f);
        QCOMPARE(targetValue(Loss::SquaredError, Targets::ZeroOne, false), 0.0f);
        QCOMPARE(targetValue(Loss::CrossEntropy, Targets::Lesson, true), 1.0f); // always one-hot
        QCOMPARE(targetValue(Loss::CrossEntropy, Targets::Lesson, false), 0.0f);
        // The target column the step inspector shows, for the label 1 of the 4-3-2 net.
        for (const Targets targets : {Targets::Lesson, Targets::ZeroOne}) {
            const LessonTrace t = traceSample(smallNet(Scaling::Lesson, targets), kPixels, 1, true);
            QCOMPARE(t.target.size(), Eigen::Index(2));
            QCOMPARE(t.target[0], targets == Targets::Lesson ? 0.01f : 0.0f);
            QCOMPARE(t.target[1], targets == Targets::Lesson ? 0.99f : 1.0f);
            QCOMPARE(t.outputErrors[1], t.target[1] - t.outputOutput[1]);
        }
    }

    // One per-sample SGD step (the lesson's update, l_r 0.1, label 0) of the 4-3-2 net through
    // each of the trainer's paths, against numpy's:
    //   x = px/255*0.99+0.01 (lesson) or px (raw); t = [.99,.01] (lesson) or [1.,0.] (0-1)
    //   h = sig(W1 @ x); o = sig(W2 @ h); oe = t - o; he = W2.T @ oe
    //   W2 += lr * np.outer(oe*o*(1-o), h); W1 += lr * np.outer(he*h*(1-h), x)
    //   E = 0.5 * np.sum((t - o)**2)
    void oneStepAgainstNumpy_data()
    {
        QTest::addColumn<int>("scaling");
        QTest::addColumn<int>("targets");
        QTest::addColumn<int>("path"); // 0 per-sample blocks, 1 mini-batch dense, 2 mini-batch sparse
        QTest::addColumn<double>("loss");
        QTest::addColumn<std::vector<double>>("w1");
        QTest::addColumn<std::vector<double>>("w2");
        const struct
        {
            const char* name;
            Scaling scaling;
            Targets targets;
            double loss;
            std::vector<double> w1, w2;
        } cases[] = {
            {"lesson inputs, 0/1 targets", Scaling::Lesson, Targets::ZeroOne, 0.3348201186868785,
             {0.0041918875, -0.0005416547, 0.0197275694, 0.0161887537, -0.0062613237, 0.0060139397,
              -0.0142475759, -0.021132373, 0.0018681048, 0.0019975964, -0.0136863115, -0.0121895214},
             {0.9061001993, -1.1938904045, 0.4060872247, -0.5074100365, 0.6925785497, 1.092605724}},
            {"lesson inputs, lesson targets", Scaling::Lesson, Targets::Lesson, 0.32347172419750214,
             {0.0041883875, -0.0005682547, 0.0195501401, 0.015838754, -0.0062565738, 0.0060500394,
              -0.0140067804, -0.020657376, 0.0018698548, 0.0020108964, -0.0135975969, -0.0120145216},
             {0.9059751511, -1.1940156453, 0.4059624425, -0.5072972525, 0.6926915074, 1.0927182681}},
            {"raw inputs, 0/1 targets", Scaling::Raw, Targets::ZeroOne, 0.3698131536983308,
             {4.0e-03, 3.3122947892e-01, 2.5190219589, 4.9954421837, -6.0e-03, -3.1810405441e-01,
              -2.4563717038, -4.8865608162, 2.0e-03, -1.8973843467e-01, -1.4582070375, -2.89007652},
             {0.9085259629, -1.1891979595, 0.4049202821, -0.5091436034, 0.6884154347, 1.0947232812}},
            {"raw inputs, lesson targets", Scaling::Raw, Targets::Lesson, 0.3577862421260577,
             {4.0e-03, 3.2561078015e-01, 2.4767164623, 4.9111617023, -6.0e-03, -3.1261519807e-01,
              -2.4150438443, -4.8042279711, 2.0e-03, -1.8700802209e-01, -1.4376486369, -2.8491203314},
             {0.9083736834, -1.1893908913, 0.4048324025, -0.5090035364, 0.6885928938, 1.0948041131}},
        };
        const char* const paths[] = {"per-sample", "mini-batch dense", "mini-batch sparse"};
        for (const auto& c : cases)
            for (int path = 0; path < 3; ++path)
                QTest::newRow(qPrintable(QString("%1, %2").arg(QLatin1String(c.name), QLatin1String(paths[path]))))
                    << int(c.scaling) << int(c.targets) << path << c.loss << c.w1 << c.w2;
    }

    void oneStepAgainstNumpy()
    {
        QFETCH(int, scaling);
        QFETCH(int, targets);
        QFETCH(int, path);
        QFETCH(double, loss);
        QFETCH(std::vector<double>, w1);
        QFETCH(std::vector<double>, w2);
        const Network start = smallNet(Scaling(scaling), Targets(targets));
        const Dataset data = oneSample();

        // The loss of the sample before the step.
        const LessonTrace before = traceSample(start, kPixels, kLabel, true);
        const double e = outputLoss(start.architecture(), before.outputOutput.data(), 2, kLabel);
        QVERIFY2(std::abs(e - loss) < 1e-6, qPrintable(QString::number(e, 'g', 10)));

        TrainingConfig cfg; // batch 1, SGD, the lesson's errors: its per-sample update
        cfg.lessonErrors = true;
        cfg.optimizer.learningRate = kLr;
        cfg.threads = 1;
        if (path > 0) { // momentum 0 is plain SGD through the general mini-batch path
            cfg.optimizer.kind = OptimizerKind::Momentum;
            cfg.optimizer.momentum = 0.0f;
            cfg.inputPath = path == 1 ? InputPath::Dense : InputPath::Sparse;
        }
        Trainer trainer(start, data, cfg);
        trainer.step();
        QCOMPARE(trainer.samplesSeen(), std::uint64_t(1));
        const Network& net = trainer.network();
        for (int h = 0; h < 3; ++h)
            for (int i = 0; i < 4; ++i)
                QVERIFY2(nearlyEqual(net.weights(0)(h, i), w1[std::size_t(h * 4 + i)], 4e-6),
                         qPrintable(QString("w_i_h[%1][%2]: %3, numpy %4").arg(h).arg(i)
                                        .arg(net.weights(0)(h, i), 0, 'g', 9).arg(w1[std::size_t(h * 4 + i)], 0, 'g', 9)));
        for (int o = 0; o < 2; ++o)
            for (int h = 0; h < 3; ++h)
                QVERIFY2(nearlyEqual(net.weights(1)(o, h), w2[std::size_t(o * 3 + h)], 4e-6),
                         qPrintable(QString("w_h_o[%1][%2]: %3, numpy %4").arg(o).arg(h)
                                        .arg(net.weights(1)(o, h), 0, 'g', 9).arg(w2[std::size_t(o * 3 + h)], 0, 'g', 9)));
        // The step inspector's own lesson step agrees.
        Network inspected = start;
        trainOneSample(inspected, kPixels, kLabel, kLr, true);
        QVERIFY(nearlyEqual(inspected.weights(0)(0, 3), w1[3], 4e-6));
        QVERIFY(nearlyEqual(inspected.weights(1)(1, 2), w2[5], 4e-6));
    }

    // ---- The preset -----------------------------------------------------------------------------

    void firstAttemptPreset()
    {
        const auto p = findPreset("lesson-first-attempt");
        QVERIFY(p);
        const Architecture& a = p->architecture;
        QCOMPARE(a.layerSizes(), (std::vector<int>{784, 90, 10}));
        QCOMPARE(int(a.hiddenActivation), int(Activation::Sigmoid));
        QCOMPARE(int(a.output), int(Output::Sigmoid));
        QCOMPARE(int(a.loss), int(Loss::SquaredError));
        QVERIFY(!a.biases);
        QCOMPARE(int(a.scaling), int(Scaling::Raw));
        QCOMPARE(int(a.targets), int(Targets::Lesson));
        QCOMPARE(int(p->init), int(Init::Rand));
        QCOMPARE(int(p->training.optimizer.kind), int(OptimizerKind::SGD));
        QCOMPARE(p->training.optimizer.learningRate, 0.1f);
        QCOMPARE(p->training.batchSize, 1);
        QCOMPARE(p->training.trainingSize, std::size_t(100));
        QCOMPARE(p->epochs, 1);
        QVERIFY(p->description.find("h_output is 1") != std::string::npos);
        const std::string setup = describeSetup(*p);
        QVERIFY2(setup.find("init rand, seed 1") != std::string::npos &&
                     setup.find("raw pixels 0-255") != std::string::npos,
                 setup.c_str());
    }

    // Trained as the preset says on the first 100 images: nothing moves, and every test answer
    // is the same digit (all ten o_output are 1), so accuracy is that digit's share: chance.
    void firstAttemptLearnsNothing()
    {
        const auto p = findPreset("lesson-first-attempt");
        const Dataset digits = firstTrainingDigits();
        Architecture a = p->architecture;
        Network start(a);
        start.initialize(p->init, p->weightSeed);
        TrainingConfig cfg = p->training;
        cfg.threads = 1;
        Trainer trainer(start, digits, cfg);
        QCOMPARE(trainer.trainEpoch().end, SliceEnd::EpochEnded);
        QCOMPARE(trainer.samplesSeen(), std::uint64_t(100));
        QVERIFY(allWeights(trainer.network()) == allWeights(start));
        const Evaluation e = evaluate(trainer.network(), digits);
        QVERIFY(std::all_of(e.predictions.begin(), e.predictions.end(),
                            [&](std::uint8_t d) { return d == e.predictions.front(); }));
        QVERIFY2(e.accuracy < 0.2, qPrintable(QString::number(e.accuracy)));
    }

    void architectureText()
    {
        Architecture a;
        a.scaling = Scaling::Raw;
        a.targets = Targets::ZeroOne;
        QCOMPARE(QString::fromStdString(a.describe()),
                 "784-90-10 sigmoid, sigmoid output, squared-error, no biases, raw pixels 0-255, "
                 "targets 0 and 1");
        QCOMPARE(QString::fromStdString(a.describe(Detail::Brief)), "784-90-10 sigmoid");
        a.loss = Loss::CrossEntropy; // its targets are one-hot whatever the field says
        QCOMPARE(QString::fromStdString(a.describe()),
                 "784-90-10 sigmoid, sigmoid output, cross-entropy, no biases, raw pixels 0-255");
        QCOMPARE(toString(Scaling::Raw), std::string_view("raw"));
        QCOMPARE(toString(Init::Rand), std::string_view("rand"));
        QCOMPARE(toString(Init::RandCentered), std::string_view("rand-0.5"));
        QCOMPARE(toString(Targets::ZeroOne), std::string_view("0-1"));
        QCOMPARE(parseTargets("lesson"), std::optional(Targets::Lesson));
        QCOMPARE(parseTargets("0/1"), std::optional<Targets>());
        QCOMPARE(parseInit("rand-0.5"), std::optional(Init::RandCentered));
        QCOMPARE(parseScaling("raw"), std::optional(Scaling::Raw));
    }

    // ---- Sweeps ----------------------------------------------------------------------------------

    void sweepKnobs()
    {
        QCOMPARE(parseSweep("init=rand,rand-0.5,lesson").values,
                 (std::vector<std::string>{"rand", "rand-0.5", "lesson"}));
        QCOMPARE(parseSweep("scaling=raw,lesson").values, (std::vector<std::string>{"raw", "lesson"}));
        const SweepSpec targets = parseSweep("targets=lesson,0-1");
        QCOMPARE(int(targets.knob), int(SweepKnob::Targets));
        QCOMPARE(knobInfo(SweepKnob::Targets).name, std::string_view("targets"));
        const Preset base = *findPreset("lesson-100");
        QCOMPARE(int(sweepRunPreset(base, SweepKnob::Targets, "0-1", 1, 1000).architecture.targets), int(Targets::ZeroOne));
        QCOMPARE(int(sweepRunPreset(base, SweepKnob::Scaling, "raw", 1, 1000).architecture.scaling), int(Scaling::Raw));
        QCOMPARE(int(sweepRunPreset(base, SweepKnob::Init, "rand", 1, 1000).init), int(Init::Rand));
        QCOMPARE(knobPosition(SweepKnob::Targets, "0-1"), 1.0);
        QVERIFY_THROWS_EXCEPTION(SweepError, parseSweep("targets=0/1"));
        try {
            parseSweep("targets=lesson,0/1");
            QFAIL("targets=0/1 was taken");
        } catch (const SweepError& e) {
            QCOMPARE(QString(e.what()), "targets=0/1 is not one of lesson, 0-1");
        }
    }

    // A sweep file's base settings keep the targets; a file written before them still reads.
    void sweepFileBaseSettings()
    {
        Preset p = *findPreset("lesson-first-attempt");
        p.architecture.targets = Targets::ZeroOne;
        const std::string text = presetSettingsText(p);
        QVERIFY(text.find(" scaling=raw targets=0-1 init=rand ") != std::string::npos);
        const Preset back = presetFromSettingsText(text);
        QCOMPARE(back.architecture, p.architecture);
        QCOMPARE(int(back.init), int(Init::Rand));
        std::string old = presetSettingsText(*findPreset("lesson"));
        old.erase(old.find(" targets=lesson"), std::string(" targets=lesson").size());
        QCOMPARE(int(presetFromSettingsText(old).architecture.targets), int(Targets::Lesson));
    }

    // ---- Model files -------------------------------------------------------------------------------

    void modelFilesKeepTheChoices_data()
    {
        QTest::addColumn<int>("scaling");
        QTest::addColumn<int>("targets");
        QTest::addColumn<int>("loss");
        QTest::addColumn<int>("scalingByte");
        QTest::addColumn<int>("lossByte"); // docs/model-format.md: bit 2 is the targets
        for (int s = 0; s < 3; ++s)
            for (int t = 0; t < 2; ++t)
                for (int l = 0; l < 2; ++l)
                    QTest::newRow(qPrintable(QString("%1 scaling, %2 targets, %3")
                                                 .arg(text(toString(Scaling(s))), text(toString(Targets(t))),
                                                      text(toString(Loss(l))))))
                        << s << t << l << s << (l | (t << 2));
    }

    void modelFilesKeepTheChoices()
    {
        QFETCH(int, scaling);
        QFETCH(int, targets);
        QFETCH(int, loss);
        QFETCH(int, scalingByte);
        QFETCH(int, lossByte);
        Model m = nnlab::test::makeModel({5}, false, Activation::Sigmoid, Output::Sigmoid, Loss(loss));
        Architecture a = m.network.architecture();
        a.scaling = Scaling(scaling);
        a.targets = Targets(targets);
        Network net(a);
        for (int l = 0; l < net.layerCount(); ++l)
            net.weights(l) = m.network.weights(l);
        m.network = net;

        const std::string bytes = nnlabBytes(m);
        // magic 8, version 4, inputs 4, hidden count 4, one hidden size 4, outputs 4: byte 28 is
        // the activation, then the output, the loss (30), the biases and the scaling (32).
        QCOMPARE(int(std::uint8_t(bytes[30])), lossByte);
        QCOMPARE(int(std::uint8_t(bytes[32])), scalingByte);
        std::istringstream in(bytes);
        const Model back = readModel(in, "mem");
        QCOMPARE(back.network.architecture(), a);
        QVERIFY(back.network == m.network);

        std::ostringstream npz;
        writeNpz(npz, m, "mem.npz");
        std::istringstream npzIn(npz.str());
        const Model fromNpz = readNpz(npzIn, "mem.npz");
        QCOMPARE(fromNpz.network.architecture(), a);
    }

    // Files written before issue 14 open, with the lesson's targets; those of this nnlab are
    // refused by the codes an older reader does not know.
    void oldFilesStillOpen_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("version 1: the bundled model") << "resources/models/default.nnlab";
        QTest::newRow("version 1: numpy's lesson net") << "tests/fuzz/corpus/fuzz_model_file/v1-numpy-lesson.nnlab";
        QTest::newRow("version 2 with provenance") << "tests/fuzz/corpus/fuzz_model_file/v2-provenance.nnlab";
        QTest::newRow("npz with an architecture but no targets") << "tests/engine/data/numpy_compressed.npz";
        QTest::newRow("npz without an architecture") << "tests/engine/data/numpy_lesson.npz";
    }

    void oldFilesStillOpen()
    {
        QFETCH(QString, file);
        const std::string path = nnlab::test::sourceFile(file).toStdString();
        const Model m = file.endsWith(".npz") ? loadNpz(path) : loadModel(path);
        QCOMPARE(int(m.network.architecture().targets), int(Targets::Lesson));
        QVERIFY(m.network.architecture().scaling != Scaling::Raw);
    }

    void unknownCodesAreRefused_data()
    {
        QTest::addColumn<int>("at");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("loss 2") << 30 << 2 << "(byte 30): unknown loss code 2";
        QTest::newRow("targets 2") << 30 << 8 << "(byte 30): unknown loss code 8";
        QTest::newRow("scaling 3") << 32 << 3 << "(byte 32): unknown input scaling code 3";
    }

    void unknownCodesAreRefused()
    {
        QFETCH(int, at);
        QFETCH(int, code);
        QFETCH(QString, message);
        std::string bytes = nnlabBytes(nnlab::test::makeModel({5}, false, Activation::Sigmoid,
                                                               Output::Sigmoid, Loss::SquaredError));
        bytes[std::size_t(at)] = char(code);
        std::istringstream in(bytes);
        try {
            readModel(in, "spoiled.nnlab");
            QFAIL("the spoiled file was read");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestLessonMistakes)
#include "tst_lesson_mistakes.moc"
