// The ZIP container of an .npz: a writer (stored or deflate, no ZIP64) and a reader that checks
// every offset and size the archive gives before using it (docs/model-format.md, "NumPy .npz").
#pragma once

#include "binary_io.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab::engine {

// The two methods numpy writes: np.savez stores, np.savez_compressed deflates.
enum class ZipMethod : std::uint16_t { Stored = 0, Deflated = 8 };

// One file to write into an archive.
struct ZipFile
{
    std::string name;  // "W1.npy"
    std::string bytes; // uncompressed
};

// The whole archive: a local header and the data of each file in order, the central directory
// and the end record; dated 1980-01-01 so the same files give the same bytes. Throws
// FileError(pathForMessages, "not saved: ...") past 4 GiB, or if zlib fails.
std::string writeZip(const std::vector<ZipFile>& files, ZipMethod method,
                     const std::string& pathForMessages);

// Byte offsets of the records writeZip lays out, for readers and for tests that patch them.
constexpr std::size_t kZipLocalHeaderBytes = 30;   // then the name, the extra field, the data
constexpr std::size_t kZipCentralHeaderBytes = 46; // then the name, the extra field, the comment
constexpr std::size_t kZipEndRecordBytes = 22;     // then the archive's comment

// One entry of the central directory.
struct ZipEntry
{
    std::string name;            // "W1.npy"
    std::uint64_t centralAt = 0; // offset of its central directory record
    std::uint64_t headerAt = 0;  // offset of the local header
    std::uint64_t dataAt = 0;    // offset of the (compressed) data, once located
    bool located = false;
    std::uint16_t method = 0;
    std::uint32_t crc = 0;
    std::uint64_t packedSize = 0;
    std::uint64_t size = 0; // uncompressed
};

// What the format inside the ZIP calls itself in messages, and how many entries it may have.
struct ZipFormat
{
    std::string_view fileName;     // "an .npz file": "not an .npz file: it is not a ZIP archive"
    std::string_view archiveName;  // "an .npz of a network": "... has at most 4,096"
    std::uint32_t maxEntries = 0;
};

// Reads an archive held in memory. Every failure is a FileError naming the file and the byte
// offset of what is wrong ("the CRC-32 of W1.npy does not match its data").
class ZipReader
{
public:
    // Finds the end record and reads the central directory; bytes must outlive the reader.
    ZipReader(const std::string& bytes, const std::string& path, const ZipFormat& format);

    const std::vector<ZipEntry>& entries() const { return m_entries; }
    // The first n uncompressed bytes of entry i (its local header is checked first); when n
    // covers the whole entry, all of them, checked against its size and CRC-32.
    std::string read(std::size_t i, std::uint64_t n);
    [[noreturn]] void fail(const std::string& reason, std::uint64_t at) const { m_r.fail(reason, at); }

private:
    void readCentralDirectory(const ZipFormat& format);
    void locate(ZipEntry& e);

    ByteReader m_r;
    std::vector<ZipEntry> m_entries;
    std::uint64_t m_centralAt = 0; // where the central directory starts: every entry's data ends before
};

} // namespace nnlab::engine
