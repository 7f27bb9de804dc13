// Every view shows the current network (issue 20, items 5 and 6), in the window offscreen and
// driven by keys and clicks: after Keras RMSprop, Lesson: from scratch and three Steps, the step
// inspector traces the lesson's network (sigmoid h_output in 0..1, its o_output, "Step on this
// image" enabled); after Reset weights, a preset or a new shape, the status bar no longer shows
// the replaced network's test accuracy.
#include "app/bridge/training_controller.h"
#include "engine/step_trace.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/control_panel.h"
#include "ui/log_slider.h"
#include "ui/main_window.h"
#include "ui/step_inspector.h"

#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using nnlab::test::typeInto;
using ui::MainWindow;

class TestCurrentViews : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<MainWindow> open()
    {
        return test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
    }
    // Clicks the dock tab titled `title`, as a person chooses a view behind another.
    static bool clickTab(MainWindow* w, const QString& title)
    {
        for (QTabBar* bar : w->findChildren<QTabBar*>())
            for (int i = 0; i < bar->count(); ++i)
                if (bar->tabText(i) == title) {
                    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(i).center());
                    return true;
                }
        return false;
    }
    static QString testAccuracyText(MainWindow* w)
    {
        auto* label = w->statusBar()->findChild<QLabel*>(QStringLiteral("testAccuracyLabel"));
        return label ? label->text() : QStringLiteral("(no label)");
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        QVERIFY(m_dir.isValid());
    }

    void inspectorTracesTheLessonNetAfterKeras()
    {
        auto w = open();
        QVERIFY(w->isDataReady());
        QVERIFY(w->applyPreset(QStringLiteral("keras-rmsprop")));
        QTest::keyClick(w.get(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(w->snapshot().samplesSeen >= 2000, 20000);
        QTest::keyClick(w.get(), Qt::Key_Space); // pause
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused);
        w->inspect(false, 0); // training image 0, traced by the Keras network
        ui::StepInspector* in = w->inspector();
        QTRY_VERIFY(in->hasTrace());
        QVERIFY(clickTab(w.get(), QStringLiteral("Digits"))); // the inspector behind the gallery

        QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier); // Step
        QTRY_COMPARE(w->snapshot().samplesSeen, std::uint64_t(3));
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{90}));
        QVERIFY(clickTab(w.get(), QStringLiteral("Step inspector")));

        const app::NetworkPtr net = w->snapshot().network;
        QVERIFY(net->architecture().hiddenActivation == engine::Activation::Sigmoid);
        const auto& set = *w->data().train;
        const engine::LessonTrace now = engine::traceSample(*net, set.image(0), set.labels[0], true);
        QTRY_VERIFY(in->trace().outputOutput.size() == now.outputOutput.size() &&
                    in->trace().outputOutput.isApprox(now.outputOutput));
        const std::vector<double> shown = in->shown(QStringLiteral("o_output"));
        for (std::size_t k = 0; k < shown.size(); ++k)
            QVERIFY(std::abs(shown[k] - now.outputOutput(Eigen::Index(k))) < 1e-6);
        for (const double h : in->shown(QStringLiteral("h_output")))
            QVERIFY2(h >= 0 && h <= 1, qPrintable(QString::number(h))); // a sigmoid's
        QVERIFY(in->stepButton()->isEnabled()); // a training image, the lesson's per-sample mode
    }

    void statusBarForgetsAReplacedNetworksAccuracy_data()
    {
        QTest::addColumn<QString>("action");
        QTest::newRow("Reset weights") << "reset";
        QTest::newRow("a preset") << "preset";
        QTest::newRow("a new shape") << "shape";
    }
    void statusBarForgetsAReplacedNetworksAccuracy()
    {
        QFETCH(QString, action);
        auto w = open();
        QVERIFY(w->applyPreset(QStringLiteral("lesson-100")));
        QSignalSpy epochs(w->controller(), &app::TrainingController::epochEnded);
        QTest::keyClick(w.get(), Qt::Key_Space);
        QVERIFY(epochs.wait(20000));
        QTRY_VERIFY(testAccuracyText(w.get()).startsWith(QLatin1String("test accuracy")));
        QTest::keyClick(w.get(), Qt::Key_Space); // pause
        QTRY_VERIFY(!w->controller()->isRunning());

        if (action == QLatin1String("reset"))
            QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        else if (action == QLatin1String("preset"))
            QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        else
            typeInto(w->controls()->hiddenNodes(0), QStringLiteral("30"));
        QTRY_VERIFY(!w->session()->awaitsNewNetwork());
        QTRY_COMPARE(w->snapshot().samplesSeen, std::uint64_t(0));
        QCOMPARE(testAccuracyText(w.get()), QString());
        QVERIFY(!w->session()->lastTestAccuracy()); // nor is it saved with the new one
    }

    // The window's title describes the setup now in use: a learning rate typed mid-run too.
    void titleFollowsTheLearningRate()
    {
        auto w = open();
        QVERIFY(w->applyPreset(QStringLiteral("lesson-100")));
        QTRY_VERIFY2(w->windowTitle().contains(QLatin1String("l_r 0.3")), qPrintable(w->windowTitle()));
        typeInto(w->controls()->learningRate()->spinBox(), QStringLiteral("0.05"));
        QTRY_VERIFY2(w->windowTitle().contains(QLatin1String("l_r 0.05")), qPrintable(w->windowTitle()));
    }
};

QTEST_MAIN(TestCurrentViews)
#include "tst_current_views.moc"
