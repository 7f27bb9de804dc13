// Overfitting named and shown (issue 14, point 5): the learning curves shade the gap where a
// run's training accuracy lies above its test accuracy, the shaded area is exactly that
// difference over the epochs, nothing is shaded where the test accuracy is the higher, and the
// caption says what the shade means, in the palette's colours.
#include "ui/learning_curves.h"
#include "ui/plot_style.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QSignalSpy>
#include <QtTest>

using nnlab::ui::LearningCurves;

namespace {

// Waits for the curves' next (rate-limited) replot, which draws the gaps.
void settle(LearningCurves& curves)
{
    QSignalSpy replotted(curves.plot(), &QCustomPlot::afterReplot);
    curves.resetView();
    QVERIFY(replotted.wait(5000));
}

// The graphs that draw the shade: filled, in the gap's colour.
QList<QCPGraph*> shades(LearningCurves& curves)
{
    QList<QCPGraph*> out;
    for (int i = 0; i < curves.plot()->graphCount(); ++i)
        if (QCPGraph* g = curves.plot()->graph(i); g->channelFillGraph() && g->brush().style() != Qt::NoBrush)
            out << g;
    return out;
}

void addRunning(LearningCurves& c, int run, std::initializer_list<std::pair<double, double>> points)
{
    for (const auto& [x, accuracy] : points)
        c.addRunning(run, x, 1.0 - accuracy, accuracy);
}

void addTests(LearningCurves& c, int run, std::initializer_list<std::pair<double, double>> points)
{
    for (const auto& [x, accuracy] : points)
        c.addTest(run, x, 1.0 - accuracy, accuracy);
}

} // namespace

class TestOverfittingGap : public QObject
{
    Q_OBJECT

private slots:
    // Hand-computed areas, ∫ max(0, training − test) d(epoch) between straight lines:
    //  run 1, training above test over epochs 1..3. At 1, 1.5, 2, 2.5, 3 the training curve is
    //   0.80, 0.90, 0.95, 0.97, 0.99 and the test line 0.70, 0.725, 0.75, 0.755, 0.76: gaps
    //   0.10, 0.175, 0.20, 0.215, 0.23; trapezoids of width 0.5:
    //   0.5·(0.10+0.175)/2 + 0.5·(0.175+0.20)/2 + 0.5·(0.20+0.215)/2 + 0.5·(0.215+0.23)/2 = 0.3775
    //  run 2, the curves cross at epoch 1.5: training 0.6 -> 0.9, test 0.8 -> 0.7 over 1..2, gap
    //   -0.2 -> +0.2; only the triangle 1.5..2 counts: 0.5 · 0.5 · 0.2 = 0.05
    //  run 3, test above training everywhere: 0
    void shadedAreaIsTrainingMinusTest()
    {
        LearningCurves curves;
        curves.resize(800, 600);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        curves.beginRun(1, QStringLiteral("784-150-10 sigmoid · 100 images"));
        addRunning(curves, 1, {{0.5, 0.60}, {1.0, 0.80}, {1.5, 0.90}, {2.0, 0.95}, {2.5, 0.97}, {3.0, 0.99}});
        addTests(curves, 1, {{1.0, 0.70}, {2.0, 0.75}, {3.0, 0.76}});
        curves.beginRun(2, QStringLiteral("crossing"));
        addRunning(curves, 2, {{0.0, 0.5}, {1.0, 0.6}, {2.0, 0.9}});
        addTests(curves, 2, {{1.0, 0.8}, {2.0, 0.7}});
        curves.beginRun(3, QStringLiteral("test above"));
        addRunning(curves, 3, {{0.0, 0.5}, {2.0, 0.6}});
        addTests(curves, 3, {{1.0, 0.9}, {2.0, 0.95}});
        settle(curves);

        QVERIFY2(std::abs(curves.gapArea(1) - 0.3775) < 1e-12, qPrintable(QString::number(curves.gapArea(1), 'g', 17)));
        QVERIFY2(std::abs(curves.gapArea(2) - 0.05) < 1e-12, qPrintable(QString::number(curves.gapArea(2), 'g', 17)));
        QCOMPARE(curves.gapArea(3), 0.0);
        QCOMPARE(shades(curves).size(), 3); // one band per run (run 3's is empty)

        // Run 2's band: nothing shaded before the crossing, the band closing to nothing there.
        for (QCPGraph* top : shades(curves)) {
            QCPGraph* test = top->channelFillGraph();
            for (int i = 0; i < top->dataCount(); ++i) {
                const double x = top->dataMainKey(i);
                const double height = top->dataMainValue(i) - test->dataMainValue(i);
                QVERIFY(height >= 0);
                QCOMPARE(test->dataMainKey(i), x);
            }
        }

        // More data: the band follows (run 1's epoch 4: training 0.99, test 0.76 again, so the
        // gap adds 1 · (0.23 + 0.23) / 2 = 0.23 and the running curve's 3..4 is flat).
        addRunning(curves, 1, {{4.0, 0.99}});
        addTests(curves, 1, {{4.0, 0.76}});
        settle(curves);
        QVERIFY(std::abs(curves.gapArea(1) - (0.3775 + 0.23)) < 1e-12);
    }

    // No gap before there are two test points: the shade needs the test line.
    void oneTestPointShadesNothing()
    {
        LearningCurves curves;
        curves.show();
        curves.beginRun(1, QStringLiteral("one epoch"));
        addRunning(curves, 1, {{0.5, 0.9}, {1.0, 0.95}});
        addTests(curves, 1, {{1.0, 0.6}});
        settle(curves);
        QCOMPARE(curves.gapArea(1), 0.0);
        QVERIFY(!curves.captionShown().contains(QLatin1String("overfitting")));
    }

    // The caption says what the shade means while a shown run has a gap, and not otherwise.
    void captionNamesOverfitting()
    {
        LearningCurves curves;
        curves.resize(800, 600);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        curves.beginRun(1, QStringLiteral("test above"));
        addRunning(curves, 1, {{0.0, 0.5}, {2.0, 0.6}});
        addTests(curves, 1, {{1.0, 0.9}, {2.0, 0.95}});
        settle(curves);
        QVERIFY(!curves.captionShown().contains(QLatin1String("overfitting")));

        curves.beginRun(2, QStringLiteral("overfits"));
        addRunning(curves, 2, {{1.0, 0.9}, {2.0, 1.0}});
        addTests(curves, 2, {{1.0, 0.6}, {2.0, 0.6}});
        settle(curves);
        const QString said = QStringLiteral("shaded: the gap: the net remembers its training images better than it reads "
                                            "new ones: overfitting");
        QVERIFY2(curves.captionShown().simplified().contains(said), qPrintable(curves.captionShown()));

        curves.setRunVisible(2, false); // the legend's click: its band goes, and the line
        settle(curves);
        QVERIFY(!curves.captionShown().contains(QLatin1String("overfitting")));
        QCOMPARE(shades(curves).size(), 2);
        QVERIFY(shades(curves).at(0)->visible());
        QVERIFY(!shades(curves).at(1)->visible()); // run 2's, made second
        curves.setRunVisible(2, true);
        settle(curves);
        QVERIFY(curves.captionShown().simplified().contains(said));

        curves.removeRun(2);
        settle(curves);
        QVERIFY(!curves.captionShown().contains(QLatin1String("overfitting")));
    }

    // The shade follows the palette: a grey that darkens a light background and lightens a dark
    // one, translucent so that the grid and the curves show through.
    void shadeFollowsThePalette()
    {
        LearningCurves curves;
        curves.show();
        curves.beginRun(1, QStringLiteral("overfits"));
        addRunning(curves, 1, {{1.0, 0.9}, {2.0, 1.0}});
        addTests(curves, 1, {{1.0, 0.6}, {2.0, 0.6}});
        settle(curves);
        QPalette light;
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(30, 30, 32));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        for (const QPalette& p : {light, dark}) {
            curves.plot()->setPalette(p);
            QCoreApplication::processEvents();
            QCPGraph* shade = shades(curves).value(0);
            QVERIFY(shade);
            const QColor c = shade->brush().color();
            QVERIFY2(c.alphaF() > 0.05 && c.alphaF() < 0.5, qPrintable(QString::number(c.alphaF())));
            // What the shade makes of the background, composed as the painter does.
            const QColor base = p.color(QPalette::Base);
            const double over = c.alphaF() * c.lightnessF() + (1 - c.alphaF()) * base.lightnessF();
            if (p == light)
                QVERIFY2(over < base.lightnessF() - 0.05, qPrintable(QString::number(over)));
            else
                QVERIFY2(over > base.lightnessF() + 0.05, qPrintable(QString::number(over)));
        }
    }
};

QTEST_MAIN(TestOverfittingGap)
#include "tst_overfitting_gap.moc"
