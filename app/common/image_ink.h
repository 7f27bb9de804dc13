// An image file's pixels (PNG, JPEG, BMP... as QImage reads them) as ink for the preprocessing.
#pragma once

#include "engine/preprocess.h"

#include <string>

class QImage;

namespace nnlab::app {

// Any QImage -> 8-bit gray -> ink, whichever way round it is (engine::inkFromGray decides from the
// border). Transparent pixels show a backdrop opposite to the drawn pixels' brightness, so black
// strokes on a transparent layer read as on white paper and white strokes as on black.
engine::InkImage inkFromImage(const QImage& image);

// The longest side of an image file nnlab reads: 8192 x 8192 in ARGB32 is Qt's own 256 MiB
// allocation limit, and a phone photo is half that.
inline constexpr int kMaxImageFileSide = 8192;

// An image file (PNG, JPEG, BMP... with its EXIF orientation) -> one 28x28 MNIST digit, as
// nnlab-predict reads it. Throws engine::FileError naming the file: missing, a folder, empty, not
// an image, larger than kMaxImageFileSide, or blank (no ink).
engine::MnistImage readDigitImage(const std::string& path);

} // namespace nnlab::app
