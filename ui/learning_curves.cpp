#include "learning_curves.h"

#include "plot_style.h"

#include "app/common/counted.h"
#include "app/lab/accuracy_gap.h"
#include "app/lab/curve_thinning.h"

#include <qcustomplot.h>

#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>

namespace nnlab::ui {

namespace {

const QColor kPalette[] = {QColor(31, 119, 180), QColor(214, 39, 40),  QColor(44, 160, 44),
                           QColor(255, 127, 14), QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(23, 190, 207)};

// <= 10 replots a second: smooth enough to watch a curve fall, and a replot (axes, tick labels,
// legend) costs a few milliseconds of the GUI thread that the training threads would otherwise
// wait for at their next join (docs/BENCHMARKS.md).
constexpr std::chrono::milliseconds kReplotInterval{100};

constexpr int kHoverPixels = 8; // a point this near the mouse gets a tooltip
constexpr char kGapLayer[] = "gap"; // the shaded gaps: above the grid, below every curve
const QColor kHiddenRunText(165, 165, 165);

} // namespace

LearningCurves::LearningCurves(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot), m_lossRect(nullptr), m_accuracyRect(nullptr),
      m_caption(nullptr), m_replots(new app::RedrawCoalescer(kReplotInterval, this, app::RedrawCoalescer::First::AfterInterval))
{
    connect(m_replots, &app::RedrawCoalescer::redraw, this, &LearningCurves::replotNow);
    // Rows: the legend (as many columns as fit), loss, accuracy, the caption. Legend and caption
    // are part of the plot, so an exported picture has them, and no curve runs under the legend.
    QCPLayoutGrid* layout = m_plot->plotLayout();
    layout->clear();
    m_lossRect = new QCPAxisRect(m_plot);
    m_accuracyRect = new QCPAxisRect(m_plot);
    m_plot->legend = new QCPLegend;
    layout->addElement(0, 0, m_plot->legend);
    layout->addElement(1, 0, m_lossRect);
    layout->addElement(2, 0, m_accuracyRect);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_caption = new QCPTextElement(m_plot, captionText(false), small);
    layout->addElement(3, 0, m_caption);
    layout->setRowStretchFactor(0, 0.001); // legend and caption: their own height, no more
    layout->setRowStretchFactor(1, 1.4);   // the loss plot a little taller: its axis names losses
    layout->setRowStretchFactor(3, 0.001);
    layout->setRowSpacing(2);
    auto* margins = new QCPMarginGroup(m_plot); // loss and accuracy axes line up
    m_lossRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_accuracyRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);

    nameLossAxis();
    m_lossRect->axis(QCPAxis::atLeft)->setLabelFont(small); // up to three lines when runs differ
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

    m_plot->legend->setLayer(QStringLiteral("legend"));
    m_plot->legend->setVisible(false); // until the first run
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setFont(small);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setIconSize(22, 10); // compact rows: eight runs take little height
    m_plot->legend->setRowSpacing(0);
    m_plot->legend->setColumnSpacing(16);

    m_plot->addLayer(QLatin1String(kGapLayer), m_plot->layer(QStringLiteral("main")), QCustomPlot::limBelow);

    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels); // thin pens: no visible loss
    m_plot->setToolTip(tr("Drag to pan, wheel to zoom, double-click to follow the data again. "
                          "Click a run in the legend to hide or show it."));
    m_plot->setMouseTracking(true); // hover tooltips
    m_plot->installEventFilter(this);
    followPalette(m_plot);
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        if (!QRectF(m_plot->legend->outerRect()).contains(event->position()))
            m_follow = false;
    });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_follow = false; });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
    connect(m_plot, &QCustomPlot::mouseMove, this, &LearningCurves::showPointTip);
    connect(m_plot, &QCustomPlot::legendClick, this,
            [this](QCPLegend*, QCPAbstractLegendItem* item) { toggleRun(item); });
    connect(m_plot, &QCustomPlot::afterLayout, this, &LearningCurves::fitTickCounts);

    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_plot, 1);
    setMinimumSize(420, 320);
}

bool LearningCurves::eventFilter(QObject* watched, QEvent* event)
{
    // A resting mouse over a point keeps the point's tooltip rather than the plot's own.
    if (watched == m_plot && (event->type() == QEvent::Resize || event->type() == QEvent::FontChange))
        scheduleReplot(); // the legend's and caption's lines for the new width or font
    if (watched == m_plot && event->type() == QEvent::PaletteChange) {
        colourGaps(); // Dark colours: the gap's grey follows the text colour
        scheduleReplot();
    }
    if (watched == m_plot && event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = describePointAt(help->pos());
        if (!text.isEmpty()) {
            QToolTip::showText(help->globalPos(), text, m_plot);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LearningCurves::showPointTip(QMouseEvent* event)
{
    if (event->buttons() != Qt::NoButton)
        return;
    const QString text = describePointAt(event->position().toPoint());
    if (!text.isEmpty())
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    else if (QToolTip::isVisible() && QToolTip::text().startsWith(tr("Run ")))
        QToolTip::hideText();
}

QString LearningCurves::describePointAt(const QPoint& pixel) const
{
    const bool loss = m_lossRect->rect().contains(pixel);
    if (!loss && !m_accuracyRect->rect().contains(pixel))
        return {};
    QCPAxisRect* rect = loss ? m_lossRect : m_accuracyRect;
    const QCPAxis* xAxis = rect->axis(QCPAxis::atBottom);
    const QCPAxis* yAxis = rect->axis(QCPAxis::atLeft);
    double best = kHoverPixels * kHoverPixels;
    QString text;
    for (const auto& [id, run] : m_runs) {
        if (!run.visible)
            continue;
        const std::pair<const Series*, QString> all[] = {
            {&run.test, tr("whole test set")},
            {&run.quick, tr("quick test on 1,000 images")},
            {&run.running, tr("running training value")}};
        for (const auto& [s, kind] : all)
            for (int i = 0; i < s->x.size(); ++i) {
                const double value = loss ? s->loss[i] : s->accuracy[i];
                const double dx = xAxis->coordToPixel(s->x[i]) - pixel.x();
                const double dy = yAxis->coordToPixel(value) - pixel.y();
                if (dx * dx + dy * dy >= best)
                    continue;
                best = dx * dx + dy * dy;
                text = tr("%1\n%2 at epoch %3: %4")
                           .arg(run.label, kind)
                           .arg(s->x[i], 0, 'f', 2)
                           .arg(loss ? tr("loss %1").arg(value, 0, 'g', 4)
                                     : tr("accuracy %1 %").arg(100 * value, 0, 'f', 1));
            }
    }
    return text;
}

void LearningCurves::toggleRun(QCPAbstractLegendItem* item)
{
    const auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry)
        return;
    for (const auto& [id, run] : m_runs)
        if (run.running.lossGraph == const_cast<QCPPlottableLegendItem*>(entry)->plottable()) {
            setRunVisible(id, !run.visible);
            return;
        }
}

void LearningCurves::setRunVisible(int run, bool visible)
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end())
        return;
    Run& r = it->second;
    r.visible = visible;
    for (Series* s : {&r.running, &r.test, &r.quick}) {
        s->lossGraph->setVisible(visible);
        s->accuracyGraph->setVisible(visible);
    }
    for (QCPAbstractItem* mark : r.marks)
        mark->setVisible(visible);
    r.gapTest->setVisible(visible);
    r.gapTop->setVisible(visible);
    r.gapDirty = true; // the caption's gap line may come or go
    if (QCPPlottableLegendItem* entry = m_plot->legend->itemWithPlottable(r.running.lossGraph))
        entry->setTextColor(visible ? m_plot->legend->textColor() : kHiddenRunText);
    scheduleReplot();
}

bool LearningCurves::isRunVisible(int run) const
{
    const auto it = m_runs.find(run);
    return it != m_runs.end() && it->second.visible;
}

void LearningCurves::setRunLoss(int run, engine::Loss loss)
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end())
        return;
    it->second.loss = loss;
    nameLossAxis();
    scheduleReplot();
}

// "loss (squared error)" when every run measures the same loss; else one line per loss, with its
// runs ("squared error: Runs 1–7"), so that the turned label stays short.
void LearningCurves::nameLossAxis()
{
    // Runs known by their number ("Run n", the window's runs) and renamed ones (a sweep's runs
    // opened in the plot, a name given in the Runs view), for each loss.
    std::map<engine::Loss, std::pair<std::vector<int>, int>> runsOf;
    for (const auto& [id, run] : m_runs)
        if (run.loss) {
            auto& [numbered, others] = runsOf[*run.loss];
            if (run.renamed)
                ++others;
            else
                numbered.push_back(id);
        }
    auto name = [](engine::Loss loss) {
        return loss == engine::Loss::CrossEntropy ? tr("cross-entropy") : tr("squared error");
    };
    auto runs = [](const std::vector<int>& ids, int others) {
        // ascending: "Run 3", "Runs 1, 2", "Runs 1–7"; then "3 runs" or "Run 1 and 3 more"
        QStringList parts;
        for (std::size_t i = 0; i < ids.size();) {
            std::size_t j = i;
            while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1)
                ++j;
            if (j >= i + 2)
                parts << QStringLiteral("%1–%2").arg(ids[i]).arg(ids[j]);
            else
                for (std::size_t k = i; k <= j; ++k)
                    parts << QString::number(ids[k]);
            i = j + 1;
        }
        if (ids.empty())
            return app::counted(others, tr("run"), tr("runs"));
        const QString numbered = (ids.size() == 1 ? tr("Run %1") : tr("Runs %1")).arg(parts.join(QStringLiteral(", ")));
        return others == 0 ? numbered : tr("%1 and %2 more").arg(numbered).arg(others);
    };
    QString label = tr("loss");
    if (runsOf.size() == 1) {
        label = tr("loss (%1)").arg(name(runsOf.begin()->first));
    } else if (runsOf.size() > 1) {
        for (const auto& [loss, group] : runsOf)
            label += QLatin1Char('\n') + tr("%1: %2").arg(name(loss), runs(group.first, group.second));
    }
    m_lossRect->axis(QCPAxis::atLeft)->setLabel(label);
}

namespace {

// `label` in lines no wider than `width`, broken after its " · " parts (and inside a part at
// spaces only when it alone is wider): a long entry wraps instead of running off the plot.
QString wrapped(const QString& label, const QFontMetrics& fm, int width)
{
    QStringList words;
    const QStringList parts = label.split(QStringLiteral(" · "));
    for (int i = 0; i < parts.size(); ++i) {
        if (fm.horizontalAdvance(parts[i]) <= width) {
            words << (i ? QStringLiteral("· ") : QString()) + parts[i];
            continue;
        }
        const QStringList pieces = parts[i].split(QLatin1Char(' '));
        for (int k = 0; k < pieces.size(); ++k)
            words << (i && !k ? QStringLiteral("· ") : QString()) + pieces[k];
    }
    QStringList lines;
    QString line;
    for (const QString& word : words) {
        const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (!line.isEmpty() && fm.horizontalAdvance(longer) > width) {
            lines << line;
            line = word;
        } else {
            line = longer;
        }
    }
    lines << line;
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString LearningCurves::captionText(bool gap)
{
    const QString lines = tr("Thin: running training value · dots: whole test set at each epoch end\n"
                             "dashed: quick test on 1,000 images");
    return gap ? lines + QLatin1Char('\n') + tr("shaded: %1").arg(gapText()) : lines;
}

void LearningCurves::arrangeLegend(int plotWidth)
{
    // The caption too, so that larger text (presentation mode) or a narrow plot wraps it.
    QStringList caption;
    for (const QString& line : captionText(m_gapShown).split(QLatin1Char('\n')))
        caption << wrapped(line, QFontMetrics(m_caption->font()), std::max(120, plotWidth - 20));
    if (const QString text = caption.join(QLatin1Char('\n')); text != m_caption->text())
        m_caption->setText(text);
    QCPLegend* legend = m_plot->legend;
    // As wide as the plot: the grid's one column is as narrow as its narrowest maximum, and an
    // empty legend's own is 14 pixels (no run yet), which left both plots as narrow as the caption.
    legend->setMaximumSize(std::max(1, plotWidth), QWIDGETSIZE_MAX);
    const QFontMetrics fm(legend->font());
    const int textWidth = std::max(120, plotWidth - 40 - legend->iconSize().width() - legend->iconTextPadding());
    for (auto& [id, r] : m_runs)
        if (const QString name = wrapped(r.label, fm, textWidth); name != r.running.lossGraph->name())
            r.running.lossGraph->setName(name);
    int widest = 1, entries = 0;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (const QCPAbstractLegendItem* item = legend->item(i)) { // a grid cell may be empty
            widest = std::max(widest, item->minimumOuterSizeHint().width());
            ++entries;
        }
    const int columns = std::clamp((plotWidth - 20) / (widest + legend->columnSpacing()), 1,
                                   std::max(1, entries));
    if (columns != legend->wrap()) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true); // re-lays the entries out
    }
}

void LearningCurves::fitTickCounts()
{
    // A plot squeezed by a long legend (a sweep point's runs) or a small window keeps its value
    // labels a line apart: one tick per 28 pixels of height, 2 to 5. The ticks are laid out
    // before the plot's height is known, so a changed count takes effect at the next replot.
    bool changed = false;
    for (QCPAxisRect* rect : {m_lossRect, m_accuracyRect}) {
        const int count = std::clamp(rect->rect().height() / kPixelsPerTick, 2, 5);
        const QSharedPointer<QCPAxisTicker> ticker = rect->axis(QCPAxis::atLeft)->ticker();
        if (ticker->tickCount() != count) {
            ticker->setTickCount(count);
            changed = true;
        }
    }
    if (changed)
        scheduleReplot();
}

void LearningCurves::beginRun(int run, const QString& label, int parent, double startX)
{
    if (m_runs.count(run))
        return;
    // The parent's last running value at or before startX: where the new curve leaves it.
    std::optional<std::array<double, 3>> from;
    if (const auto p = m_runs.find(parent); p != m_runs.end() && startX > 0) {
        const Series& s = p->second.running;
        for (int i = int(s.x.size()) - 1; i >= 0 && !from; --i)
            if (s.x[i] <= startX)
                from = std::array<double, 3>{startX, s.loss[i], s.accuracy[i]};
    }
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
    QCPAxis* epochs = m_accuracyRect->axis(QCPAxis::atBottom);
    QCPAxis* accuracy = m_accuracyRect->axis(QCPAxis::atLeft);
    for (QCPGraph** edge : {&r.gapTest, &r.gapTop}) {
        *edge = m_plot->addGraph(epochs, accuracy);
        (*edge)->setLayer(QLatin1String(kGapLayer));
        (*edge)->setPen(Qt::NoPen);
        (*edge)->setName(gapText());
        (*edge)->removeFromLegend();
    }
    r.gapTop->setChannelFillGraph(r.gapTest);
    r.gapTop->setBrush(gapShade(m_plot->palette()));
    r.running.lossGraph->addToLegend();
    if (QCPPlottableLegendItem* entry = m_plot->legend->itemWithPlottable(r.running.lossGraph))
        entry->setMargins(QMargins(4, 1, 4, 1));
    m_plot->legend->setVisible(true);
    m_runs.emplace(run, std::move(r));
    if (from)
        add(run, Kind::Running, (*from)[0], (*from)[1], (*from)[2]);
    arrangeLegend(m_plot->width());
    nameLossAxis();
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
    Run& r = it->second;
    Series& s = series(r, kind);
    if (!s.x.isEmpty() && x < s.x.back())
        return; // keys only grow
    if (kind == Kind::Test)
        r.testSinceQuick = true;
    if (kind != Kind::QuickTest)
        r.gapDirty = true;
    if (kind == Kind::QuickTest) {
        if (!s.x.isEmpty() && (r.testSinceQuick || x - s.x.back() > kQuickTestGapEpochs)) {
            // No estimate was made in between: no line joins the two.
            const double gap = (s.x.back() + x) / 2;
            s.gaps.append(gap);
            s.lossGraph->addData(gap, std::nan(""));
            s.accuracyGraph->addData(gap, std::nan(""));
        }
        r.testSinceQuick = false;
    }
    s.x.append(x);
    s.loss.append(loss);
    s.accuracy.append(accuracy);
    s.lossGraph->addData(x, loss);
    s.accuracyGraph->addData(x, accuracy);
    if (s.x.size() >= kMaxPoints)
        thin(s);
    scheduleReplot();
}

// Halves a series (app::halveByAveraging, as the runs table does): memory stays bounded.
void LearningCurves::thin(Series& s)
{
    app::halveByAveraging(s.x, s.loss, s.accuracy);
    setGraphData(s);
}

void LearningCurves::setGraphData(Series& s)
{
    QVector<double> keys, losses, accuracies;
    int g = 0;
    for (int i = 0; i < s.x.size(); ++i) {
        for (; g < s.gaps.size() && s.gaps[g] < s.x[i]; ++g) {
            keys.append(s.gaps[g]);
            losses.append(std::nan(""));
            accuracies.append(std::nan(""));
        }
        keys.append(s.x[i]);
        losses.append(s.loss[i]);
        accuracies.append(s.accuracy[i]);
    }
    s.lossGraph->setData(keys, losses, true);
    s.accuracyGraph->setData(keys, accuracies, true);
}

void LearningCurves::markChange(int run, double x, const QString& change, std::uint64_t samplesSeen)
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end() || change.isEmpty())
        return;
    Run& r = it->second;
    r.changes << change;
    r.changeX << x;
    r.changeSamples << samplesSeen;
    r.label += tr(" · from epoch %1: %2").arg(x, 0, 'g', 3).arg(change);
    for (Series* s : {&r.running, &r.test, &r.quick}) {
        s->lossGraph->setName(r.label);
        s->accuracyGraph->setName(r.label);
    }
    QPen pen(r.color);
    pen.setStyle(Qt::DotLine);
    pen.setWidthF(1.2);
    for (QCPAxisRect* rect : {m_lossRect, m_accuracyRect}) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->setClipAxisRect(rect);
        for (QCPItemPosition* p : {line->point1, line->point2}) {
            p->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            p->setAxisRect(rect);
            p->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
        line->point1->setCoords(x, 0);
        line->point2->setCoords(x, 1);
        line->setPen(pen);
        line->setVisible(r.visible);
        r.marks << line;
    }
    auto* text = new QCPItemText(m_plot);
    text->setClipAxisRect(m_lossRect);
    text->position->setAxes(m_lossRect->axis(QCPAxis::atBottom), m_lossRect->axis(QCPAxis::atLeft));
    text->position->setAxisRect(m_lossRect);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.02 + 0.07 * double(r.changes.size() - 1));
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    text->setPadding(QMargins(3, 0, 0, 0));
    text->setText(change);
    text->setColor(r.color);
    text->setFont(m_plot->legend->font());
    text->setVisible(r.visible);
    r.marks << text;
    scheduleReplot();
}

QString LearningCurves::runLabel(int run) const
{
    const auto it = m_runs.find(run);
    return it == m_runs.end() ? QString() : it->second.label;
}

QStringList LearningCurves::runChanges(int run) const
{
    const auto it = m_runs.find(run);
    return it == m_runs.end() ? QStringList() : it->second.changes;
}

int LearningCurves::gapCount(int run, Kind kind) const
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end())
        return 0;
    const Run& r = it->second;
    return int((kind == Kind::Running ? r.running : kind == Kind::Test ? r.test : r.quick).gaps.size());
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
    m_plot->clearItems();
    m_plot->legend->setVisible(false);
    m_runs.clear();
    m_gapShown = false;
    nameLossAxis();
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

QString LearningCurves::gapText()
{
    return tr("the gap: the net remembers its training images better than it reads new ones: "
              "overfitting");
}

void LearningCurves::updateGaps()
{
    bool dirty = false;
    for (auto& [id, r] : m_runs) {
        if (!r.gapDirty)
            continue;
        dirty = true;
        r.gapDirty = false;
        // The band between the drawn running curve and the drawn test line (app/lab/accuracy_gap.h).
        const app::AccuracyGap gap =
            app::accuracyGap(r.running.x, r.running.accuracy, r.test.x, r.test.accuracy);
        r.gapTest->setData(gap.x, gap.test, true);
        r.gapTop->setData(gap.x, gap.top, true);
    }
    if (!dirty)
        return;
    m_gapShown = false;
    for (const auto& [id, r] : m_runs)
        m_gapShown = m_gapShown || (r.visible && gapArea(id) > 0);
}

void LearningCurves::colourGaps()
{
    const QColor shade = gapShade(m_plot->palette());
    for (auto& [id, r] : m_runs)
        r.gapTop->setBrush(shade);
}

QString LearningCurves::captionShown() const
{
    return m_caption->text();
}

double LearningCurves::gapArea(int run) const
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end())
        return 0;
    // The trapezoids between the two drawn edges, point by point.
    const QCPGraphDataContainer& top = *it->second.gapTop->data();
    const QCPGraphDataContainer& test = *it->second.gapTest->data();
    if (top.size() != test.size())
        return 0;
    double area = 0;
    for (int i = 1; i < top.size(); ++i) {
        const auto a = top.at(i - 1), b = top.at(i), c = test.at(i - 1), d = test.at(i);
        area += (b->key - a->key) * ((a->value - c->value) + (b->value - d->value)) / 2;
    }
    return area;
}

void LearningCurves::scheduleReplot()
{
    m_replots->request();
}

void LearningCurves::replotNow()
{
    updateGaps();
    arrangeLegend(m_plot->width());
    if (m_follow)
        rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

double LearningCurves::epochAxisEnd(double newest)
{
    // Slow motion or Step: the first images of an epoch of 60,000 would be a line at 0 on a
    // whole epoch's axis, so the axis spans a little more than what was trained (1, 2 or 5 times
    // a power of ten), until that is 2% of an epoch. Full speed is past 2% at its first report.
    if (newest > 0 && newest < kSmallProgressEpochs) {
        const double want = newest * 1.25;
        const double decade = std::pow(10.0, std::floor(std::log10(want)));
        for (const double step : {1.0, 2.0, 5.0, 10.0})
            if (step * decade >= want)
                return step * decade;
    }
    return std::max(1.0, std::ceil(newest * 4) / 4);
}

void LearningCurves::rescale()
{
    bool anyShown = false;
    for (const auto& [id, run] : m_runs)
        anyShown = anyShown || run.visible;
    double xMax = 0, lossMin = INFINITY, lossMax = 0, accMin = 1;
    for (const auto& [id, run] : m_runs) {
        if (anyShown && !run.visible)
            continue; // hidden runs do not set the scale
        for (const Series* s : {&run.running, &run.test, &run.quick})
            for (int i = 0; i < s->x.size(); ++i) {
                xMax = std::max(xMax, s->x[i]);
                if (s->loss[i] > 0)
                    lossMin = std::min(lossMin, s->loss[i]);
                lossMax = std::max(lossMax, s->loss[i]);
                accMin = std::min(accMin, s->accuracy[i]);
            }
    }
    m_lossRect->axis(QCPAxis::atBottom)->setRange(0, epochAxisEnd(xMax));
    if (lossMax > 0) {
        if (m_logLoss)
            m_lossRect->axis(QCPAxis::atLeft)->setRange(lossMin / 1.5, lossMax * 1.5);
        else
            m_lossRect->axis(QCPAxis::atLeft)->setRange(0, lossMax * 1.05);
    }
    m_accuracyRect->axis(QCPAxis::atLeft)->setRange(std::max(0.0, accMin - 0.02), 1.0);
}

bool LearningCurves::savePlot(const QString& path, int width, int height)
{
    replotNow();
    arrangeLegend(width); // the legend's columns for the picture's width
    const bool saved = path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)
                           ? m_plot->savePdf(path, width, height)
                           : m_plot->savePng(path, width, height);
    arrangeLegend(m_plot->width());
    return saved;
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
    for (const auto& [id, run] : m_runs)
        for (int i = 0; i < run.changes.size(); ++i)
            out += QStringLiteral("%1,%2,change,%3,%4,%5\n")
                       .arg(id)
                       .arg(quoted(run.label))
                       .arg(run.changeX[i], 0, 'g', 8)
                       .arg(run.changeSamples[i])
                       .arg(quoted(run.changes[i]));
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

QColor LearningCurves::runColor(int colorIndex)
{
    const std::size_t n = std::size(kPalette);
    return kPalette[(std::size_t(std::max(0, colorIndex)) % n)];
}

int LearningCurves::unusedColor() const
{
    std::array<int, std::size(kPalette)> uses{};
    for (const auto& [id, r] : m_runs)
        if (r.visible)
            for (std::size_t i = 0; i < uses.size(); ++i)
                if (kPalette[i] == r.color)
                    ++uses[i];
    return int(std::min_element(uses.begin(), uses.end()) - uses.begin());
}

void LearningCurves::setRunColor(int run, int colorIndex)
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end())
        return;
    Run& r = it->second;
    r.color = runColor(colorIndex);
    for (Series* s : {&r.running, &r.test, &r.quick})
        for (QCPGraph* g : {s->lossGraph, s->accuracyGraph}) {
            QPen pen = g->pen();
            pen.setColor(r.color);
            g->setPen(pen);
        }
    for (QCPAbstractItem* mark : r.marks) {
        if (auto* line = qobject_cast<QCPItemStraightLine*>(mark)) {
            QPen pen = line->pen();
            pen.setColor(r.color);
            line->setPen(pen);
        } else if (auto* text = qobject_cast<QCPItemText*>(mark)) {
            text->setColor(r.color);
        }
    }
    scheduleReplot();
}

void LearningCurves::renameRun(int run, const QString& name)
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end() || name.isEmpty())
        return;
    Run& r = it->second;
    const int colon = r.label.indexOf(QStringLiteral(": "));
    r.label = colon < 0 ? name : name + r.label.mid(colon);
    r.renamed = true;
    for (Series* s : {&r.running, &r.test, &r.quick}) {
        s->lossGraph->setName(r.label);
        s->accuracyGraph->setName(r.label);
    }
    nameLossAxis(); // "Run n" no more, when its losses differ from others'
    scheduleReplot(); // arrangeLegend wraps the new name
}

void LearningCurves::removeRun(int run)
{
    const auto it = m_runs.find(run);
    if (it == m_runs.end())
        return;
    Run& r = it->second;
    for (Series* s : {&r.running, &r.test, &r.quick}) {
        m_plot->removeGraph(s->lossGraph);
        m_plot->removeGraph(s->accuracyGraph);
    }
    m_plot->removeGraph(r.gapTop); // before the graph it fills down to
    m_plot->removeGraph(r.gapTest);
    for (QCPAbstractItem* mark : r.marks)
        m_plot->removeItem(mark);
    m_runs.erase(it);
    if (!m_runs.empty())
        m_runs.begin()->second.gapDirty = true; // the caption's gap line may go
    else
        m_gapShown = false;
    m_plot->legend->setVisible(!m_runs.empty());
    nameLossAxis();
    scheduleReplot();
}

} // namespace nnlab::ui
