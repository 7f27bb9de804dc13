#include "zip_archive.h"

#include "file_error.h"

#include <zlib.h>

#include <algorithm>
#include <optional>

namespace nnlab::engine {

namespace {

constexpr std::uint64_t kMaxZipBytes = 0xffffffffu; // without ZIP64, offsets and sizes are u32
// Deflate turns at most 258 bytes into 2 bits: no stream inflates beyond ~1032 times its size.
constexpr std::uint64_t kMaxInflateRatio = 1032;

constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;   // "PK\3\4"
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50; // "PK\1\2"
constexpr std::uint32_t kEndSignature = 0x06054b50;           // "PK\5\6"
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;  // "PK\6\7"
constexpr std::uint16_t kMethodStored = std::uint16_t(ZipMethod::Stored);
constexpr std::uint16_t kMethodDeflated = std::uint16_t(ZipMethod::Deflated);
constexpr std::uint16_t kZipVersion = 20;                     // 2.0: deflate, no ZIP64
constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1; // 1980-01-01, as numpy writes

// ---------------------------------------------------------------------------------------------
// Writing

// Raw deflate (no zlib header), as ZIP method 8 stores it.
std::string deflateRaw(const std::string& in, const std::string& path)
{
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw FileError(path, "could not be written: zlib's deflate did not start");
    std::string out(deflateBound(&z, uLong(in.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = uInt(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    const int status = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (status != Z_STREAM_END)
        throw FileError(path, "could not be written: zlib's deflate failed");
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reading: the end record, the central directory, then each entry as it is needed.

std::string methodName(std::uint16_t method)
{
    switch (method) {
    case 9: return "deflate64";
    case 12: return "bzip2";
    case 14: return "lzma";
    case 93: return "zstandard";
    case 95: return "xz";
    case 99: return "AES encryption";
    default: return "not one numpy writes";
    }
}

std::optional<std::uint64_t> findEndRecord(const ByteReader& r)
{
    // The last 22 bytes, unless a comment of up to 65,535 bytes follows the record.
    if (r.size < kZipEndRecordBytes)
        return std::nullopt;
    const std::uint64_t last = r.size - kZipEndRecordBytes;
    const std::uint64_t first = last > 0xffff ? last - 0xffff : 0;
    std::optional<std::uint64_t> endOfArchive; // of the last record that ends before the file
    for (std::uint64_t at = last + 1; at-- > first;) {
        ByteReader probe{r.path, r.data, r.size, at};
        if (probe.u32("the end record") != kEndSignature)
            continue;
        probe.pos = at + 20;
        const std::uint64_t end = at + kZipEndRecordBytes + probe.u16("the comment length");
        if (end == r.size)
            return at;
        if (end < r.size && !endOfArchive)
            endOfArchive = end;
    }
    if (endOfArchive) // an archive with something appended, not one cut short
        r.fail(withThousands(r.size - *endOfArchive) +
                   (r.size - *endOfArchive == 1 ? " unexpected byte" : " unexpected bytes") +
                   " after the ZIP archive's end record (trailing data)",
               *endOfArchive);
    return std::nullopt;
}

} // namespace

std::string writeZip(const std::vector<ZipFile>& files, ZipMethod zipMethod,
                     const std::string& path)
{
    const std::uint16_t method = std::uint16_t(zipMethod);
    ByteWriter zip, central;
    for (const ZipFile& f : files) {
        const std::uint32_t crc = crc32Of(f.bytes.data(), f.bytes.size());
        const std::string deflated = method == kMethodDeflated ? deflateRaw(f.bytes, path) : std::string();
        const std::string& data = method == kMethodDeflated ? deflated : f.bytes;
        const std::uint64_t offset = zip.bytes.size();
        if (offset + kZipLocalHeaderBytes + f.name.size() + data.size() > kMaxZipBytes)
            throw FileError(path, "not saved: the archive would pass 4 GiB, which needs ZIP64");
        // Local file header, then the data.
        for (ByteWriter* w : {&zip, &central}) {
            const bool isCentral = w == &central;
            w->u32(isCentral ? kCentralHeaderSignature : kLocalHeaderSignature);
            if (isCentral)
                w->u16(kZipVersion); // version made by
            w->u16(kZipVersion);     // version needed to extract
            w->u16(0);               // flags
            w->u16(method);
            w->u16(0); // time 00:00:00
            w->u16(kDosDate1980);
            w->u32(crc);
            w->u32(std::uint32_t(data.size()));
            w->u32(std::uint32_t(f.bytes.size()));
            w->u16(std::uint16_t(f.name.size()));
            w->u16(0); // extra field length
            if (isCentral) {
                w->u16(0); // comment length
                w->u16(0); // disk number
                w->u16(0); // internal attributes
                w->u32(0); // external attributes
                w->u32(std::uint32_t(offset));
            }
            w->append(f.name);
        }
        zip.append(data);
    }
    const std::uint64_t centralAt = zip.bytes.size();
    if (centralAt + central.bytes.size() + kZipEndRecordBytes > kMaxZipBytes)
        throw FileError(path, "not saved: the archive would pass 4 GiB, which needs ZIP64");
    zip.append(central.bytes);
    zip.u32(kEndSignature);
    zip.u16(0); // this disk
    zip.u16(0); // the disk where the central directory starts
    zip.u16(std::uint16_t(files.size()));
    zip.u16(std::uint16_t(files.size()));
    zip.u32(std::uint32_t(central.bytes.size()));
    zip.u32(std::uint32_t(centralAt));
    zip.u16(0); // comment length
    return zip.bytes;
}

ZipReader::ZipReader(const std::string& bytes, const std::string& path, const ZipFormat& format)
    : m_r{path, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()}
{
    readCentralDirectory(format);
}

void ZipReader::readCentralDirectory(const ZipFormat& format)
{
    ByteReader& r = m_r;
    const auto startsWith = [&](std::uint32_t signature) {
        return r.size >= 4 && ByteReader{r.path, r.data, r.size, 0}.u32("") == signature;
    };
    const std::optional<std::uint64_t> endAt = findEndRecord(r);
    if (!endAt)
        r.fail(startsWith(kLocalHeaderSignature)
                   ? "the ZIP archive is cut short: its end record (the last 22 bytes) is missing"
                   : "not " + std::string(format.fileName) +
                         ": it is not a ZIP archive (no end record found)",
               r.size);
    if (*endAt >= 20 &&
        ByteReader{r.path, r.data, r.size, *endAt - 20}.u32("") == kZip64LocatorSignature)
        r.fail("a ZIP64 archive; nnlab reads ZIP archives under 4 GiB without ZIP64 records",
               *endAt - 20);
    r.pos = *endAt + 4;
    const std::uint16_t disk = r.u16("the disk number");
    const std::uint16_t centralDisk = r.u16("the central directory's disk");
    const std::uint16_t entriesHere = r.u16("the entry count");
    const std::uint16_t entries = r.u16("the entry count");
    const std::uint32_t centralSize = r.u32("the central directory size");
    const std::uint32_t centralAt = r.u32("the central directory offset");
    if (disk != 0 || centralDisk != 0 || entriesHere != entries)
        r.fail("a ZIP archive split over several files, which nnlab does not read", *endAt);
    if (entries == 0xffff || centralSize == 0xffffffffu || centralAt == 0xffffffffu)
        r.fail("a ZIP64 archive; nnlab reads ZIP archives under 4 GiB without ZIP64 records",
               *endAt);
    if (entries > format.maxEntries)
        r.fail(withThousands(entries) + " entries; " + std::string(format.archiveName) +
                   " has at most " + withThousands(format.maxEntries),
               *endAt + 10);
    if (std::uint64_t(centralAt) + centralSize > *endAt)
        r.fail("the central directory (" + withThousands(centralSize) + " bytes from byte " +
                   withThousands(centralAt) + ") runs past the end record at byte " +
                   withThousands(*endAt),
               *endAt + 12);
    if (std::uint64_t(entries) * kZipCentralHeaderBytes > centralSize)
        r.fail(withThousands(entries) + " entries cannot fit in a central directory of " +
                   withThousands(centralSize) + " bytes",
               *endAt + 10);

    m_centralAt = centralAt;
    r.pos = centralAt;
    for (std::uint32_t i = 0; i < entries; ++i) {
        ZipEntry e;
        e.centralAt = r.pos;
        if (r.u32("a central directory record") != kCentralHeaderSignature)
            r.fail("central directory record " + std::to_string(i + 1) + " of " +
                       std::to_string(entries) + " does not start with PK\\1\\2 (damaged archive)",
                   e.centralAt);
        r.pos += 4; // versions made by and needed
        const std::uint16_t flags = r.u16("the entry flags");
        e.method = r.u16("the compression method");
        r.pos += 4; // time and date
        e.crc = r.u32("the CRC-32");
        e.packedSize = r.u32("the compressed size");
        e.size = r.u32("the size");
        const std::uint16_t nameBytes = r.u16("the name length");
        const std::uint16_t extraBytes = r.u16("the extra field length");
        const std::uint16_t commentBytes = r.u16("the comment length");
        r.pos += 8; // disk, attributes
        e.headerAt = r.u32("the local header offset");
        r.need(nameBytes, "the entry name");
        e.name.assign(reinterpret_cast<const char*>(r.data + r.pos), nameBytes);
        r.pos += nameBytes;
        r.need(std::uint64_t(extraBytes) + commentBytes, "the extra field and comment");
        r.pos += std::uint64_t(extraBytes) + commentBytes;
        if (r.pos > std::uint64_t(centralAt) + centralSize)
            r.fail("central directory record " + std::to_string(i + 1) +
                       " runs past the directory's stated size",
                   e.centralAt);
        if (flags & 0x1)
            r.fail(e.name + " is encrypted; nnlab reads plain archives", e.centralAt);
        if (e.packedSize == 0xffffffffu || e.size == 0xffffffffu || e.headerAt == 0xffffffffu)
            r.fail(e.name + " has ZIP64 sizes; nnlab reads ZIP archives under 4 GiB without ZIP64",
                   e.centralAt);
        for (const ZipEntry& other : m_entries)
            if (other.name == e.name)
                r.fail("two entries named " + e.name, e.centralAt);
        m_entries.push_back(std::move(e));
    }
}

// Finds the entry's data after its local header and checks what the entry says about itself.
void ZipReader::locate(ZipEntry& e)
{
    ByteReader& r = m_r;
    if (e.headerAt + kZipLocalHeaderBytes > m_centralAt)
        r.fail("the local header of " + e.name + " is said to start at byte " +
                   withThousands(e.headerAt) + ", inside the central directory",
               e.centralAt);
    r.pos = e.headerAt;
    if (r.u32("a local header") != kLocalHeaderSignature)
        r.fail("the local header of " + e.name + " does not start with PK\\3\\4 (damaged archive)",
               e.headerAt);
    r.pos = e.headerAt + 26;
    const std::uint16_t nameBytes = r.u16("the local name length");
    const std::uint16_t extraBytes = r.u16("the local extra field length");
    // numpy's zipfile writes a ZIP64 extra field here (force_zip64); the central sizes rule.
    e.dataAt = r.pos + nameBytes + extraBytes;
    if (e.dataAt + e.packedSize > m_centralAt)
        r.fail("the data of " + e.name + " (" + withThousands(e.packedSize) + " bytes from byte " +
                   withThousands(e.dataAt) + ") runs into the central directory at byte " +
                   withThousands(m_centralAt),
               e.headerAt);
    if (e.method != kMethodStored && e.method != kMethodDeflated)
        r.fail(e.name + " is compressed with method " + std::to_string(e.method) + " (" +
                   methodName(e.method) + "); nnlab reads stored (0) and deflate (8), as "
                   "numpy.savez and numpy.savez_compressed write",
               e.centralAt + 10);
    if (e.method == kMethodStored && e.packedSize != e.size)
        r.fail(e.name + " is stored uncompressed but says it is " + withThousands(e.size) +
                   " bytes in " + withThousands(e.packedSize),
               e.centralAt + 20);
    if (e.method == kMethodDeflated && e.size > e.packedSize * kMaxInflateRatio + 1024)
        r.fail(e.name + " says it inflates to " + withThousands(e.size) + " bytes from " +
                   withThousands(e.packedSize) +
                   ", more than deflate can expand (damaged archive)",
               e.centralAt + 24);
    e.located = true;
}

std::string ZipReader::read(std::size_t i, std::uint64_t n)
{
    ZipEntry& e = m_entries.at(i);
    if (!e.located)
        locate(e);
    ByteReader& r = m_r;
    const bool whole = n >= e.size;
    n = std::min(n, e.size);
    std::string out;
    if (e.method == kMethodStored) {
        out.assign(reinterpret_cast<const char*>(r.data + e.dataAt), n);
    } else {
        out.resize(n);
        z_stream z{};
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
            r.fail("zlib's inflate did not start", e.dataAt);
        z.next_in = const_cast<Bytef*>(r.data + e.dataAt);
        z.avail_in = uInt(e.packedSize);
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = uInt(n);
        int status = inflate(&z, Z_SYNC_FLUSH);
        if (whole && status == Z_OK && z.avail_out == 0) {
            // The declared size came out: the stream must end here, with nothing more.
            unsigned char probe = 0;
            z.next_out = &probe;
            z.avail_out = 1;
            status = inflate(&z, Z_SYNC_FLUSH);
        }
        const std::uint64_t produced = z.total_out;
        const std::string why = z.msg ? z.msg : "data error";
        inflateEnd(&z);
        if (status == Z_DATA_ERROR || status == Z_NEED_DICT || status == Z_MEM_ERROR)
            r.fail("the compressed data of " + e.name + " is damaged (zlib: " + why + ")",
                   e.dataAt);
        if (produced > n)
            r.fail(e.name + " inflates to more than the " + withThousands(e.size) +
                       " bytes its entry declares",
                   e.centralAt + 24);
        if (produced < n || (whole && status != Z_STREAM_END))
            r.fail(e.name + " inflates to " + withThousands(produced) + " of the " +
                       withThousands(e.size) +
                       " bytes its entry declares: the compressed data is cut short",
                   e.dataAt);
    }
    if (whole && crc32Of(out.data(), out.size()) != e.crc)
        r.fail("the CRC-32 of " + e.name + " does not match its data (the archive is damaged)",
               e.centralAt + 16);
    return out;
}

} // namespace nnlab::engine
