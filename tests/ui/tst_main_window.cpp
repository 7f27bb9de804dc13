// The main window driven as a person drives it (offscreen): keys into the controls, Space to
// start, curves that gain points, a shape change mid-run that asks first, Stop, closing while
// training, remembered settings, bad data files, bounded plot memory.
#include "app/bridge/training_controller.h"
#include "ui/control_panel.h"
#include "ui/learning_curves.h"
#include "ui/log_slider.h"
#include "ui/main_window.h"
#include "engine/model_file.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using ui::LearningCurves;
using ui::MainWindow;
using nnlab::test::typeInto;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<MainWindow> open(bool restore)
    {
        return nnlab::test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")), restore);
    }

private slots:
    void initTestCase()
    {
        nnlab::test::useBundledDataAndModel();
        QVERIFY(m_dir.isValid());
    }

    void opensWithTheDefaultModel()
    {
        auto w = open(false);
        QVERIFY(w->isDataReady());
        QCOMPARE(w->data().train->size(), std::size_t(60000));
        QCOMPARE(w->data().test->size(), std::size_t(10000));
        QVERIFY(w->startAction()->isEnabled());
        QTRY_VERIFY(w->snapshot().network != nullptr);
        QCOMPARE(w->snapshot().network->architecture().layerSizes(), (std::vector<int>{784, 256, 10}));
        QCOMPARE(w->controls()->hiddenNodes(0)->value(), 256);
        QVERIFY(w->windowTitle().contains(QLatin1String("default model")));
        // Still, once the worker has sent its copy of the default model's weights.
        QTRY_VERIFY(w->snapshot().network != w->session()->defaultModel());
        QVERIFY2(w->windowTitle().contains(QLatin1String("default model")), qPrintable(w->windowTitle()));
    }

    void controlsStartCurvesStop()
    {
        auto w = open(false);
        QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        ui::ControlPanel* c = w->controls();
        typeInto(c->hiddenNodes(0), QStringLiteral("40"));
        QTRY_COMPARE(w->setup().architecture.hidden, (std::vector<int>{40}));
        typeInto(c->trainingSize(), QStringLiteral("6000"));
        QTRY_COMPARE(w->setup().training.trainingSize, std::size_t(6000));
        typeInto(c->epochs(), QStringLiteral("50"));
        QCOMPARE(w->setup().epochs, 50);
        // The learning-rate slider by keyboard: PageUp moves a quarter decade up.
        const double before = c->learningRate()->value();
        c->learningRate()->slider()->setFocus();
        QTest::keyClick(c->learningRate()->slider(), Qt::Key_PageUp);
        QVERIFY(c->learningRate()->value() > before * 1.5);
        QTRY_COMPARE(w->setup().training.optimizer.learningRate, float(c->learningRate()->value()));
        // Impossible values cannot be entered.
        typeInto(c->hiddenNodes(0), QStringLiteral("5000"));
        QVERIFY(c->hiddenNodes(0)->value() <= ui::ControlPanel::kMaxHiddenNodes);
        typeInto(c->hiddenNodes(0), QStringLiteral("40"));

        // 1,000 images a second (Ctrl+[ twice): an epoch of 6,000 takes 6 s, so the worker's
        // quick estimate (made when no test was made for a second) comes on any machine; as
        // fast as it goes, a fast one ends every epoch sooner and makes none.
        QTest::keyClick(w.get(), Qt::Key_BracketLeft, Qt::ControlModifier);
        QTest::keyClick(w.get(), Qt::Key_BracketLeft, Qt::ControlModifier);
        QTRY_COMPARE(w->controller()->imagesPerSecond(), 1000.0);
        QTest::keyClick(w.get(), Qt::Key_Space); // Start
        QTRY_VERIFY(w->controller()->isRunning());
        LearningCurves* curves = w->curves();
        QTRY_VERIFY_WITH_TIMEOUT(curves->runCount() == 1 &&
                                     curves->pointCount(1, LearningCurves::Kind::Running) >= 5, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(curves->pointCount(1, LearningCurves::Kind::Test) >= 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(curves->pointCount(1, LearningCurves::Kind::QuickTest) >= 1, 10000);
        QCOMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{40}));

        QTest::keyClick(w.get(), Qt::Key_Space); // Pause
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused);
        QCOMPARE(w->startAction()->text(), QStringLiteral("&Resume"));
        QTest::keyClick(w.get(), Qt::Key_Period, Qt::ControlModifier); // Stop
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Idle);
        QCOMPARE(w->startAction()->text(), QStringLiteral("&Start"));
        const QString csv = curves->toCsv();
        QVERIFY(csv.startsWith(QLatin1String("run,label,series,epoch,loss,accuracy\n")));
        QVERIFY(csv.count(QLatin1Char('\n')) > 6);
        QVERIFY(csv.contains(QLatin1String("784-40-10 sigmoid")));
    }

    void shapeChangeWhileTrainingAsksFirst()
    {
        MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("asks.ini"));
        o.restoreSettings = false;
        o.askToSaveOnQuit = false;
        auto w = nnlab::test::openMainWindow(o); // asks before trained weights are replaced
        QVERIFY(w->applyPreset(QStringLiteral("keras-sgd")));
        typeInto(w->controls()->epochs(), QStringLiteral("100"));
        QTest::keyClick(w.get(), Qt::Key_Space);
        QTRY_VERIFY(w->curves()->runCount() == 1);
        QTRY_VERIFY(w->session()->hasWorkWorthKeeping()); // a few steps would not ask
        typeInto(w->controls()->hiddenNodes(0), QStringLiteral("64"));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = w->findChild<QMessageBox*>(QStringLiteral("discardQuestion"))) != nullptr);
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused); // waits for the answer
        QCOMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{90}));
        QTest::mouseClick(box->button(QMessageBox::Discard), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w->curves()->runCount() == 2, 10000);
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{64}));
        QTRY_VERIFY(w->controller()->isRunning());

        // Answering Cancel keeps the shape and the run, and puts the control back.
        QTRY_VERIFY(w->session()->hasWorkWorthKeeping());
        typeInto(w->controls()->hiddenNodes(0), QStringLiteral("32"));
        QTRY_VERIFY((box = w->findChild<QMessageBox*>(QStringLiteral("discardQuestion"))) != nullptr);
        QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_COMPARE(w->controls()->hiddenNodes(0)->value(), 64);
        QTRY_VERIFY(w->controller()->isRunning());
        QCOMPARE(w->curves()->runCount(), 2);
    }

    void closingMidTrainingIsQuick()
    {
        auto w = open(false);
        QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        QTest::keyClick(w.get(), Qt::Key_Space);
        QTRY_VERIFY(w->curves()->pointCount(1, LearningCurves::Kind::Running) > 2);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(w->close());
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(w->controller()->state(), app::WorkerState::Idle);
    }

    void settingsAreRemembered()
    {
        {
            auto w = open(false);
            QVERIFY(w->applyPreset(QStringLiteral("lesson-100")));
            typeInto(w->controls()->hiddenNodes(0), QStringLiteral("123"));
            w->controls()->optimizer()->setFocus();
            QTest::keyClick(w->controls()->optimizer(), Qt::Key_Down); // SGD -> momentum
            QTRY_COMPARE(w->setup().architecture.hidden, (std::vector<int>{123}));
            w->close();
        }
        auto w = open(true);
        QCOMPARE(w->controls()->hiddenNodes(0)->value(), 123);
        QCOMPARE(w->controls()->optimizer()->currentIndex(), 1);
        QCOMPARE(w->controls()->trainingSize()->value(), 100);
        QCOMPARE(w->controls()->learningRate()->value(), 0.3);
        QCOMPARE(w->setup().architecture.hidden, (std::vector<int>{123}));
    }

    void badDataFileShowsAMessageAndKeepsTheData()
    {
        auto w = open(false);
        QSignalSpy messages(w.get(), &MainWindow::messageShown);
        const QString bad = m_dir.filePath(QStringLiteral("broken_test.csv"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("5,0,0,0\n");
        f.close();
        w->openDataFiles({QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv"), bad});
        QVERIFY(messages.wait(5000));
        QVERIFY2(messages.last().at(0).toString().contains(QLatin1String("broken_test.csv")),
                 qPrintable(messages.last().at(0).toString()));
        QCOMPARE(w->data().name, QStringLiteral("MNIST"));
        QCOMPARE(w->controls()->dataset()->currentIndex(), 0);
        w->openDataFiles({bad}); // a test file alone is no training set
        QVERIFY(messages.wait(5000));
        QVERIFY(messages.last().at(0).toString().contains(QLatin1String("training CSV")));

        // The lesson's own CSV pair loads.
        w->openDataFiles({QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv"),
                          QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv")});
        QTRY_COMPARE(w->data().train->size(), std::size_t(100));
        QCOMPARE(w->data().test->size(), std::size_t(10));
        QCOMPARE(w->controls()->trainingSize()->maximum(), 100);
    }

    void modelFilesSaveOpenAndRefuseBadOnes()
    {
        auto w = open(false);
        QVERIFY(w->applyPreset(QStringLiteral("lesson-100")));
        typeInto(w->controls()->hiddenNodes(0), QStringLiteral("40"));
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{40}));
        QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier); // Step: one image
        QTRY_VERIFY(w->isModelDirty());
        QTRY_COMPARE(w->snapshot().samplesSeen, std::uint64_t(1));
        const QString path = m_dir.filePath(QStringLiteral("forty.nnlab"));
        QVERIFY(w->saveModel(path));
        QVERIFY(!w->isModelDirty());
        QVERIFY(w->windowTitle().contains(QLatin1String("forty.nnlab")));
        const nnlab::engine::Model saved = nnlab::engine::loadModel(path.toStdString());
        QVERIFY(saved.network == *w->snapshot().network);
        QCOMPARE(saved.info.samplesSeen, std::uint64_t(1));
        QCOMPARE(w->recentModels().first(), path);

        // A corrupt file: the engine's message naming it, and the model stays.
        QSignalSpy messages(w.get(), &MainWindow::messageShown);
        const QString bad = m_dir.filePath(QStringLiteral("garbage.nnlab"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("NNLABMDL but then nothing sensible at all");
        f.close();
        const auto before = w->snapshot().network;
        QVERIFY(!w->openModel(bad));
        QCOMPARE(messages.count(), 1);
        QVERIFY(messages.first().at(0).toString().contains(QLatin1String("garbage.nnlab")));
        QCOMPARE(w->snapshot().network, before);
        QCOMPARE(w->modelPath(), path);

        // Another shape, then open the saved model: the controls follow it.
        QVERIFY(w->applyPreset(QStringLiteral("keras-sgd")));
        QTRY_COMPARE(w->controls()->hiddenNodes(0)->value(), 90);
        QVERIFY(w->openModel(path));
        QCOMPARE(w->controls()->hiddenNodes(0)->value(), 40);
        QCOMPARE(w->controls()->activation()->currentIndex(), 0); // sigmoid
        QCOMPARE(w->controls()->outputLoss()->currentIndex(), 0);
        QTRY_VERIFY(*w->snapshot().network == saved.network);

        // The same weights as a NumPy archive, and back: bit for bit.
        const QString npz = m_dir.filePath(QStringLiteral("forty.npz"));
        QVERIFY(w->saveModel(npz));
        QVERIFY(w->applyPreset(QStringLiteral("keras-sgd")));
        QVERIFY(w->openModel(npz));
        QCOMPARE(w->controls()->hiddenNodes(0)->value(), 40);
        QTRY_VERIFY(*w->snapshot().network == saved.network);
    }

    void quittingAsksToSaveATrainedModel()
    {
        MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("quit.ini"));
        o.restoreSettings = false;
        o.askToSaveOnQuit = true;
        {
            MainWindow untouched(o);
            QSignalSpy ready(&untouched, &MainWindow::dataReady);
            untouched.show();
            QVERIFY(ready.wait(20000));
            QVERIFY(!untouched.isModelDirty());
            QVERIFY(untouched.close()); // nothing learned: no question (it would block here)
        }
        MainWindow w(o);
        QSignalSpy ready(&w, &MainWindow::dataReady);
        w.show();
        QVERIFY(ready.wait(20000));
        for (int i = 0; i < 10; ++i) // Step (a batch of 100): it learns from 1,000 images
            QTest::keyClick(&w, Qt::Key_Right, Qt::ControlModifier);
        QTRY_VERIFY(w.isModelDirty());
        QTRY_COMPARE(w.session()->samplesSinceKept(), std::uint64_t(1000));
        auto answer = [&](QMessageBox::StandardButton button) {
            QTimer::singleShot(0, &w, [&w, button] {
                auto* box = w.findChild<QMessageBox*>(QStringLiteral("saveOnQuitQuestion"));
                QVERIFY(box);
                QTest::mouseClick(box->button(button), Qt::LeftButton);
            });
        };
        answer(QMessageBox::Cancel);
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        answer(QMessageBox::Discard);
        QVERIFY(w.close());
    }

    void logScaleAndPlotMemoryBounded()
    {
        LearningCurves curves;
        curves.beginRun(1, QStringLiteral("test"));
        for (int i = 0; i < 50 * LearningCurves::kMaxPoints; ++i)
            curves.addRunning(1, i * 1e-3, 1.0 / (1 + i), 0.5);
        QVERIFY(curves.pointCount(1, LearningCurves::Kind::Running) < LearningCurves::kMaxPoints);
        QVERIFY(curves.pointCount(1, LearningCurves::Kind::Running) >= LearningCurves::kMaxPoints / 2);
        QVERIFY(curves.plot()->graph(0)->dataCount() < LearningCurves::kMaxPoints);
        curves.setLogLoss(true);
        QCOMPARE(curves.plot()->axisRects().first()->axis(QCPAxis::atLeft)->scaleType(),
                 QCPAxis::stLogarithmic);
        curves.addRunning(1, 1e9, std::nan(""), 0.5); // ignored, not plotted
        QTemporaryDir dir;
        QVERIFY(curves.savePlot(dir.filePath(QStringLiteral("c.png"))));
        QVERIFY(curves.savePlot(dir.filePath(QStringLiteral("c.pdf"))));
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("c.png"))).size() > 1000);
        curves.clearRuns();
        QCOMPARE(curves.totalPoints(), 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
