// Little-endian bytes in memory for the engine's file formats: a writer, a reader whose errors
// name the file and the byte offset, CRC-32, and the atomic save every format uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nnlab::engine {

// Appends little-endian integers and floats to a byte string, whatever the host.
struct ByteWriter
{
    std::string bytes;

    void u8(std::uint8_t v) { bytes.push_back(char(v)); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void f32(float f);
    void append(std::string_view s) { bytes.append(s); }
};

// Reads little-endian values from [data, data + size); every failure is a FileError naming the
// file and the byte offset ("the file ends early: the version needs 4 bytes, found 2").
struct ByteReader
{
    const std::string& path;
    const unsigned char* data;
    std::uint64_t size;
    std::uint64_t pos = 0;

    [[noreturn]] void fail(const std::string& reason, std::uint64_t at) const;
    void need(std::uint64_t n, const char* what) const;
    std::uint8_t u8(const char* what);
    std::uint16_t u16(const char* what);
    std::uint32_t u32(const char* what);
    std::uint64_t u64(const char* what);
    float f32(const char* what);
};

// zlib's CRC-32 of n bytes (any n: zlib takes at most 4 GiB per call).
std::uint32_t crc32Of(const void* data, std::uint64_t n, std::uint32_t crc = 0);

// Writes bytes to "<path>.tmp-NNNNNN" (created exclusively), fsyncs it and renames it over path,
// so an existing file is never left half-written. On failure the temporary file is removed and
// FileError(path, "could not be saved: <why>") is thrown.
void saveFileAtomically(const std::string& path, const std::string& bytes);

// The whole file, after requireNonEmptyFile and a size limit: a bigger file is "larger than any
// <what>" (what = "nnlab model (2 GiB)").
std::string readWholeFile(const std::string& path, std::uint64_t maxBytes, const char* what);

} // namespace nnlab::engine
