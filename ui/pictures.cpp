#include "pictures.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nnlab::ui {

QImage digitImage(const std::uint8_t* pixels, int rows, int cols)
{
    QImage image(cols, rows, QImage::Format_Grayscale8);
    for (int r = 0; r < rows; ++r) {
        std::uint8_t* line = image.scanLine(r);
        for (int c = 0; c < cols; ++c)
            line[c] = std::uint8_t(255 - pixels[r * cols + c]);
    }
    return image;
}

QPixmap pixelPixmap(const QImage& image, int scale, qreal devicePixelRatio)
{
    const qreal ratio = devicePixelRatio > 0 ? devicePixelRatio : 1.0;
    const QSize device = (QSizeF(image.size()) * scale * ratio).toSize();
    QPixmap pixmap = QPixmap::fromImage(image.scaled(device, Qt::IgnoreAspectRatio, Qt::FastTransformation));
    pixmap.setDevicePixelRatio(ratio);
    return pixmap;
}

QRgb divergingColor(float v)
{
    if (!std::isfinite(v))
        return qRgb(0, 0, 0);
    v = std::clamp(v, -1.0f, 1.0f);
    // White to (33, 102, 172) for negative, white to (178, 24, 43) for positive.
    const float a = std::abs(v);
    const int r0 = v < 0 ? 33 : 178, g0 = v < 0 ? 102 : 24, b0 = v < 0 ? 172 : 43;
    return qRgb(int(255 + (r0 - 255) * a), int(255 + (g0 - 255) * a), int(255 + (b0 - 255) * a));
}

QImage weightImage(const float* w, int rows, int cols, float scale)
{
    // divergingColor at 2049 evenly spaced values of [-1, 1] (0 is the middle one, pure white):
    // a table look-up per pixel instead of the arithmetic (hundreds of tiles are redrawn several
    // times a second while training); neighbouring entries differ by at most one colour level.
    constexpr int kSteps = 2049;
    static const std::vector<QRgb> table = [] {
        std::vector<QRgb> t(kSteps);
        for (int i = 0; i < kSteps; ++i)
            t[std::size_t(i)] = divergingColor(-1.0f + 2.0f * float(i) / float(kSteps - 1));
        return t;
    }();
    QImage image(cols, rows, QImage::Format_RGB32);
    const float inv = scale > 0 ? 1.0f / scale : 0.0f;
    const float half = 0.5f * float(kSteps - 1);
    for (int r = 0; r < rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
        for (int c = 0; c < cols; ++c) {
            const float v = w[r * cols + c] * inv;
            line[c] = std::isfinite(v)
                          ? table[std::size_t(std::lround(half + half * std::clamp(v, -1.0f, 1.0f)))]
                          : qRgb(0, 0, 0);
        }
    }
    return image;
}

QRgb sequentialColor(float v)
{
    v = std::clamp(std::isfinite(v) ? v : 0.0f, 0.0f, 1.0f);
    return qRgb(int(255 + (8 - 255) * v), int(255 + (69 - 255) * v), int(255 + (148 - 255) * v));
}

} // namespace nnlab::ui
