// The drawing canvas: draw a digit with the mouse, a pen (pressure sets the width) or a finger.
// Strokes are kept as vectors, so Undo, Clear and resizing are exact and the canvas is crisp on
// high-DPI screens; an ink image of the drawing feeds the MNIST preprocessing.
#pragma once

#include "engine/preprocess.h"

#include <QImage>
#include <QPointF>
#include <QWidget>

#include <vector>

namespace nnlab::ui {

class DigitCanvas : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMinimumSide = 280;

    explicit DigitCanvas(QWidget* parent = nullptr);

    // Brush width as a fraction of the canvas side (MNIST's strokes are about 0.06-0.1).
    void setBrushWidth(double fraction);
    double brushWidth() const { return m_brush; }
    bool isEmpty() const { return m_strokes.empty(); }
    int strokeCount() const { return int(m_strokes.size()); }
    // The drawing as ink (0..1), one value per logical pixel of the square canvas.
    engine::InkImage ink() const;
    // Where the drawing is on the canvas, in widget coordinates (empty when there is none).
    QRectF inkBounds() const;
    // A 28x28 picture laid over the drawing: `from` (in its pixels) onto inkBounds(). Null = none.
    void setOverlay(const QImage& overlay, const QRectF& from);
    QRect square() const; // the drawing area, in widget coordinates

    QSize sizeHint() const override { return {360, 360}; }
    QSize minimumSizeHint() const override { return {kMinimumSide, kMinimumSide}; }

public slots:
    void clear(); // can be undone
    void undo();  // the last stroke, or when there is none, the last Clear

signals:
    void drawingChanged(); // after every added point, undo or clear

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;
    bool event(QEvent* event) override; // touch
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Stroke
    {
        std::vector<QPointF> points; // in units of the square's side, 0..1
        std::vector<double> widths;  // per point, same units (pen pressure)
    };
    QPointF toUnit(const QPointF& widgetPoint) const;
    void begin(const QPointF& p, double pressure);
    void extend(const QPointF& p, double pressure);
    void end();
    void drawStroke(QPainter& painter, const Stroke& s, double side, const QColor& color) const;
    void renderInk();

    std::vector<Stroke> m_strokes;
    std::vector<std::vector<Stroke>> m_cleared; // drawings wiped by Clear, newest last, for Undo
    bool m_drawing = false;
    double m_brush = 0.075;
    QImage m_ink; // Grayscale8, the square's logical size: 255 = ink
    QImage m_overlay;
    QRectF m_overlayFrom;
};

} // namespace nnlab::ui
