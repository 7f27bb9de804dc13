// Fuzzes an image file's way to the network's 28x28 input: Qt's image readers (as nnlab-serve
// reads an image body: any format Qt recognises, at most 64 MiB decoded), then the image's
// pixels as ink (app/image_ink.h) and the MNIST preprocessing (engine/preprocess.h).
#include "app/common/image_ink.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QImage>
#include <QImageReader>

using namespace nnlab::engine;

namespace {
constexpr int kMaxImageSide = 4096; // pixels, as nnlab::app::kMaxImageSide
constexpr int kFuzzSide = 64;
} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    // As nnlab-serve: Qt finds its image plugins. Never destroyed: the application's destructor
    // unloads the plugins before LeakSanitizer's check at exit, whose walk of the threads' dynamic
    // TLS then reads an unloaded plugin's block and crashes (GCC 12's libasan).
    static QCoreApplication* app = new QCoreApplication(*argc, *argv);
    Q_UNUSED(app);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    QBuffer buffer;
    buffer.setData(reinterpret_cast<const char*>(data), qsizetype(size));
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAllocationLimit(64); // MiB, as PredictionService
    const QSize declared = reader.size();
    if (declared.width() > kMaxImageSide || declared.height() > kMaxImageSide)
        return 0; // PredictionService refuses these before decoding
    QImage image = reader.read();
    if (image.isNull())
        return 0;
    // Each pixel costs ~1 us in the instrumented loops below, which are the same for any size:
    // a larger image is shrunk (nearest pixel, its format kept) to keep the fuzzer fast.
    if (image.width() > kFuzzSide || image.height() > kFuzzSide)
        image = image.scaled(kFuzzSide, kFuzzSide, Qt::KeepAspectRatio, Qt::FastTransformation);
    const InkImage ink = nnlab::app::inkFromImage(image);
    if (ink.width != image.width() || ink.height != image.height())
        __builtin_trap();
    toMnist(ink);
    return 0;
}
