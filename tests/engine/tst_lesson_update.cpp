// The lesson's arithmetic by hand: a 3-5-2 net, fixed weights, one and then three per-sample
// updates computed here step by step (in double, with the lesson's names) against the engine.
#include "engine/trainer.h"

#include <QtTest>

#include <cmath>

using namespace nnlab::engine;

namespace {

using Mat = std::vector<std::vector<double>>;

const Mat kWih = {{0.9, -0.3, 0.2}, {0.1, 0.8, -0.5}, {-0.7, 0.4, 0.3}, {0.2, 0.2, -0.9}, {0.5, -0.6, 0.1}};
const Mat kWho = {{0.3, -0.8, 0.5, 0.1, -0.2}, {-0.4, 0.6, 0.2, -0.7, 0.9}};
const double kLr = 0.3;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// One pass of the lesson's training loop body.
void lessonStep(Mat& wih, Mat& who, const std::vector<int>& pixels, int label)
{
    std::vector<double> input(3), hInput(5, 0), hOutput(5), oInput(2, 0), oOutput(2), target(2), oErrors(2), hErrors(5, 0);
    for (int i = 0; i < 3; ++i)
        input[i] = pixels[i] / 255.0 * 0.99 + 0.01;
    for (int h = 0; h < 5; ++h) {
        for (int i = 0; i < 3; ++i)
            hInput[h] += wih[h][i] * input[i];
        hOutput[h] = sigmoid(hInput[h]);
    }
    for (int o = 0; o < 2; ++o) {
        for (int h = 0; h < 5; ++h)
            oInput[o] += who[o][h] * hOutput[h];
        oOutput[o] = sigmoid(oInput[o]);
        target[o] = o == label ? 0.99 : 0.01;
        oErrors[o] = target[o] - oOutput[o];
    }
    for (int h = 0; h < 5; ++h) // h_errors = w_h_o^T . o_errors, before w_h_o changes
        for (int o = 0; o < 2; ++o)
            hErrors[h] += who[o][h] * oErrors[o];
    for (int o = 0; o < 2; ++o)
        for (int h = 0; h < 5; ++h)
            who[o][h] += kLr * oErrors[o] * oOutput[o] * (1 - oOutput[o]) * hOutput[h];
    for (int h = 0; h < 5; ++h)
        for (int i = 0; i < 3; ++i)
            wih[h][i] += kLr * hErrors[h] * hOutput[h] * (1 - hOutput[h]) * input[i];
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
        Mat wih = kWih, who = kWho;
        for (int s = 0; s < count; ++s)
            lessonStep(wih, who, pixels[std::size_t(s)], labels[std::size_t(s)]);

        const Dataset data = samples(pixels, labels);
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
                QVERIFY2(std::abs(net.weights(0)(h, i) - wih[h][i]) < 2e-6,
                         qPrintable(QString("w_i_h[%1][%2]: engine %3, by hand %4").arg(h).arg(i).arg(net.weights(0)(h, i)).arg(wih[h][i])));
        for (int o = 0; o < 2; ++o)
            for (int h = 0; h < 5; ++h)
                QVERIFY2(std::abs(net.weights(1)(o, h) - who[o][h]) < 2e-6,
                         qPrintable(QString("w_h_o[%1][%2]: engine %3, by hand %4").arg(o).arg(h).arg(net.weights(1)(o, h)).arg(who[o][h])));
        // And it moved: the update is not the identity.
        QVERIFY(std::abs(wih[0][0] - kWih[0][0]) > 1e-4);
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
        Mat wih = kWih, who = kWho;
        for (int s = 0; s < 70; ++s)
            lessonStep(wih, who, pixels[std::size_t(s)], labels[std::size_t(s)]);
        TrainingConfig cfg;
        cfg.optimizer.learningRate = float(kLr);
        cfg.threads = 1;
        cfg.lessonErrors = true;
        const Dataset data = samples(pixels, labels);
        Trainer trainer(lessonNet(), data, cfg);
        QCOMPARE(trainer.trainEpoch().end, SliceEnd::EpochEnded);
        for (int h = 0; h < 5; ++h)
            for (int i = 0; i < 3; ++i)
                QVERIFY(std::abs(trainer.network().weights(0)(h, i) - wih[h][i]) < 1e-5);
        for (int o = 0; o < 2; ++o)
            for (int h = 0; h < 5; ++h)
                QVERIFY(std::abs(trainer.network().weights(1)(o, h) - who[o][h]) < 1e-5);
    }
};

QTEST_APPLESS_MAIN(TestLessonUpdate)
#include "tst_lesson_update.moc"
