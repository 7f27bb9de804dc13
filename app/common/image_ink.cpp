#include "image_ink.h"

#include "engine/file_error.h"

#include <QImage>
#include <QImageReader>
#include <QString>

#include <vector>

namespace nnlab::app {

engine::InkImage inkFromImage(const QImage& image)
{
    if (!image.hasAlphaChannel()) {
        const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
        return engine::inkFromGray(gray.width(), gray.height(), gray.constBits(),
                                   gray.bytesPerLine());
    }

    // Straight (not premultiplied) alpha, so a pixel's colour is its own whatever its opacity.
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    const int width = argb.width(), height = argb.height();
    double drawn = 0, opacity = 0; // alpha-weighted brightness of what was drawn
    for (int y = 0; y < height; ++y) {
        const auto* row = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < width; ++x) {
            drawn += double(qAlpha(row[x])) * qGray(row[x]);
            opacity += qAlpha(row[x]);
        }
    }
    const int backdrop = opacity > 0 && drawn / opacity < 128 ? 255 : 0;
    std::vector<std::uint8_t> gray(std::size_t(width) * std::size_t(height));
    for (int y = 0; y < height; ++y) {
        const auto* row = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < width; ++x) {
            const int a = qAlpha(row[x]);
            gray[std::size_t(y) * std::size_t(width) + std::size_t(x)] =
                std::uint8_t((a * qGray(row[x]) + (255 - a) * backdrop + 127) / 255);
        }
    }
    return engine::inkFromGray(width, height, gray.data(), width);
}

engine::MnistImage readDigitImage(const std::string& path)
{
    engine::requireNonEmptyFile(path); // "does not exist", "is a folder", "is empty"
    QImageReader reader(QString::fromStdString(path));
    reader.setAutoTransform(true); // a phone photo's EXIF orientation
    // The header's size, before anything is decoded: a 2 GB image declared in a 1 KB file is
    // refused here, not by an allocation failing later.
    const QSize size = reader.size();
    if (size.width() > kMaxImageFileSide || size.height() > kMaxImageFileSide)
        throw engine::FileError(path, "the image is " + std::to_string(size.width()) + " x " +
                                          std::to_string(size.height()) + " pixels; at most " +
                                          std::to_string(kMaxImageFileSide) + " on either side");
    const QImage image = reader.read();
    if (image.isNull())
        throw engine::FileError(path, "is not an image nnlab can read (" +
                                          reader.errorString().toStdString() + ")");
    const std::optional<engine::MnistImage> digit = engine::toMnist(inkFromImage(image));
    if (!digit)
        throw engine::FileError(path, "has no ink: the image is blank");
    return *digit;
}

} // namespace nnlab::app
