#include "learning_curves.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace nnlab::ui {

namespace {

const QColor kPalette[] = {QColor(31, 119, 180), QColor(214, 39, 40),  QColor(44, 160, 44),
                           QColor(255, 127, 14), QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(23, 190, 207)};

// <= 10 replots a second: smooth enough to watch a curve fall, and a replot (axes, tick labels,
// legend) costs a few milliseconds of the GUI thread that the training threads would otherwise
// wait for at their next join (docs/BENCHMARKS.md).
constexpr int kReplotIntervalMs = 100;

} // namespace

LearningCurves::LearningCurves(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot), m_lossRect(nullptr), m_accuracyRect(nullptr)
{
    m_plot->plotLayout()->clear();
    m_lossRect = new QCPAxisRect(m_plot);
    m_accuracyRect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(0, 0, m_lossRect);
    m_plot->plotLayout()->addElement(1, 0, m_accuracyRect);
    auto* margins = new QCPMarginGroup(m_plot); // loss and accuracy axes line up
    m_lossRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_accuracyRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);

    m_lossRect->axis(QCPAxis::atLeft)->setLabel(tr("loss"));
    m_lossRect->axis(QCPAxis::atBottom)->setLabel(tr("epochs"));
    m_accuracyRect->axis(QCPAxis::atLeft)->setLabel(tr("accuracy"));
    m_accuracyRect->axis(QCPAxis::atBottom)->setLabel(tr("epochs"));
    m_accuracyRect->axis(QCPAxis::atLeft)->setRange(0, 1);
    for (QCPAxisRect* rect : {m_lossRect, m_accuracyRect}) {
        rect->axis(QCPAxis::atBottom)->setRange(0, 1);
        rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
        rect->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    }
    // The two x axes move together.
    connect(m_lossRect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
            m_accuracyRect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::setRange));
    connect(m_accuracyRect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::rangeChanged),
            m_lossRect->axis(QCPAxis::atBottom), qOverload<const QCPRange&>(&QCPAxis::setRange));

    m_plot->legend = new QCPLegend;
    m_lossRect->insetLayout()->addElement(m_plot->legend, Qt::AlignRight | Qt::AlignTop);
    m_plot->legend->setLayer(QStringLiteral("legend"));
    m_plot->legend->setVisible(false); // until the first run
    m_plot->legend->setBrush(QColor(255, 255, 255, 220));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_plot->legend->setFont(small);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels); // thin pens: no visible loss
    m_plot->setToolTip(tr("Drag to pan, wheel to zoom, double-click to follow the data again."));
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });

    auto* key = new QLabel(tr("<small>Thin: running training value &nbsp;·&nbsp; dots: whole test "
                              "set at each epoch end &nbsp;·&nbsp; dashed: quick test on 1,000 "
                              "images</small>"));
    key->setAlignment(Qt::AlignCenter);
    key->setWordWrap(true); // a narrow plot wraps it rather than cutting it off
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_plot, 1);
    column->addWidget(key);
    setMinimumSize(420, 320);
}

void LearningCurves::beginRun(int run, const QString& label)
{
    if (m_runs.count(run))
        return;
    Run r;
    r.label = tr("Run %1: %2").arg(run).arg(label);
    r.color = kPalette[std::size_t(run - 1) % std::size(kPalette)];
    auto makeGraphs = [&](Series& s, Kind kind) {
        for (QCPAxisRect* rect : {m_lossRect, m_accuracyRect}) {
            QCPGraph* g =
                m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            QPen pen(r.color);
            switch (kind) {
            case Kind::Running:
                pen.setWidthF(1.3);
                break;
            case Kind::Test:
                pen.setWidthF(2.2);
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
                break;
            case Kind::QuickTest:
                pen.setWidthF(1.0);
                pen.setStyle(Qt::DashLine);
                break;
            }
            g->setPen(pen);
            g->setName(r.label);
            g->removeFromLegend();
            (rect == m_lossRect ? s.lossGraph : s.accuracyGraph) = g;
        }
    };
    makeGraphs(r.running, Kind::Running);
    makeGraphs(r.test, Kind::Test);
    makeGraphs(r.quick, Kind::QuickTest);
    r.running.lossGraph->addToLegend();
    m_plot->legend->setVisible(true);
    m_runs.emplace(run, std::move(r));
    scheduleReplot();
}

LearningCurves::Series& LearningCurves::series(Run& run, Kind kind)
{
    switch (kind) {
    case Kind::Running:
        return run.running;
    case Kind::Test:
        return run.test;
    case Kind::QuickTest:
        break;
    }
    return run.quick;
}

void LearningCurves::add(int run, Kind kind, double x, double loss, double accuracy)
{
    if (!std::isfinite(x) || !std::isfinite(loss) || !std::isfinite(accuracy))
        return; // a step reports no running loss; a diverged batch never gets here
    auto it = m_runs.find(run);
    if (it == m_runs.end()) {
        beginRun(run, QString());
        it = m_runs.find(run);
    }
    Series& s = series(it->second, kind);
    if (!s.x.isEmpty() && x < s.x.back())
        return; // keys only grow
    s.x.append(x);
    s.loss.append(loss);
    s.accuracy.append(accuracy);
    s.lossGraph->addData(x, loss);
    s.accuracyGraph->addData(x, accuracy);
    if (s.x.size() >= kMaxPoints)
        thin(s);
    scheduleReplot();
}

// Halves a series by averaging neighbouring points: the curve keeps its shape, memory is bounded.
void LearningCurves::thin(Series& s)
{
    const int n = int(s.x.size()) / 2;
    for (int i = 0; i < n; ++i) {
        s.x[i] = (s.x[2 * i] + s.x[2 * i + 1]) / 2;
        s.loss[i] = (s.loss[2 * i] + s.loss[2 * i + 1]) / 2;
        s.accuracy[i] = (s.accuracy[2 * i] + s.accuracy[2 * i + 1]) / 2;
    }
    if (s.x.size() % 2) { // keep the newest point as it is
        s.x[n] = s.x.back();
        s.loss[n] = s.loss.back();
        s.accuracy[n] = s.accuracy.back();
    }
    const int kept = n + int(s.x.size() % 2);
    s.x.resize(kept);
    s.loss.resize(kept);
    s.accuracy.resize(kept);
    s.lossGraph->setData(s.x, s.loss, true);
    s.accuracyGraph->setData(s.x, s.accuracy, true);
}

void LearningCurves::addRunning(int run, double x, double loss, double accuracy)
{
    add(run, Kind::Running, x, loss, accuracy);
}

void LearningCurves::addTest(int run, double x, double loss, double accuracy)
{
    add(run, Kind::Test, x, loss, accuracy);
}

void LearningCurves::addQuickTest(int run, double x, double loss, double accuracy)
{
    add(run, Kind::QuickTest, x, loss, accuracy);
}

void LearningCurves::clearRuns()
{
    m_plot->clearGraphs();
    m_plot->legend->setVisible(false);
    m_runs.clear();
    m_follow = true;
    scheduleReplot();
}

void LearningCurves::setLogLoss(bool on)
{
    m_logLoss = on;
    QCPAxis* axis = m_lossRect->axis(QCPAxis::atLeft);
    if (on) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        axis->setNumberFormat(QStringLiteral("gb"));
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        axis->setNumberFormat(QStringLiteral("gb"));
    }
    m_follow = true;
    scheduleReplot();
}

void LearningCurves::resetView()
{
    m_follow = true;
    scheduleReplot();
}

void LearningCurves::scheduleReplot()
{
    if (m_replotPending)
        return;
    m_replotPending = true;
    QTimer::singleShot(kReplotIntervalMs, this, &LearningCurves::replotNow);
}

void LearningCurves::replotNow()
{
    m_replotPending = false;
    if (m_follow)
        rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LearningCurves::rescale()
{
    double xMax = 0, lossMin = INFINITY, lossMax = 0, accMin = 1;
    for (const auto& [id, run] : m_runs)
        for (const Series* s : {&run.running, &run.test, &run.quick})
            for (int i = 0; i < s->x.size(); ++i) {
                xMax = std::max(xMax, s->x[i]);
                if (s->loss[i] > 0)
                    lossMin = std::min(lossMin, s->loss[i]);
                lossMax = std::max(lossMax, s->loss[i]);
                accMin = std::min(accMin, s->accuracy[i]);
            }
    m_lossRect->axis(QCPAxis::atBottom)->setRange(0, std::max(1.0, std::ceil(xMax * 4) / 4));
    if (lossMax > 0) {
        // The legend sits in the loss plot's top right corner: the axis reaches above the data
        // by the legend's height, so that no curve runs under it (at most half the plot).
        double below = 1.0;
        const double plotHeight = m_lossRect->rect().height();
        if (m_plot->legend->visible() && plotHeight > 0) {
            const double legendHeight = m_plot->legend->minimumOuterSizeHint().height() + 8;
            below = std::max(0.5, 1.0 - legendHeight / plotHeight);
        }
        if (m_logLoss) {
            const double lo = lossMin / 1.5, hi = lossMax * 1.5;
            m_lossRect->axis(QCPAxis::atLeft)->setRange(lo, lo * std::pow(hi / lo, 1.0 / below));
        } else {
            m_lossRect->axis(QCPAxis::atLeft)->setRange(0, lossMax * 1.05 / below);
        }
    }
    m_accuracyRect->axis(QCPAxis::atLeft)->setRange(std::max(0.0, accMin - 0.02), 1.0);
}

bool LearningCurves::savePlot(const QString& path, int width, int height)
{
    replotNow();
    if (path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive))
        return m_plot->savePdf(path, width, height);
    return m_plot->savePng(path, width, height);
}

QString LearningCurves::toCsv() const
{
    QString out = QStringLiteral("run,label,series,epoch,loss,accuracy\n");
    auto quoted = [](QString s) { return QLatin1Char('"') + s.replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"'); };
    for (const auto& [id, run] : m_runs) {
        const std::pair<const Series*, const char*> all[] = {
            {&run.running, "training"}, {&run.test, "test"}, {&run.quick, "quick-test"}};
        for (const auto& [s, name] : all)
            for (int i = 0; i < s->x.size(); ++i)
                out += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                           .arg(id)
                           .arg(quoted(run.label), QLatin1String(name))
                           .arg(s->x[i], 0, 'g', 8)
                           .arg(s->loss[i], 0, 'g', 8)
                           .arg(s->accuracy[i], 0, 'g', 8);
    }
    return out;
}

int LearningCurves::pointCount(int run, Kind kind) const
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end())
        return 0;
    const Run& r = it->second;
    const Series& s = kind == Kind::Running ? r.running : kind == Kind::Test ? r.test : r.quick;
    return int(s.x.size());
}

int LearningCurves::totalPoints() const
{
    int n = 0;
    for (const auto& [id, run] : m_runs)
        n += int(run.running.x.size() + run.test.x.size() + run.quick.x.size());
    return n;
}

} // namespace nnlab::ui
