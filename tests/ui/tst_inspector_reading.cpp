// Reading the step inspector: the hidden layer's h_input (left axis) and h_output (right axis)
// share their zero line, so a negative sum visibly gives an output below its middle.
#include "ui/step_inspector.h"

#include <qcustomplot.h>

#include <QImage>
#include <QtTest>

using namespace nnlab;

class TestInspectorReading : public QObject
{
    Q_OBJECT

    // One hidden layer of 6 nodes (sums -4..3, sigmoid outputs), 10 outputs, label 5, answer 3.
    static engine::LessonTrace trace(int label, int predicted, const std::vector<float>& sums)
    {
        engine::LessonTrace t;
        engine::Vector in(Eigen::Index(sums.size())), out(in.size()), err(in.size());
        for (Eigen::Index i = 0; i < in.size(); ++i) {
            in[i] = sums[std::size_t(i)];
            out[i] = 1.0f / (1.0f + std::exp(-in[i]));
            err[i] = 0.01f * float(i);
        }
        t.hiddenInputs = {in};
        t.hiddenOutputs = {out};
        t.hiddenErrors = {err};
        t.outputOutput = engine::Vector::Constant(10, 0.05f);
        t.outputOutput[predicted] = 0.8f;
        t.target = engine::Vector::Constant(10, 0.01f);
        t.target[label] = 0.99f;
        t.outputErrors = t.target - t.outputOutput;
        t.label = label;
        t.predicted = predicted;
        return t;
    }

private slots:
    void hiddenAxesShareTheirZero_data()
    {
        QTest::addColumn<std::vector<float>>("sums");
        QTest::newRow("negative and positive sums") << std::vector<float>{-4, -1, 0.5, 2, 3, 1};
        QTest::newRow("mostly negative sums") << std::vector<float>{-9, -7, -5, -3, -1, 0.2f};
        QTest::newRow("positive sums only") << std::vector<float>{0.5f, 1, 2, 4, 6, 8};
    }

    void hiddenAxesShareTheirZero()
    {
        QFETCH(std::vector<float>, sums);
        ui::StepInspector inspector;
        inspector.resize(900, 420);
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        inspector.setTrace(trace(5, 3, sums), QImage(28, 28, QImage::Format_Grayscale8),
                           QStringLiteral("Test image 1"), false);
        QCustomPlot* plot = inspector.plot();
        plot->replot();
        QCPAxisRect* hidden = plot->axisRect(0);
        QCPAxis* hInput = hidden->axis(QCPAxis::atLeft);
        QCPAxis* hOutput = hidden->axis(QCPAxis::atRight);
        QVERIFY(hOutput->visible());
        QVERIFY(hInput->label().startsWith(QLatin1String("h_input")));
        QVERIFY(hOutput->label().startsWith(QLatin1String("h_output")));
        QVERIFY2(std::abs(hInput->coordToPixel(0) - hOutput->coordToPixel(0)) < 1.0,
                 qPrintable(QStringLiteral("h_input's zero at %1 px, h_output's at %2 px")
                                .arg(hInput->coordToPixel(0)).arg(hOutput->coordToPixel(0))));
        // Both still show all their values.
        for (float s : sums) {
            QVERIFY(hInput->range().contains(s));
            QVERIFY(hOutput->range().contains(1.0 / (1.0 + std::exp(-s))));
        }
    }
};

QTEST_MAIN(TestInspectorReading)
#include "tst_inspector_reading.moc"
