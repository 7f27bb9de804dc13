// The learning curves, offscreen: the loss axis leaves room for the legend above every curve.
#include "ui/learning_curves.h"

#include <qcustomplot.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;

class TestLearningCurves : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    // Before any run (the legend empty and hidden) and after one, the plots take the widget's
    // whole width: an empty legend once capped the layout's column at the caption's width.
    void plotsFillTheWidthWithAndWithoutRuns()
    {
        ui::LearningCurves curves;
        curves.resize(400, 400);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        curves.resize(1000, 500); // grown, as a window's central area is once its docks settle
        QCustomPlot* plot = curves.plot();
        for (const bool withRun : {false, true}) {
            if (withRun) {
                curves.beginRun(1, QStringLiteral("784-90-10 sigmoid"));
                curves.addRunning(1, 0.5, 0.2, 0.8);
            }
            QSignalSpy replotted(plot, &QCustomPlot::afterReplot);
            QVERIFY(replotted.wait());
            for (QCPAxisRect* rect : plot->axisRects())
                QVERIFY2(rect->outerRect().width() >= plot->width() - 2,
                         qPrintable(QStringLiteral("run %1: an axis rect %2 px wide in a plot of %3 px")
                                        .arg(withRun).arg(rect->outerRect().width()).arg(plot->width())));
        }
    }

    // Slow motion on 60,000 images: the first hundred images (0.0017 epochs) fill the axis,
    // not a line at 0 of a whole epoch; from 2% of an epoch on, whole quarter epochs as before.
    void theAxisFollowsTheFirstImages()
    {
        using C = ui::LearningCurves;
        QCOMPARE(C::epochAxisEnd(0), 1.0);
        QCOMPARE(C::epochAxisEnd(100.0 / 60000), 0.005);
        QCOMPARE(C::epochAxisEnd(10.0 / 60000), 0.0005);
        QCOMPARE(C::epochAxisEnd(0.0039), 0.005);
        QCOMPARE(C::epochAxisEnd(0.0041), 0.01);
        QCOMPARE(C::epochAxisEnd(0.019), 0.05);
        QCOMPARE(C::epochAxisEnd(0.03), 1.0);
        QCOMPARE(C::epochAxisEnd(1.1), 1.25);
        for (double x = 1e-6; x < 0.02; x *= 1.37) // always a little beyond the newest point
            QVERIFY2(C::epochAxisEnd(x) >= x * 1.25 && C::epochAxisEnd(x) <= x * 12.5, qPrintable(QString::number(x)));

        ui::LearningCurves curves;
        curves.resize(800, 500);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        curves.beginRun(1, QStringLiteral("784-90-10 sigmoid"));
        for (int image = 1; image <= 100; ++image)
            curves.addRunning(1, image / 60000.0, 0.3, 0.5);
        QCustomPlot* plot = curves.plot();
        QSignalSpy replotted(plot, &QCustomPlot::afterReplot);
        QVERIFY(replotted.wait());
        QCOMPARE(plot->graph(0)->keyAxis()->range().upper, 0.005);
    }

    void legendCoversNoCurve()
    {
        // Runs that stay at their highest loss all along (the lesson on 100 images does, nearly):
        // the loss axis reaches above them by the legend's height, linear or logarithmic.
        ui::LearningCurves curves;
        curves.resize(600, 500);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        for (int run = 1; run <= 3; ++run) {
            curves.beginRun(run, QStringLiteral("784-90-10 sigmoid, run %1").arg(run));
            for (int i = 1; i <= 20; ++i)
                curves.addRunning(run, 0.1 * i, 0.3 - 0.01 * run, 0.5);
        }
        QCustomPlot* plot = curves.plot();
        for (const bool log : {false, true}) {
            QSignalSpy replotted(plot, &QCustomPlot::afterReplot);
            curves.setLogLoss(log);
            QVERIFY(replotted.wait()); // lays the legend out; savePlot's replot then makes room for it
            curves.savePlot(m_dir.filePath(QStringLiteral("curves.png")));
            QVERIFY(plot->legend->visible());
            QCPAxis* y = plot->graph(0)->valueAxis();
            const double top = y->coordToPixel(0.29); // the highest curve
            QVERIFY2(plot->legend->outerRect().bottom() < top,
                     qPrintable(QStringLiteral("log %1: legend to %2 px, curve at %3 px")
                                    .arg(log).arg(plot->legend->outerRect().bottom()).arg(top)));
        }
    }

    // A sweep point's three runs opened in a short plot (their legend takes three lines): the
    // value labels stay at least a line apart instead of running into each other.
    void valueLabelsStayALineApartInAShortPlot()
    {
        ui::LearningCurves curves;
        curves.resize(520, 330);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        for (int run = 1; run <= 3; ++run) {
            curves.beginRun(run, QStringLiteral("lr 0.072 · seed %1 (sweep): 784-90-10 sigmoid · SGD l_r "
                                                "0.072 · batch 1 · init lesson, seed %1 · MNIST").arg(run));
            for (int i = 1; i <= 20; ++i)
                curves.addRunning(run, 0.1 * i, 0.2 / i, 0.75 + 0.01 * i);
        }
        QCustomPlot* plot = curves.plot();
        const int line = QFontMetrics(plot->axisRects().front()->axis(QCPAxis::atLeft)->tickLabelFont()).height();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (QCPAxisRect* rect : plot->axisRects()) {
                    QCPAxis* y = rect->axis(QCPAxis::atLeft);
                    const QVector<double> ticks = y->tickVector();
                    for (int i = 1; i < ticks.size(); ++i)
                        if (std::abs(y->coordToPixel(ticks[i]) - y->coordToPixel(ticks[i - 1])) < line)
                            return false;
                }
                return true;
            }(),
            3000);
        for (QCPAxisRect* rect : plot->axisRects())
            QVERIFY(rect->axis(QCPAxis::atLeft)->tickVector().size() >= 2); // still a scale to read
    }
};

QTEST_MAIN(TestLearningCurves)
#include "tst_learning_curves.moc"
