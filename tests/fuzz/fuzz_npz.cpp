// Fuzzes the NumPy .npz reader (ZIP, deflate, .npy headers). A model it accepts must survive a
// write (stored and deflated) and a read unchanged, and a conversion to .nnlab and back
// (nnlab-model convert; the .nnlab file keeps the first 4,096 bytes of the note).
#include "round_trip.h"

#include "engine/file_error.h"
#include "engine/model_file.h"
#include "engine/npz.h"

#include <sstream>

using namespace nnlab::engine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    Model model;
    NpzDetails details;
    try {
        model = readNpz(in, "fuzz.npz", &details);
    } catch (const FileError&) {
        return 0;
    }
    for (const NpzCompression c : {NpzCompression::Stored, NpzCompression::Deflated}) {
        std::ostringstream out;
        writeNpz(out, model, "fuzz.npz", c);
        std::istringstream again(out.str());
        if (!nnlab::fuzz::sameModel(readNpz(again, "fuzz.npz"), model))
            __builtin_trap();
    }
    std::ostringstream nnlab;
    writeModel(nnlab, model, "fuzz.nnlab");
    std::istringstream nnlabAgain(nnlab.str());
    Model converted = model;
    converted.info.note.resize(std::min<std::size_t>(converted.info.note.size(), 4096));
    if (!nnlab::fuzz::sameModel(readModel(nnlabAgain, "fuzz.nnlab"), converted))
        __builtin_trap();
    return 0;
}
