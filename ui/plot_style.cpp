#include "plot_style.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QFont>
#include <QPalette>

#include <algorithm>
#include <cmath>

namespace nnlab::ui {

namespace {

// Plot properties that remember what stylePlot last applied.
constexpr char kTextKey[] = "nnlabPlotText";     // QColor: the text colour last applied
constexpr char kBaseKey[] = "nnlabPlotFontBase"; // double: the plot font's size last styled

QColor mix(const QColor& a, const QColor& b, double t) // t = 0: a, t = 1: b
{
    return QColor::fromRgbF(float(a.redF() + t * (b.redF() - a.redF())),
                            float(a.greenF() + t * (b.greenF() - a.greenF())),
                            float(a.blueF() + t * (b.blueF() - a.blueF())));
}

double sizeOf(const QFont& f)
{
    return f.pointSizeF() > 0 ? f.pointSizeF() : double(f.pixelSize());
}

// The plot font's size (points, or pixels for a pixel-sized font).
double baseOf(const QCustomPlot* plot)
{
    return sizeOf(plot->font());
}

// `current` as it should be for the plot font size `base`. The first time an element's font
// `name` is seen, it is remembered with the base it was made for (`madeFor`); later calls scale
// that remembered font, so the original size comes back exactly when the base does.
QFont follow(QObject* element, const char* name, const QFont& current, double madeFor, double base)
{
    const QByteArray fontKey = QByteArrayLiteral("nnlabFont.") + name;
    const QByteArray baseKey = QByteArrayLiteral("nnlabFontBase.") + name;
    if (!element->property(fontKey.constData()).isValid()) {
        element->setProperty(fontKey.constData(), current);
        element->setProperty(baseKey.constData(), madeFor);
    }
    QFont f = element->property(fontKey.constData()).value<QFont>();
    const double was = element->property(baseKey.constData()).toDouble();
    if (was == base || was <= 0 || base <= 0)
        return f;
    const double size = sizeOf(f) * base / was;
    if (f.pointSizeF() > 0)
        f.setPointSizeF(size);
    else
        f.setPixelSize(std::max(1, int(std::lround(size))));
    return f;
}

struct Colours
{
    QColor text, grid, subGrid, zero;
};

void styleAxis(QCPAxis* axis, const Colours& c, double madeFor, double base)
{
    const auto& [text, grid, subGrid, zero] = c;
    for (auto [get, set] : {std::pair{&QCPAxis::basePen, &QCPAxis::setBasePen},
                            std::pair{&QCPAxis::tickPen, &QCPAxis::setTickPen},
                            std::pair{&QCPAxis::subTickPen, &QCPAxis::setSubTickPen}}) {
        QPen pen = (axis->*get)();
        pen.setColor(text);
        (axis->*set)(pen);
    }
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->setTickLabelFont(follow(axis, "tickLabel", axis->tickLabelFont(), madeFor, base));
    axis->setLabelFont(follow(axis, "label", axis->labelFont(), madeFor, base));
    QPen pen = axis->grid()->pen();
    pen.setColor(grid);
    axis->grid()->setPen(pen);
    pen = axis->grid()->subGridPen();
    pen.setColor(subGrid);
    axis->grid()->setSubGridPen(pen);
    pen = axis->grid()->zeroLinePen();
    if (pen.style() != Qt::NoPen) {
        pen.setColor(zero);
        axis->grid()->setZeroLinePen(pen);
    }
}

// Every layout element of the plot, nested ones (a legend's items) included.
QList<QCPLayoutElement*> elementsOf(QCustomPlot* plot)
{
    QList<QCPLayoutElement*> all = plot->plotLayout()->elements(true);
    all.removeAll(nullptr);
    return all;
}

class PaletteFollower : public QObject
{
public:
    explicit PaletteFollower(QCustomPlot* plot) : QObject(plot), m_plot(plot) { plot->installEventFilter(this); }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_plot) {
            switch (event->type()) {
            case QEvent::PaletteChange:
            case QEvent::FontChange:
                stylePlot(m_plot, m_plot->palette());
                m_plot->replot(QCustomPlot::rpQueuedReplot);
                break;
            case QEvent::Show:
                // A screen of another scale (200%): the plot's buffer in device pixels, crisp.
                if (m_plot->bufferDevicePixelRatio() != m_plot->devicePixelRatioF()) {
                    m_plot->setBufferDevicePixelRatio(m_plot->devicePixelRatioF());
                    m_plot->replot(QCustomPlot::rpQueuedReplot);
                }
                break;
            default:
                break;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QCustomPlot* m_plot;
};

} // namespace

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

QColor answerColor(bool right, const QPalette& palette)
{
    if (isDark(palette))
        return right ? QColor(110, 210, 110) : QColor(255, 120, 110);
    return right ? QColor(0, 130, 0) : QColor(200, 0, 0);
}

QColor gapShade(const QPalette& palette)
{
    QColor c = palette.color(QPalette::Text);
    c.setAlphaF(isDark(palette) ? 0.24f : 0.16f); // light text on dark needs a little more to show
    return c;
}

void stylePlot(QCustomPlot* plot, const QPalette& palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    const Colours colours{text, mix(base, text, 0.22), mix(base, text, 0.12), mix(base, text, 0.45)};
    const QVariant oldText = plot->property(kTextKey);
    const double fontBase = baseOf(plot);
    const QVariant oldBase = plot->property(kBaseKey);
    const double madeFor = oldBase.isValid() ? oldBase.toDouble() : fontBase;

    plot->setBackground(base);
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            styleAxis(axis, colours, madeFor, fontBase);
    for (QCPLayoutElement* e : elementsOf(plot)) {
        if (auto* scale = qobject_cast<QCPColorScale*>(e)) {
            styleAxis(scale->axis(), colours, madeFor, fontBase);
        } else if (auto* caption = qobject_cast<QCPTextElement*>(e)) {
            caption->setTextColor(text);
            caption->setFont(follow(caption, "text", caption->font(), madeFor, fontBase));
        }
    }
    if (QCPLegend* legend = plot->legend) {
        legend->setBrush(base);
        if (legend->borderPen().style() != Qt::NoPen)
            legend->setBorderPen(QPen(text));
        legend->setFont(follow(legend, "text", legend->font(), madeFor, fontBase)); // and its items'
        // The legend passes its colour on to every entry: a hidden run's greyed one keeps its own.
        const QColor was = oldText.isValid() ? oldText.value<QColor>() : legend->textColor();
        QList<QColor> entries;
        for (int i = 0; i < legend->itemCount(); ++i)
            entries << (legend->item(i) ? legend->item(i)->textColor() : was);
        legend->setTextColor(text);
        for (int i = 0; i < legend->itemCount(); ++i)
            if (QCPAbstractLegendItem* item = legend->item(i); item && entries[i] != was)
                item->setTextColor(entries[i]);
    }
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* label = qobject_cast<QCPItemText*>(plot->item(i)))
            label->setFont(follow(label, "text", label->font(), madeFor, fontBase));
    // Outlines and markers drawn in the text colour (the network's answer, the target's cross).
    if (oldText.isValid() && oldText.value<QColor>() != text) {
        const QColor was = oldText.value<QColor>();
        for (int i = 0; i < plot->plottableCount(); ++i) {
            QCPAbstractPlottable* p = plot->plottable(i);
            if (QPen pen = p->pen(); pen.style() != Qt::NoPen && pen.color() == was) {
                pen.setColor(text);
                p->setPen(pen);
            }
            if (auto* graph = qobject_cast<QCPGraph*>(p)) {
                QCPScatterStyle s = graph->scatterStyle();
                if (!s.isNone() && s.pen().color() == was) {
                    QPen pen = s.pen();
                    pen.setColor(text);
                    s.setPen(pen);
                    graph->setScatterStyle(s);
                }
            }
        }
    }
    plot->setProperty(kTextKey, text);
    plot->setProperty(kBaseKey, fontBase);
}

void followPalette(QCustomPlot* plot)
{
    stylePlot(plot, plot->palette());
    new PaletteFollower(plot);
}

} // namespace nnlab::ui
