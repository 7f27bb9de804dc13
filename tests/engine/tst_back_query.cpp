// The network run backwards (issue 15): back-query against numbers worked by hand and loops in
// double, its flat and "does not apply" cases; and the lesson's error flow link by link against
// the lesson's worked example (-0.79 x 0.6, -0.79 x 0.4), a hand computation, the step trace and
// one gradient step.
#include "engine/back_query.h"
#include "engine/error_flow.h"
#include "engine/step_trace.h"
#include "engine/worked_example.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

using namespace nnlab::engine;

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double y) { return std::log(y / (1.0 - y)); }

// Within half of the fourth decimal: "the same to 4 decimals".
constexpr double k4Decimals = 5e-5;

// A sigmoid net without biases of the given sizes, weights from `w` (layer l is out x in).
Network sigmoidNet(std::vector<int> sizes, const std::vector<std::vector<double>>& w)
{
    Architecture a;
    a.inputs = sizes.front();
    a.outputs = sizes.back();
    a.hidden.assign(sizes.begin() + 1, sizes.end() - 1);
    Network n(a);
    for (int l = 0; l < n.layerCount(); ++l)
        for (int j = 0; j < n.weights(l).rows(); ++j)
            for (int i = 0; i < n.weights(l).cols(); ++i)
                n.weights(l)(j, i) =
                    float(w[std::size_t(l)][std::size_t(j * n.weights(l).cols() + i)]);
    return n;
}

// The book's backquery() in double, with plain loops: w[l] is out x in, row by row.
std::vector<double> backQueryByLoops(const std::vector<int>& sizes,
                                     const std::vector<std::vector<double>>& w,
                                     std::vector<double> values)
{
    for (int l = int(sizes.size()) - 2; l >= 0; --l) {
        const int in = sizes[std::size_t(l)], out = sizes[std::size_t(l + 1)];
        std::vector<double> below(static_cast<std::size_t>(in), 0.0);
        for (int j = 0; j < out; ++j)
            for (int i = 0; i < in; ++i)
                below[std::size_t(i)] +=
                    w[std::size_t(l)][std::size_t(j * in + i)] * logit(values[std::size_t(j)]);
        double low = below[0], high = below[0];
        for (double v : below) {
            low = std::min(low, v);
            high = std::max(high, v);
        }
        for (double& v : below)
            v = (v - low) / (high - low) * 0.98 + 0.01;
        values = below;
    }
    return values;
}

std::vector<double> randomWeights(std::mt19937& rng, int count)
{
    std::normal_distribution<double> normal(0.0, 0.5);
    std::vector<double> w(static_cast<std::size_t>(count));
    for (double& v : w)
        v = normal(rng);
    return w;
}

Batch oneColumn(const Vector& v)
{
    return Batch(v);
}

// The same shape and every value equal (either may be empty).
template <typename A, typename B>
bool same(const A& a, const B& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() && (a.size() == 0 || a == b);
}

double maxAbs(const Eigen::MatrixXf& m) { return double(m.cwiseAbs().maxCoeff()); }

} // namespace

class TestBackQuery : public QObject
{
    Q_OBJECT

private slots:
    // ---------------------------------------------------------------------------------------
    // Back-query

    // No hidden layer, worked by hand: w = [[1, 0, -1], [0, 1, 2]], target (0.99, 0.01).
    // logit(0.99) = L = 4.59512, logit(0.01) = -L; w^T . (L, -L) = (L, -L, -3L); rescaled with
    // min -3L and max L: (0.99, 0.5, 0.01).
    void byHandWithoutHiddenLayer()
    {
        const Network net = sigmoidNet({3, 2}, {{1, 0, -1, 0, 1, 2}});
        const Batch image = backQuery(net, oneColumn(backQueryTarget(0, 2)));
        QCOMPARE(image.rows(), 3);
        QCOMPARE(image.cols(), 1);
        QVERIFY(std::abs(image(0, 0) - 0.99f) < 1e-6f);
        QVERIFY(std::abs(image(1, 0) - 0.5f) < 1e-6f);
        QVERIFY(std::abs(image(2, 0) - 0.01f) < 1e-6f);
    }

    // Two hidden layers (any depth) against loops in double, for each output and a blend.
    void deeperNetAgainstLoops_data()
    {
        QTest::addColumn<QVector<double>>("target");
        QTest::newRow("output 0") << QVector<double>{0.99, 0.01, 0.01};
        QTest::newRow("output 2") << QVector<double>{0.01, 0.01, 0.99};
        QTest::newRow("0.99 on outputs 0 and 1") << QVector<double>{0.99, 0.99, 0.01};
        QTest::newRow("any values in (0, 1)") << QVector<double>{0.3, 0.75, 0.02};
    }

    void deeperNetAgainstLoops()
    {
        QFETCH(QVector<double>, target);
        const std::vector<int> sizes{6, 5, 4, 3};
        std::mt19937 rng(11);
        std::vector<std::vector<double>> w;
        for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
            // Weights exact in float, so the loops see the very weights the network holds.
            std::vector<double> layer = randomWeights(rng, sizes[l] * sizes[l + 1]);
            for (double& v : layer)
                v = double(float(v));
            w.push_back(layer);
        }
        const Network net = sigmoidNet(sizes, w);
        Vector t(3);
        for (int o = 0; o < 3; ++o)
            t[o] = float(target[o]);
        std::vector<double> tFloat(target.begin(), target.end());
        for (double& v : tFloat)
            v = double(float(v));
        const std::vector<double> expected = backQueryByLoops(sizes, w, tFloat);
        const Batch image = backQuery(net, oneColumn(t));
        QCOMPARE(image.rows(), 6);
        for (int i = 0; i < 6; ++i)
            QVERIFY2(std::abs(image(i, 0) - expected[std::size_t(i)]) < 1e-6,
                     qPrintable(QString("input %1: %2, expected %3")
                                    .arg(i)
                                    .arg(image(i, 0))
                                    .arg(expected[std::size_t(i)])));
        QVERIFY(std::abs(image.minCoeff() - 0.01f) < 1e-6f);
        QVERIFY(std::abs(image.maxCoeff() - 0.99f) < 1e-6f);
    }

    // One image per output, each from the lesson's target: column k = back-query of output k.
    void allOutputsAreTheLessonTargets()
    {
        Network net(Architecture{});
        net.initialize(Init::Lesson, 5);
        const Batch all = backQueryAllOutputs(net);
        QCOMPARE(all.rows(), 784);
        QCOMPARE(all.cols(), 10);
        for (int k = 0; k < 10; ++k) {
            const Vector t = backQueryTarget(k, 10);
            QCOMPARE(t[k], 0.99f);
            QCOMPARE(t[(k + 1) % 10], 0.01f);
            QCOMPARE(t.sum(), 0.99f + 9 * 0.01f);
            QCOMPARE(maxAbs(all.col(k) - backQuery(net, oneColumn(t)).col(0)), 0.0);
        }
        QVERIFY(maxAbs(all.col(3) - all.col(8)) > 0.05); // each digit its own image
        QVERIFY(all.allFinite());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, backQueryTarget(10, 10));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, backQueryTarget(-1, 10));
    }

    // max == min in a column: no shape to rescale, 0.5 everywhere, never NaN.
    void flatColumns_data()
    {
        QTest::addColumn<QVector<double>>("weights0");
        QTest::addColumn<QVector<double>>("weights1");
        QTest::addColumn<QVector<double>>("target");
        QTest::addColumn<QVector<double>>("expected");
        const QVector<double> anyW0{0.3, -0.7, 0.2, 0.5, 0.9, -0.4}; // 2 x 3
        QTest::newRow("all weights zero") << QVector<double>(6, 0.0) << QVector<double>(4, 0.0)
                                          << QVector<double>{0.99, 0.01}
                                          << QVector<double>{0.5, 0.5, 0.5};
        // Equal columns in w_h_o: both hidden nodes get the same sum, so h_output is flat at
        // 0.5, its logit is 0 and every input sum is 0: flat again.
        QTest::newRow("hidden layer flat") << anyW0 << QVector<double>{1, 1, 2, 2}
                                           << QVector<double>{0.99, 0.01}
                                           << QVector<double>{0.5, 0.5, 0.5};
        // A target of 0.5 everywhere: its logit is 0.
        QTest::newRow("target all 0.5") << anyW0 << QVector<double>{0.4, -0.6, 0.8, 0.1}
                                        << QVector<double>{0.5, 0.5}
                                        << QVector<double>{0.5, 0.5, 0.5};
        // Equal columns in w_i_h only: the hidden layer has a shape, the image none.
        QTest::newRow("image flat") << QVector<double>{0.3, 0.3, 0.3, -0.2, -0.2, -0.2}
                                    << QVector<double>{0.4, -0.6, 0.8, 0.1}
                                    << QVector<double>{0.99, 0.01}
                                    << QVector<double>{0.5, 0.5, 0.5};
    }

    void flatColumns()
    {
        QFETCH(QVector<double>, weights0);
        QFETCH(QVector<double>, weights1);
        QFETCH(QVector<double>, target);
        QFETCH(QVector<double>, expected);
        const Network net =
            sigmoidNet({3, 2, 2}, {std::vector<double>(weights0.begin(), weights0.end()),
                                   std::vector<double>(weights1.begin(), weights1.end())});
        Vector t(2);
        t << float(target[0]), float(target[1]);
        const Batch image = backQuery(net, oneColumn(t));
        QVERIFY(image.allFinite());
        for (int i = 0; i < 3; ++i)
            QCOMPARE(image(i, 0), float(expected[i]));
    }

    // Nets it does not apply to: one sentence, in the lesson's words; backQuery throws it.
    void doesNotApply_data()
    {
        QTest::addColumn<QString>("activation");
        QTest::addColumn<QString>("output");
        QTest::addColumn<bool>("biases");
        QTest::addColumn<int>("hiddenLayers");
        QTest::addColumn<QString>("scaling");
        QTest::addColumn<QString>("names"); // a word the sentence must have; empty: it applies
        QTest::newRow("the lesson's net") << "sigmoid" << "sigmoid" << false << 1 << "lesson" << "";
        QTest::newRow("three sigmoid hidden layers") << "sigmoid"
                                                     << "sigmoid" << false << 3 << "lesson"
                                                     << "";
        QTest::newRow("no hidden layer") << "sigmoid" << "sigmoid" << false << 0 << "lesson" << "";
        QTest::newRow("raw pixels") << "sigmoid" << "sigmoid" << false << 1 << "raw" << "";
        QTest::newRow("unit scaling") << "sigmoid" << "sigmoid" << false << 1 << "unit" << "";
        QTest::newRow("softmax output") << "sigmoid"
                                        << "softmax" << false << 1 << "lesson"
                                        << "softmax";
        QTest::newRow("relu/softmax, biases (the default model)")
            << "relu" << "softmax" << true << 1 << "unit" << "softmax";
        QTest::newRow("relu hidden layer") << "relu"
                                           << "sigmoid" << false << 1 << "lesson"
                                           << "ReLU";
        QTest::newRow("tanh hidden layer") << "tanh" << "sigmoid" << false << 2 << "lesson"
                                           << "tangent hyperbolic";
        QTest::newRow("biases") << "sigmoid" << "sigmoid" << true << 1 << "lesson" << "biases";
        QTest::newRow("relu named, but no hidden layer")
            << "relu" << "sigmoid" << false << 0 << "lesson" << "";
    }

    void doesNotApply()
    {
        QFETCH(QString, activation);
        QFETCH(QString, output);
        QFETCH(bool, biases);
        QFETCH(int, hiddenLayers);
        QFETCH(QString, scaling);
        QFETCH(QString, names);
        Architecture a;
        a.inputs = 8;
        a.hidden.assign(std::size_t(hiddenLayers), 5);
        a.outputs = 3;
        a.hiddenActivation = *parseActivation(activation.toStdString());
        a.output = *parseOutput(output.toStdString());
        a.loss = a.output == Output::Softmax ? Loss::CrossEntropy : Loss::SquaredError;
        a.biases = biases;
        a.scaling = *parseScaling(scaling.toStdString());
        const QString why = QString::fromStdString(backQueryUnavailable(a));
        Network net(a);
        net.initialize(Init::Glorot, 2);
        if (names.isEmpty()) {
            QVERIFY2(why.isEmpty(), qPrintable(why));
            const Batch images = backQueryAllOutputs(net);
            QCOMPARE(images.rows(), 8);
            QVERIFY(images.allFinite());
            return;
        }
        QVERIFY2(why.contains(names), qPrintable(why));
        QVERIFY2(why.startsWith("Back-query ") && why.endsWith('.'), qPrintable(why));
        QVERIFY2(why.count(". ") == 0, qPrintable(why)); // one sentence
        try {
            backQueryAllOutputs(net);
            QFAIL("backQuery ran a net it does not apply to");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString::fromUtf8(e.what()), why);
        }
    }

    // Target values the inverse sigmoid cannot take: a sentence naming the value, and a throw.
    void targetProblems_data()
    {
        QTest::addColumn<QVector<double>>("target");
        QTest::addColumn<QString>("message"); // empty: fine
        QTest::newRow("the lesson's") << QVector<double>{0.01, 0.99, 0.01} << "";
        QTest::newRow("any in (0, 1)") << QVector<double>{0.5, 0.001, 0.999} << "";
        QTest::newRow("a 1")
            << QVector<double>{0.01, 1.0, 0.01}
            << "output 1 is 1; the inverse sigmoid needs values strictly between 0 and 1";
        QTest::newRow("a 0") << QVector<double>{0.0, 0.5, 0.5} << "output 0 is 0;";
        QTest::newRow("negative") << QVector<double>{0.5, 0.5, -0.2} << "output 2 is -0.2;";
        QTest::newRow("NaN") << QVector<double>{0.5, std::nan(""), 0.5} << "output 1 is nan;";
        QTest::newRow("too few") << QVector<double>{0.5, 0.5}
                                 << "the target vector has 2 values; the network has 3 outputs";
    }

    void targetProblems()
    {
        QFETCH(QVector<double>, target);
        QFETCH(QString, message);
        const Network net = sigmoidNet({4, 3}, {std::vector<double>(12, 0.25)});
        Vector t(target.size());
        for (int o = 0; o < target.size(); ++o)
            t[o] = float(target[o]);
        const QString why = QString::fromStdString(backQueryTargetProblem(t, 3));
        if (message.isEmpty()) {
            QVERIFY2(why.isEmpty(), qPrintable(why));
            QVERIFY(backQuery(net, oneColumn(t)).allFinite());
            return;
        }
        QVERIFY2(why.startsWith(message), qPrintable(why));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, backQuery(net, oneColumn(t)));
    }

    // ---------------------------------------------------------------------------------------
    // The error flow

    // The lesson's worked example, as given: output node 1 should be 0.01 and says 0.8, its error
    // is -0.79; w11 = 0.6 and w21 = 0.4 (hidden nodes 1 and 2 -> output 1, row 0 of w_h_o) carry
    // -0.474 and -0.316 back. A second output (error 0.49; w12 = 0.5, w22 = 0.2) makes each
    // hidden node's error a sum: node 1 -0.474 + 0.245 = -0.229, node 2 -0.316 + 0.098 = -0.218.
    void workedExample()
    {
        Matrix w_h_o(2, 2);
        w_h_o << 0.6f, 0.4f, 0.5f, 0.2f;
        Vector o_errors(2);
        o_errors << 0.01f - 0.8f, 0.99f - 0.5f;
        QCOMPARE(o_errors[0], -0.79f);
        const Matrix carried = carriedErrors(w_h_o, o_errors);
        QCOMPARE(carried(0, 0), -0.474f);
        QCOMPARE(carried(0, 1), -0.316f);
        QCOMPARE(carried(1, 0), 0.245f);
        QCOMPARE(carried(1, 1), 0.098f);
        const Vector h_errors = summedErrors(carried);
        QCOMPARE(h_errors.size(), 2);
        QVERIFY(std::abs(h_errors[0] - -0.229) < 1e-6);
        QVERIFY(std::abs(h_errors[1] - -0.218) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, carriedErrors(w_h_o, Vector::Zero(3)));
    }

    // The same numbers out of the engine's own trace: a 3-5-2 toy net whose output node 1
    // (index 0) says 0.8 for an image of label 1 (target 0.01), its links from hidden nodes 1
    // and 2 weighing 0.6 and 0.4 (the others make its sum ln 4 = logit(0.8)).
    void workedExampleThroughTheTrace()
    {
        Architecture a;
        a.inputs = 3;
        a.hidden = {5};
        a.outputs = 2;
        Network net(a);
        net.weights(0) << 0.9f, -0.3f, 0.5f, 0.2f, 0.8f, -0.6f, 0.7f, 0.4f, 0.1f, -0.5f, 0.6f,
            0.9f, 0.3f, 0.3f, 0.3f;
        const std::uint8_t pixels[3] = {200, 40, 120};
        Vector x(3);
        net.scaleInput(pixels, x.data());
        const Vector h = net.trace(x).activations[1];
        net.weights(1) << 0.6f, 0.4f, 0.0f, 0.0f, 0.0f, //
            -0.2f, 0.7f, 0.3f, -0.8f, 0.5f;
        net.weights(1)(0, 4) = float((std::log(4.0) - 0.6 * h[0] - 0.4 * h[1]) / h[4]);

        const LessonTrace t = traceSample(net, pixels, 1, true);
        QVERIFY(std::abs(t.outputOutput[0] - 0.8) < k4Decimals);
        const ErrorFlow flow = errorFlow(net, t, 0.3f, true);
        const LayerFlow& out = flow.layers[1];
        QVERIFY(std::abs(out.errors[0] - -0.79) < k4Decimals);
        QVERIFY(std::abs(out.carried(0, 0) - -0.474) < k4Decimals);
        QVERIFY(std::abs(out.carried(0, 1) - -0.316) < k4Decimals);
        // A hidden node's error is the sum of what its links carry, the trace's h_errors.
        for (int i = 0; i < 5; ++i) {
            const double sum = double(out.carried(0, i)) + double(out.carried(1, i));
            QVERIFY(std::abs(flow.layers[0].errors[i] - sum) < 1e-6);
            QVERIFY(std::abs(flow.layers[0].errors[i] - t.hiddenErrors[0][i]) < 1e-6);
        }
    }

    // Every figure of the flow on a 4-3-2 lesson net, worked in double with loops.
    void byHand_data()
    {
        QTest::addColumn<bool>("lessonErrors");
        QTest::newRow("the lesson's shortcut") << true;
        QTest::newRow("the exact gradient") << false;
    }

    void byHand()
    {
        QFETCH(bool, lessonErrors);
        const double wih[3][4] = {
            {0.5, -0.2, 0.1, 0.7}, {-0.6, 0.3, 0.9, -0.1}, {0.2, 0.8, -0.4, 0.3}};
        const double who[2][3] = {{0.4, -0.9, 0.6}, {-0.3, 0.5, 0.8}};
        const std::uint8_t pixels[4] = {0, 128, 255, 64};
        const double l_r = 0.3;
        const int label = 0;
        double x[4], hOut[3], oOut[2], oErr[2], oSlope[2], oSent[2], hErr[3] = {}, hSlope[3];
        for (int i = 0; i < 4; ++i)
            x[i] = pixels[i] / 255.0 * 0.99 + 0.01;
        for (int h = 0; h < 3; ++h) {
            double s = 0;
            for (int i = 0; i < 4; ++i)
                s += wih[h][i] * x[i];
            hOut[h] = sigmoid(s);
            hSlope[h] = hOut[h] * (1 - hOut[h]);
        }
        for (int o = 0; o < 2; ++o) {
            double s = 0;
            for (int h = 0; h < 3; ++h)
                s += who[o][h] * hOut[h];
            oOut[o] = sigmoid(s);
            oErr[o] = (o == label ? 0.99 : 0.01) - oOut[o];
            oSlope[o] = oOut[o] * (1 - oOut[o]);
            oSent[o] = lessonErrors ? oErr[o] : oErr[o] * oSlope[o];
        }
        for (int h = 0; h < 3; ++h)
            for (int o = 0; o < 2; ++o)
                hErr[h] += who[o][h] * oSent[o];

        const Network net =
            sigmoidNet({4, 3, 2}, {{&wih[0][0], &wih[0][0] + 12}, {&who[0][0], &who[0][0] + 6}});
        const ErrorFlow flow = errorFlow(net, traceSample(net, pixels, label, lessonErrors),
                                         float(l_r), lessonErrors);
        QCOMPARE(flow.lessonErrors, lessonErrors);
        QCOMPARE(int(flow.layers.size()), 2);
        const LayerFlow &hidden = flow.layers[0], &out = flow.layers[1];
        const double tol = 1e-6;
        for (int o = 0; o < 2; ++o) {
            QVERIFY(std::abs(out.errors[o] - oErr[o]) < tol);
            QVERIFY(std::abs(out.slope[o] - oSlope[o]) < tol);
            QVERIFY(std::abs(out.delta[o] - oErr[o] * oSlope[o]) < tol);
            QVERIFY(std::abs(out.sent[o] - oSent[o]) < tol);
            for (int h = 0; h < 3; ++h) {
                QVERIFY(std::abs(out.carried(o, h) - oSent[o] * who[o][h]) < tol);
                const double update = l_r * oErr[o] * oSlope[o] * hOut[h];
                QVERIFY(std::abs(out.input[h] - hOut[h]) < tol);
                QVERIFY(std::abs(out.update(o, h) - update) < tol);
                QCOMPARE(out.before(o, h), float(who[o][h]));
                QVERIFY(std::abs(out.after(o, h) - (who[o][h] + update)) < tol);
            }
        }
        QCOMPARE(hidden.carried.size(), 0); // the inputs have no errors
        for (int h = 0; h < 3; ++h) {
            QVERIFY(std::abs(hidden.errors[h] - hErr[h]) < tol);
            QVERIFY(std::abs(hidden.slope[h] - hSlope[h]) < tol);
            QVERIFY(std::abs(hidden.delta[h] - hErr[h] * hSlope[h]) < tol);
            for (int i = 0; i < 4; ++i) {
                const double update = l_r * hErr[h] * hSlope[h] * x[i];
                QVERIFY(std::abs(hidden.input[i] - x[i]) < tol);
                QVERIFY(std::abs(hidden.update(h, i) - update) < tol);
                QVERIFY(std::abs(hidden.after(h, i) - (wih[h][i] + update)) < tol);
            }
        }
        QVERIFY(out.biasUpdate.size() == 0 && hidden.biasUpdate.size() == 0);
    }

    // Every figure against the engine's own step trace and one gradient step (trainOneSample),
    // to 4 decimals, on the lesson's 784-90-10 net and on deeper and other nets.
    void matchesTraceAndStep_data()
    {
        QTest::addColumn<QString>("activation");
        QTest::addColumn<QString>("output");
        QTest::addColumn<bool>("biases");
        QTest::addColumn<QVector<int>>("hidden");
        QTest::addColumn<bool>("lessonErrors");
        QTest::newRow("lesson 784-90-10, shortcut")
            << "sigmoid"
            << "sigmoid" << false << QVector<int>{90} << true;
        QTest::newRow("lesson 784-90-10, exact") << "sigmoid"
                                                 << "sigmoid" << false << QVector<int>{90} << false;
        QTest::newRow("784-64-32-10 sigmoid, shortcut")
            << "sigmoid"
            << "sigmoid" << false << QVector<int>{64, 32} << true;
        QTest::newRow("784-64-32-10 sigmoid, exact")
            << "sigmoid"
            << "sigmoid" << false << QVector<int>{64, 32} << false;
        QTest::newRow("tanh, biases, exact") << "tanh"
                                             << "sigmoid" << true << QVector<int>{20, 12} << false;
        QTest::newRow("relu/softmax, biases, shortcut")
            << "relu"
            << "softmax" << true << QVector<int>{30} << true;
        QTest::newRow("no hidden layer") << "sigmoid"
                                         << "sigmoid" << false << QVector<int>{} << true;
    }

    void matchesTraceAndStep()
    {
        QFETCH(QString, activation);
        QFETCH(QString, output);
        QFETCH(bool, biases);
        QFETCH(QVector<int>, hidden);
        QFETCH(bool, lessonErrors);
        Architecture a;
        a.hidden.assign(hidden.begin(), hidden.end());
        a.hiddenActivation = *parseActivation(activation.toStdString());
        a.output = *parseOutput(output.toStdString());
        a.loss = a.output == Output::Softmax ? Loss::CrossEntropy : Loss::SquaredError;
        a.biases = biases;
        Network net(a);
        net.initialize(Init::Lesson, 17);
        std::mt19937 rng(4);
        std::vector<std::uint8_t> pixels(784);
        for (std::uint8_t& p : pixels)
            p = std::uint8_t(rng() % 256);
        const int label = 6;
        const float l_r = 0.3f;

        const LessonTrace t = traceSample(net, pixels.data(), label, lessonErrors);
        const ErrorFlow flow = errorFlow(net, t, l_r, lessonErrors);
        Network stepped = net;
        trainOneSample(stepped, pixels.data(), label, l_r, lessonErrors);

        const int layers = net.layerCount();
        QCOMPARE(int(flow.layers.size()), layers);
        QCOMPARE(maxAbs(flow.layers.back().errors - t.outputErrors), 0.0);
        for (int l = 0; l + 1 < layers; ++l) {
            const LayerFlow& f = flow.layers[std::size_t(l)];
            const double d = maxAbs(f.errors - t.hiddenErrors[std::size_t(l)]);
            QVERIFY2(d < k4Decimals,
                     qPrintable(QString("h_errors of layer %1 differ by %2").arg(l).arg(d)));
            // Each node's error is the sum of what its links carry.
            const LayerFlow& above = flow.layers[std::size_t(l + 1)];
            QVERIFY(maxAbs(above.carried.colwise().sum().transpose() - f.errors) < 1e-5);
        }
        bool moved = false;
        for (int l = 0; l < layers; ++l) {
            const LayerFlow& f = flow.layers[std::size_t(l)];
            QCOMPARE(maxAbs(f.before - net.weights(l)), 0.0);
            const double d = maxAbs(f.after - stepped.weights(l));
            QVERIFY2(d < k4Decimals, qPrintable(QString("weights %1 differ by %2").arg(l).arg(d)));
            moved = moved || maxAbs(f.update) > 1e-4;
            if (biases) {
                const Vector after = net.bias(l) + f.biasUpdate;
                QVERIFY(maxAbs(after - stepped.bias(l)) < k4Decimals);
            }
        }
        QVERIFY(moved);
    }

    // One ErrorFlow filled again and again, through nets of other shapes and kinds, holds what
    // a fresh one would.
    void reusedFlowIsTheSame()
    {
        std::vector<Network> nets;
        for (const auto& [hidden, biases, output] :
             {std::tuple{std::vector<int>{90}, false, Output::Sigmoid},
              std::tuple{std::vector<int>{64, 32}, false, Output::Sigmoid},
              std::tuple{std::vector<int>{64, 32}, true, Output::Softmax},
              std::tuple{std::vector<int>{}, false, Output::Sigmoid},
              std::tuple{std::vector<int>{90}, false, Output::Sigmoid}}) {
            Architecture a;
            a.hidden = hidden;
            a.biases = biases;
            a.output = output;
            a.loss = output == Output::Softmax ? Loss::CrossEntropy : Loss::SquaredError;
            nets.emplace_back(a);
            nets.back().initialize(Init::Glorot, std::uint64_t(nets.size()));
        }
        std::vector<std::uint8_t> pixels(784);
        for (std::size_t p = 0; p < pixels.size(); ++p)
            pixels[p] = std::uint8_t(p * 7 % 256);
        ErrorFlow reused;
        for (const Network& net : nets)
            for (const bool lessonErrors : {true, false}) {
                const LessonTrace t = traceSample(net, pixels.data(), 4, lessonErrors);
                errorFlow(net, t, 0.2f, lessonErrors, reused);
                const ErrorFlow fresh = errorFlow(net, t, 0.2f, lessonErrors);
                QCOMPARE(reused.lessonErrors, lessonErrors);
                QCOMPARE(reused.layers.size(), fresh.layers.size());
                for (std::size_t l = 0; l < fresh.layers.size(); ++l) {
                    const LayerFlow &r = reused.layers[l], &f = fresh.layers[l];
                    QVERIFY(same(r.errors, f.errors) && same(r.slope, f.slope));
                    QVERIFY(same(r.delta, f.delta) && same(r.sent, f.sent));
                    QVERIFY(same(r.carried, f.carried) && same(r.input, f.input));
                    QVERIFY(same(r.update, f.update) && same(r.before, f.before));
                    QVERIFY(same(r.after, f.after) && same(r.biasUpdate, f.biasUpdate));
                }
            }
    }

    // The network view's toy net with the worked example loaded: every figure against the same
    // net worked in Python's double floats (plain loops, not this code): inputs 0.9, 0.1, 0.8,
    // the lesson's figures' w_i_h, w_h_o's first row 0.6, 0.4, 1.05826177, targets 0.01, 0.99,
    // 0.01, l_r 0.3.
    void lessonWorkedExampleNet()
    {
        const ToyExample ex = lessonWorkedExample();
        QCOMPARE(ex.net.architecture().layerSizes(), (std::vector<int>{3, 3, 3}));
        QVERIFY(std::abs(ex.net.weights(1)(0, 2) - 1.0582617702578896) < 1e-6);
        for (bool lessonErrors : {true, false}) {
            const LessonTrace t = traceValues(ex.net, ex.input, ex.target, lessonErrors);
            QCOMPARE(t.label, 1);
            const double h[3] = {0.7613327148429104, 0.6034832498647263, 0.6502185485738271};
            for (int i = 0; i < 3; ++i)
                QVERIFY(std::abs(t.hiddenOutputs[0][i] - h[i]) < 1e-6);
            QVERIFY(std::abs(t.outputOutput[0] - 0.8) < 1e-6);
            const ErrorFlow flow = errorFlow(ex.net, t, kToyLearningRate, lessonErrors);
            const LayerFlow& out = flow.layers[1];
            QVERIFY(std::abs(out.errors[0] - -0.79) < 1e-6);
            QVERIFY(std::abs(out.errors[2] - -0.7680970595611419) < 1e-6);
            // The output layer's update is the same in both: l_r x o_errors x slope x h_output.
            QVERIFY(std::abs(out.update(0, 0) - -0.02886973654684316) < 1e-6);
            QVERIFY(std::abs(out.update(2, 1) - -0.024010400757018973) < 1e-6);
            QVERIFY(std::abs(out.after(0, 1) - (0.4 - 0.022884084834870422)) < 1e-6);
            const LayerFlow& hidden = flow.layers[0];
            if (lessonErrors) {
                QVERIFY(std::abs(out.carried(0, 0) - -0.474) < 1e-6);
                QVERIFY(std::abs(out.carried(0, 1) - -0.316) < 1e-6);
                QVERIFY(std::abs(out.carried(2, 2) - -0.6912873536050278) < 1e-6);
                QVERIFY(std::abs(hidden.errors[0] - -0.9196364911038075) < 1e-6);
                QVERIFY(std::abs(hidden.errors[2] - -1.4710337665937252) < 1e-6);
                QVERIFY(std::abs(hidden.update(2, 0) - -0.09033218926349212) < 1e-6);
                QVERIFY(std::abs(hidden.update(1, 2) - -0.014478577855007765) < 1e-6);
            } else {
                QVERIFY(std::abs(hidden.errors[0] - -0.14707347766226575) < 1e-6);
                QVERIFY(std::abs(hidden.errors[2] - -0.24150220321703728) < 1e-6);
            }
        }
    }

    // Typed values give the very trace of an image: its scaled pixels and its label's targets.
    void typedValuesAreTheImagesTrace_data()
    {
        QTest::addColumn<bool>("lessonErrors");
        QTest::addColumn<int>("hiddenLayers");
        QTest::newRow("lesson's errors, one hidden layer") << true << 1;
        QTest::newRow("exact gradient, one hidden layer") << false << 1;
        QTest::newRow("exact gradient, two hidden layers") << false << 2;
    }
    void typedValuesAreTheImagesTrace()
    {
        QFETCH(bool, lessonErrors);
        QFETCH(int, hiddenLayers);
        Architecture a;
        a.inputs = 6;
        a.hidden.assign(std::size_t(hiddenLayers), 4);
        a.outputs = 3;
        Network net(a);
        net.initialize(Init::Lesson, 5);
        const std::uint8_t pixels[6] = {0, 30, 255, 128, 7, 90};
        const LessonTrace image = traceSample(net, pixels, 2, lessonErrors);
        const LessonTrace typed = traceValues(net, image.input, image.target, lessonErrors);
        QCOMPARE(typed.label, 2);
        QCOMPARE(typed.outputOutput, image.outputOutput);
        QCOMPARE(typed.hiddenErrors.size(), image.hiddenErrors.size());
        for (std::size_t l = 0; l < image.hiddenErrors.size(); ++l)
            QCOMPARE(typed.hiddenErrors[l], image.hiddenErrors[l]);
        const ErrorFlow a1 = errorFlow(net, image, 0.3f, lessonErrors);
        const ErrorFlow a2 = errorFlow(net, typed, 0.3f, lessonErrors);
        for (std::size_t l = 0; l < a1.layers.size(); ++l)
            QCOMPARE(a2.layers[l].after, a1.layers[l].after);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 traceValues(net, Vector::Zero(5), image.target, true));
    }

    // A typed target that is not the label's moves the output's delta with it.
    void typedTargetsCount()
    {
        ToyExample ex = toyExample(2, 2, 2);
        ex.target << 0.3f, 0.6f;
        const LessonTrace t = traceValues(ex.net, ex.input, ex.target, false);
        const ErrorFlow flow = errorFlow(ex.net, t, 1.0f, false);
        for (int j = 0; j < 2; ++j) {
            const double o = t.outputOutput[j];
            QVERIFY(std::abs(flow.layers[1].delta[j] - (ex.target[j] - o) * o * (1 - o)) < 1e-6);
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toyExample(13, 3, 3));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toyExample(3, 0, 3));
    }

    void traceOfAnotherNet()
    {
        Network net(Architecture{});
        std::vector<std::uint8_t> pixels(784, 10);
        LessonTrace t = traceSample(net, pixels.data(), 2, true);
        Architecture other;
        other.hidden = {50};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, errorFlow(Network(other), t, 0.1f, true));
    }
};

QTEST_APPLESS_MAIN(TestBackQuery)
#include "tst_back_query.moc"
