#include "sweep_chart.h"

#include "plot_style.h"

#include "app/common/counted.h"

#include <qcustomplot.h>

#include <QHelpEvent>
#include <QTabWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace nnlab::ui {

namespace {

const QColor kTestColour(31, 119, 180);  // the learning curves' first run colour
const QColor kTrainColour(255, 127, 14);
constexpr int kHoverPixels = 10;         // a column this near the mouse is the point's
constexpr std::size_t kMostValueTicks = 8; // up to this many values: one labelled tick each
constexpr double kLogSpan = 20;            // largest / smallest value beyond which the axis is log
const QString kClickHint = SweepChart::tr("Click: these runs' learning curves in the main view.");

std::size_t at(SweepChart::Series s)
{
    return std::size_t(s);
}

QString percent(double accuracy)
{
    return QStringLiteral("%1 %").arg(100 * accuracy, 0, 'f', 1);
}

} // namespace

SweepChart::SweepChart(QWidget* parent)
    : QWidget(parent), m_tabs(new QTabWidget), m_accuracy(makePlot(tr("accuracy after the last epoch"), &m_accuracyCaption)),
      m_loss(makePlot(tr("test loss after the last epoch"), &m_lossCaption))
{
    setObjectName(QStringLiteral("sweepChart"));
    using S = Series;
    auto add = [this](QCustomPlot* plot, S s, const QString& name) {
        QCPGraph* g = plot->addGraph();
        g->setName(name);
        m_graphs[at(s)] = g;
        return g;
    };
    for (const bool accuracy : {true, false}) {
        QCustomPlot* plot = accuracy ? m_accuracy : m_loss;
        // The band: the highest seed's value filled down to the lowest's.
        QCPGraph* low = add(plot, accuracy ? S::TestMin : S::LossMin, QString());
        QCPGraph* high = add(plot, accuracy ? S::TestMax : S::LossMax, tr("lowest to highest seed"));
        for (QCPGraph* g : {low, high})
            g->setPen(QPen(QColor(kTestColour.red(), kTestColour.green(), kTestColour.blue(), 110), 1));
        high->setBrush(QColor(kTestColour.red(), kTestColour.green(), kTestColour.blue(), 55));
        high->setChannelFillGraph(low);
        low->removeFromLegend();
        QCPGraph* mean = add(plot, accuracy ? S::TestMean : S::LossMean,
                             accuracy ? tr("test accuracy, mean over seeds") : tr("test loss, mean over seeds"));
        mean->setPen(QPen(kTestColour, 2.2));
        mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kTestColour, palette().color(QPalette::Base), 8));
        QCPGraph* runs = add(plot, accuracy ? S::TestRuns : S::LossRuns, tr("one run (one seed)"));
        runs->setLineStyle(QCPGraph::lsNone);
        runs->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(kTestColour.red(), kTestColour.green(), kTestColour.blue(), 150), 5));
    }
    QCPGraph* train = m_accuracy->addGraph();
    train->setName(tr("training accuracy, mean (the gap: overfitting)"));
    QPen dashed(kTrainColour, 1.8, Qt::DashLine);
    train->setPen(dashed);
    train->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, kTrainColour, 6));
    m_graphs[at(S::TrainMean)] = train;

    m_tabs->addTab(m_accuracy, tr("Accuracy"));
    m_tabs->addTab(m_loss, tr("Loss"));
    m_tabs->setTabToolTip(0, tr("Test accuracy after the last epoch against the knob: the line is the mean "
                                "over seeds, the band their lowest to highest, the dashed line the "
                                "training accuracy. A wide band means one run could not have told."));
    m_tabs->setTabToolTip(1, tr("The test loss after the last epoch against the knob, mean and band over seeds"));
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_tabs, 1);
    setMinimumSize(360, 260);
    setSweep(engine::SweepKnob::LearningRate, {});
}

QCustomPlot* SweepChart::makePlot(const QString& yLabel, QCPTextElement** caption)
{
    auto* plot = new QCustomPlot;
    QCPLayoutGrid* layout = plot->plotLayout();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    *caption = new QCPTextElement(plot, QString(), small);
    layout->insertRow(0);
    layout->addElement(0, 0, *caption);
    plot->legend->setVisible(true);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setFont(small);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(2);
    plot->legend->setIconSize(22, 10);
    plot->legend->setRowSpacing(0);
    plot->legend->setColumnSpacing(16);
    plot->axisRect()->insetLayout()->take(plot->legend);
    layout->addElement(2, 0, plot->legend);
    layout->setRowStretchFactor(0, 0.001);
    layout->setRowStretchFactor(2, 0.001);
    plot->yAxis->setLabel(yLabel);
    plot->setMouseTracking(true);
    plot->installEventFilter(this);
    plot->setToolTip(tr("Rest the mouse on a point for its runs; click it to open their learning curves."));
    followPalette(plot);
    connect(plot, &QCustomPlot::mouseMove, this, [this, plot](QMouseEvent* event) {
        const auto point = pointNear(event->position().toPoint());
        plot->setCursor(point ? Qt::PointingHandCursor : Qt::ArrowCursor);
        if (point)
            QToolTip::showText(event->globalPosition().toPoint(), describePoint(*point), plot);
        else if (QToolTip::isVisible() && QToolTip::text().contains(kClickHint))
            QToolTip::hideText();
    });
    connect(plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        if (event->button() != Qt::LeftButton)
            return;
        if (const auto point = pointNear(event->position().toPoint()))
            emit pointClicked(QString::fromStdString(m_points[*point].value), runsOf(*point));
    });
    return plot;
}

QCPGraph* SweepChart::graph(Series series) const
{
    return m_graphs[at(series)];
}

QCustomPlot* SweepChart::shownPlot() const
{
    return m_tabs->currentIndex() == 1 ? m_loss : m_accuracy;
}

void SweepChart::setCaption(const QString& text)
{
    m_accuracyCaption->setText(text);
    m_lossCaption->setText(text);
    m_accuracy->replot(QCustomPlot::rpQueuedReplot);
    m_loss->replot(QCustomPlot::rpQueuedReplot);
}

double SweepChart::xOf(const std::string& value) const
{
    return engine::knobPosition(m_knob, value);
}

void SweepChart::setSweep(engine::SweepKnob knob, const std::vector<std::string>& values)
{
    m_knob = knob;
    m_values = values;
    m_points.clear();
    m_runs.clear();
    for (QCPGraph* g : m_graphs)
        g->data()->clear();
    layOutXAxis(m_accuracy);
    layOutXAxis(m_loss);
    rescale();
}

void SweepChart::clear()
{
    setSweep(m_knob, m_values);
}

// The learning rate and the training images on a log axis, and any number knob whose values span
// more than kLogSpan (hidden nodes 5 to 500: 5 and 10 would share a label on a linear axis); a
// few values each get a labelled tick (a choice always does).
void SweepChart::layOutXAxis(QCustomPlot* plot)
{
    const engine::SweepKnobInfo& info = engine::knobInfo(m_knob);
    double lo = INFINITY, hi = -INFINITY;
    for (const std::string& v : m_values) {
        lo = std::min(lo, xOf(v));
        hi = std::max(hi, xOf(v));
    }
    const bool log = info.numeric && (info.logScale || (lo > 0 && hi / lo > kLogSpan));
    QCPAxis* x = plot->xAxis;
    x->setLabel(QString::fromUtf8(info.label.data(), qsizetype(info.label.size())));
    x->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    x->setNumberFormat(QStringLiteral("gb"));
    if (!info.numeric || (!m_values.empty() && m_values.size() <= kMostValueTicks)) {
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        for (const std::string& v : m_values)
            ticker->addTick(xOf(v), QString::fromStdString(v));
        x->setTicker(ticker);
        x->setSubTicks(false);
    } else if (log) {
        x->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        x->setSubTicks(true);
    } else {
        x->setTicker(QSharedPointer<QCPAxisTicker>::create());
        x->setSubTicks(true);
    }
    if (m_values.empty()) {
        x->setRange(log ? QCPRange(0.01, 1) : QCPRange(0, 1));
    } else if (!info.numeric) {
        x->setRange(lo - 0.5, hi + 0.5);
    } else if (log) {
        const double f = hi > lo ? std::pow(hi / lo, 0.08) : 2.0;
        x->setRange(lo / f, hi * f);
    } else {
        const double pad = hi > lo ? 0.08 * (hi - lo) : std::max(1.0, std::abs(lo) * 0.5);
        x->setRange(lo - pad, hi + pad);
    }
}

void SweepChart::setPoints(const std::vector<engine::SweepPointSummary>& points,
                           const std::vector<engine::SweepRunResult>& runs)
{
    m_points = points;
    m_runs.clear();
    for (const engine::SweepRunResult& r : runs) {
        RunFigures f{r.index, r.valueIndex, r.seed, r.ok(), 0, 0, 0, QString::fromStdString(r.error)};
        if (r.ok()) {
            f.testAccuracy = r.last().testAccuracy;
            f.trainAccuracy = r.last().trainAccuracy;
            f.testLoss = r.last().testLoss;
        } else if (f.error.isEmpty()) {
            f.error = tr("no epoch finished");
        }
        m_runs.push_back(f);
    }
    std::sort(m_runs.begin(), m_runs.end(), [](const RunFigures& a, const RunFigures& b) { return a.index < b.index; });

    using S = Series;
    QVector<double> xs, testMean, testMin, testMax, trainMean, lossMean, lossMin, lossMax;
    for (const engine::SweepPointSummary& p : m_points) {
        if (p.runs == 0)
            continue; // every run of this value failed: the tooltip says why
        xs << p.position;
        testMean << p.testAccuracyMean;
        testMin << p.testAccuracyMin;
        testMax << p.testAccuracyMax;
        trainMean << p.trainAccuracyMean;
        lossMean << p.testLossMean;
        lossMin << p.testLossMin;
        lossMax << p.testLossMax;
    }
    graph(S::TestMean)->setData(xs, testMean, true);
    graph(S::TestMin)->setData(xs, testMin, true);
    graph(S::TestMax)->setData(xs, testMax, true);
    graph(S::TrainMean)->setData(xs, trainMean, true);
    graph(S::LossMean)->setData(xs, lossMean, true);
    graph(S::LossMin)->setData(xs, lossMin, true);
    graph(S::LossMax)->setData(xs, lossMax, true);
    QVector<double> runX, runAccuracy, runLoss;
    for (const RunFigures& r : m_runs)
        if (r.ok && r.valueIndex < m_values.size()) {
            runX << xOf(m_values[r.valueIndex]);
            runAccuracy << r.testAccuracy;
            runLoss << r.testLoss;
        }
    graph(S::TestRuns)->setData(runX, runAccuracy); // several runs share an x: not sorted by it
    graph(S::LossRuns)->setData(runX, runLoss);
    rescale();
}

// The y axes hold every point with a little room; accuracy never past 0..1.
void SweepChart::rescale()
{
    double accLo = INFINITY, accHi = -INFINITY, lossLo = INFINITY, lossHi = -INFINITY;
    for (const engine::SweepPointSummary& p : m_points) {
        if (p.runs == 0)
            continue;
        accLo = std::min({accLo, p.testAccuracyMin, p.trainAccuracyMean});
        accHi = std::max({accHi, p.testAccuracyMax, p.trainAccuracyMean});
        lossLo = std::min(lossLo, p.testLossMin);
        lossHi = std::max(lossHi, p.testLossMax);
    }
    if (accLo > accHi) {
        m_accuracy->yAxis->setRange(0, 1);
        m_loss->yAxis->setRange(0, 1);
    } else {
        const double accPad = std::max(0.02, 0.1 * (accHi - accLo));
        m_accuracy->yAxis->setRange(std::max(0.0, accLo - accPad), std::min(1.0, accHi + accPad));
        const double lossPad = std::max(0.1 * (lossHi - lossLo), 0.05 * std::max(lossHi, 1e-6));
        m_loss->yAxis->setRange(std::max(0.0, lossLo - lossPad), lossHi + lossPad);
    }
    m_accuracy->replot(QCustomPlot::rpQueuedReplot);
    m_loss->replot(QCustomPlot::rpQueuedReplot);
}

std::vector<std::size_t> SweepChart::runsOf(std::size_t point) const
{
    std::vector<std::size_t> indices;
    if (point >= m_points.size())
        return indices;
    for (const RunFigures& r : m_runs)
        if (r.valueIndex == m_points[point].valueIndex)
            indices.push_back(r.index);
    return indices;
}

std::optional<QPoint> SweepChart::pointPixel(std::size_t point) const
{
    if (point >= m_points.size() || m_points[point].runs == 0)
        return std::nullopt;
    const QCustomPlot* plot = shownPlot();
    const engine::SweepPointSummary& p = m_points[point];
    const double y = plot == m_loss ? p.testLossMean : p.testAccuracyMean;
    const QPointF pixel(plot->xAxis->coordToPixel(p.position), plot->yAxis->coordToPixel(y));
    if (!QRectF(plot->axisRect()->rect()).adjusted(-1, -1, 1, 1).contains(pixel))
        return std::nullopt;
    return pixel.toPoint();
}

std::optional<std::size_t> SweepChart::pointNear(const QPoint& pixel) const
{
    const QCustomPlot* plot = shownPlot();
    if (!plot->axisRect()->rect().adjusted(-kHoverPixels, -kHoverPixels, kHoverPixels, kHoverPixels).contains(pixel))
        return std::nullopt;
    const bool loss = plot == m_loss;
    std::optional<std::size_t> best;
    double bestDx = kHoverPixels + 1;
    for (std::size_t i = 0; i < m_points.size(); ++i) {
        const engine::SweepPointSummary& p = m_points[i];
        const double dx = std::abs(plot->xAxis->coordToPixel(p.position) - pixel.x());
        if (dx >= bestDx) // bestDx starts just past kHoverPixels
            continue;
        // The column from the lowest to the highest thing drawn for this value.
        double top = INFINITY, bottom = -INFINITY;
        auto cover = [&](double value) {
            const double y = plot->yAxis->coordToPixel(value);
            top = std::min(top, y);
            bottom = std::max(bottom, y);
        };
        if (p.runs > 0) {
            if (loss) {
                cover(p.testLossMin);
                cover(p.testLossMax);
            } else {
                cover(p.testAccuracyMin);
                cover(p.testAccuracyMax);
                cover(p.trainAccuracyMean);
            }
        } else {
            top = plot->axisRect()->top(); // failed runs only: the whole column
            bottom = plot->axisRect()->bottom();
        }
        if (pixel.y() < top - kHoverPixels || pixel.y() > bottom + kHoverPixels)
            continue;
        best = i;
        bestDx = dx;
    }
    return best;
}

QString SweepChart::describePoint(std::size_t point) const
{
    if (point >= m_points.size())
        return {};
    const engine::SweepPointSummary& p = m_points[point];
    const engine::SweepKnobInfo& info = engine::knobInfo(m_knob);
    QString html = tr("<b>%1 %2</b>: %3")
                       .arg(QString::fromUtf8(info.label.data(), qsizetype(info.label.size())).toHtmlEscaped(),
                            QString::fromStdString(p.value).toHtmlEscaped(),
                            app::counted(p.runs + p.failed, tr("run"), tr("runs")));
    html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\"><tr><th align=\"left\">%1</th><th align=\"right\">%2</th>"
                           "<th align=\"right\">%3</th><th align=\"right\">%4</th></tr>")
                .arg(tr("seed"), tr("test"), tr("training"), tr("test loss"));
    for (const RunFigures& r : m_runs) {
        if (r.valueIndex != p.valueIndex)
            continue;
        if (r.ok)
            html += QStringLiteral("<tr><td>%1</td><td align=\"right\">%2</td><td align=\"right\">%3</td><td align=\"right\">%4</td></tr>")
                        .arg(r.seed)
                        .arg(percent(r.testAccuracy), percent(r.trainAccuracy))
                        .arg(r.testLoss, 0, 'g', 4);
        else
            html += QStringLiteral("<tr><td>%1</td><td colspan=\"3\">%2</td></tr>").arg(r.seed).arg(r.error.toHtmlEscaped());
    }
    if (p.runs > 0)
        html += QStringLiteral("<tr><td><i>%1</i></td><td align=\"right\"><i>%2</i></td><td align=\"right\"><i>%3</i></td>"
                               "<td align=\"right\"><i>%4</i></td></tr>")
                    .arg(tr("mean"), percent(p.testAccuracyMean), percent(p.trainAccuracyMean))
                    .arg(p.testLossMean, 0, 'g', 4);
    html += QStringLiteral("</table>");
    if (p.runs > 1)
        html += tr("Seeds alone move the test accuracy by %1 points here.").arg(100 * (p.testAccuracyMax - p.testAccuracyMin), 0, 'f', 1);
    html += QStringLiteral("<br>") + kClickHint;
    return html;
}

void SweepChart::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        fillMeanMarkers();
}

void SweepChart::fillMeanMarkers()
{
    for (const Series s : {Series::TestMean, Series::LossMean}) {
        QCPGraph* mean = m_graphs[at(s)];
        QCPScatterStyle style = mean->scatterStyle();
        style.setBrush(palette().color(QPalette::Base));
        mean->setScatterStyle(style);
    }
    m_accuracy->replot(QCustomPlot::rpQueuedReplot);
    m_loss->replot(QCustomPlot::rpQueuedReplot);
}

bool SweepChart::eventFilter(QObject* watched, QEvent* event)
{
    // A resting mouse over a point shows the point's runs rather than the plot's own tooltip.
    if (event->type() == QEvent::ToolTip && watched == shownPlot()) {
        auto* help = static_cast<QHelpEvent*>(event);
        if (const auto point = pointNear(help->pos())) {
            QToolTip::showText(help->globalPos(), describePoint(*point), shownPlot());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

bool SweepChart::savePlot(const QString& path, int width, int height)
{
    QCustomPlot* plot = shownPlot();
    return path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive) ? plot->savePdf(path, width, height)
                                                                       : plot->savePng(path, width, height);
}

} // namespace nnlab::ui
