// Fuzzes the IDX reader on gzip files. Bytes that start with gzip's magic are the file as they
// are (damaged headers, trailers and deflate streams); any other bytes are gzip-compressed here
// first, so the IDX header and payload behind a valid gzip stream are explored as well. The file
// is read as images and as labels.
#include "memory_file.h"

#include "engine/file_error.h"
#include "engine/idx_reader.h"

#include <zlib.h>

#include <string>

using namespace nnlab::engine;

namespace {

std::string gzip(const std::uint8_t* data, std::size_t size)
{
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) // +16: gzip
        std::abort();
    std::string out(deflateBound(&z, uLong(size)), '\0');
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = uInt(size);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        std::abort();
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static nnlab::fuzz::MemoryFile file;
    const bool isGzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    const std::string compressed = isGzip ? std::string() : gzip(data, size);
    const std::string& path = isGzip ? file.write(data, size)
                                     : file.write(compressed.data(), compressed.size());
    try {
        readIdxImages(path);
    } catch (const FileError&) {
    }
    try {
        readIdxLabels(path);
    } catch (const FileError&) {
    }
    return 0;
}
