// Pixels for the views: MNIST digits as images and weights in a diverging colour map.
#pragma once

#include <QColor>
#include <QImage>
#include <QPixmap>

#include <cstdint>

namespace nnlab::ui {

// A rows x cols image of 8-bit pixels (0 = background), ink dark on light, as on paper.
QImage digitImage(const std::uint8_t* pixels, int rows, int cols);

// `image` enlarged `scale` times in logical pixels with hard pixel edges, drawn in device pixels
// (devicePixelRatio: 2 at 200%), so a QLabel shows it crisp rather than smoothed up.
QPixmap pixelPixmap(const QImage& image, int scale, qreal devicePixelRatio);

// Blue for negative, white for zero, red for positive; v is clamped to [-1, 1].
QRgb divergingColor(float v);

// A rows x cols image of weights w[i] (row-major) coloured by w / scale.
QImage weightImage(const float* w, int rows, int cols, float scale);

// Blue scale from white (0) to deep blue (1), for counts and fractions.
QRgb sequentialColor(float v);

} // namespace nnlab::ui
