// An architecture's text, the one the window, nnlab-model, nnlab-serve and nnlab-train all show:
// every layer size, the hidden activation, and (in full) the output, loss and biases.
#include "engine/architecture.h"

#include <QtTest>

using namespace nnlab::engine;

Q_DECLARE_METATYPE(Architecture)

namespace {

Architecture make(int inputs, std::vector<int> hidden, int outputs, Activation activation,
                  Output output, Loss loss, bool biases)
{
    Architecture a;
    a.inputs = inputs;
    a.hidden = std::move(hidden);
    a.outputs = outputs;
    a.hiddenActivation = activation;
    a.output = output;
    a.loss = loss;
    a.biases = biases;
    return a;
}

} // namespace

class TestArchitecture : public QObject
{
    Q_OBJECT

private slots:
    void describe_data()
    {
        QTest::addColumn<Architecture>("architecture");
        QTest::addColumn<QString>("full");
        QTest::addColumn<QString>("brief");
        QTest::newRow("lesson 784-90-10 sigmoid")
            << make(784, {90}, 10, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, false)
            << "784-90-10 sigmoid, sigmoid output, squared-error, no biases"
            << "784-90-10 sigmoid";
        QTest::newRow("default model 784-256-10 relu softmax")
            << make(784, {256}, 10, Activation::ReLU, Output::Softmax, Loss::CrossEntropy, true)
            << "784-256-10 relu, softmax output, cross-entropy, biases"
            << "784-256-10 relu/softmax";
        QTest::newRow("two hidden layers 784-512-256-10")
            << make(784, {512, 256}, 10, Activation::Tanh, Output::Softmax, Loss::CrossEntropy,
                    true)
            << "784-512-256-10 tanh, softmax output, cross-entropy, biases"
            << "784-512-256-10 tanh/softmax";
        QTest::newRow("numpy's lesson 3-5-2")
            << make(3, {5}, 2, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, false)
            << "3-5-2 sigmoid, sigmoid output, squared-error, no biases"
            << "3-5-2 sigmoid";
        QTest::newRow("no hidden layer 784-10")
            << make(784, {}, 10, Activation::Sigmoid, Output::Sigmoid, Loss::CrossEntropy, true)
            << "784-10 sigmoid, sigmoid output, cross-entropy, biases"
            << "784-10 sigmoid";
    }
    void describe()
    {
        QFETCH(Architecture, architecture);
        QFETCH(QString, full);
        QFETCH(QString, brief);
        QCOMPARE(QString::fromStdString(architecture.describe()), full);
        QCOMPARE(QString::fromStdString(architecture.describe(Detail::Full)), full);
        QCOMPARE(QString::fromStdString(architecture.describe(Detail::Brief)), brief);
    }
};

QTEST_APPLESS_MAIN(TestArchitecture)
#include "tst_architecture.moc"
