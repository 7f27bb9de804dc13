// The network run backwards (issue 15): back-query against numbers worked by hand and loops in
// double, its flat and "does not apply" cases.
#include "engine/back_query.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

using namespace nnlab::engine;

namespace {

double logit(double y) { return std::log(y / (1.0 - y)); }

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

double maxAbs(const Eigen::MatrixXf& m) { return double(m.cwiseAbs().maxCoeff()); }

} // namespace

class TestBackQuery : public QObject
{
    Q_OBJECT

private slots:
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
};

QTEST_APPLESS_MAIN(TestBackQuery)
#include "tst_back_query.moc"
