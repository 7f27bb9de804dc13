// Fuzzes the drawn-digit preprocessing (engine/preprocess.h) on 8-bit gray images of any shape:
// the first byte is the width (0..255), the rest the pixels, row by row; the height is what fits.
#include "engine/preprocess.h"

using namespace nnlab::engine;

namespace {

void check(const InkImage& ink)
{
    if (ink.ink.size() != std::size_t(ink.width) * std::size_t(ink.height))
        __builtin_trap();
    for (const float v : ink.ink)
        if (!(v >= 0.0f && v <= 1.0f))
            __builtin_trap(); // ink is 0..1
    const std::optional<MnistImage> digit = toMnist(ink);
    bool anyInk = false;
    for (const float v : ink.ink)
        anyInk = anyInk || v >= kInkThreshold;
    if (digit.has_value() != anyInk)
        __builtin_trap(); // a digit exactly when there is ink
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const int width = data[0];
    const std::uint8_t* gray = data + 1;
    const int height = width == 0 ? 0 : int((size - 1) / std::size_t(width));
    detectBackground(width, height, gray, width);
    check(inkFromGray(width, height, gray, width));
    check(inkFromBytes(width, height, gray, width));
    return 0;
}
