// Fuzzes the CSV reader on text in memory: 28 x 28 images, as nnlab reads, and 2 x 2 ones, so
// short inputs reach whole valid lines too.
#include "engine/csv_reader.h"
#include "engine/dataset.h"
#include "engine/file_error.h"

#include <string_view>

using namespace nnlab::engine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const int side : {28, 2}) {
        try {
            const Dataset d = parseCsvDataset(text, "fuzz.csv", digitClassNames(), side, side);
            if (d.pixels.size() != d.labels.size() * std::size_t(side * side))
                __builtin_trap(); // every image has exactly its pixels
        } catch (const FileError&) {
        }
    }
    return 0;
}
