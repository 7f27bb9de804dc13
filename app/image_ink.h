// An image file's pixels (PNG, JPEG, BMP... as QImage reads them) as ink for the preprocessing.
#pragma once

#include "engine/preprocess.h"

class QImage;

namespace nnlab::app {

// Any QImage -> 8-bit gray -> ink, whichever way round it is (engine::inkFromGray decides from the
// border). Transparent pixels show a backdrop opposite to the drawn pixels' brightness, so black
// strokes on a transparent layer read as on white paper and white strokes as on black.
engine::InkImage inkFromImage(const QImage& image);

} // namespace nnlab::app
