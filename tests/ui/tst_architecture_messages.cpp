// The window names an opened network by its whole architecture (every hidden layer, the
// activation, output, loss and biases), in the same words as nnlab-model and nnlab-serve.
#include "engine/model_file.h"
#include "ui/main_window.h"

#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using ui::MainWindow;

Q_DECLARE_METATYPE(engine::Architecture)

class TestArchitectureMessages : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;

    static engine::Architecture make(std::vector<int> hidden, engine::Activation activation,
                                     engine::Output output, engine::Loss loss, bool biases)
    {
        engine::Architecture a;
        a.hidden = std::move(hidden);
        a.hiddenActivation = activation;
        a.output = output;
        a.loss = loss;
        a.biases = biases;
        return a;
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
        QVERIFY(m_dir.isValid());
        MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        o.restoreSettings = false;
        o.askToSaveOnQuit = false;
        m_window = std::make_unique<MainWindow>(o);
        QSignalSpy ready(m_window.get(), &MainWindow::dataReady);
        m_window->show();
        if (!m_window->isDataReady())
            QVERIFY(ready.wait(20000));
    }

    void cleanupTestCase() { m_window.reset(); }

    // Models the window can open (784 inputs, 10 classes, as the bundled MNIST); the engine's
    // own table (tst_architecture) covers other shapes such as numpy's lesson 3-5-2.
    void openedModelIsNamedByItsArchitecture_data()
    {
        using engine::Activation, engine::Output, engine::Loss;
        QTest::addColumn<engine::Architecture>("architecture");
        QTest::addColumn<QString>("full");
        QTest::addColumn<QString>("brief");
        QTest::newRow("lesson 784-90-10 sigmoid")
            << make({90}, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, false)
            << "784-90-10 sigmoid, sigmoid output, squared-error, no biases"
            << "784-90-10 sigmoid";
        QTest::newRow("784-256-10 relu softmax")
            << make({256}, Activation::ReLU, Output::Softmax, Loss::CrossEntropy, true)
            << "784-256-10 relu, softmax output, cross-entropy, biases"
            << "784-256-10 relu/softmax";
        QTest::newRow("784-512-256-10 relu softmax")
            << make({512, 256}, Activation::ReLU, Output::Softmax, Loss::CrossEntropy, true)
            << "784-512-256-10 relu, softmax output, cross-entropy, biases"
            << "784-512-256-10 relu/softmax";
    }
    void openedModelIsNamedByItsArchitecture()
    {
        QFETCH(engine::Architecture, architecture);
        QFETCH(QString, full);
        QFETCH(QString, brief);
        const QString name =
            QString::fromUtf8(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_')) +
            QStringLiteral(".nnlab");
        const QString path = m_dir.filePath(name);
        engine::Model model{engine::Network(architecture), {}};
        model.network.initialize(engine::Init::Lesson, 7);
        engine::saveModel(path.toStdString(), model);

        QVERIFY(m_window->openModel(path));
        QCOMPARE(m_window->statusBar()->currentMessage(),
                 QStringLiteral("Opened %1: %2").arg(name, full));
        QCOMPARE(m_window->setup().architecture, architecture);
        QVERIFY2(m_window->setup().describe().startsWith(brief + QStringLiteral(" · ")),
                 qPrintable(m_window->setup().describe()));
    }
};

QTEST_MAIN(TestArchitectureMessages)
#include "tst_architecture_messages.moc"
