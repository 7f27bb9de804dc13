// The step inspector's arithmetic: the lesson's quantities for one image against a hand
// computation in double, and one per-sample update against the batched trainer.
#include "engine/saliency.h"
#include "engine/step_trace.h"
#include "engine/trainer.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace nnlab::engine;

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// A 4-3-2 lesson net with weights chosen by hand.
const double kWih[3][4] = {{0.5, -0.2, 0.1, 0.7}, {-0.6, 0.3, 0.9, -0.1}, {0.2, 0.8, -0.4, 0.3}};
const double kWho[2][3] = {{0.4, -0.9, 0.6}, {-0.3, 0.5, 0.8}};
const std::uint8_t kPixels[4] = {0, 128, 255, 64};

Network handNet()
{
    Architecture a;
    a.inputs = 4;
    a.hidden = {3};
    a.outputs = 2;
    Network n(a);
    for (int h = 0; h < 3; ++h)
        for (int i = 0; i < 4; ++i)
            n.weights(0)(h, i) = float(kWih[h][i]);
    for (int o = 0; o < 2; ++o)
        for (int h = 0; h < 3; ++h)
            n.weights(1)(o, h) = float(kWho[o][h]);
    return n;
}

Dataset oneSample(int pixels, int classes, std::uint32_t seed, int label)
{
    Dataset d;
    d.rows = 1;
    d.cols = pixels;
    for (int c = 0; c < classes; ++c)
        d.classNames.push_back(std::to_string(c));
    std::mt19937 rng(seed);
    for (int p = 0; p < pixels; ++p)
        d.pixels.push_back(std::uint8_t(rng() % 256));
    d.labels.push_back(std::uint8_t(label));
    return d;
}

double maxDifference(const Network& a, const Network& b)
{
    double m = 0;
    for (int l = 0; l < a.layerCount(); ++l) {
        m = std::max(m, double((a.weights(l) - b.weights(l)).cwiseAbs().maxCoeff()));
        if (a.architecture().biases)
            m = std::max(m, double((a.bias(l) - b.bias(l)).cwiseAbs().maxCoeff()));
    }
    return m;
}

} // namespace

class TestStepTrace : public QObject
{
    Q_OBJECT

private slots:
    void lessonQuantitiesByHand()
    {
        double x[4], hIn[3] = {}, hOut[3], oIn[2] = {}, oOut[2], target[2], oErr[2], hErr[3] = {};
        for (int i = 0; i < 4; ++i)
            x[i] = kPixels[i] / 255.0 * 0.99 + 0.01;
        for (int h = 0; h < 3; ++h) {
            for (int i = 0; i < 4; ++i)
                hIn[h] += kWih[h][i] * x[i];
            hOut[h] = sigmoid(hIn[h]);
        }
        for (int o = 0; o < 2; ++o) {
            for (int h = 0; h < 3; ++h)
                oIn[o] += kWho[o][h] * hOut[h];
            oOut[o] = sigmoid(oIn[o]);
            target[o] = o == 1 ? 0.99 : 0.01;
            oErr[o] = target[o] - oOut[o];
        }
        for (int h = 0; h < 3; ++h)
            for (int o = 0; o < 2; ++o)
                hErr[h] += kWho[o][h] * oErr[o];

        const LessonTrace t = traceSample(handNet(), kPixels, 1, true);
        for (int i = 0; i < 4; ++i)
            QVERIFY(std::abs(t.input[i] - x[i]) < 1e-6);
        for (int h = 0; h < 3; ++h) {
            QVERIFY(std::abs(t.hiddenInputs[0][h] - hIn[h]) < 1e-6);
            QVERIFY(std::abs(t.hiddenOutputs[0][h] - hOut[h]) < 1e-6);
            QVERIFY(std::abs(t.hiddenErrors[0][h] - hErr[h]) < 1e-6);
        }
        for (int o = 0; o < 2; ++o) {
            QVERIFY(std::abs(t.outputInput[o] - oIn[o]) < 1e-6);
            QVERIFY(std::abs(t.outputOutput[o] - oOut[o]) < 1e-6);
            QCOMPARE(t.target[o], float(target[o]));
            QVERIFY(std::abs(t.outputErrors[o] - oErr[o]) < 1e-6);
        }
        QCOMPARE(t.predicted, oOut[1] > oOut[0] ? 1 : 0);

        // The exact gradient sends back o_errors * o_output * (1 - o_output) instead.
        const LessonTrace exact = traceSample(handNet(), kPixels, 1, false);
        for (int h = 0; h < 3; ++h) {
            double e = 0;
            for (int o = 0; o < 2; ++o)
                e += kWho[o][h] * oErr[o] * oOut[o] * (1 - oOut[o]);
            QVERIFY(std::abs(exact.hiddenErrors[0][h] - e) < 1e-6);
        }

        // The lesson's update, by hand.
        Network net = handNet();
        trainOneSample(net, kPixels, 1, 0.3f, true);
        for (int o = 0; o < 2; ++o)
            for (int h = 0; h < 3; ++h) {
                const double w = kWho[o][h] + 0.3 * oErr[o] * oOut[o] * (1 - oOut[o]) * hOut[h];
                QVERIFY(std::abs(net.weights(1)(o, h) - w) < 1e-6);
            }
        for (int h = 0; h < 3; ++h)
            for (int i = 0; i < 4; ++i) {
                const double w = kWih[h][i] + 0.3 * hErr[h] * hOut[h] * (1 - hOut[h]) * x[i];
                QVERIFY(std::abs(net.weights(0)(h, i) - w) < 1e-6);
            }
    }

    void agreesWithTheTrainer_data()
    {
        QTest::addColumn<QString>("activation");
        QTest::addColumn<QString>("output");
        QTest::addColumn<bool>("biases");
        QTest::addColumn<bool>("lessonErrors");
        QTest::addColumn<int>("hiddenLayers");
        QTest::newRow("lesson") << "sigmoid" << "sigmoid" << false << true << 1;
        QTest::newRow("lesson, exact gradient") << "sigmoid" << "sigmoid" << false << false << 1;
        QTest::newRow("tanh, 2 layers, biases") << "tanh" << "sigmoid" << true << false << 2;
        QTest::newRow("relu softmax, biases") << "relu" << "softmax" << true << false << 1;
        QTest::newRow("relu softmax, 3 layers, lesson errors") << "relu" << "softmax" << true << true << 3;
    }

    void agreesWithTheTrainer()
    {
        QFETCH(QString, activation);
        QFETCH(QString, output);
        QFETCH(bool, biases);
        QFETCH(bool, lessonErrors);
        QFETCH(int, hiddenLayers);
        Architecture a;
        a.inputs = 20;
        a.hidden.assign(std::size_t(hiddenLayers), 7);
        a.outputs = 4;
        a.hiddenActivation = *parseActivation(activation.toStdString());
        a.output = *parseOutput(output.toStdString());
        a.loss = a.output == Output::Softmax ? Loss::CrossEntropy : Loss::SquaredError;
        a.biases = biases;
        Network net(a);
        net.initialize(Init::Glorot, 3);
        const Dataset d = oneSample(20, 4, 5, 2);

        TrainingConfig c;
        c.batchSize = 1;
        c.threads = 1;
        c.optimizer.learningRate = 0.2f;
        c.lessonErrors = lessonErrors;
        Trainer trainer(net, d, c);
        QCOMPARE(trainer.step().samples, std::size_t(1));

        Network mine = net;
        trainOneSample(mine, d.image(0), 2, 0.2f, lessonErrors);
        QVERIFY(maxDifference(mine, net) > 1e-3); // it moved
        const double diff = maxDifference(mine, trainer.network());
        QVERIFY2(diff < 2e-6, qPrintable(QString::number(diff)));
    }

    // gradient x input against central differences of o_input[class], in double.
    void saliencyMatchesFiniteDifferences_data()
    {
        QTest::addColumn<QString>("activation");
        QTest::addColumn<int>("hiddenLayers");
        QTest::newRow("sigmoid, the lesson") << "sigmoid" << 1;
        QTest::newRow("tanh, 2 layers") << "tanh" << 2;
        QTest::newRow("relu, 2 layers") << "relu" << 2;
        QTest::newRow("no hidden layer") << "sigmoid" << 0;
    }

    void saliencyMatchesFiniteDifferences()
    {
        QFETCH(QString, activation);
        QFETCH(int, hiddenLayers);
        Architecture a;
        a.inputs = 12;
        a.hidden.assign(std::size_t(hiddenLayers), 6);
        a.outputs = 3;
        a.hiddenActivation = *parseActivation(activation.toStdString());
        a.biases = true;
        Network net(a);
        net.initialize(Init::Glorot, 11);
        Vector x(12);
        for (int i = 0; i < 12; ++i)
            x[i] = 0.05f + 0.07f * float(i % 5);
        const std::vector<float> s = gradientTimesInput(net, x, 2);
        QCOMPARE(s.size(), std::size_t(12));
        for (int i = 0; i < 12; ++i) {
            const float h = 1e-2f;
            Vector up = x, down = x;
            up[i] += h;
            down[i] -= h;
            const double slope = (double(net.trace(up).preActivations.back()[2]) -
                                  double(net.trace(down).preActivations.back()[2])) / (2.0 * h);
            QVERIFY2(std::abs(slope * x[i] - s[std::size_t(i)]) < 2e-3,
                     qPrintable(QStringLiteral("pixel %1: %2 vs %3").arg(i).arg(slope * x[i]).arg(s[std::size_t(i)])));
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, gradientTimesInput(net, x, 3));
    }

    void badLabelIsRefused()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, traceSample(handNet(), kPixels, 2, true));
    }
};

QTEST_APPLESS_MAIN(TestStepTrace)
#include "tst_step_trace.moc"
