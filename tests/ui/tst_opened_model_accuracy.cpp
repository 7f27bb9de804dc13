// Opening a model shows the test accuracy its file stores next to the one measured again, off
// the GUI thread, on the open test set (issue 14, point 6): "stored 0.9596 · measured 0.1028 on
// these 10,000 test images". The measured figures here come from the test itself: a network
// whose answer is known for every image, and the engine's own evaluation of the default model.
#include "ui/main_window.h"

#include "engine/evaluation.h"
#include "engine/model_file.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace nnlab;
using ui::MainWindow;

namespace {

// 784-10, no hidden layer, every weight 0 and one bias 1: o_output is sigmoid(1) for `digit`
// and sigmoid(0) for the others, so it answers `digit` for every image.
engine::Model answering(int digit)
{
    engine::Architecture a;
    a.hidden = {};
    a.biases = true;
    engine::Model m{engine::Network(a), {}};
    m.network.weights(0).setZero();
    m.network.bias(0).setZero();
    m.network.bias(0)(digit) = 1.0f;
    return m;
}

QLabel* modelLabel(MainWindow* w)
{
    return w->statusBar()->findChild<QLabel*>(QStringLiteral("modelAccuracyLabel"));
}

} // namespace

class TestOpenedModelAccuracy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        QVERIFY(m_dir.isValid());
        m_window = test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
        QVERIFY(m_window->isDataReady());
        QCOMPARE(m_window->data().test->size(), std::size_t(10000));
    }

    void cleanupTestCase() { m_window.reset(); }

    // A file that stores 0.9596 but holds a network that answers 7 for everything: measured
    // again it scores the share of 7s in the test set. MNIST's test set has 1,028 of them
    // (counted here from its labels; LeCun's table of the test set says the same).
    void storedAndMeasuredDiffer()
    {
        QLabel* label = modelLabel(m_window.get());
        QVERIFY(label);
        QVERIFY(label->isHidden()); // nothing opened yet
        const auto& labels = m_window->data().test->labels;
        const auto sevens = std::count(labels.begin(), labels.end(), std::uint8_t(7));
        QCOMPARE(sevens, 1028);

        engine::Model model = answering(7);
        model.info.testAccuracy = 0.9596f;
        const QString path = m_dir.filePath(QStringLiteral("sevens.nnlab"));
        engine::saveModel(path.toStdString(), model);
        QVERIFY(m_window->openModel(path));
        QVERIFY(label->isVisible());
        const QString images = QLocale().toString(10000);
        // At once what the file says; the measurement arrives from its thread.
        QCOMPARE(label->text(), QStringLiteral("stored 0.9596 · measuring on these %1 test images…").arg(images));
        QTRY_COMPARE(label->text(), QStringLiteral("stored 0.9596 · measured 0.1028 on these %1 test images").arg(images));
    }

    // A file without a stored figure but with a history: its last measured epoch counts.
    void storedFromTheHistory()
    {
        engine::Model model = answering(1);
        model.info.provenance.epochs = {{1, 60000, 0.9012f}, {2, 120000, 0.9345f}, {3, 180000, std::nullopt}};
        const QString path = m_dir.filePath(QStringLiteral("ones.nnlab"));
        engine::saveModel(path.toStdString(), model);
        QVERIFY(m_window->openModel(path));
        // MNIST's test set has 1,135 ones.
        const auto& labels = m_window->data().test->labels;
        QCOMPARE(std::count(labels.begin(), labels.end(), std::uint8_t(1)), 1135);
        QTRY_COMPARE(modelLabel(m_window.get())->text(),
                     QStringLiteral("stored 0.9345 · measured 0.1135 on these %1 test images").arg(QLocale().toString(10000)));
    }

    // The bundled default model as stored, and as the engine scores it on these 10,000 images.
    void defaultModelAgainstTheEngine()
    {
        const QString path = test::sourceFile(QStringLiteral("resources/models/default.nnlab"));
        const engine::Model model = engine::loadModel(path.toStdString());
        QVERIFY(model.info.testAccuracy.has_value());
        const double measured = engine::evaluate(model.network, *m_window->data().test).accuracy;
        QVERIFY(m_window->openModel(path));
        QTRY_COMPARE(modelLabel(m_window.get())->text(),
                     QStringLiteral("stored %1 · measured %2 on these %3 test images")
                         .arg(double(*model.info.testAccuracy), 0, 'f', 4)
                         .arg(measured, 0, 'f', 4)
                         .arg(QLocale().toString(10000)));
    }

    // New weights replace the opened ones: the figures, which were about them, go.
    void replacedWeightsClearIt()
    {
        QVERIFY(modelLabel(m_window.get())->isVisible());
        QVERIFY(m_window->applyPreset(QStringLiteral("lesson")));
        QTRY_VERIFY(modelLabel(m_window.get())->isHidden());
    }
};

QTEST_MAIN(TestOpenedModelAccuracy)
#include "tst_opened_model_accuracy.moc"
