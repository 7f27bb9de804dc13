// The knobs a learner sweeps by hand as sliders with a spin box beside them (issue 14, point 4):
// hidden nodes, batch size, epochs and training images. Slider and box stay in step both ways,
// by keys, wheel and mouse; the bounds hold; typed text the box cannot take is refused with a
// sentence; and dragging the hidden-nodes slider while training asks before it restarts.
#include "ui/control_panel.h"
#include "ui/learning_curves.h"
#include "ui/log_slider.h"
#include "ui/main_window.h"

#include "app/bridge/training_controller.h"
#include "app/lab/lab_session.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include <QApplication>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>
#include <QtTest/qtestspontaneevent.h>

using namespace nnlab;
using ui::ControlPanel;
using ui::CountSlider;
using nnlab::test::typeInto;

namespace {

CountSlider* knob(ControlPanel& panel, const QString& name)
{
    if (name == QLatin1String("hidden nodes"))
        return panel.hiddenNodesSlider(0);
    if (name == QLatin1String("batch size"))
        return panel.batchSizeSlider();
    if (name == QLatin1String("epochs"))
        return panel.epochsSlider();
    return panel.trainingSizeSlider();
}

// One notch of a mouse wheel (+1 up, -1 down), as the window system delivers it.
void wheel(QWidget* w, int notches)
{
    const QPointF local = w->rect().center();
    QWheelEvent e(local, w->mapToGlobal(local), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                  Qt::NoModifier, Qt::NoScrollPhase, false);
    QSpontaneKeyEvent::setSpontaneous(&e);
    QApplication::instance()->notify(w, &e);
}

// The slider's handle, where a person grabs it.
QRect handleOf(QSlider* slider)
{
    QStyleOptionSlider o;
    o.initFrom(slider);
    o.orientation = slider->orientation();
    o.minimum = slider->minimum();
    o.maximum = slider->maximum();
    o.sliderPosition = slider->sliderPosition();
    o.sliderValue = slider->value();
    o.singleStep = slider->singleStep();
    o.pageStep = slider->pageStep();
    o.upsideDown = slider->invertedAppearance();
    o.subControls = QStyle::SC_SliderGroove | QStyle::SC_SliderHandle;
    return slider->style()->subControlRect(QStyle::CC_Slider, &o, QStyle::SC_SliderHandle, slider);
}

// Presses the handle, moves the mouse `dx` pixels in ten steps with the button held, and (if
// `release`) lets go.
void drag(QSlider* slider, int dx, bool release = true)
{
    const QPoint from = handleOf(slider).center();
    QTest::mousePress(slider, Qt::LeftButton, {}, from);
    for (int i = 1; i <= 10; ++i) {
        const QPointF at = QPointF(from) + QPointF(dx * i / 10.0, 0);
        QMouseEvent move(QEvent::MouseMove, at, slider->mapToGlobal(at), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(slider, &move);
    }
    if (release)
        QTest::mouseRelease(slider, Qt::LeftButton, {}, from + QPoint(dx, 0));
}

QString number(int n)
{
    return QLocale().toString(n);
}

} // namespace

class TestKnobSliders : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        QVERIFY(m_dir.isValid());
    }

    // Expected values: a log slider has 100 positions a decade from its minimum, and position p
    // stands for the roundest whole number within half a position of minimum·10^(p/100):
    //   python3 -c "import math; print(round(100*math.log10(150)))"          # 218
    //   position 219: 10^2.19 = 154.9, half a step either side 153.1..156.7  -> 155
    //   +10 (PageUp) = 228: 190.5 in 188.4..192.8                             -> 190
    //   +3 (one wheel notch, 3 single steps) = 221: 162.2 in 160.3..164.1     -> 162
    //   200 is position 230; 231: 204.2 in 201.8..206.5 -> 204; 240: 251.2 -> 250; 233: 213.8 -> 214
    //   6,000 of 100..60,000 is position round(100*log10(60)) = 178; 179: 6,166 in 6,095..6,237
    //   -> 6,200; 188: 7,586 in 7,499..7,674 -> 7,600; 181: 6,457 in 6,383..6,531 -> 6,500
    // Epochs are linear: position = value - 1, a page 10, a notch 3.
    void sliderAndBoxInStep_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("typed");
        QTest::addColumn<int>("position");
        QTest::addColumn<int>("right");
        QTest::addColumn<int>("pageUp");
        QTest::addColumn<int>("wheelUp");
        QTest::addColumn<int>("sliderEnd");
        QTest::addColumn<int>("boxMax");
        QTest::addColumn<int>("boxMin");
        QTest::newRow("hidden nodes") << "hidden nodes" << 150 << 218 << 155 << 190 << 162 << 1024 << 1024 << 1;
        QTest::newRow("batch size") << "batch size" << 200 << 230 << 204 << 250 << 214 << 1000 << 2048 << 1;
        QTest::newRow("epochs") << "epochs" << 50 << 49 << 51 << 60 << 53 << 100 << 1000 << 1;
        QTest::newRow("training images") << "training images" << 6000 << 178 << 6200 << 7600 << 6500 << 60000 << 60000 << 100;
    }
    void sliderAndBoxInStep()
    {
        QFETCH(QString, name);
        QFETCH(int, typed);
        QFETCH(int, position);
        QFETCH(int, right);
        QFETCH(int, pageUp);
        QFETCH(int, wheelUp);
        QFETCH(int, sliderEnd);
        QFETCH(int, boxMax);
        QFETCH(int, boxMin);
        ControlPanel panel;
        panel.show();
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        CountSlider* k = knob(panel, name);
        QSlider* slider = k->slider();
        QSpinBox* box = k->spinBox();
        QSignalSpy changes(k, &CountSlider::valueChanged);

        // Typed into the box: the slider follows.
        typeInto(box, QString::number(typed));
        QCOMPARE(box->value(), typed);
        QCOMPARE(slider->value(), position);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(changes.last().at(0).toInt(), typed);

        // Keys on the slider: the box follows, one change each.
        slider->setFocus();
        QTest::keyClick(slider, Qt::Key_Right);
        QCOMPARE(box->value(), right);
        QCOMPARE(k->value(), right);
        QCOMPARE(changes.count(), 2);
        typeInto(box, QString::number(typed));
        QTest::keyClick(slider, Qt::Key_PageUp);
        QCOMPARE(box->value(), pageUp);
        QTest::keyClick(slider, Qt::Key_End);
        QCOMPARE(box->value(), sliderEnd);
        QCOMPARE(slider->value(), slider->maximum());
        QTest::keyClick(slider, Qt::Key_Home);
        QCOMPARE(box->value(), boxMin);
        QCOMPARE(slider->value(), 0);

        // The wheel, once the slider has the focus (the panel scrolls otherwise).
        typeInto(box, QString::number(typed));
        slider->setFocus();
        QTRY_VERIFY(slider->hasFocus());
        const int before = changes.count();
        wheel(slider, 1);
        QCOMPARE(box->value(), wheelUp);
        QCOMPARE(changes.count(), before + 1);
        wheel(slider, -1);
        QCOMPARE(box->value(), typed);

        // The box takes what lies beyond the slider's end; the slider then sits at its end.
        typeInto(box, QString::number(boxMax));
        QCOMPARE(box->value(), boxMax);
        QCOMPARE(k->value(), boxMax);
        QCOMPARE(slider->value(), slider->maximum());
        typeInto(box, QString::number(boxMin));
        QCOMPARE(slider->value(), 0);
    }

    // Low on a log track several positions stand for 1: a key still moves to 2, and back.
    void aKeyAlwaysChangesTheValue()
    {
        ControlPanel panel;
        panel.show();
        CountSlider* nodes = panel.hiddenNodesSlider(0);
        nodes->setValue(1);
        QCOMPARE(nodes->slider()->value(), 0);
        QTest::keyClick(nodes->slider(), Qt::Key_Right);
        QCOMPARE(nodes->value(), 2);
        QCOMPARE(nodes->slider()->value(), 30); // where typing 2 puts it: round(100·log10(2))
        QTest::keyClick(nodes->slider(), Qt::Key_Right);
        QCOMPARE(nodes->value(), 3);
        QTest::keyClick(nodes->slider(), Qt::Key_Left);
        QTest::keyClick(nodes->slider(), Qt::Key_Left);
        QCOMPARE(nodes->value(), 1);
        QCOMPARE(nodes->slider()->value(), 0);
    }

    // What the box cannot take is refused with a sentence: the value stays, nothing is sent.
    void badTextIsRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("kept");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("why");
        QTest::newRow("5000 hidden nodes") << "hidden nodes" << 150 << "5000"
                                           << "5000 is out of range: type 1 to %1 hidden nodes; the box keeps %2.";
        QTest::newRow("0 hidden nodes") << "hidden nodes" << 150 << "0"
                                        << "0 is out of range: type 1 to %1 hidden nodes; the box keeps %2.";
        QTest::newRow("abc hidden nodes") << "hidden nodes" << 150 << "abc"
                                          << "“abc” is not a whole number: type 1 to %1 hidden nodes; the box keeps %2.";
        QTest::newRow("0 epochs") << "epochs" << 5 << "0" << "0 is out of range: type 1 to %1 epochs; the box keeps %2.";
        QTest::newRow("2.5 epochs") << "epochs" << 5 << "2.5"
                                    << "“2.5” is not a whole number: type 1 to %1 epochs; the box keeps %2.";
        QTest::newRow("-3 epochs") << "epochs" << 5 << "-3" << "-3 is out of range: type 1 to %1 epochs; the box keeps %2.";
        QTest::newRow("a million per batch") << "batch size" << 200 << "1000000"
                                             << "1000000 is out of range: type 1 to %1 images per batch; the box keeps %2.";
        QTest::newRow("50 training images") << "training images" << 6000 << "50"
                                            << "50 is out of range: type 100 to %1 training images; the box keeps %2.";
    }
    void badTextIsRefused()
    {
        QFETCH(QString, name);
        QFETCH(int, kept);
        QFETCH(QString, typed);
        QFETCH(QString, why);
        ControlPanel panel;
        panel.show();
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        CountSlider* k = knob(panel, name);
        typeInto(k->spinBox(), QString::number(kept));
        QCOMPARE(k->value(), kept);
        const int position = k->slider()->value();
        QSignalSpy changes(k, &CountSlider::valueChanged);
        QSignalSpy refusals(k, &CountSlider::refused);
        QVERIFY(k->refusal()->isHidden());

        typeInto(k->spinBox(), typed);
        QCOMPARE(k->value(), kept); // Qt alone would have taken "500" of "5000"
        QCOMPARE(k->spinBox()->value(), kept);
        QCOMPARE(k->slider()->value(), position);
        QCOMPARE(changes.count(), 0);
        QCOMPARE(refusals.count(), 1);
        const QString expected = why.arg(number(k->maximum()), number(kept));
        QCOMPARE(refusals.first().at(0).toString(), expected);
        QVERIFY(k->refusal()->isVisible());
        QCOMPARE(k->refusal()->text(), expected);

        // The next value taken clears it.
        QTest::keyClick(k->slider(), Qt::Key_Right);
        QCOMPARE(changes.count(), 1);
        QVERIFY(k->refusal()->isHidden());
    }

    // Leaving the box with text it cannot take refuses it too.
    void leavingTheBoxRefusesToo()
    {
        ControlPanel panel;
        panel.show();
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        CountSlider* nodes = panel.hiddenNodesSlider(0);
        QSpinBox* box = nodes->spinBox();
        box->setFocus();
        QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(box, QStringLiteral("99999"));
        QCOMPARE(box->text(), QStringLiteral("99999")); // visible as typed
        panel.epochs()->setFocus(); // Tab-like: the focus leaves
        QTRY_VERIFY(!box->hasFocus());
        QCOMPARE(nodes->value(), 90);
        QVERIFY(nodes->refusal()->isVisible());
        QVERIFY(nodes->refusal()->text().startsWith(QLatin1String("99999 is out of range")));
    }

    // A drag shows each value in the box as the handle moves and sends one change, when let go.
    void aDragSendsOneChangeWhenLetGo()
    {
        ControlPanel panel;
        panel.resize(420, panel.sizeHint().height());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        CountSlider* images = panel.trainingSizeSlider();
        images->setValue(100);
        QSignalSpy changes(images, &CountSlider::valueChanged);
        QSignalSpy settings(&panel, &ControlPanel::runSettingsChanged);
        drag(images->slider(), images->slider()->width() / 3, false);
        QVERIFY(images->slider()->isSliderDown());
        const int shown = images->spinBox()->value();
        QVERIFY2(shown > 100, qPrintable(QString::number(shown)));
        QCOMPARE(images->slider()->value(), images->positionOf(shown)); // in step while dragged
        QCOMPARE(changes.count(), 0);
        QCOMPARE(images->value(), 100);
        QTest::mouseRelease(images->slider(), Qt::LeftButton);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(changes.first().at(0).toInt(), shown);
        QCOMPARE(settings.count(), 1);
        QCOMPARE(panel.setup().training.trainingSize, std::size_t(shown));
    }

    // The window: the hidden-nodes slider dragged while training asks before it restarts;
    // Discard takes the new shape, Cancel puts slider and box back.
    void draggingHiddenNodesWhileTrainingAsks()
    {
        ui::MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("drag.ini"));
        o.restoreSettings = false;
        o.askToSaveOnQuit = false;
        auto w = test::openMainWindow(o); // asks before trained weights are replaced
        QVERIFY(w->isDataReady());
        QVERIFY(w->applyPreset(QStringLiteral("keras-sgd")));
        typeInto(w->controls()->epochs(), QStringLiteral("100"));
        QTest::keyClick(w.get(), Qt::Key_Space);
        QTRY_COMPARE(w->curves()->runCount(), 1);
        QTRY_VERIFY(w->session()->hasWorkWorthKeeping());
        CountSlider* nodes = w->controls()->hiddenNodesSlider(0);
        QCOMPARE(nodes->value(), 90);
        QSlider* slider = nodes->slider();
        QVERIFY(slider->isVisible());

        drag(slider, -slider->width() / 4, false); // fewer nodes
        QVERIFY(nodes->spinBox()->value() < 90);   // the box follows the handle
        QVERIFY(!w->findChild<QMessageBox*>(QStringLiteral("discardQuestion"))); // not while held
        QVERIFY(w->controller()->isRunning());
        QTest::mouseRelease(slider, Qt::LeftButton);
        const int chosen = nodes->value();
        QVERIFY(chosen < 90);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = w->findChild<QMessageBox*>(QStringLiteral("discardQuestion"))) != nullptr);
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused); // waits for the answer
        QCOMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{90}));
        QTest::mouseClick(box->button(QMessageBox::Discard), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w->curves()->runCount() == 2, 10000);
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{chosen}));
        QTRY_VERIFY(w->controller()->isRunning());

        // Dragged again, answered Cancel: the shape, the run and the controls stay.
        QTRY_VERIFY(w->session()->hasWorkWorthKeeping());
        QTRY_VERIFY(!w->findChild<QMessageBox*>(QStringLiteral("discardQuestion")));
        drag(slider, slider->width() / 4);
        QVERIFY(nodes->value() > chosen);
        QTRY_VERIFY((box = w->findChild<QMessageBox*>(QStringLiteral("discardQuestion"))) != nullptr);
        QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_COMPARE(nodes->value(), chosen);
        QCOMPARE(nodes->spinBox()->value(), chosen);
        QCOMPARE(slider->value(), nodes->positionOf(chosen));
        QTRY_VERIFY(w->controller()->isRunning());
        QCOMPARE(w->curves()->runCount(), 2);
        QCOMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{chosen}));
    }
};

QTEST_MAIN(TestKnobSliders)
#include "tst_knob_sliders.moc"
