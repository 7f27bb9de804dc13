// The sweep's chart alone, offscreen (issue 16): the mean over seeds inside its min-max band, the
// training mean dashed, one dot per run, filling in as runs end; a log axis for the learning rate
// and a labelled tick per choice; a resting mouse gives a point's runs, a click their indices, on
// either tab; a failed run is left out of the lines and said in the tooltip; PNG and PDF export.
#include "tests/common/plot_data.h"
#include "ui/sweep_chart.h"

#include <qcustomplot.h>

#include <QImage>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace nnlab;
using test::keys;
using test::values;
using engine::SweepKnob;
using engine::SweepPointSummary;
using engine::SweepRunResult;
using ui::SweepChart;
using S = SweepChart::Series;

namespace {

SweepRunResult run(std::size_t index, std::size_t valueIndex, const char* value, std::uint64_t seed,
                   double test, double train, double loss)
{
    SweepRunResult r;
    r.index = index;
    r.valueIndex = valueIndex;
    r.value = value;
    r.seed = seed;
    r.epochs.push_back({1, 0.2, train, loss, test, 1000});
    return r;
}

// l_r 0.1 and 0.3, seeds 1 and 2: the figures below, summarised by hand.
std::vector<SweepRunResult> fourRuns()
{
    return {run(0, 0, "0.1", 1, 0.80, 0.78, 0.050), run(1, 0, "0.1", 2, 0.84, 0.83, 0.040),
            run(2, 1, "0.3", 1, 0.86, 0.90, 0.035), run(3, 1, "0.3", 2, 0.90, 0.93, 0.030)};
}

SweepPointSummary point(std::size_t valueIndex, const char* value, double position, double testMin,
                        double testMax, double trainMin, double trainMax, double lossMin, double lossMax)
{
    SweepPointSummary p;
    p.valueIndex = valueIndex;
    p.value = value;
    p.position = position;
    p.runs = 2;
    p.testAccuracyMin = testMin;
    p.testAccuracyMax = testMax;
    p.testAccuracyMean = (testMin + testMax) / 2;
    p.trainAccuracyMin = trainMin;
    p.trainAccuracyMax = trainMax;
    p.trainAccuracyMean = (trainMin + trainMax) / 2;
    p.testLossMin = lossMin;
    p.testLossMax = lossMax;
    p.testLossMean = (lossMin + lossMax) / 2;
    return p;
}

std::vector<SweepPointSummary> twoPoints()
{
    return {point(0, "0.1", 0.1, 0.80, 0.84, 0.78, 0.83, 0.040, 0.050),
            point(1, "0.3", 0.3, 0.86, 0.90, 0.90, 0.93, 0.030, 0.035)};
}

// The graph's values are `expected` (to rounding: the means are sums over two).
bool same(const QVector<double>& actual, const QVector<double>& expected)
{
    if (actual.size() != expected.size())
        return false;
    for (int i = 0; i < actual.size(); ++i)
        if (std::abs(actual[i] - expected[i]) > 1e-12)
            return false;
    return true;
}

QStringList tickLabels(QCPAxis* axis)
{
    auto text = axis->ticker().dynamicCast<QCPAxisTickerText>();
    return text ? QStringList(text->ticks().values()) : QStringList();
}

} // namespace

class TestSweepChart : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A shown chart with the four runs of fourRuns(), laid out.
    static void showFourRuns(SweepChart& chart)
    {
        chart.resize(700, 520);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setSweep(SweepKnob::LearningRate, {"0.1", "0.3"});
        auto runs = fourRuns();
        std::reverse(runs.begin(), runs.end()); // in the order they happened to end
        chart.setPoints(twoPoints(), runs);
        chart.setCaption(QStringLiteral("learning rate: 2 values × 2 seeds"));
        chart.accuracyPlot()->replot();
        chart.lossPlot()->replot();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void meanInsideTheBandTrainingDashed()
    {
        SweepChart chart;
        showFourRuns(chart);
        const QVector<double> x{0.1, 0.3};
        QCOMPARE(keys(chart.graph(S::TestMean)), x);
        QVERIFY(same(values(chart.graph(S::TestMean)), QVector<double>({0.82, 0.88})));
        QVERIFY(same(values(chart.graph(S::TestMin)), QVector<double>({0.80, 0.86})));
        QVERIFY(same(values(chart.graph(S::TestMax)), QVector<double>({0.84, 0.90})));
        QCOMPARE(keys(chart.graph(S::TestMin)), x);
        QCOMPARE(keys(chart.graph(S::TestMax)), x);
        // The band: the highest seed's line filled down to the lowest's.
        QCOMPARE(chart.graph(S::TestMax)->channelFillGraph(), chart.graph(S::TestMin));
        QVERIFY(chart.graph(S::TestMax)->brush().style() != Qt::NoBrush);
        QVERIFY(same(values(chart.graph(S::TrainMean)), QVector<double>({0.805, 0.915})));
        QCOMPARE(chart.graph(S::TrainMean)->pen().style(), Qt::DashLine);
        QCOMPARE(chart.graph(S::TestMean)->pen().style(), Qt::SolidLine);
        // One dot per run, at its value.
        QCOMPARE(keys(chart.graph(S::TestRuns)), (QVector<double>{0.1, 0.1, 0.3, 0.3}));
        QVector<double> dots = values(chart.graph(S::TestRuns));
        std::sort(dots.begin(), dots.end());
        QCOMPARE(dots, (QVector<double>{0.80, 0.84, 0.86, 0.90}));
        // The loss tab: mean and band of the test loss.
        QVERIFY(same(values(chart.graph(S::LossMean)), QVector<double>({0.045, 0.0325})));
        QVERIFY(same(values(chart.graph(S::LossMin)), QVector<double>({0.040, 0.030})));
        QVERIFY(same(values(chart.graph(S::LossMax)), QVector<double>({0.050, 0.035})));
        QCOMPARE(chart.graph(S::LossMax)->channelFillGraph(), chart.graph(S::LossMin));
        QCOMPARE(chart.graph(S::LossMean)->parentPlot(), chart.lossPlot());
        QCOMPARE(chart.graph(S::TestMean)->parentPlot(), chart.accuracyPlot());
        // The caption above both plots.
        for (QCustomPlot* plot : {chart.accuracyPlot(), chart.lossPlot()}) {
            auto* caption = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0));
            QVERIFY(caption);
            QCOMPARE(caption->text(), QStringLiteral("learning rate: 2 values × 2 seeds"));
        }
        // Every point in sight.
        for (std::size_t i = 0; i < 2; ++i)
            QVERIFY(chart.pointPixel(i).has_value());
    }

    void fillsInAsRunsEnd()
    {
        SweepChart chart;
        chart.setSweep(SweepKnob::LearningRate, {"0.1", "0.3"});
        QCOMPARE(chart.graph(S::TestMean)->dataCount(), 0);
        const auto runs = fourRuns();
        chart.setPoints({twoPoints()[0]}, {runs[0], runs[1]});
        QCOMPARE(chart.graph(S::TestMean)->dataCount(), 1);
        QCOMPARE(chart.graph(S::TestRuns)->dataCount(), 2);
        chart.setPoints(twoPoints(), runs);
        QCOMPARE(chart.graph(S::TestMean)->dataCount(), 2);
        QCOMPARE(chart.graph(S::TestRuns)->dataCount(), 4);
        // A new sweep starts empty.
        chart.setSweep(SweepKnob::HiddenNodes, {"10", "100"});
        QCOMPARE(chart.graph(S::TestMean)->dataCount(), 0);
        QCOMPARE(chart.graph(S::TestRuns)->dataCount(), 0);
        QVERIFY(chart.points().empty());
    }

    void axisForEachKnob()
    {
        SweepChart chart;
        // The learning rate: a log axis; two values, two labelled ticks, both inside the range.
        chart.setSweep(SweepKnob::LearningRate, {"0.1", "0.3"});
        QCPAxis* x = chart.accuracyPlot()->xAxis;
        QCOMPARE(x->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(tickLabels(x), (QStringList{QStringLiteral("0.1"), QStringLiteral("0.3")}));
        QVERIFY(x->range().contains(0.1) && x->range().contains(0.3));
        QVERIFY(x->label().contains(QLatin1String("learning rate")));
        QCOMPARE(chart.lossPlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
        // Many learning rates: the log ticker, no label per value.
        chart.setSweep(SweepKnob::LearningRate, {"0.01", "0.02", "0.03", "0.05", "0.1", "0.2", "0.3", "0.5", "1"});
        QVERIFY(chart.accuracyPlot()->xAxis->ticker().dynamicCast<QCPAxisTickerLog>());
        // Hidden nodes: a linear axis, or a log one for values over more than a factor of 20
        // (5 and 10 would crowd each other's label).
        chart.setSweep(SweepKnob::HiddenNodes, {"10", "50", "100", "200"});
        QCOMPARE(x->scaleType(), QCPAxis::stLinear);
        QVERIFY(x->range().contains(10) && x->range().contains(200));
        QVERIFY(x->label().contains(QLatin1String("hidden")));
        chart.setSweep(SweepKnob::HiddenNodes, {"5", "10", "30", "90", "200", "500"});
        QCOMPARE(x->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(x->range().contains(5) && x->range().contains(500));
        // Hidden layers from 0: linear, whatever the span.
        chart.setSweep(SweepKnob::HiddenLayers, {"0", "1", "2"});
        QCOMPARE(x->scaleType(), QCPAxis::stLinear);
        // The optimizer: one tick per choice, named, where its points are drawn.
        chart.setSweep(SweepKnob::Optimizer, {"sgd", "adam"});
        QCOMPARE(x->scaleType(), QCPAxis::stLinear);
        auto ticker = x->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(engine::knobPosition(SweepKnob::Optimizer, "sgd")), QStringLiteral("sgd"));
        QCOMPARE(ticker->ticks().value(engine::knobPosition(SweepKnob::Optimizer, "adam")), QStringLiteral("adam"));
        QVERIFY(x->range().contains(engine::knobPosition(SweepKnob::Optimizer, "adam")));
    }

    void restingMouseGivesThePointsRuns()
    {
        SweepChart chart;
        showFourRuns(chart);
        const auto at = chart.pointPixel(1);
        QVERIFY(at);
        QTest::mouseMove(chart.accuracyPlot(), *at + QPoint(2, 1));
        QTRY_VERIFY(QToolTip::isVisible());
        const QString tip = QToolTip::text();
        for (const char* expected : {"0.3", "seed", "86.0 %", "90.0 %", "93.0 %", "0.03", "mean", "88.0 %"})
            QVERIFY2(tip.contains(QLatin1String(expected)), qPrintable(QStringLiteral("%1 not in %2").arg(QLatin1String(expected), tip)));
        QVERIFY2(!tip.contains(QLatin1String("80.0 %")), qPrintable(tip)); // the other value's run
        // Far from any point: the point's tooltip goes.
        QTest::mouseMove(chart.accuracyPlot(), (*chart.pointPixel(0) + *at) / 2);
        QTRY_VERIFY(!QToolTip::isVisible());
    }

    void clickGivesThePointsRunsOnEitherTab()
    {
        SweepChart chart;
        showFourRuns(chart);
        QSignalSpy clicked(&chart, &SweepChart::pointClicked);
        // Between the two points, nothing.
        const QPoint middle = (*chart.pointPixel(0) + *chart.pointPixel(1)) / 2;
        QTest::mouseClick(chart.accuracyPlot(), Qt::LeftButton, {}, middle);
        QCOMPARE(clicked.count(), 0);
        QTest::mouseClick(chart.accuracyPlot(), Qt::LeftButton, {}, *chart.pointPixel(1));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked[0][0].toString(), QStringLiteral("0.3"));
        QCOMPARE(clicked[0][1].value<std::vector<std::size_t>>(), (std::vector<std::size_t>{2, 3}));
        // The Loss tab, chosen with the mouse: its point of l_r 0.1.
        QTabBar* bar = chart.tabs()->tabBar();
        QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(1).center());
        QCOMPARE(chart.shownPlot(), chart.lossPlot());
        chart.lossPlot()->replot();
        const auto lossAt = chart.pointPixel(0);
        QVERIFY(lossAt);
        QTest::mouseClick(chart.lossPlot(), Qt::LeftButton, {}, *lossAt + QPoint(0, -3));
        QCOMPARE(clicked.count(), 2);
        QCOMPARE(clicked[1][0].toString(), QStringLiteral("0.1"));
        QCOMPARE(clicked[1][1].value<std::vector<std::size_t>>(), (std::vector<std::size_t>{0, 1}));
    }

    void failedRunsAreSaidNotDrawn()
    {
        SweepChart chart;
        chart.resize(700, 520);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setSweep(SweepKnob::LearningRate, {"0.1", "30"});
        auto runs = fourRuns();
        runs.resize(2);
        SweepRunResult diverged;
        diverged.index = 2;
        diverged.valueIndex = 1;
        diverged.value = "30";
        diverged.seed = 1;
        diverged.error = "diverged in epoch 1: the loss became infinite";
        runs.push_back(diverged);
        SweepPointSummary none;
        none.valueIndex = 1;
        none.value = "30";
        none.position = 30;
        none.failed = 1;
        chart.setPoints({twoPoints()[0], none}, runs);
        QCOMPARE(keys(chart.graph(S::TestMean)), QVector<double>{0.1});
        QCOMPARE(chart.graph(S::TestRuns)->dataCount(), 2);
        QVERIFY(chart.describePoint(1).contains(QLatin1String("the loss became infinite")));
        QCOMPARE(chart.runsOf(1), std::vector<std::size_t>{2});
        // Its column can still be pointed at.
        chart.accuracyPlot()->replot();
        QCPAxis* x = chart.accuracyPlot()->xAxis;
        QCOMPARE(chart.pointNear(QPoint(int(x->coordToPixel(30)), chart.accuracyPlot()->axisRect()->center().y())), std::optional<std::size_t>(1));
    }

    // The mean's rings are hollow: filled with the background, so white on a light palette and the
    // dark grey of a dark one (View ▸ Dark colours), never a white blot on dark.
    void meanRingsTakeThePalettesBackground()
    {
        SweepChart chart;
        showFourRuns(chart);
        QPalette dark = chart.palette();
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        chart.setPalette(dark);
        QCOMPARE(chart.graph(S::TestMean)->scatterStyle().brush().color(), QColor(30, 30, 30));
        QCOMPARE(chart.graph(S::LossMean)->scatterStyle().brush().color(), QColor(30, 30, 30));
        QPalette light = dark;
        light.setColor(QPalette::Base, Qt::white);
        chart.setPalette(light);
        QCOMPARE(chart.graph(S::TestMean)->scatterStyle().brush().color(), QColor(Qt::white));
    }

    void exportsPngAndPdf()
    {
        SweepChart chart;
        showFourRuns(chart);
        const QString png = m_dir.filePath(QStringLiteral("sweep.png"));
        const QString pdf = m_dir.filePath(QStringLiteral("sweep.pdf"));
        QVERIFY(chart.savePlot(png, 900, 600));
        QCOMPARE(QImage(png).size(), QSize(900, 600));
        QVERIFY(chart.savePlot(pdf));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        QVERIFY(!chart.savePlot(m_dir.filePath(QStringLiteral("no/such/folder/sweep.png"))));
    }
};

QTEST_MAIN(TestSweepChart)
#include "tst_sweep_chart.moc"
