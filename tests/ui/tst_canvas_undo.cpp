// Clear on the draw canvas can be undone: Clear (button or Esc) then Ctrl+Z brings the drawing
// back, and the network reads it again; strokes drawn after a Clear are undone first.
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/digit_canvas.h"
#include "ui/draw_panel.h"

#include <QPushButton>
#include <QtTest>

using namespace nnlab;
namespace engine = nnlab::engine;

class TestCanvasUndo : public QObject
{
    Q_OBJECT

private slots:
    void clearCanBeUndone()
    {
        test::useBundledDataAndModel();
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(test::loadBundledModel());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        ui::DigitCanvas* canvas = panel.canvas();
        test::drawStroke(canvas, {0.3, 0.2}, {0.7, 0.2}); // a 7
        test::drawStroke(canvas, {0.7, 0.2}, {0.4, 0.85});
        QTRY_VERIFY(panel.result().seen.has_value());
        const QRectF drawn = canvas->inkBounds();
        const int digit = panel.result().digit;
        // The same drawing: same place on the canvas (a redraw may antialias a pixel differently).
        auto same = [&] {
            const QRectF b = canvas->inkBounds();
            return std::abs(b.left() - drawn.left()) <= 1
                   && std::abs(b.right() - drawn.right()) <= 1
                   && std::abs(b.top() - drawn.top()) <= 1
                   && std::abs(b.bottom() - drawn.bottom()) <= 1;
        };

        // The Clear button, then Ctrl+Z: the same drawing, read again.
        QTest::mouseClick(panel.clearButton(), Qt::LeftButton);
        QVERIFY(canvas->isEmpty());
        QTRY_VERIFY(!panel.result().seen);
        canvas->setFocus();
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(canvas->strokeCount(), 2);
        QVERIFY(same());
        QTRY_VERIFY(panel.result().seen.has_value());
        QCOMPARE(panel.result().digit, digit);

        // Esc, a new stroke, then Ctrl+Z twice: the new stroke goes, then the drawing returns.
        QTest::keyClick(canvas, Qt::Key_Escape);
        QVERIFY(canvas->isEmpty());
        test::drawStroke(canvas, {0.5, 0.15}, {0.5, 0.85});
        QCOMPARE(canvas->strokeCount(), 1);
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(canvas->isEmpty());
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(canvas->strokeCount(), 2);
        QVERIFY(same());
        // Nothing left to undo past the first stroke.
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(canvas->isEmpty());
        QTest::keyClick(canvas, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(canvas->isEmpty());
    }
};

QTEST_MAIN(TestCanvasUndo)
#include "tst_canvas_undo.moc"
