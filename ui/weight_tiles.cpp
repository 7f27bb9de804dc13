#include "weight_tiles.h"

#include "pictures.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace nnlab::ui {

namespace {
constexpr int kGap = 4;
}

WeightTiles::WeightTiles(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void WeightTiles::setWeights(const engine::Matrix& w, int imageRows, int imageCols, bool perTileScale)
{
    if (w.cols() != Eigen::Index(imageRows) * imageCols)
        return clear();
    const bool sameCount = std::size_t(w.rows()) == m_tiles.size();
    m_imageRows = imageRows;
    m_imageCols = imageCols;
    m_weights = w;
    const auto count = std::size_t(w.rows());
    m_tiles.resize(count);
    m_ranges.resize(count);
    m_scales.resize(count);
    m_stale.assign(count, 1);
    float shared = 0;
    for (std::size_t n = 0; n < count; ++n) {
        const float lo = w.row(Eigen::Index(n)).minCoeff(), hi = w.row(Eigen::Index(n)).maxCoeff();
        m_ranges[n] = {lo, hi};
        shared = std::max({shared, std::abs(lo), std::abs(hi)});
    }
    for (std::size_t n = 0; n < count; ++n)
        m_scales[n] = perTileScale ? std::max(std::abs(m_ranges[n].first), std::abs(m_ranges[n].second)) : shared;
    if (m_selected >= tileCount())
        m_selected = -1;
    if (!sameCount)
        updateGeometry();
    update();
}

const QImage& WeightTiles::tile(int neuron) const
{
    const auto n = std::size_t(neuron);
    if (m_stale[n]) {
        m_tiles[n] = weightImage(m_weights.row(neuron).data(), m_imageRows, m_imageCols, m_scales[n]);
        m_stale[n] = 0;
    }
    return m_tiles[n];
}

void WeightTiles::clear()
{
    m_tiles.clear();
    m_ranges.clear();
    m_scales.clear();
    m_stale.clear();
    m_weights.resize(0, 0);
    m_selected = -1;
    updateGeometry();
    update();
}

void WeightTiles::setSelected(int neuron)
{
    m_selected = neuron >= 0 && neuron < tileCount() ? neuron : -1;
    update();
}

QSize WeightTiles::cell() const
{
    return {m_imageCols * kTileScale + kGap, m_imageRows * kTileScale + kGap};
}

int WeightTiles::columns() const
{
    return std::max(1, (width() - kGap) / cell().width());
}

QRect WeightTiles::tileRect(int n) const
{
    const int cols = columns();
    const QSize c = cell();
    return {kGap + (n % cols) * c.width(), kGap + (n / cols) * c.height(),
            m_imageCols * kTileScale, m_imageRows * kTileScale};
}

int WeightTiles::tileAt(const QPoint& p) const
{
    for (int n = 0; n < tileCount(); ++n)
        if (tileRect(n).contains(p))
            return n;
    return -1;
}

QSize WeightTiles::sizeHint() const
{
    const int cols = std::min(10, std::max(1, tileCount()));
    return {kGap + cols * cell().width(), heightForWidth(kGap + cols * cell().width())};
}

int WeightTiles::heightForWidth(int width) const
{
    const int cols = std::max(1, (width - kGap) / cell().width());
    const int rows = (tileCount() + cols - 1) / cols;
    return kGap + rows * cell().height();
}

void WeightTiles::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    const int h = heightForWidth(width());
    if (minimumHeight() != h)
        setMinimumHeight(h); // the scroll area grows the canvas to fit every tile
}

void WeightTiles::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    if (m_tiles.empty()) {
        painter.drawText(rect(), Qt::AlignCenter,
                         m_placeholder.isEmpty() ? tr("No first-layer weights to show") : m_placeholder);
        return;
    }
    for (int n = 0; n < tileCount(); ++n) {
        const QRect r = tileRect(n);
        if (!r.intersects(event->rect()))
            continue;
        painter.drawImage(r, tile(n));
        if (n == m_selected) {
            painter.setPen(QPen(palette().highlight().color(), 3));
            painter.drawRect(r.adjusted(-2, -2, 1, 1));
        }
    }
}

void WeightTiles::mousePressEvent(QMouseEvent* event)
{
    const int n = tileAt(event->position().toPoint());
    if (n >= 0 && event->button() == Qt::LeftButton) {
        setSelected(n);
        emit neuronClicked(n);
    }
}

bool WeightTiles::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const int n = tileAt(help->pos());
        if (n >= 0) {
            const auto [lo, hi] = range(n);
            QToolTip::showText(help->globalPos(),
                               tr("hidden neuron %1: weights from %2 to %3\nred pixels push it "
                                  "up, blue pixels push it down; click for its outgoing weights")
                                   .arg(n)
                                   .arg(double(lo), 0, 'g', 3)
                                   .arg(double(hi), 0, 'g', 3),
                               this, tileRect(n));
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

} // namespace nnlab::ui
