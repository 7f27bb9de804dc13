// Fuzzes the IDX reader on plain files: the bytes are the file, read as labels when the magic
// number's last byte says so (0x01), else as images.
#include "memory_file.h"

#include "engine/file_error.h"
#include "engine/idx_reader.h"

using namespace nnlab::engine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static nnlab::fuzz::MemoryFile file;
    const std::string& path = file.write(data, size);
    const bool labels = size >= 4 && data[3] == 0x01;
    try {
        if (labels)
            readIdxLabels(path);
        else
            readIdxImages(path);
    } catch (const FileError&) {
    }
    return 0;
}
