// Keyboard and wheel traps in the Controls panel: Space starts and pauses training from any
// widget but a text field (a spin box just edited included), and the mouse wheel over a spin box
// or combo box that has no focus scrolls the panel instead of changing the value. A view's key
// (Ctrl+1 ... Ctrl+9) brings a view behind a tab into sight instead of closing it.
#include "ui/control_panel.h"
#include "ui/main_window.h"
#include "ui/on_screen.h"

#include "app/bridge/training_controller.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <QWheelEvent>
#include <QtTest/qtestspontaneevent.h>

using namespace nnlab;
using nnlab::ui::ControlPanel;
using nnlab::ui::MainWindow;

class TestKeyboardAndWheel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<MainWindow> open()
    {
        MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        o.restoreSettings = false;
        o.askToSaveOnQuit = false;
        auto w = std::make_unique<MainWindow>(o);
        QSignalSpy ready(w.get(), &MainWindow::dataReady);
        w->show();
        w->activateWindow();
        if (!w->isDataReady())
            ready.wait(20000);
        return w;
    }

    // One notch of a mouse wheel, as the window system delivers it (spontaneous, so Qt passes
    // an ignored wheel on to the parent widgets).
    static void wheel(QWidget* w, int notches)
    {
        const QPointF local = w->rect().center();
        QWheelEvent e(local, w->mapToGlobal(local), QPoint(), QPoint(0, 120 * notches),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QSpontaneKeyEvent::setSpontaneous(&e);
        QApplication::instance()->notify(w, &e);
    }

    // Clicks into a spin box, selects its text and types a number, as a person would (no Enter).
    static void typeInto(QAbstractSpinBox* box, const QString& text)
    {
        QTest::mouseClick(box->findChild<QLineEdit*>(), Qt::LeftButton);
        QTRY_VERIFY(box->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(QApplication::focusWidget(), text);
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
        QVERIFY(m_dir.isValid());
    }

    void spaceStartsAndPausesRightAfterEditingASpinBox()
    {
        auto w = open();
        QVERIFY(w->isDataReady());
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        ControlPanel* c = w->controls();
        typeInto(c->epochs(), QStringLiteral("50"));
        QVERIFY(c->epochs()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Start
        QTRY_VERIFY(w->controller()->isRunning());
        QCOMPARE(w->setup().epochs, 50); // the typed value counts
        QVERIFY(c->epochs()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Pause
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused);

        // A number the box refuses ("0" where 1 is the least): Space does not go on with the
        // number it replaced.
        typeInto(c->epochs(), QStringLiteral("0"));
        QVERIFY(!c->epochs()->hasAcceptableInput());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QTest::qWait(200);
        QCOMPARE(w->controller()->state(), app::WorkerState::Paused);
        typeInto(c->epochs(), QStringLiteral("50"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Resume
        QTRY_VERIFY(w->controller()->isRunning());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Pause
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused);

        // A combo box with focus: Space still pauses and resumes.
        c->optimizer()->setFocus();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Resume
        QTRY_VERIFY(w->controller()->isRunning());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Pause
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused);
        QTest::keyClick(w.get(), Qt::Key_Period, Qt::ControlModifier); // Stop
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Idle);
    }

    void spaceInATextFieldTypesASpace()
    {
        // A text field (here a line edit in the window) keeps its Space.
        auto w = open();
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        auto* field = new QLineEdit(w.get());
        field->show();
        field->setFocus();
        QTRY_VERIFY(field->hasFocus());
        QTest::keyClicks(field, QStringLiteral("a b"));
        QCOMPARE(field->text(), QStringLiteral("a b"));
        QVERIFY(!w->controller()->isRunning());
        QCOMPARE(w->controller()->state(), app::WorkerState::Idle);
    }

    void wheelOverAnUnfocusedBoxScrollsThePanel()
    {
        // The Controls panel in a short scroll area, as in the window's dock.
        QScrollArea scroll;
        auto* panel = new ControlPanel;
        scroll.setWidget(panel);
        scroll.setWidgetResizable(true);
        scroll.resize(panel->sizeHint().width() + 24, 260);
        scroll.show();
        QVERIFY(QTest::qWaitForWindowExposed(&scroll));
        panel->optimizer()->setCurrentIndex(3); // Adam: β1 shows
        auto* beta1 = static_cast<QDoubleSpinBox*>(nullptr);
        for (auto* box : panel->findChildren<QDoubleSpinBox*>())
            if (box->toolTip().contains(QStringLiteral("β1")))
                beta1 = box;
        QVERIFY(beta1);
        beta1->setValue(0.9);
        QSignalSpy changes(panel, &ControlPanel::optimizerChanged);

        // Scroll until β1 sits under the mouse, then keep scrolling over it.
        scroll.ensureWidgetVisible(beta1);
        QCoreApplication::processEvents();
        QVERIFY(!beta1->hasFocus());
        const int before = scroll.verticalScrollBar()->value();
        QVERIFY(before > 0);
        for (int i = 0; i < 3; ++i)
            wheel(beta1, 1); // up
        QCOMPARE(beta1->value(), 0.9);
        QCOMPARE(changes.count(), 0);
        QVERIFY2(scroll.verticalScrollBar()->value() < before, "the panel scrolls instead");

        // Over a combo box without focus: the choice stays.
        QComboBox* activation = panel->activation();
        scroll.ensureWidgetVisible(activation);
        QCoreApplication::processEvents();
        const int choice = activation->currentIndex();
        wheel(activation, -1);
        wheel(activation, -1);
        QCOMPARE(activation->currentIndex(), choice);

        // Clicked into (focused), the box takes the wheel.
        scroll.ensureWidgetVisible(beta1);
        QCoreApplication::processEvents();
        QTest::mouseClick(beta1->findChild<QLineEdit*>(), Qt::LeftButton);
        QTRY_VERIFY(beta1->hasFocus());
        wheel(beta1, -1);
        QVERIFY(beta1->value() < 0.9);
        QCOMPARE(changes.count(), 1);
    }

    // The Runs sit behind the Weights, the Step inspector behind the Digits: their keys bring
    // them into sight (the dock's own toggle closed them), a second press closes them, a third
    // brings them back; the View menu still shows each key.
    void aViewsKeyBringsItsTabIntoSight()
    {
        auto w = open();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        for (const auto& [name, key] : {std::pair{"runsDock", Qt::Key_7}, std::pair{"inspectorDock", Qt::Key_5}}) {
            QDockWidget* d = w->dock(QLatin1String(name));
            QVERIFY(d);
            QVERIFY2(!ui::isOnScreen(d), name); // a tab behind another at the start
            QCOMPARE(d->toggleViewAction()->shortcut(), QKeySequence(Qt::CTRL | key));
            QTest::keyClick(w.get(), key, Qt::ControlModifier);
            QTRY_VERIFY2(ui::isOnScreen(d), name);
            QTest::keyClick(w.get(), key, Qt::ControlModifier);
            QTRY_VERIFY2(!d->isVisible(), name);
            QTest::keyClick(w.get(), key, Qt::ControlModifier);
            QTRY_VERIFY2(ui::isOnScreen(d), name);
        }
    }
};

QTEST_MAIN(TestKeyboardAndWheel)
#include "tst_keyboard_and_wheel.moc"
