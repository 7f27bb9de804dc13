#include "confusion_matrix.h"

#include "pictures.h"

#include <QFontMetricsF>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace nnlab::ui {

namespace {
constexpr int kTitle = 16;  // pixels for "predicted" above and "true" left of the class names
constexpr int kHeader = 22; // pixels for the class names above and left of the grid (9 pt text)

// Right answers: white (share 0) to deep green (share 1); green means "correct" in every view.
QColor correctColor(float share)
{
    const float v = std::clamp(share, 0.0f, 1.0f);
    const QColor deep(0, 109, 44);
    return QColor::fromRgbF(1.0f + v * (deep.redF() - 1.0f), 1.0f + v * (deep.greenF() - 1.0f),
                            1.0f + v * (deep.blueF() - 1.0f));
}
} // namespace

ConfusionMatrix::ConfusionMatrix(QWidget* parent) : QWidget(parent)
{
    setToolTip(tr("Rows: the true class. Columns: what the network predicts. The diagonal "
                  "(green) is right; the red cells are mistakes. Click a cell to see those "
                  "digits."));
    setMouseTracking(true);
    setCursor(Qt::PointingHandCursor);
}

void ConfusionMatrix::setConfusion(const std::vector<std::int64_t>& counts, const QStringList& names)
{
    if (counts.size() != std::size_t(names.size()) * std::size_t(names.size()))
        return;
    if (names != m_names)
        m_selected = {-1, -1};
    m_counts = counts;
    m_names = names;
    update();
}

std::int64_t ConfusionMatrix::count(int t, int p) const
{
    if (t < 0 || p < 0 || t >= classes() || p >= classes())
        return 0;
    return m_counts[std::size_t(t) * std::size_t(classes()) + std::size_t(p)];
}

int ConfusionMatrix::titleSize() const
{
    return std::max(kTitle, fontMetrics().height() + 2);
}

int ConfusionMatrix::headerSize() const
{
    return std::max(kHeader, fontMetrics().height() * 3 / 2);
}

QRect ConfusionMatrix::grid() const
{
    const int margin = titleSize() + headerSize() + 2;
    const int side = std::max(0, std::min(width(), height()) - margin - 2);
    return {margin, margin, side, side};
}

QRect ConfusionMatrix::cellRect(int t, int p) const
{
    const QRect g = grid();
    const int n = std::max(1, classes());
    const int x0 = g.left() + g.width() * p / n, x1 = g.left() + g.width() * (p + 1) / n;
    const int y0 = g.top() + g.height() * t / n, y1 = g.top() + g.height() * (t + 1) / n;
    return {x0, y0, x1 - x0, y1 - y0};
}

bool ConfusionMatrix::cellAt(const QPoint& point, int& t, int& p) const
{
    const QRect g = grid();
    if (classes() == 0 || !g.contains(point))
        return false;
    p = std::clamp((point.x() - g.left()) * classes() / std::max(1, g.width()), 0, classes() - 1);
    t = std::clamp((point.y() - g.top()) * classes() / std::max(1, g.height()), 0, classes() - 1);
    return true;
}

void ConfusionMatrix::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    if (classes() == 0) {
        painter.drawText(rect(), Qt::AlignCenter, tr("Tested at each epoch end"));
        return;
    }
    const int n = classes();
    QFont small = font();
    // Smaller in small cells, and never so large that a count of four digits leaves its cell
    // (presentation mode's larger font).
    const double fits = (grid().width() / double(n) - 4) /
                        std::max(1.0, QFontMetricsF(small).horizontalAdvance(QStringLiteral("8888")));
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * std::min({1.0, grid().width() / (n * 34.0), fits})));
    painter.setFont(small);
    for (int t = 0; t < n; ++t) {
        std::int64_t rowTotal = 0;
        for (int p = 0; p < n; ++p)
            rowTotal += count(t, p);
        for (int p = 0; p < n; ++p) {
            const QRect cell = cellRect(t, p);
            const float share = rowTotal ? float(count(t, p)) / float(rowTotal) : 0.0f;
            // Right answers in green, mistakes in red; the deeper, the larger the row's share.
            const QColor c = t == p ? correctColor(share)
                                    : QColor(divergingColor(std::min(1.0f, share * 8)));
            painter.fillRect(cell, c);
            painter.setPen(QColor(230, 230, 230));
            painter.drawRect(cell.adjusted(0, 0, -1, -1));
            painter.setPen(qGray(c.rgb()) < 128 ? Qt::white : Qt::black);
            if (count(t, p) > 0)
                painter.drawText(cell, Qt::AlignCenter, QString::number(count(t, p)));
        }
    }
    if (m_selected.first >= 0 && m_selected.first < n && m_selected.second < n) {
        // The cell whose digits the gallery shows: a thick dark frame.
        painter.setPen(QPen(palette().text().color(), 3));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(cellRect(m_selected.first, m_selected.second).adjusted(1, 1, -2, -2));
    }
    painter.setPen(palette().text().color());
    for (int k = 0; k < n; ++k) {
        const QRect col = cellRect(0, k), row = cellRect(k, 0);
        painter.drawText(QRect(col.left(), titleSize(), col.width(), headerSize()), Qt::AlignCenter,
                         m_names[k].left(3));
        painter.drawText(QRect(titleSize(), row.top(), headerSize(), row.height()), Qt::AlignCenter,
                         m_names[k].left(3));
    }
    // Axis titles: "predicted" over the columns, "true" (turned) beside the rows.
    const QRect g = grid();
    QFont bold = small;
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRect(g.left(), 0, g.width(), titleSize()), Qt::AlignCenter, tr("predicted"));
    painter.save();
    painter.translate(0, g.top() + g.height() / 2);
    painter.rotate(-90);
    painter.drawText(QRect(-g.height() / 2, 0, g.height(), titleSize()), Qt::AlignCenter, tr("true"));
    painter.restore();
}

void ConfusionMatrix::mousePressEvent(QMouseEvent* event)
{
    int t = 0, p = 0;
    if (event->button() == Qt::LeftButton && cellAt(event->position().toPoint(), t, p)) {
        m_selected = {t, p};
        update();
        emit cellClicked(t, p);
    }
}

bool ConfusionMatrix::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        int t = 0, p = 0;
        if (cellAt(help->pos(), t, p)) {
            std::int64_t rowTotal = 0;
            for (int k = 0; k < classes(); ++k)
                rowTotal += count(t, k);
            QToolTip::showText(help->globalPos(),
                               tr("true %1, predicted %2: %3 of %4 (%5%)")
                                   .arg(m_names[t], m_names[p])
                                   .arg(count(t, p))
                                   .arg(rowTotal)
                                   .arg(rowTotal ? 100.0 * double(count(t, p)) / double(rowTotal) : 0.0, 0, 'f', 1),
                               this);
            return true;
        }
    }
    return QWidget::event(e);
}

QString ConfusionMatrix::toCsv() const
{
    QString out = QStringLiteral("true\\predicted");
    for (const QString& name : m_names)
        out += QLatin1Char(',') + name;
    out += QLatin1Char('\n');
    for (int t = 0; t < classes(); ++t) {
        out += m_names[t];
        for (int p = 0; p < classes(); ++p)
            out += QLatin1Char(',') + QString::number(count(t, p));
        out += QLatin1Char('\n');
    }
    return out;
}

} // namespace nnlab::ui
