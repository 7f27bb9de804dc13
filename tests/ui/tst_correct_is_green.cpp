// Green means "correct" in every view: the confusion matrix's diagonal, the step inspector's
// answer only when it is right (a wrong answer is outlined, not green), and the draw view's
// answer, which nothing checks, never green.
#include "tests/common/test_support.h"
#include "ui/confusion_matrix.h"
#include "ui/digit_canvas.h"
#include "ui/draw_panel.h"
#include "ui/step_inspector.h"

#include <qcustomplot.h>

#include <QImage>
#include <QtTest>

using namespace nnlab;
namespace engine = nnlab::engine;

namespace {

bool isGreen(const QColor& c)
{
    return c.alpha() > 0 && c.hsvSaturation() > 60 && c.hsvHue() >= 75 && c.hsvHue() <= 165;
}

// The bars of `plot` that show a value at `key` (the highlighted answer's bars).
std::vector<QCPBars*> barsAt(QCustomPlot* plot, QCPAxisRect* rect, double key)
{
    std::vector<QCPBars*> out;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto* b = qobject_cast<QCPBars*>(plot->plottable(i));
            b && b->keyAxis()->axisRect() == rect) {
            auto it = b->data()->findBegin(key, false);
            if (it != b->data()->constEnd() && it->key == key && it->value > 0)
                out.push_back(b);
        }
    return out;
}

engine::LessonTrace trace(int label, int predicted)
{
    engine::LessonTrace t;
    t.hiddenInputs = {engine::Vector::Constant(4, 0.5f)};
    t.hiddenOutputs = {engine::Vector::Constant(4, 0.6f)};
    t.hiddenErrors = {engine::Vector::Constant(4, 0.01f)};
    t.outputOutput = engine::Vector::Constant(10, 0.05f);
    t.outputOutput[predicted] = 0.8f;
    t.target = engine::Vector::Constant(10, 0.01f);
    t.target[label] = 0.99f;
    t.outputErrors = t.target - t.outputOutput;
    t.label = label;
    t.predicted = predicted;
    return t;
}

} // namespace

class TestCorrectIsGreen : public QObject
{
    Q_OBJECT

private slots:
    void confusionDiagonalIsGreenMistakesAreNot()
    {
        ui::ConfusionMatrix m;
        m.resize(420, 420);
        m.show();
        QVERIFY(QTest::qWaitForWindowExposed(&m));
        std::vector<std::int64_t> counts(9, 0);
        counts[0] = 80, counts[1] = 20, counts[4] = 100, counts[8] = 100;
        m.setConfusion(counts, {QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")});
        const QImage image = m.grab().toImage();
        auto fill = [&](int t, int p) {
            return QColor(image.pixel(m.cellRect(t, p).topLeft() + QPoint(4, 4)));
        };
        QVERIFY2(isGreen(fill(0, 0)), qPrintable(fill(0, 0).name()));
        QVERIFY(isGreen(fill(1, 1)));
        QVERIFY2(!isGreen(fill(0, 1)), qPrintable(fill(0, 1).name()));
    }

    void inspectorOutlinesAWrongAnswer()
    {
        ui::StepInspector inspector;
        inspector.resize(900, 420);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        QCustomPlot* plot = inspector.plot();
        QCPAxisRect* outputs = nullptr;
        for (QCPAxisRect* rect : plot->axisRects())
            if (rect->axis(QCPAxis::atLeft)->label().startsWith(QLatin1String("o_output")))
                outputs = rect;
        QVERIFY(outputs);

        // Label 5, the network says 3: its bar is not green, and stands out by its outline.
        const QImage digit(28, 28, QImage::Format_Grayscale8);
        inspector.setTrace(trace(5, 3), digit, QStringLiteral("x"), false);
        std::vector<QCPBars*> answer = barsAt(plot, outputs, 3);
        QCOMPARE(answer.size(), std::size_t(1));
        QVERIFY2(!isGreen(answer[0]->brush().color()),
                 qPrintable(answer[0]->brush().color().name()));
        QVERIFY(answer[0]->pen().style() != Qt::NoPen && answer[0]->pen().widthF() >= 2);
        for (int k : {0, 5, 9})
            for (QCPBars* b : barsAt(plot, outputs, k))
                QVERIFY(!isGreen(b->brush().color()));

        // Label 3, the network says 3: green.
        inspector.setTrace(trace(3, 3), digit, QStringLiteral("x"), false);
        answer = barsAt(plot, outputs, 3);
        QCOMPARE(answer.size(), std::size_t(1));
        QVERIFY(isGreen(answer[0]->brush().color()));
    }

    void drawAnswerIsNotGreen()
    {
        // Nobody has said what the drawing is, so the network's answer is neither right nor wrong.
        test::useBundledDataAndModel();
        auto model = test::loadBundledModel();
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(model);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        ui::DigitCanvas* canvas = panel.canvas();
        const QRect s = canvas->square();
        const QPoint top(s.center().x(), s.top() + s.height() / 6);
        const QPoint bottom(s.center().x(), s.bottom() - s.height() / 6);
        QTest::mousePress(canvas, Qt::LeftButton, {}, top);
        for (int i = 1; i <= 10; ++i) {
            const QPointF at = QPointF(top) + QPointF(bottom - top) * (i / 10.0);
            QMouseEvent move(QEvent::MouseMove, at, canvas->mapToGlobal(at), Qt::NoButton,
                             Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(canvas, &move);
        }
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, bottom);
        QTRY_VERIFY(panel.result().seen.has_value());
        auto* plot = panel.findChild<QCustomPlot*>();
        QVERIFY(plot);
        const std::vector<QCPBars*> answer = barsAt(plot, plot->axisRect(), panel.result().digit);
        QVERIFY(!answer.empty());
        for (QCPBars* b : answer)
            QVERIFY2(!isGreen(b->brush().color()), qPrintable(b->brush().color().name()));
    }
};

QTEST_MAIN(TestCorrectIsGreen)
#include "tst_correct_is_green.moc"
