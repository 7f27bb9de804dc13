// No trained network is thrown away without asking (issue 20, item 2), in the window offscreen
// and driven by keys and clicks: after an epoch of Lesson: 100 samples, a new shape, a preset,
// other data, Reset weights, New network and Open model each ask (Save / Discard / Cancel);
// Cancel puts the control back and keeps the network, Discard replaces it, Save saves first;
// "Don't ask again" is remembered; a network that only took a few steps asks nowhere, Quit
// included.
#include "app/bridge/training_controller.h"
#include "engine/model_file.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/control_panel.h"
#include "ui/discard_question.h"
#include "ui/main_window.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QMessageBox>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace nnlab;
using nnlab::test::typeInto;
using ui::MainWindow;

class TestDiscardQuestions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_windows = 0;

    MainWindow::Options options(bool askOnQuit = false)
    {
        MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_windows));
        o.restoreSettings = false;
        o.askToSaveOnQuit = askOnQuit;
        o.askBeforeDiscard = true;
        return o;
    }
    // A window on Lesson: 100 samples (one epoch is 100 images).
    std::unique_ptr<MainWindow> openLesson100(const MainWindow::Options& o)
    {
        auto w = test::openMainWindow(o);
        if (!w->isDataReady() || !w->applyPreset(QStringLiteral("lesson-100")))
            return nullptr;
        typeInto(w->controls()->epochs(), QStringLiteral("1000"));
        return w;
    }
    // Space, until at least an epoch's images are learned, and Space again (paused).
    static void trainAnEpoch(MainWindow* w)
    {
        const std::uint64_t until = w->session()->samplesSinceKept() + 100;
        QTest::keyClick(w, Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(w->session()->samplesSinceKept() >= until, 20000);
        QTest::keyClick(w, Qt::Key_Space);
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused);
        QVERIFY(w->session()->hasWorkWorthKeeping());
    }
    // The question open now (window-modal), or null.
    static QMessageBox* openQuestion()
    {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        return box && box->objectName() == QLatin1String("discardQuestion") ? box : nullptr;
    }
    // Clicks `button`; the window is active again after it (the offscreen platform does not
    // give the activation back by itself when a dialog closes).
    static void answer(QMessageBox* box, QMessageBox::StandardButton button)
    {
        QWidget* window = box->parentWidget()->window();
        QTest::mouseClick(box->button(button), Qt::LeftButton);
        QTRY_VERIFY(QApplication::activeModalWidget() == nullptr);
        window->activateWindow();
        QTRY_VERIFY(QApplication::activeWindow() == window);
    }
    // Does one action that would replace the weights, as a person does it.
    void act(MainWindow* w, const QString& action)
    {
        if (action == QLatin1String("shape"))
            typeInto(w->controls()->hiddenNodes(0), QStringLiteral("30"));
        else if (action == QLatin1String("preset"))
            w->applyPreset(QStringLiteral("lesson"));
        else if (action == QLatin1String("data"))
            w->openDataFiles({test::sourceFile(QStringLiteral("data/mnist_train_100.csv")),
                              test::sourceFile(QStringLiteral("data/mnist_test_10.csv"))});
        else if (action == QLatin1String("reset"))
            QTest::keyClick(w, Qt::Key_R, Qt::ControlModifier);
        else if (action == QLatin1String("new"))
            QTest::keyClick(w, Qt::Key_N, Qt::ControlModifier);
        else if (action == QLatin1String("open"))
            w->openModel(m_dir.filePath(QStringLiteral("other.nnlab")));
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        QVERIFY(m_dir.isValid());
        engine::Model other = test::makeModel({90}, true, engine::Activation::Sigmoid, engine::Output::Sigmoid,
                                              engine::Loss::SquaredError);
        engine::saveModel(m_dir.filePath(QStringLiteral("other.nnlab")).toStdString(), other);
    }

    void everyReplacingActionAsks_data()
    {
        QTest::addColumn<QString>("action");
        QTest::newRow("hidden nodes typed") << "shape";
        QTest::newRow("a preset") << "preset";
        QTest::newRow("other data") << "data";
        QTest::newRow("Reset weights (Ctrl+R)") << "reset";
        QTest::newRow("New network (Ctrl+N)") << "new";
        QTest::newRow("Open model") << "open";
    }
    void everyReplacingActionAsks()
    {
        QFETCH(QString, action);
        auto w = openLesson100(options());
        QVERIFY(w);
        trainAnEpoch(w.get());
        QVERIFY(w->session()->needsAskingBeforeDiscard());
        const app::NetworkPtr trained = w->snapshot().network;
        const app::TrainingSetup setup = w->setup();

        // Cancel: the network, the data and every control as they were.
        act(w.get(), action);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        QVERIFY(box->button(QMessageBox::Save) && box->button(QMessageBox::Discard) && box->button(QMessageBox::Cancel));
        QVERIFY(box->text().contains(QLatin1String("learned from")));
        answer(box, QMessageBox::Cancel);
        QCOMPARE(w->snapshot().network, trained);
        QCOMPARE(w->data().train->size(), std::size_t(60000));
        QCOMPARE(w->controls()->hiddenNodes(0)->value(), 90);
        QCOMPARE(w->controls()->trainingSize()->value(), 100);
        QCOMPARE(w->controls()->setup().describe(), setup.describe());
        QVERIFY(w->session()->needsAskingBeforeDiscard());

        // Discard: replaced.
        act(w.get(), action);
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        answer(box, QMessageBox::Discard);
        QTRY_VERIFY_WITH_TIMEOUT(w->snapshot().network != trained && !w->session()->awaitsNewNetwork(), 10000);
        QCOMPARE(w->session()->samplesSinceKept(), std::uint64_t(0));
        QVERIFY(!w->session()->needsAskingBeforeDiscard());
    }

    void cancelPutsTheHiddenNodesBack()
    {
        auto w = openLesson100(options());
        QVERIFY(w);
        trainAnEpoch(w.get());
        const app::NetworkPtr trained = w->snapshot().network;
        typeInto(w->controls()->hiddenNodes(0), QStringLiteral("30"));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        answer(box, QMessageBox::Cancel);
        QCOMPARE(w->controls()->hiddenNodes(0)->value(), 90);
        QCOMPARE(w->setup().architecture.hidden, (std::vector<int>{90}));
        QCOMPARE(w->snapshot().network, trained);
        // Typed again: the same question, and Discard gives the new shape.
        typeInto(w->controls()->hiddenNodes(0), QStringLiteral("30"));
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        answer(box, QMessageBox::Discard);
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{30}));
        QCOMPARE(w->controls()->hiddenNodes(0)->value(), 30);
    }

    void saveSavesThenReplaces()
    {
        auto w = openLesson100(options());
        QVERIFY(w);
        const QString path = m_dir.filePath(QStringLiteral("kept.nnlab"));
        QVERIFY(w->saveModel(path)); // the model has a file: Save needs no dialog
        trainAnEpoch(w.get());
        const app::NetworkPtr trained = w->snapshot().network;
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        answer(box, QMessageBox::Save);
        QVERIFY(engine::loadModel(path.toStdString()).network == *trained); // saved first...
        QVERIFY(!w->isModelDirty());
        QTRY_VERIFY(w->snapshot().network != trained && !w->session()->awaitsNewNetwork()); // ... then replaced
        QVERIFY(!(*w->snapshot().network == *trained));
    }

    void dontAskAgainIsRemembered()
    {
        const MainWindow::Options o = options();
        auto w = openLesson100(o);
        QVERIFY(w);
        trainAnEpoch(w.get());
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        QVERIFY(box->checkBox());
        QTest::mouseClick(box->checkBox(), Qt::LeftButton, {}, QPoint(5, box->checkBox()->height() / 2));
        QVERIFY(box->checkBox()->isChecked());
        answer(box, QMessageBox::Discard);
        QCOMPARE(QSettings(o.settingsFile, QSettings::IniFormat).value(ui::DiscardQuestion::kSettingsKey).toBool(),
                 false);
        // Trained again: no question, the new shape at once.
        QTRY_VERIFY(!w->session()->awaitsNewNetwork());
        trainAnEpoch(w.get()); // still work worth keeping...
        QVERIFY(!w->session()->needsAskingBeforeDiscard()); // ... but the learner said not to ask
        typeInto(w->controls()->hiddenNodes(0), QStringLiteral("30"));
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{30}));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        w.reset();
        // And in the next window with those settings.
        auto next = test::openMainWindow(o);
        QVERIFY(!next->session()->asksBeforeDiscard());
    }

    // Start after a run ended begins a new run from its initial weights (item 1), so it asks
    // like every other action that replaces trained weights; Continue trains them on unasked.
    void startAfterAnEndedRunAsks()
    {
        auto w = openLesson100(options());
        QVERIFY(w);
        typeInto(w->controls()->epochs(), QStringLiteral("2"));
        QTest::keyClick(w.get(), Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(w->controller()->state() == app::WorkerState::Idle &&
                                     w->controller()->startBeginsNewRun(), 20000);
        QVERIFY(w->session()->needsAskingBeforeDiscard());
        const app::NetworkPtr trained = w->snapshot().network;
        const int run = w->snapshot().run;

        QTest::keyClick(w.get(), Qt::Key_Space); // Start
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        QVERIFY(box->text().contains(QLatin1String("learned from")));
        QVERIFY(box->text().contains(QLatin1String("Continue training")));
        answer(box, QMessageBox::Cancel);
        QCOMPARE(w->controller()->state(), app::WorkerState::Idle);
        QCOMPARE(w->snapshot().network, trained);

        QTest::keyClick(w.get(), Qt::Key_Space, Qt::ControlModifier | Qt::ShiftModifier); // Continue
        QTRY_VERIFY_WITH_TIMEOUT(w->controller()->state() == app::WorkerState::Idle &&
                                     w->controller()->startBeginsNewRun() && w->snapshot().network != trained,
                                 20000);
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        QCOMPARE(w->snapshot().run, run); // the same run, trained further
        QVERIFY(!(*w->snapshot().network == *trained));

        QTest::keyClick(w.get(), Qt::Key_Space);
        QTRY_VERIFY((box = openQuestion()) != nullptr);
        answer(box, QMessageBox::Discard);
        QTRY_VERIFY_WITH_TIMEOUT(w->controller()->state() == app::WorkerState::Idle &&
                                     w->snapshot().run == run + 1 && w->controller()->startBeginsNewRun(),
                                 20000);
        QVERIFY(*w->session()->runInitialWeights(run + 1) == *w->session()->runInitialWeights(run));
    }

    void aFewStepsAskNowhere()
    {
        auto w = test::openMainWindow(options());
        QVERIFY(w->applyPreset(QStringLiteral("lesson"))); // one image per step
        for (int i = 0; i < 4; ++i)
            QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier); // Step
        QTRY_COMPARE(w->session()->samplesSinceKept(), std::uint64_t(4));
        QVERIFY(w->isModelDirty());
        typeInto(w->controls()->hiddenNodes(0), QStringLiteral("30"));
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{30}));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        for (int i = 0; i < 4; ++i)
            QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier);
        QTRY_COMPARE(w->session()->samplesSinceKept(), std::uint64_t(4));
        const app::NetworkPtr stepped = w->snapshot().network;
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier); // Reset weights
        QTRY_VERIFY(w->snapshot().network != stepped && !w->session()->awaitsNewNetwork());
        QVERIFY(QApplication::activeModalWidget() == nullptr);
    }

    void quitAfterAFewStepsDoesNotAsk()
    {
        auto w = test::openMainWindow(options(true));
        QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        for (int i = 0; i < 4; ++i)
            QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier); // Step: four images
        QTRY_COMPARE(w->session()->samplesSinceKept(), std::uint64_t(4));
        QVERIFY(w->isModelDirty());
        // A question would wait in its own event loop: this answers it, and says so.
        bool asked = false;
        QTimer::singleShot(0, w.get(), [&asked] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                asked = true;
                box->button(QMessageBox::Cancel)->click();
            }
        });
        QVERIFY(w->close());
        QVERIFY(!asked);
    }
};

QTEST_MAIN(TestDiscardQuestions)
#include "tst_discard_questions.moc"
