// The step inspector in the main window, offscreen: exactly the engine's forward pass for a test
// digit, and a one-image step in the lesson's mode that is the lesson's update of that image.
#include "app/bridge/training_controller.h"
#include "engine/step_trace.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/step_inspector.h"
#include "ui/weight_tiles.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
namespace engine = nnlab::engine;

class TestStepInspector : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::shared_ptr<const engine::Dataset> m_train, m_test;
    std::shared_ptr<const engine::Network> m_model;

    std::unique_ptr<ui::MainWindow> open()
    {
        return test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        const test::Mnist mnist = test::loadBundledMnist();
        m_train = mnist.train;
        m_test = mnist.test;
        m_model = test::loadBundledModel();
    }

    void inspectorShowsTheForwardPass()
    {
        auto w = open();
        QTRY_VERIFY(w->snapshot().network != nullptr);
        w->inspect(true, 8); // a test digit
        ui::StepInspector* in = w->inspector();
        QVERIFY(in->hasTrace());
        engine::Vector x(784);
        m_model->scaleInput(m_test->image(8), x.data());
        engine::Batch batch = x;
        const engine::Batch o = m_model->predict(batch);
        const std::vector<double> shown = in->shown(QStringLiteral("o_output"));
        QCOMPARE(shown.size(), std::size_t(10));
        for (int k = 0; k < 10; ++k)
            QVERIFY(std::abs(shown[std::size_t(k)] - o(k, 0)) < 1e-6);
        const engine::Network::Trace t = m_model->trace(x);
        const std::vector<double> h = in->shown(QStringLiteral("h_output"));
        QCOMPARE(h.size(), std::size_t(256));
        for (int k = 0; k < 256; ++k)
            QVERIFY(std::abs(h[std::size_t(k)] - t.activations[1][k]) < 1e-6);
        const std::vector<double> target = in->shown(QStringLiteral("target"));
        QCOMPARE(target[m_test->labels[8]], 1.0); // softmax + cross-entropy: one-hot
        QVERIFY(!in->stepButton()->isEnabled()); // a test image: never trained on
    }

    void stepOnOneTrainingImage()
    {
        auto w = open();
        QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{90}));
        w->inspect(false, 0); // the first training image, a 5
        ui::StepInspector* in = w->inspector();
        QTRY_VERIFY(in->stepButton()->isEnabled());
        const auto before = w->snapshot().network;
        const std::vector<double> oBefore = in->shown(QStringLiteral("o_output"));
        QSignalSpy stepped(w->controller(), &app::TrainingController::sampleStepped);
        QTest::mouseClick(in->stepButton(), Qt::LeftButton);
        QVERIFY(stepped.wait(5000));
        // The network after the step is the lesson's update of exactly this image.
        engine::Network expected = *before;
        engine::trainOneSample(expected, m_train->image(0), m_train->labels[0], 0.1f, true);
        // A step that begins a run first re-sends the same weights under the run's number, so wait
        // for the weights themselves, not for any new snapshot.
        QTRY_VERIFY(*w->snapshot().network == expected);
        QVERIFY(!(*before == expected));
        QCOMPARE(in->changeTiles()->tileCount(), 90);
        QVERIFY(in->changeText()->text().contains(QLatin1String("neuron")));
        // Its output for this image moved towards the target 0.99 for class 5.
        QTRY_VERIFY(in->shown(QStringLiteral("o_output"))[5] > oBefore[5]);
    }
};

QTEST_MAIN(TestStepInspector)
#include "tst_step_inspector.moc"
