#include "digit_canvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTabletEvent>
#include <QTouchEvent>

#include <algorithm>
#include <cmath>

namespace nnlab::ui {

namespace {
const QColor kInkColor(255, 255, 255); // full ink in the 8-bit ink image
}

DigitCanvas::DigitCanvas(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_AcceptTouchEvents);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setCursor(Qt::CrossCursor);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Draw a digit with the mouse, a pen or a finger. Esc clears, Ctrl+Z undoes "
                  "the last stroke or the last Clear."));
}

QRect DigitCanvas::square() const
{
    const int side = std::max(1, std::min(width(), height()));
    return {(width() - side) / 2, (height() - side) / 2, side, side};
}

void DigitCanvas::setBrushWidth(double fraction)
{
    m_brush = std::clamp(fraction, 0.01, 0.3);
}

QPointF DigitCanvas::toUnit(const QPointF& p) const
{
    const QRect s = square();
    return {(p.x() - s.left()) / s.width(), (p.y() - s.top()) / s.height()};
}

void DigitCanvas::begin(const QPointF& p, double pressure)
{
    m_drawing = true;
    m_strokes.push_back({{toUnit(p)}, {m_brush * pressure}});
    m_overlay = QImage();
    renderInk();
    update();
    emit drawingChanged();
}

void DigitCanvas::extend(const QPointF& p, double pressure)
{
    if (!m_drawing || m_strokes.empty())
        return;
    Stroke& s = m_strokes.back();
    const QPointF u = toUnit(p);
    if (QLineF(s.points.back(), u).length() * square().width() < 0.75)
        return; // less than a pixel: nothing new to draw
    s.points.push_back(u);
    s.widths.push_back(m_brush * pressure);
    // Only the new segment goes into the ink image; the whole is re-rendered on undo/resize.
    QPainter painter(&m_ink);
    Stroke segment{{s.points[s.points.size() - 2], u}, {s.widths[s.widths.size() - 2], s.widths.back()}};
    drawStroke(painter, segment, m_ink.width(), kInkColor);
    update();
    emit drawingChanged();
}

void DigitCanvas::end()
{
    m_drawing = false;
}

void DigitCanvas::clear()
{
    if (!m_strokes.empty())
        m_cleared.push_back(std::move(m_strokes)); // Undo brings it back
    m_strokes.clear();
    m_drawing = false;
    m_overlay = QImage();
    renderInk();
    update();
    emit drawingChanged();
}

void DigitCanvas::undo()
{
    // Strokes drawn since the last Clear go first, one at a time; then the cleared drawing returns.
    if (!m_strokes.empty()) {
        m_strokes.pop_back();
    } else if (!m_cleared.empty()) {
        m_strokes = std::move(m_cleared.back());
        m_cleared.pop_back();
    } else {
        return;
    }
    m_drawing = false;
    m_overlay = QImage();
    renderInk();
    update();
    emit drawingChanged();
}

void DigitCanvas::drawStroke(QPainter& painter, const Stroke& s, double side, const QColor& color) const
{
    painter.setRenderHint(QPainter::Antialiasing);
    if (s.points.size() == 1) { // a dot
        const double r = s.widths[0] * side / 2;
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawEllipse(QPointF(s.points[0].x() * side, s.points[0].y() * side), r, r);
        return;
    }
    for (std::size_t i = 1; i < s.points.size(); ++i) {
        QPen pen(color, (s.widths[i - 1] + s.widths[i]) / 2 * side, Qt::SolidLine, Qt::RoundCap,
                 Qt::RoundJoin);
        painter.setPen(pen);
        painter.drawLine(QPointF(s.points[i - 1].x() * side, s.points[i - 1].y() * side),
                         QPointF(s.points[i].x() * side, s.points[i].y() * side));
    }
}

void DigitCanvas::renderInk()
{
    const int side = square().width();
    if (m_ink.width() != side)
        m_ink = QImage(side, side, QImage::Format_Grayscale8);
    m_ink.fill(0);
    QPainter painter(&m_ink);
    for (const Stroke& s : m_strokes)
        drawStroke(painter, s, side, kInkColor);
}

engine::InkImage DigitCanvas::ink() const
{
    if (m_ink.isNull())
        return engine::InkImage(0, 0);
    return engine::inkFromBytes(m_ink.width(), m_ink.height(), m_ink.constBits(), m_ink.bytesPerLine());
}

QRectF DigitCanvas::inkBounds() const
{
    int left = m_ink.width(), top = m_ink.height(), right = -1, bottom = -1;
    for (int y = 0; y < m_ink.height(); ++y) {
        const uchar* line = m_ink.constScanLine(y);
        for (int x = 0; x < m_ink.width(); ++x)
            if (line[x] >= 26) { // engine::kInkThreshold of 255
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
    }
    if (right < 0)
        return {};
    const QRect s = square();
    return QRectF(s.left() + left, s.top() + top, right - left + 1, bottom - top + 1);
}

void DigitCanvas::setOverlay(const QImage& overlay, const QRectF& from)
{
    m_overlay = overlay;
    m_overlayFrom = from;
    update();
}

void DigitCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    const QRect s = square();
    painter.fillRect(s, Qt::white);
    painter.setPen(QPen(QColor(200, 200, 200), 1, Qt::DashLine));
    painter.drawRect(s.adjusted(0, 0, -1, -1));
    painter.translate(s.topLeft());
    // Vectors: crisp at any DPI. Lighter under an explanation, so its colours show.
    const QColor ink = m_overlay.isNull() ? QColor(20, 20, 20) : QColor(175, 175, 175);
    for (const Stroke& stroke : m_strokes)
        drawStroke(painter, stroke, s.width(), ink);
    painter.resetTransform();
    if (!m_overlay.isNull() && !m_overlayFrom.isEmpty()) {
        // Map the overlay's ink box onto the drawing's ink box on the canvas.
        const QRectF to = inkBounds();
        const double sx = to.width() / m_overlayFrom.width(), sy = to.height() / m_overlayFrom.height();
        const QRectF target(to.left() - m_overlayFrom.left() * sx, to.top() - m_overlayFrom.top() * sy,
                            m_overlay.width() * sx, m_overlay.height() * sy);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.setOpacity(0.9);
        painter.drawImage(target, m_overlay);
        painter.setOpacity(1.0);
    }
    if (m_strokes.empty()) {
        painter.setPen(QColor(150, 150, 150));
        painter.drawText(s, Qt::AlignCenter, tr("Draw a digit here"));
    }
}

void DigitCanvas::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        begin(event->position(), 1.0);
}

void DigitCanvas::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton)
        extend(event->position(), 1.0);
}

void DigitCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        end();
}

void DigitCanvas::tabletEvent(QTabletEvent* event)
{
    // Pressure 0..1 maps onto 0.5..1.5 times the brush width.
    const double pressure = 0.5 + std::clamp(double(event->pressure()), 0.0, 1.0);
    switch (event->type()) {
    case QEvent::TabletPress:
        begin(event->position(), pressure);
        break;
    case QEvent::TabletMove:
        extend(event->position(), pressure);
        break;
    case QEvent::TabletRelease:
        end();
        break;
    default:
        break;
    }
    event->accept(); // no synthesized mouse events on top
}

bool DigitCanvas::event(QEvent* e)
{
    switch (e->type()) {
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TouchEnd: {
        auto* touch = static_cast<QTouchEvent*>(e);
        if (touch->points().isEmpty())
            break;
        const QPointF p = touch->points().first().position();
        if (e->type() == QEvent::TouchBegin)
            begin(p, 1.0);
        else if (e->type() == QEvent::TouchUpdate)
            extend(p, 1.0);
        else
            end();
        e->accept();
        return true;
    }
    default:
        break;
    }
    return QWidget::event(e);
}

void DigitCanvas::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    renderInk();
}

} // namespace nnlab::ui
