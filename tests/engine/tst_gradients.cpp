// Gradients: the engine's weight updates against central differences of an independent
// double-precision forward pass, for every activation x output x loss, with and without biases,
// through the dense and the sparse first layer.
#include "engine/trainer.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace nnlab::engine;

namespace {

constexpr int kSide = 3;    // 3 x 3 "images"
constexpr int kClasses = 3;
constexpr int kSamples = 5;

// Random pixels; with zeros, about half of them 0 (and one image all 0), for the sparse path.
Dataset tinyData(bool withZeros = false)
{
    Dataset d;
    d.rows = d.cols = kSide;
    d.classNames = {"a", "b", "c"};
    std::mt19937 rng(3);
    for (int s = 0; s < kSamples; ++s) {
        for (int p = 0; p < kSide * kSide; ++p) {
            const std::uint8_t pixel = std::uint8_t(rng() % 256);
            const bool zero = withZeros && (s == 2 || rng() % 2 == 0);
            d.pixels.push_back(zero ? 0 : pixel);
        }
        d.labels.push_back(std::uint8_t(s % kClasses));
    }
    return d;
}

// Reference forward pass and mean loss, in double, written from the formulas (not the engine).
struct Reference
{
    Architecture arch;
    std::vector<std::vector<double>> w, b; // w[l] row-major out x in

    double act(double z, bool output) const
    {
        if (output)
            return 1.0 / (1.0 + std::exp(-z)); // sigmoid output (softmax handled apart)
        switch (arch.hiddenActivation) {
        case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-z));
        case Activation::Tanh: return std::tanh(z);
        case Activation::ReLU: return z > 0 ? z : 0;
        }
        return z;
    }

    double meanLoss(const Dataset& d) const
    {
        const auto sizes = arch.layerSizes();
        double total = 0;
        for (std::size_t s = 0; s < d.size(); ++s) {
            std::vector<double> a(static_cast<std::size_t>(sizes[0]));
            for (int i = 0; i < sizes[0]; ++i) {
                const double x = d.image(s)[i] / 255.0;
                a[std::size_t(i)] = arch.scaling == Scaling::Lesson ? x * 0.99 + 0.01 : x;
            }
            for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
                const bool last = l + 2 == sizes.size();
                std::vector<double> z(std::size_t(sizes[l + 1]), 0.0);
                for (int r = 0; r < sizes[l + 1]; ++r) {
                    for (int c = 0; c < sizes[l]; ++c)
                        z[std::size_t(r)] += w[l][std::size_t(r * sizes[l] + c)] * a[std::size_t(c)];
                    if (arch.biases)
                        z[std::size_t(r)] += b[l][std::size_t(r)];
                }
                if (last && arch.output == Output::Softmax) {
                    double top = *std::max_element(z.begin(), z.end()), sum = 0;
                    for (double& v : z) sum += (v = std::exp(v - top));
                    for (double& v : z) v /= sum;
                } else {
                    for (double& v : z) v = act(v, last);
                }
                a = z;
            }
            const int y = d.labels[s];
            for (int i = 0; i < int(a.size()); ++i) {
                const double o = a[std::size_t(i)];
                if (arch.loss == Loss::SquaredError) {
                    const double t = i == y ? 0.99 : 0.01;
                    total += 0.5 * (t - o) * (t - o);
                } else if (arch.output == Output::Softmax) {
                    total -= i == y ? std::log(o) : 0.0;
                } else {
                    total -= i == y ? std::log(o) : std::log(1 - o);
                }
            }
        }
        return total / double(d.size());
    }
};

} // namespace

class TestGradients : public QObject
{
    Q_OBJECT

private slots:
    void matchesFiniteDifferences_data()
    {
        QTest::addColumn<int>("activation");
        QTest::addColumn<int>("output");
        QTest::addColumn<int>("loss");
        QTest::addColumn<bool>("biases");
        QTest::addColumn<int>("layers");
        QTest::addColumn<bool>("sparse");
        for (int sparse = 0; sparse < 2; ++sparse)
        for (int f = 0; f < 3; ++f)
            for (int o = 0; o < 2; ++o)
                for (int l = 0; l < 2; ++l)
                    for (int bias = 0; bias < 2; ++bias)
                        for (int layers = 1; layers <= 2; ++layers) {
                            const QString name = QString("%1/%2/%3/%4/%5 layer(s)%6")
                                .arg(QString::fromStdString(std::string(toString(Activation(f)))))
                                .arg(QString::fromStdString(std::string(toString(Output(o)))))
                                .arg(QString::fromStdString(std::string(toString(Loss(l)))))
                                .arg(bias ? "biases" : "no biases").arg(layers)
                                .arg(sparse ? ", sparse inputs" : "");
                            QTest::newRow(qPrintable(name)) << f << o << l << bool(bias) << layers
                                                            << bool(sparse);
                        }
    }

    void matchesFiniteDifferences()
    {
        QFETCH(int, activation);
        QFETCH(int, output);
        QFETCH(int, loss);
        QFETCH(bool, biases);
        QFETCH(int, layers);
        QFETCH(bool, sparse);
        const Dataset data = tinyData(sparse);
        Architecture arch;
        arch.inputs = kSide * kSide;
        arch.outputs = kClasses;
        arch.hidden = layers == 1 ? std::vector<int>{4} : std::vector<int>{4, 3};
        arch.hiddenActivation = Activation(activation);
        arch.output = Output(output);
        arch.loss = Loss(loss);
        arch.biases = biases;
        Network net(arch);
        net.initialize(Init::Glorot, 11);
        if (biases)
            for (int l = 0; l < net.layerCount(); ++l)
                for (int i = 0; i < net.bias(l).size(); ++i)
                    net.bias(l)[i] = 0.1f * float((i % 3) - 1) + 0.05f;

        // The engine's gradient: one plain-SGD step on the whole dataset as one batch.
        const float lr = 1e-3f;
        TrainingConfig cfg;
        cfg.batchSize = kSamples;
        cfg.optimizer.learningRate = lr;
        cfg.threads = 1;
        cfg.inputPath = sparse ? InputPath::Sparse : InputPath::Dense;
        Trainer trainer(net, data, cfg);
        QCOMPARE(trainer.sparseInputs(), sparse);
        trainer.step();
        const Network& after = trainer.network();

        Reference ref{arch, {}, {}};
        for (int l = 0; l < net.layerCount(); ++l) {
            ref.w.emplace_back(net.weights(l).data(), net.weights(l).data() + net.weights(l).size());
            ref.b.emplace_back(biases ? std::vector<double>(net.bias(l).data(), net.bias(l).data() + net.bias(l).size())
                                      : std::vector<double>());
        }
        double worst = 0;
        int checked = 0;
        auto check = [&](std::vector<double>& param, std::size_t i, double engineGrad) {
            const double h = 1e-5, keep = param[i];
            param[i] = keep + h;
            const double up = ref.meanLoss(data);
            param[i] = keep - h;
            const double down = ref.meanLoss(data);
            param[i] = keep;
            const double numeric = (up - down) / (2 * h);
            const double err = std::abs(numeric - engineGrad) / std::max(std::abs(numeric) + std::abs(engineGrad), 1e-2);
            worst = std::max(worst, err);
            ++checked;
        };
        for (int l = 0; l < net.layerCount(); ++l) {
            for (Eigen::Index i = 0; i < net.weights(l).size(); ++i)
                check(ref.w[std::size_t(l)], std::size_t(i),
                      (double(net.weights(l).data()[i]) - after.weights(l).data()[i]) / lr);
            if (biases)
                for (Eigen::Index i = 0; i < net.bias(l).size(); ++i)
                    check(ref.b[std::size_t(l)], std::size_t(i),
                          (double(net.bias(l)[i]) - after.bias(l)[i]) / lr);
        }
        QVERIFY(checked > 40);
        // Float32 weights, differences of order lr * grad: a few parts in a thousand at worst.
        QVERIFY2(worst < 2e-2, qPrintable(QString("worst relative error %1").arg(worst)));
    }

    void perSampleStepEqualsOneSampleBatch()
    {
        Dataset data = tinyData().head(1);
        Architecture arch;
        arch.inputs = kSide * kSide;
        arch.outputs = kClasses;
        arch.hidden = {6};
        Network net(arch);
        net.initialize(Init::Lesson, 5);
        TrainingConfig sgd;
        sgd.optimizer.learningRate = 0.5f;
        sgd.threads = 1;
        Trainer perSample(net, data, sgd); // batch 1 + SGD: the lesson's per-sample path
        perSample.step();
        TrainingConfig viaMomentum = sgd; // momentum 0 takes the general mini-batch path
        viaMomentum.optimizer.kind = OptimizerKind::Momentum;
        viaMomentum.optimizer.momentum = 0.0f;
        Trainer batch(net, data, viaMomentum);
        batch.step();
        for (int l = 0; l < net.layerCount(); ++l)
            QVERIFY((perSample.network().weights(l) - batch.network().weights(l)).cwiseAbs().maxCoeff() < 1e-6f);
        QVERIFY(!(perSample.network().weights(0) == net.weights(0))); // it did move
    }
};

QTEST_APPLESS_MAIN(TestGradients)
#include "tst_gradients.moc"
