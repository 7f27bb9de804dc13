// Reading the learning curves: hovering a point names its run, epoch and value; a legend entry
// hides and shows its run; eight runs' legend leaves the loss plot free; the loss axis names each
// run's loss (in the widget and in the window); the caption that explains the lines is part of
// the exported picture.
#include "ui/learning_curves.h"
#include "ui/main_window.h"

#include "app/bridge/training_controller.h"

#include <qcustomplot.h>

#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

using namespace nnlab;
using nnlab::ui::LearningCurves;

class TestCurvesReading : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // Two runs: run r falls from 1/r to 0.5/r over two epochs (10 running points each), with a
    // test point at each epoch end.
    static void addTwoRuns(LearningCurves& curves)
    {
        for (int run = 1; run <= 2; ++run) {
            curves.beginRun(run, QStringLiteral("784-90-10 sigmoid · SGD l_r 0.%1").arg(run));
            for (int i = 1; i <= 10; ++i)
                curves.addRunning(run, 0.2 * i, (1.0 - 0.05 * i) / run, 0.5 + 0.04 * i);
            curves.addTest(run, 1.0, 0.75 / run, 0.8);
            curves.addTest(run, 2.0, 0.5 / run, 0.9);
        }
    }

    static QCPAxisRect* lossRect(LearningCurves& curves)
    {
        return curves.plot()->graph(0)->keyAxis()->axisRect();
    }

    // Waits for the curves' next (rate-limited) replot, which rescales to the data.
    static void settle(LearningCurves& curves)
    {
        QSignalSpy replotted(curves.plot(), &QCustomPlot::afterReplot);
        curves.resetView();
        QVERIFY(replotted.wait(5000));
        curves.plot()->replot(); // the layout of the new ranges, now
    }

private slots:
    void hoverShowsRunEpochAndValue()
    {
        LearningCurves curves;
        curves.resize(700, 560);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        addTwoRuns(curves);
        settle(curves);
        // Run 2's test point at epoch 1: loss 0.375.
        QCPAxisRect* rect = lossRect(curves);
        const QPoint at(int(rect->axis(QCPAxis::atBottom)->coordToPixel(1.0)),
                        int(rect->axis(QCPAxis::atLeft)->coordToPixel(0.375)));
        QTest::mouseMove(curves.plot(), at + QPoint(2, 1));
        QTRY_VERIFY(QToolTip::isVisible());
        const QString tip = QToolTip::text();
        QVERIFY2(tip.contains(QLatin1String("Run 2")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("epoch 1")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("0.375")), qPrintable(tip));
        QVERIFY2(tip.contains(QLatin1String("test")), qPrintable(tip));
        // Over the accuracy plot: run 1's running accuracy at epoch 0.4 is 0.58.
        QCPAxisRect* acc = curves.plot()->axisRects().at(1);
        const QPoint accAt(int(acc->axis(QCPAxis::atBottom)->coordToPixel(0.4)),
                           int(acc->axis(QCPAxis::atLeft)->coordToPixel(0.58)));
        QTest::mouseMove(curves.plot(), accAt);
        QTRY_VERIFY(QToolTip::text().contains(QLatin1String("Run 1")));
        const QString accTip = QToolTip::text();
        QVERIFY2(accTip.contains(QLatin1String("accuracy")), qPrintable(accTip));
        QVERIFY2(accTip.contains(QLatin1String("58")), qPrintable(accTip));
    }

    void legendClickHidesAndShowsARun()
    {
        LearningCurves curves;
        curves.resize(700, 560);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        addTwoRuns(curves);
        settle(curves);
        QCustomPlot* plot = curves.plot();
        QCPLegend* legend = plot->legend;
        QCOMPARE(legend->itemCount(), 2);
        auto* entry = qobject_cast<QCPPlottableLegendItem*>(legend->item(0));
        QVERIFY(entry);
        const QString name = entry->plottable()->name();
        QVERIFY(name.startsWith(QLatin1String("Run 1")));
        auto visibleGraphsOf = [&](const QString& run) {
            int n = 0;
            for (int g = 0; g < plot->graphCount(); ++g)
                if (plot->graph(g)->name().startsWith(run) && plot->graph(g)->visible())
                    ++n;
            return n;
        };
        QCOMPARE(visibleGraphsOf(QStringLiteral("Run 1")), 6); // loss and accuracy of 3 series
        QTest::mouseClick(plot, Qt::LeftButton, {}, entry->outerRect().center());
        QCOMPARE(visibleGraphsOf(QStringLiteral("Run 1")), 0);
        QCOMPARE(visibleGraphsOf(QStringLiteral("Run 2")), 6);
        QVERIFY(entry->textColor() != QColor(Qt::black)); // greyed
        settle(curves);
        QTest::mouseClick(plot, Qt::LeftButton, {}, entry->outerRect().center());
        QCOMPARE(visibleGraphsOf(QStringLiteral("Run 1")), 6);
        QCOMPARE(entry->textColor(), QColor(Qt::black));
    }

    void eightRunsLegendCoversNoCurve()
    {
        LearningCurves curves;
        curves.resize(700, 560);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        // Eight runs with labels as the window writes them, spread over the whole loss range.
        for (int run = 1; run <= 8; ++run) {
            curves.beginRun(run, QStringLiteral("784-90-10 sigmoid · SGD l_r 0.%1 · batch 1 · "
                                                "100 images · MNIST").arg(run));
            for (int i = 0; i <= 40; ++i)
                curves.addRunning(run, 0.05 * i, 0.1 * run - 0.001 * i, 0.5);
        }
        for (const bool log : {false, true}) {
            curves.setLogLoss(log);
            settle(curves);
            QCustomPlot* plot = curves.plot();
            QVERIFY(plot->legend->visible());
            const QRectF legend = plot->legend->outerRect();
            for (int g = 0; g < plot->graphCount(); ++g) {
                QCPGraph* graph = plot->graph(g);
                if (graph->valueAxis() != lossRect(curves)->axis(QCPAxis::atLeft))
                    continue;
                for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
                    const QPointF p(graph->keyAxis()->coordToPixel(it->key),
                                    graph->valueAxis()->coordToPixel(it->value));
                    QVERIFY2(!legend.contains(p),
                             qPrintable(QStringLiteral("log %1: %2 at epoch %3 (%4, %5) under the "
                                                       "legend %6,%7 %8x%9")
                                            .arg(log).arg(graph->name()).arg(it->key)
                                            .arg(p.x()).arg(p.y()).arg(legend.x()).arg(legend.y())
                                            .arg(legend.width()).arg(legend.height())));
                }
            }
            // And every legend entry is inside the plot, readable.
            QVERIFY(QRectF(plot->rect()).contains(legend));
        }
    }

    // A run continued with several changes: its entry wraps and stays whole inside the plot.
    void aLongEntryWrapsInsideThePlot()
    {
        LearningCurves curves;
        curves.resize(520, 560);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        curves.beginRun(1, QStringLiteral("784-90-10 sigmoid · SGD l_r 0.3 · batch 1 · 100 images · MNIST"));
        for (int i = 0; i <= 40; ++i)
            curves.addRunning(1, 0.25 * i, 0.5 - 0.01 * i, 0.5);
        const QStringList changes = {QStringLiteral("l_r 0.3 → 0.03"), QStringLiteral("batch 1 → 10"),
                                     QStringLiteral("SGD → RMSprop"), QStringLiteral("l_r 0.03 → 0.001")};
        for (int k = 0; k < changes.size(); ++k)
            curves.markChange(1, 2.0 * (k + 1), changes[k]);
        settle(curves);
        QCustomPlot* plot = curves.plot();
        QCOMPARE(plot->legend->itemCount(), 1);
        QCPAbstractLegendItem* entry = plot->legend->item(0);
        QVERIFY2(QRectF(plot->rect()).contains(QRectF(entry->outerRect())),
                 qPrintable(QStringLiteral("entry %1 wide in a %2 wide plot")
                                .arg(entry->outerRect().width()).arg(plot->width())));
        const QString shown = qobject_cast<QCPPlottableLegendItem*>(entry)->plottable()->name();
        QVERIFY(shown.count(QLatin1Char('\n')) >= 2); // wrapped...
        const QFontMetrics fm(plot->legend->font());
        for (const QString& line : shown.split(QLatin1Char('\n')))
            QVERIFY2(plot->legend->iconSize().width() + fm.horizontalAdvance(line) < plot->width(), qPrintable(line));
        for (const QString& c : changes) // ... and nothing left out
            QVERIFY2(QString(shown).replace(QLatin1Char('\n'), QLatin1Char(' ')).contains(c), qPrintable(c));
        QCOMPARE(curves.runLabel(1).count(QLatin1Char('\n')), 0); // the label itself is one line
    }

    // A sweep's runs opened beside the window's take colours no shown run has: seed 1 of a
    // sweep point once came in Run 1's blue.
    void addedCurvesTakeAnUnusedColour()
    {
        LearningCurves curves;
        QCOMPARE(curves.unusedColor(), 0);
        curves.beginRun(1, QStringLiteral("784-256-10 relu/softmax"));
        curves.beginRun(2, QStringLiteral("784-90-10 sigmoid"));
        QCOMPARE(curves.unusedColor(), 2);
        const int key = 1 << 28;
        const int colour = curves.unusedColor();
        curves.beginRun(key, QStringLiteral("lr 0.072 · seed 1 (sweep)"));
        curves.setRunColor(key, colour);
        QCOMPARE(curves.unusedColor(), 3);
        curves.setRunVisible(1, false); // a hidden run's colour is free again
        QCOMPARE(curves.unusedColor(), 0);
        for (int run = 3; run <= 9; ++run)
            curves.beginRun(run, QStringLiteral("run"));
        curves.setRunVisible(1, true);
        // Runs 1-9 (run n in colour (n - 1) % 8) and the sweep's in 2: every colour used, 0 and 2
        // twice; the first of the least used is 1.
        QCOMPARE(curves.unusedColor(), 1);
    }

    void lossAxisNamesEachRunsLoss()
    {
        LearningCurves curves;
        curves.resize(700, 560);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        auto label = [&] { return lossRect(curves)->axis(QCPAxis::atLeft)->label(); };
        curves.beginRun(1, QStringLiteral("784-90-10 sigmoid"));
        curves.setRunLoss(1, engine::Loss::SquaredError);
        QCOMPARE(label(), QStringLiteral("loss (squared error)"));
        curves.beginRun(2, QStringLiteral("784-90-10 sigmoid · l_r 0.1"));
        curves.setRunLoss(2, engine::Loss::SquaredError);
        QCOMPARE(label(), QStringLiteral("loss (squared error)"));
        curves.beginRun(3, QStringLiteral("784-256-10 relu/softmax"));
        curves.setRunLoss(3, engine::Loss::CrossEntropy);
        QCOMPARE(label(), QStringLiteral("loss\nsquared error: Runs 1, 2\ncross-entropy: Run 3"));
        for (int run = 5; run <= 9; ++run) {
            curves.beginRun(run, QStringLiteral("784-90-10 sigmoid · l_r 0.%1").arg(run));
            curves.setRunLoss(run, engine::Loss::SquaredError);
        }
        QCOMPARE(label(),
                 QStringLiteral("loss\nsquared error: Runs 1, 2, 5–9\ncross-entropy: Run 3"));
        // A sweep's runs opened in the plot have keys of their own, not run numbers: counted.
        for (int key = 1 << 28; key < (1 << 28) + 3; ++key) {
            curves.beginRun(key, QStringLiteral("784-90-10 sigmoid · SGD l_r 0.072"));
            curves.setRunLoss(key, engine::Loss::SquaredError);
            curves.renameRun(key, QStringLiteral("lr 0.072 · seed %1 (sweep)").arg(key - (1 << 28) + 1));
        }
        QCOMPARE(label(),
                 QStringLiteral("loss\nsquared error: Runs 1, 2, 5–9 and 3 more\ncross-entropy: Run 3"));
        curves.renameRun(3, QStringLiteral("Keras"));
        QCOMPARE(label(),
                 QStringLiteral("loss\nsquared error: Runs 1, 2, 5–9 and 3 more\ncross-entropy: 1 run"));
        for (int run : {1, 2, 5, 6, 7, 8, 9})
            curves.removeRun(run);
        QCOMPARE(label(), QStringLiteral("loss\nsquared error: 3 runs\ncross-entropy: 1 run"));
        curves.clearRuns();
        curves.beginRun(4, QStringLiteral("784-256-10 relu/softmax"));
        curves.setRunLoss(4, engine::Loss::CrossEntropy);
        QCOMPARE(label(), QStringLiteral("loss (cross-entropy)"));
    }

    void windowNamesTheLossOfItsRuns()
    {
        // The lesson on 100 images (squared error), then Keras' softmax (cross-entropy).
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
        ui::MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        o.restoreSettings = false;
        o.askToSaveOnQuit = false;
        o.askBeforeDiscard = false; // the trained lesson net is replaced without a question
        ui::MainWindow w(o);
        QSignalSpy ready(&w, &ui::MainWindow::dataReady);
        w.show();
        if (!w.isDataReady())
            QVERIFY(ready.wait(20000));
        auto label = [&] { return lossRect(*w.curves())->axis(QCPAxis::atLeft)->label(); };
        QVERIFY(w.applyPreset(QStringLiteral("lesson-100")));
        w.startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(w.curves()->runCount(), 1, 10000);
        QCOMPARE(label(), QStringLiteral("loss (squared error)"));
        QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), app::WorkerState::Idle, 20000);
        QVERIFY(w.applyPreset(QStringLiteral("keras-sgd")));
        w.startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(w.curves()->runCount(), 2, 10000);
        QCOMPARE(label(), QStringLiteral("loss\nsquared error: Run 1\ncross-entropy: Run 2"));
        w.stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), app::WorkerState::Idle, 10000);
    }

    void exportedPictureHasTheCaption()
    {
        QVERIFY(m_dir.isValid());
        LearningCurves curves;
        curves.resize(700, 560);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        addTwoRuns(curves);
        // The caption explaining thin lines, dots and dashes is drawn by the plot itself, so
        // the exported PNG carries it; nothing outside the plot says it.
        QCPTextElement* caption = nullptr;
        QCPLayoutGrid* layout = curves.plot()->plotLayout();
        for (int i = 0; i < layout->elementCount(); ++i)
            if (auto* t = qobject_cast<QCPTextElement*>(layout->elementAt(i)))
                if (t->text().contains(QLatin1String("dots: whole test set")))
                    caption = t;
        QVERIFY(caption);
        const QString path = m_dir.filePath(QStringLiteral("curves.png"));
        QVERIFY(curves.savePlot(path, 900, 600));
        const QImage png(path);
        QCOMPARE(png.size(), QSize(900, 600));
        // Below the accuracy plot, at the bottom of the picture, with ink in the export.
        QCPAxisRect* accuracy = curves.plot()->axisRects().at(1);
        QVERIFY(caption->outerRect().top() >= accuracy->outerRect().bottom());
        int dark = 0;
        for (int y = png.height() - 40; y < png.height(); ++y)
            for (int x = 0; x < png.width(); ++x)
                if (qGray(png.pixel(x, y)) < 128)
                    ++dark;
        QVERIFY2(dark > 100, qPrintable(QString::number(dark)));
    }
};

QTEST_MAIN(TestCurvesReading)
#include "tst_curves_reading.moc"
