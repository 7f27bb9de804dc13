// Fuzzes the .nnlab model reader. A model it accepts must survive a write and a read unchanged,
// and a conversion to NumPy .npz and back (nnlab-model convert; the note as text, round_trip.h):
// a file nnlab reads, it can convert. Each input is read twice: as it is, and with its last
// 4 bytes replaced by the CRC-32 of the rest, so mutations reach what lies behind the checksum.
#include "round_trip.h"

#include "engine/binary_io.h"
#include "engine/file_error.h"
#include "engine/model_file.h"
#include "engine/npz.h"

#include <sstream>

using namespace nnlab::engine;

namespace {

void readAndConvert(const std::string& bytes)
{
    std::istringstream in(bytes);
    Model model;
    try {
        model = readModel(in, "fuzz.nnlab");
    } catch (const FileError&) {
        return;
    }
    std::ostringstream out;
    writeModel(out, model, "fuzz.nnlab");
    std::istringstream again(out.str());
    if (!nnlab::fuzz::sameModel(readModel(again, "fuzz.nnlab"), model))
        __builtin_trap();
    std::ostringstream npz;
    writeNpz(npz, model, "fuzz.npz");
    std::istringstream npzAgain(npz.str());
    if (!nnlab::fuzz::sameModel(readNpz(npzAgain, "fuzz.npz"), model, nnlab::fuzz::Note::AsText))
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string bytes(reinterpret_cast<const char*>(data), size);
    readAndConvert(bytes);
    if (size > 4) {
        const std::uint32_t crc = crc32Of(bytes.data(), size - 4);
        for (int i = 0; i < 4; ++i) // little-endian, as the file stores it
            bytes[size - 4 + std::size_t(i)] = char(crc >> (8 * i) & 0xff);
        readAndConvert(bytes);
    }
    return 0;
}
