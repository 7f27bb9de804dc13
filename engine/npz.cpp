#include "npz.h"

#include "binary_io.h"
#include "file_error.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

namespace nnlab::engine {

namespace {

constexpr std::uint64_t kMaxNpzBytes = std::uint64_t(1) << 31;
constexpr std::uint64_t kMaxZipBytes = 0xffffffffu; // without ZIP64, offsets and sizes are u32
constexpr std::uint32_t kMaxNpyHeaderBytes = 65536;
constexpr std::uint64_t kMaxDimension = std::uint64_t(1) << 31;
constexpr std::uint32_t kMaxEntries = 4096;
constexpr std::size_t kMaxTextBytes = 4096; // the architecture text and the note, in UTF-8
// Deflate turns at most 258 bytes into 2 bits: no stream inflates beyond ~1032 times its size.
constexpr std::uint64_t kMaxInflateRatio = 1032;

constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;   // "PK\3\4"
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50; // "PK\1\2"
constexpr std::uint32_t kEndSignature = 0x06054b50;           // "PK\5\6"
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;  // "PK\6\7"
constexpr std::uint16_t kMethodStored = 0;
constexpr std::uint16_t kMethodDeflated = 8;
constexpr std::uint16_t kZipVersion = 20;                     // 2.0: deflate, no ZIP64
constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1; // 1980-01-01, as numpy writes
constexpr std::size_t kEndRecordBytes = 22;
constexpr std::size_t kLocalHeaderBytes = 30;
constexpr std::size_t kCentralHeaderBytes = 46;
constexpr std::string_view kNpyMagic("\x93NUMPY", 6);
constexpr std::size_t kNpyAlign = 64; // numpy pads the header so the data starts aligned

constexpr std::string_view kLessonInputWeights = "w_i_h";
constexpr std::string_view kLessonOutputWeights = "w_h_o";

// ---------------------------------------------------------------------------------------------
// Text: the architecture and the note are numpy unicode ('<U'), UTF-32 little-endian.

// UTF-8 -> code points; a malformed sequence becomes U+FFFD.
std::u32string decodeUtf8(std::string_view s)
{
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
        char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1f) : extra == 2 ? (c & 0x0f) : (c & 0x07);
        bool ok = extra >= 0 && i + std::size_t(std::max(extra, 0)) < s.size();
        for (int k = 1; ok && k <= extra; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + std::size_t(k)]);
            ok = (d >> 6) == 0x2;
            cp = (cp << 6) | (d & 0x3f);
        }
        if (!ok || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            out.push_back(0xfffd);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += std::size_t(extra) + 1;
    }
    return out;
}

std::string encodeUtf8(std::u32string_view s)
{
    std::string out;
    for (char32_t cp : s) {
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            cp = 0xfffd;
        if (cp < 0x80) {
            out.push_back(char(cp));
        } else if (cp < 0x800) {
            out.push_back(char(0xc0 | (cp >> 6)));
            out.push_back(char(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out.push_back(char(0xe0 | (cp >> 12)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(char(0x80 | (cp & 0x3f)));
        } else {
            out.push_back(char(0xf0 | (cp >> 18)));
            out.push_back(char(0x80 | ((cp >> 12) & 0x3f)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(char(0x80 | (cp & 0x3f)));
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Writing: .npy v1.0 arrays in a ZIP archive.

struct NpyFile
{
    std::string name;  // "W1", stored as "W1.npy"
    std::string bytes; // the whole .npy file
};

// "\x93NUMPY" 1.0, then the header dict padded with spaces to a multiple of 64 and a newline.
std::string npyHeader(std::string_view descr, const std::vector<std::uint64_t>& shape)
{
    std::string dict = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i)
        dict += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
    dict += "), }";
    const std::size_t unpadded = kNpyMagic.size() + 4 + dict.size() + 1;
    dict.append((kNpyAlign - unpadded % kNpyAlign) % kNpyAlign, ' ');
    dict += '\n';
    ByteWriter w;
    w.append(kNpyMagic);
    w.u8(1);
    w.u8(0);
    w.u16(std::uint16_t(dict.size()));
    w.append(dict);
    return w.bytes;
}

// A .npy file: the header, then the values the writer appends.
NpyFile npy(std::string name, std::string_view descr, const std::vector<std::uint64_t>& shape,
            const std::function<void(ByteWriter&)>& values)
{
    ByteWriter w;
    w.bytes = npyHeader(descr, shape);
    values(w);
    return {std::move(name), std::move(w.bytes)};
}

NpyFile floatArray(std::string name, const float* data, const std::vector<std::uint64_t>& shape)
{
    std::uint64_t n = 1;
    for (const std::uint64_t d : shape)
        n *= d;
    return npy(std::move(name), "<f4", shape, [&](ByteWriter& w) {
        w.bytes.reserve(w.bytes.size() + 4 * n);
        for (std::uint64_t i = 0; i < n; ++i)
            w.f32(data[i]);
    });
}

// A 0-d unicode array: UTF-32 code points, padded to the width its dtype '<UN' gives.
NpyFile textArray(std::string name, std::string_view utf8)
{
    const std::u32string text = decodeUtf8(utf8);
    const std::size_t width = std::max<std::size_t>(1, text.size()); // numpy's '' is '<U1'
    return npy(std::move(name), "<U" + std::to_string(width), {}, [&](ByteWriter& w) {
        for (std::size_t i = 0; i < width; ++i)
            w.u32(i < text.size() ? std::uint32_t(text[i]) : 0);
    });
}

// The key=value text of the `architecture` array: the choices the weights' shapes do not show.
std::string architectureText(const Architecture& a)
{
    return "activation=" + std::string(toString(a.hiddenActivation)) + "\noutput=" +
           std::string(toString(a.output)) + "\nloss=" + std::string(toString(a.loss)) +
           "\nbiases=" + (a.biases ? "true" : "false") + "\nscaling=" +
           std::string(toString(a.scaling)) + "\n";
}

bool usesLessonNames(const Architecture& a) { return a.hidden.size() == 1 && !a.biases; }

std::vector<NpyFile> npyFiles(const Model& model)
{
    const Network& net = model.network;
    const Architecture& a = net.architecture();
    std::vector<NpyFile> files;
    for (int l = 0; l < net.layerCount(); ++l) {
        const Matrix& w = net.weights(l);
        const std::string name = usesLessonNames(a)
                                     ? std::string(l == 0 ? kLessonInputWeights : kLessonOutputWeights)
                                     : "W" + std::to_string(l + 1);
        files.push_back(floatArray(name, w.data(), {std::uint64_t(w.rows()), std::uint64_t(w.cols())}));
        if (a.biases)
            files.push_back(floatArray("b" + std::to_string(l + 1), net.bias(l).data(),
                                       {std::uint64_t(net.bias(l).size())}));
    }
    const std::vector<int> sizes = a.layerSizes();
    files.push_back(npy("layer_sizes", "<i4", {sizes.size()}, [&](ByteWriter& w) {
        for (const int s : sizes)
            w.u32(std::uint32_t(s));
    }));
    files.push_back(textArray("architecture", architectureText(a)));
    if (model.info.testAccuracy)
        files.push_back(floatArray("test_accuracy", &*model.info.testAccuracy, {}));
    files.push_back(npy("samples_seen", "<u8", {}, [&](ByteWriter& w) { w.u64(model.info.samplesSeen); }));
    files.push_back(textArray("note", model.info.note.substr(0, kMaxTextBytes)));
    return files;
}

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

std::string zipArchive(const std::vector<NpyFile>& files, NpzCompression compression,
                       const std::string& path)
{
    const std::uint16_t method = compression == NpzCompression::Deflated ? kMethodDeflated : kMethodStored;
    ByteWriter zip, central;
    for (const NpyFile& f : files) {
        const std::string name = f.name + ".npy";
        const std::uint32_t crc = crc32Of(f.bytes.data(), f.bytes.size());
        const std::string deflated = method == kMethodDeflated ? deflateRaw(f.bytes, path) : std::string();
        const std::string& data = method == kMethodDeflated ? deflated : f.bytes;
        const std::uint64_t offset = zip.bytes.size();
        if (offset + kLocalHeaderBytes + name.size() + data.size() > kMaxZipBytes)
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
            w->u16(std::uint16_t(name.size()));
            w->u16(0); // extra field length
            if (isCentral) {
                w->u16(0); // comment length
                w->u16(0); // disk number
                w->u16(0); // internal attributes
                w->u32(0); // external attributes
                w->u32(std::uint32_t(offset));
            }
            w->append(name);
        }
        zip.append(data);
    }
    const std::uint64_t centralAt = zip.bytes.size();
    if (centralAt + central.bytes.size() + kEndRecordBytes > kMaxZipBytes)
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

std::string serialise(const Model& model, NpzCompression compression, const std::string& path)
{
    if (!model.network.allFinite())
        throw FileError(path, "not saved: the network has weights that are not finite numbers "
                              "(NaN or infinity)");
    return zipArchive(npyFiles(model), compression, path);
}

// ---------------------------------------------------------------------------------------------
// Reading: the ZIP's central directory, each used array's .npy header, then the data.

struct ZipEntry
{
    std::string name;           // "W1.npy"
    std::uint64_t centralAt = 0; // offset of its central directory record
    std::uint64_t headerAt = 0; // offset of the local header
    std::uint64_t dataAt = 0;   // offset of the (compressed) data, once located
    std::uint16_t method = 0;
    std::uint32_t crc = 0;
    std::uint64_t packedSize = 0;
    std::uint64_t size = 0; // uncompressed
};

struct CentralDirectory
{
    std::vector<ZipEntry> entries;
    std::uint64_t at = 0; // where it starts: every entry's data ends before
};

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
    if (r.size < kEndRecordBytes)
        return std::nullopt;
    const std::uint64_t last = r.size - kEndRecordBytes;
    const std::uint64_t first = last > 0xffff ? last - 0xffff : 0;
    std::optional<std::uint64_t> endOfArchive; // of the last record that ends before the file
    for (std::uint64_t at = last + 1; at-- > first;) {
        ByteReader probe{r.path, r.data, r.size, at};
        if (probe.u32("the end record") != kEndSignature)
            continue;
        probe.pos = at + 20;
        const std::uint64_t end = at + kEndRecordBytes + probe.u16("the comment length");
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

CentralDirectory centralDirectory(ByteReader& r)
{
    const auto startsWith = [&](std::uint32_t signature) {
        return r.size >= 4 && ByteReader{r.path, r.data, r.size, 0}.u32("") == signature;
    };
    if (r.size >= kNpyMagic.size() && std::memcmp(r.data, kNpyMagic.data(), kNpyMagic.size()) == 0)
        r.fail("this is a single .npy array (numpy.save), not an .npz archive (numpy.savez)", 0);
    const std::optional<std::uint64_t> endAt = findEndRecord(r);
    if (!endAt)
        r.fail(startsWith(kLocalHeaderSignature)
                   ? "the ZIP archive is cut short: its end record (the last 22 bytes) is missing"
                   : "not an .npz file: it is not a ZIP archive (no end record found)",
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
    if (entries > kMaxEntries)
        r.fail(withThousands(entries) + " entries; an .npz of a network has at most " +
                   withThousands(kMaxEntries),
               *endAt + 10);
    if (std::uint64_t(centralAt) + centralSize > *endAt)
        r.fail("the central directory (" + withThousands(centralSize) + " bytes from byte " +
                   withThousands(centralAt) + ") runs past the end record at byte " +
                   withThousands(*endAt),
               *endAt + 12);
    if (std::uint64_t(entries) * kCentralHeaderBytes > centralSize)
        r.fail(withThousands(entries) + " entries cannot fit in a central directory of " +
                   withThousands(centralSize) + " bytes",
               *endAt + 10);

    CentralDirectory cd;
    cd.at = centralAt;
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
        for (const ZipEntry& other : cd.entries)
            if (other.name == e.name)
                r.fail("two entries named " + e.name, e.centralAt);
        cd.entries.push_back(std::move(e));
    }
    return cd;
}

// Finds the entry's data after its local header and checks what the entry says about itself.
void locateData(ByteReader& r, ZipEntry& e, std::uint64_t centralAt)
{
    if (e.headerAt + kLocalHeaderBytes > centralAt)
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
    if (e.dataAt + e.packedSize > centralAt)
        r.fail("the data of " + e.name + " (" + withThousands(e.packedSize) + " bytes from byte " +
                   withThousands(e.dataAt) + ") runs into the central directory at byte " +
                   withThousands(centralAt),
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
}

// The first n uncompressed bytes of an entry; when n covers the whole entry, all of them,
// checked against its size and CRC-32.
std::string entryBytes(ByteReader& r, const ZipEntry& e, std::uint64_t n)
{
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

// One .npy array's header, and where its values start.
struct NpyArray
{
    const ZipEntry* entry = nullptr;
    std::string name;  // "W1"
    std::string descr; // "<f4"
    bool fortranOrder = false;
    std::vector<std::uint64_t> shape;
    std::uint64_t dataOffset = 0; // within the .npy
    std::uint64_t count = 1;      // elements (saturated above kMaxNpzBytes)

    char kind() const { return descr.size() >= 2 ? descr[1] : '?'; }
    std::uint64_t itemSize() const
    {
        std::uint64_t n = 0;
        for (std::size_t i = 2; i < descr.size() && i < 8 && descr[i] >= '0' && descr[i] <= '9'; ++i)
            n = n * 10 + std::uint64_t(descr[i] - '0');
        return kind() == 'U' ? 4 * n : n;
    }
    std::string shapeText() const
    {
        std::string s = "(";
        for (std::size_t i = 0; i < shape.size(); ++i)
            s += std::to_string(shape[i]) +
                 (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
        return s + ")";
    }
};

// The Python dict of a .npy header: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
// Returns why it is not one nnlab reads, or nothing.
std::string parseNpyDict(std::string_view text, NpyArray& a)
{
    std::size_t i = 0;
    const auto spaces = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
            ++i;
    };
    const auto eat = [&](char c) {
        spaces();
        if (i < text.size() && text[i] == c) {
            ++i;
            return true;
        }
        return false;
    };
    const auto at = [&](char c) { return spaces(), i < text.size() && text[i] == c; };
    const auto quoted = [&]() -> std::optional<std::string> {
        spaces();
        if (i >= text.size() || (text[i] != '\'' && text[i] != '"'))
            return std::nullopt;
        const char q = text[i++];
        const std::size_t end = text.find(q, i);
        if (end == std::string_view::npos)
            return std::nullopt;
        std::string s(text.substr(i, end - i));
        i = end + 1;
        return s;
    };
    const std::string notDict = "its header is not the Python dict numpy writes";
    if (!eat('{'))
        return notDict;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    while (!eat('}')) {
        const std::optional<std::string> key = quoted();
        if (!key || !eat(':'))
            return notDict;
        if (*key == "descr" && !haveDescr) {
            const std::optional<std::string> d = quoted();
            if (!d)
                return "its dtype is a structured (record) type; nnlab reads plain float arrays";
            a.descr = *d;
            haveDescr = true;
        } else if (*key == "fortran_order" && !haveOrder) {
            spaces();
            if (text.substr(i, 4) == "True")
                a.fortranOrder = true, i += 4;
            else if (text.substr(i, 5) == "False")
                a.fortranOrder = false, i += 5;
            else
                return "its fortran_order is neither True nor False";
            haveOrder = true;
        } else if (*key == "shape" && !haveShape) {
            if (!eat('('))
                return "its shape is not a tuple";
            while (!eat(')')) {
                spaces();
                std::uint64_t dim = 0;
                const std::size_t start = i;
                while (i < text.size() && text[i] >= '0' && text[i] <= '9' && dim <= kMaxDimension)
                    dim = dim * 10 + std::uint64_t(text[i++] - '0');
                if (i == start)
                    return "its shape is not a tuple of whole numbers";
                if (dim > kMaxDimension)
                    return "its shape has a dimension above " + withThousands(kMaxDimension);
                if (a.shape.size() == 32)
                    return "its shape has more than 32 dimensions";
                a.shape.push_back(dim);
                // Saturates: anything this large fails the size check that follows.
                a.count = dim != 0 && a.count > kMaxNpzBytes / dim ? kMaxNpzBytes + 1 : a.count * dim;
                if (!eat(',') && !at(')'))
                    return "its shape is not a tuple of whole numbers";
            }
            haveShape = true;
        } else {
            return "its header has a key '" + *key + "' numpy does not write (or twice)";
        }
        if (!eat(',') && !at('}'))
            return notDict;
    }
    if (!haveDescr || !haveOrder || !haveShape)
        return "its header lacks 'descr', 'fortran_order' or 'shape'";
    return {};
}

// Reads the .npy header at the start of an entry and checks that the entry holds exactly the
// values its shape and dtype call for, before anything of that size is allocated.
NpyArray npyArray(ByteReader& r, const ZipEntry& e, std::string name)
{
    NpyArray a;
    a.entry = &e;
    a.name = std::move(name);
    const std::string head = entryBytes(r, e, kNpyMagic.size() + 6 + kMaxNpyHeaderBytes);
    const auto bad = [&](const std::string& why) { r.fail(e.name + ": " + why, e.dataAt); };
    if (head.size() < kNpyMagic.size() + 4 || head.compare(0, kNpyMagic.size(), kNpyMagic) != 0)
        bad("not a .npy array (it does not start with \\x93NUMPY)");
    const int major = static_cast<unsigned char>(head[6]);
    if (major < 1 || major > 3)
        bad(".npy format version " + std::to_string(major) + " is not one nnlab reads (1 to 3)");
    ByteReader h{r.path, reinterpret_cast<const unsigned char*>(head.data()), head.size(), 8};
    if (major > 1 && head.size() < 12)
        bad("it ends inside its .npy header");
    const std::uint64_t headerBytes = major == 1 ? h.u16("") : h.u32("");
    if (headerBytes > kMaxNpyHeaderBytes)
        bad("a .npy header of " + withThousands(headerBytes) + " bytes; at most " +
            withThousands(kMaxNpyHeaderBytes));
    if (h.pos + headerBytes > head.size())
        bad("it ends inside its .npy header");
    a.dataOffset = h.pos + headerBytes;
    const std::string_view dict = std::string_view(head).substr(h.pos, headerBytes);
    if (const std::string why = parseNpyDict(dict, a); !why.empty())
        bad(why);
    if (a.descr.size() < 3 || (a.descr[0] != '<' && a.descr[0] != '|' && a.descr[0] != '>'))
        bad("dtype '" + a.descr + "' is not one nnlab reads");
    if (a.descr[0] == '>')
        bad("dtype '" + a.descr + "' is big-endian; nnlab reads little-endian arrays");
    const std::uint64_t item = a.itemSize();
    const bool huge = a.count > kMaxNpzBytes || item > 65536;
    if (huge || a.dataOffset + a.count * item != e.size)
        bad("shape " + a.shapeText() + " of dtype '" + a.descr + "' needs " +
            (huge ? std::string("more than 2 GiB")
                  : withThousands(a.dataOffset + a.count * item) + " bytes") +
            " with its header, but the entry holds " + withThousands(e.size));
    return a;
}

template <typename T>
T littleEndian(const unsigned char* p)
{
    using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
    static_assert(sizeof(T) == sizeof(Bits));
    Bits v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v |= Bits(p[i]) << (8 * i);
    T out;
    std::memcpy(&out, &v, sizeof(T));
    return out;
}

// Reads an .npz into a Model: the archive's directory, then every used array's header (names,
// dtypes, shapes, how the layers chain), and only then the values.
class NpzReader
{
public:
    NpzReader(const std::string& bytes, const std::string& path)
        : m_r{path, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()}
    {
    }

    Model read(NpzDetails* details);

private:
    [[noreturn]] void fail(const std::string& reason) const { throw FileError(m_r.path, reason); }
    bool has(std::string_view name) const { return m_entries.count(std::string(name)) > 0; }
    const NpyArray& array(const std::string& name);
    // The array's values: its whole entry (checked against the CRC-32) without the header.
    std::string values(const NpyArray& a)
    {
        std::string bytes = entryBytes(m_r, *a.entry, a.entry->size);
        bytes.erase(0, a.dataOffset);
        return bytes;
    }

    void findWeightNames();
    void checkShapes();
    Architecture architecture();
    ModelInfo info();
    // Fills out (rows x cols, row-major) from a float array in C or Fortran order.
    void readFloats(const NpyArray& a, float* out, std::uint64_t rows, std::uint64_t cols);
    std::string readText(const std::string& name);
    std::optional<double> readFloat(const std::string& name);
    std::optional<std::uint64_t> readCount(const std::string& name);

    ByteReader m_r;
    CentralDirectory m_cd;
    std::map<std::string, ZipEntry*> m_entries; // "W1" -> its entry
    std::map<std::string, NpyArray> m_arrays;   // headers read so far
    std::vector<std::string> m_weightNames, m_biasNames;
    std::vector<int> m_sizes; // layer sizes, from the weights' shapes
};

const NpyArray& NpzReader::array(const std::string& name)
{
    if (const auto it = m_arrays.find(name); it != m_arrays.end())
        return it->second;
    ZipEntry& e = *m_entries.at(name);
    locateData(m_r, e, m_cd.at);
    return m_arrays.emplace(name, npyArray(m_r, e, name)).first->second;
}

// The lesson's w_i_h and w_h_o, or W1, W2, ... with b1, b2, ... when the net has biases.
void NpzReader::findWeightNames()
{
    const auto index = [](const std::string& name, char letter) {
        if (name.size() < 2 || name.size() > 4 || name[0] != letter || name[1] == '0')
            return 0;
        int n = 0;
        for (std::size_t i = 1; i < name.size(); ++i) {
            if (name[i] < '0' || name[i] > '9')
                return 0;
            n = n * 10 + (name[i] - '0');
        }
        return n;
    };
    int lastW = 0, lastB = 0;
    for (const auto& [name, entry] : m_entries) {
        lastW = std::max(lastW, index(name, 'W'));
        lastB = std::max(lastB, index(name, 'b'));
    }
    const std::string input(kLessonInputWeights), output(kLessonOutputWeights);
    if (has(input) || has(output)) {
        if (lastW > 0 || lastB > 0)
            fail("both the lesson's " + (has(input) ? input : output) + " and " +
                 (lastW > 0 ? "W" + std::to_string(lastW) : "b" + std::to_string(lastB)) +
                 ": which are the network's weights?");
        for (const std::string& n : {input, output})
            if (!has(n))
                fail("the array " + n + " is missing (the lesson's net has " + input + " and " +
                     output + ")");
        m_weightNames = {input, output};
        return;
    }
    if (lastW == 0) {
        std::string names;
        for (const auto& [name, entry] : m_entries)
            names += (names.empty() ? "" : ", ") + name;
        fail("the weights are missing: no array W1 (or the lesson's w_i_h and w_h_o); the "
             "archive has " + (names.empty() ? std::string("no arrays") : names));
    }
    if (lastW > kMaxHiddenLayers + 1)
        fail("W" + std::to_string(lastW) + ": a network has at most " +
             std::to_string(kMaxHiddenLayers + 1) + " weight layers");
    if (lastB > lastW)
        fail("b" + std::to_string(lastB) + " has no weights W" + std::to_string(lastB));
    for (int l = 1; l <= lastW; ++l) {
        m_weightNames.push_back("W" + std::to_string(l));
        if (!has(m_weightNames.back()))
            fail("the array " + m_weightNames.back() + " is missing (the archive has W" +
                 std::to_string(lastW) + ")");
    }
    for (int l = 1; lastB > 0 && l <= lastW; ++l) {
        m_biasNames.push_back("b" + std::to_string(l));
        if (!has(m_biasNames.back()))
            fail("the array " + m_biasNames.back() + " is missing (the archive has b" +
                 std::to_string(lastB) + "; a net with biases has one per weight layer)");
    }
}

// Float dtypes, W_l out x in with each layer's outputs the next one's inputs, b_l (out,).
void NpzReader::checkShapes()
{
    for (const std::string& name : m_weightNames) {
        const NpyArray& w = array(name);
        if (w.descr != "<f4" && w.descr != "<f8")
            fail(name + " has dtype '" + w.descr + "'; nnlab reads float32 ('<f4') or float64 ('<f8')");
        if (w.shape.size() != 2)
            fail(name + " should be a matrix (out x in), found shape " + w.shapeText());
        for (const std::uint64_t d : w.shape)
            if (d < 1 || d > std::uint64_t(kMaxLayerSize))
                fail(name + " has shape " + w.shapeText() + "; a layer has 1 to " +
                     withThousands(std::uint64_t(kMaxLayerSize)) + " nodes");
        if (m_sizes.empty())
            m_sizes.push_back(int(w.shape[1]));
        else if (w.shape[1] != std::uint64_t(m_sizes.back()))
            fail("the shapes do not chain: " + name + " is " + w.shapeText() + " but the layer before "
                 "has " + std::to_string(m_sizes.back()) + " outputs, so " + name + " needs " +
                 std::to_string(m_sizes.back()) + " columns, found " + std::to_string(w.shape[1]));
        m_sizes.push_back(int(w.shape[0]));
    }
    for (std::size_t l = 0; l < m_biasNames.size(); ++l) {
        const NpyArray& b = array(m_biasNames[l]);
        if (b.descr != "<f4" && b.descr != "<f8")
            fail(b.name + " has dtype '" + b.descr + "'; nnlab reads float32 ('<f4') or float64 ('<f8')");
        const std::uint64_t n = std::uint64_t(m_sizes[l + 1]);
        const bool vector = b.shape.size() == 1 && b.shape[0] == n;
        const bool column = b.shape.size() == 2 && b.shape[0] == n && b.shape[1] == 1;
        if (!vector && !column)
            fail(b.name + " has shape " + b.shapeText() + "; " + m_weightNames[l] + " has " +
                 std::to_string(n) + " outputs, so it needs shape (" + std::to_string(n) + ",)");
    }
}

std::string NpzReader::readText(const std::string& name)
{
    const NpyArray& a = array(name);
    if (a.descr.size() < 3 || a.descr.compare(0, 2, "<U") != 0 || !a.shape.empty())
        fail(name + " should be text (a 0-d '<U' array), found dtype '" + a.descr +
             "' of shape " + a.shapeText());
    const std::string bytes = values(a);
    std::u32string text;
    for (std::size_t i = 0; i + 4 <= bytes.size(); i += 4)
        text.push_back(littleEndian<char32_t>(reinterpret_cast<const unsigned char*>(bytes.data()) + i));
    while (!text.empty() && text.back() == 0) // numpy drops trailing NULs
        text.pop_back();
    std::string utf8 = encodeUtf8(text);
    if (utf8.size() > kMaxTextBytes)
        fail(name + " is " + withThousands(utf8.size()) + " bytes of text; at most " +
             withThousands(kMaxTextBytes));
    return utf8;
}

std::optional<double> NpzReader::readFloat(const std::string& name)
{
    if (!has(name))
        return std::nullopt;
    const NpyArray& a = array(name);
    if ((a.descr != "<f4" && a.descr != "<f8") || !a.shape.empty())
        fail(name + " should be one float (a 0-d '<f4' or '<f8' array), found dtype '" + a.descr +
             "' of shape " + a.shapeText());
    const std::string v = values(a);
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    return a.descr == "<f4" ? double(littleEndian<float>(p)) : littleEndian<double>(p);
}

std::optional<std::uint64_t> NpzReader::readCount(const std::string& name)
{
    if (!has(name))
        return std::nullopt;
    const NpyArray& a = array(name);
    const bool integer = a.descr == "<i4" || a.descr == "<i8" || a.descr == "<u4" || a.descr == "<u8";
    if (!integer || !a.shape.empty())
        fail(name + " should be one whole number (a 0-d integer array), found dtype '" + a.descr +
             "' of shape " + a.shapeText());
    const std::string v = values(a);
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        n |= std::uint64_t(static_cast<unsigned char>(v[i])) << (8 * i);
    const bool negative = a.kind() == 'i' && (static_cast<unsigned char>(v.back()) & 0x80);
    if (negative)
        fail(name + " is negative");
    return n;
}

// The archive's `architecture` text over the defaults; the layer sizes come from the shapes.
Architecture NpzReader::architecture()
{
    Architecture a;
    a.inputs = m_sizes.front();
    a.hidden.assign(m_sizes.begin() + 1, m_sizes.end() - 1);
    a.outputs = m_sizes.back();
    a.biases = !m_biasNames.empty();
    a.hiddenActivation = Activation::Sigmoid;
    a.output = Output::Sigmoid;
    a.loss = Loss::SquaredError;
    a.scaling = Scaling::Lesson;
    if (has("architecture")) {
        const std::string text = readText("architecture");
        std::vector<std::string> seen;
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = std::min(text.find('\n', start), text.size());
            std::string line = text.substr(start, end - start);
            start = end + 1;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.empty())
                continue;
            const std::size_t eq = line.find('=');
            if (eq == std::string::npos)
                fail("architecture: the line \"" + line + "\" is not key=value");
            const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
                fail("architecture: " + key + " is given twice");
            seen.push_back(key);
            const auto choice = [&](auto parse, auto& field, const char* allowed) {
                const auto v = parse(value);
                if (!v)
                    fail("architecture: " + key + " must be one of " + allowed + ", not \"" +
                         value + "\"");
                field = *v;
            };
            if (key == "activation")
                choice(parseActivation, a.hiddenActivation, "sigmoid, tanh, relu");
            else if (key == "output")
                choice(parseOutput, a.output, "sigmoid, softmax");
            else if (key == "loss")
                choice(parseLoss, a.loss, "squared-error, cross-entropy");
            else if (key == "scaling")
                choice(parseScaling, a.scaling, "lesson, unit");
            else if (key == "biases") {
                if (value != "true" && value != "false")
                    fail("architecture: biases must be true or false, not \"" + value + "\"");
                if ((value == "true") != a.biases)
                    fail("architecture says biases=" + value + " but the archive has " +
                         (a.biases ? "biases b1, b2, ..." : "no biases (no b1)"));
            } else
                fail("architecture: unknown key \"" + key +
                     "\" (nnlab knows activation, output, loss, biases, scaling)");
        }
    }
    if (has("layer_sizes")) {
        const NpyArray& s = array("layer_sizes");
        const bool integer = s.descr == "<i4" || s.descr == "<i8" || s.descr == "<u4" || s.descr == "<u8";
        if (!integer || s.shape.size() != 1)
            fail("layer_sizes should be whole numbers of shape (n,), found dtype '" + s.descr +
                 "' of shape " + s.shapeText());
        if (s.count != m_sizes.size())
            fail("layer_sizes has " + withThousands(s.count) + " entries but the weights chain " +
                 std::to_string(m_sizes.size()) + " layers");
        const std::string v = values(s);
        const auto* p = reinterpret_cast<const unsigned char*>(v.data());
        std::vector<std::int64_t> given;
        for (std::uint64_t i = 0; i < s.count; ++i)
            given.push_back(s.itemSize() == 8 ? littleEndian<std::int64_t>(p + 8 * i)
                            : s.kind() == 'i' ? std::int64_t(littleEndian<std::int32_t>(p + 4 * i))
                                              : std::int64_t(littleEndian<std::uint32_t>(p + 4 * i)));
        const auto dashed = [](const auto& sizes) {
            std::string t;
            for (const auto x : sizes)
                t += (t.empty() ? "" : "-") + std::to_string(x);
            return t;
        };
        if (!std::equal(given.begin(), given.end(), m_sizes.begin(), m_sizes.end()))
            fail("layer_sizes says " + dashed(given) + " but the weights chain " + dashed(m_sizes));
    }
    if (const std::string why = a.validate(); !why.empty())
        fail("the network is not valid: " + why);
    return a;
}

ModelInfo NpzReader::info()
{
    ModelInfo info;
    if (const std::optional<double> accuracy = readFloat("test_accuracy")) {
        if (!(*accuracy >= 0 && *accuracy <= 1)) {
            std::ostringstream text;
            text << "test_accuracy is " << *accuracy << "; it must be 0 to 1";
            fail(text.str());
        }
        info.testAccuracy = float(*accuracy);
    }
    info.samplesSeen = readCount("samples_seen").value_or(0);
    if (has("note"))
        info.note = readText("note");
    return info;
}

void NpzReader::readFloats(const NpyArray& a, float* out, std::uint64_t rows, std::uint64_t cols)
{
    const std::string bytes = values(a);
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const bool f8 = a.descr == "<f8";
    for (std::uint64_t r = 0; r < rows; ++r)
        for (std::uint64_t c = 0; c < cols; ++c) {
            const std::uint64_t i = a.fortranOrder ? c * rows + r : r * cols + c;
            const double v = f8 ? littleEndian<double>(data + 8 * i)
                                : double(littleEndian<float>(data + 4 * i));
            const float f = static_cast<float>(v);
            if (!std::isfinite(f)) {
                std::ostringstream text;
                text << a.name << "[" << r << (a.shape.size() == 2 ? ", " + std::to_string(c) : "")
                     << "] is " << v
                     << (std::isfinite(v) ? ", beyond the float32 range" : ", not a finite number");
                fail(text.str());
            }
            out[r * cols + c] = f;
        }
}

Model NpzReader::read(NpzDetails* details)
{
    m_cd = centralDirectory(m_r);
    NpzDetails found;
    for (ZipEntry& e : m_cd.entries) {
        // numpy.load names each array after its entry without ".npy"; other entries are not arrays.
        if (e.name.size() > 4 && e.name.compare(e.name.size() - 4, 4, ".npy") == 0) {
            found.arrays.push_back(e.name.substr(0, e.name.size() - 4));
            m_entries[found.arrays.back()] = &e;
        } else {
            found.ignored.push_back(e.name);
        }
    }
    findWeightNames();
    checkShapes();
    Model model;
    const Architecture a = architecture();
    model.info = info();
    found.architectureGiven = has("architecture");
    for (const std::string& name : found.arrays) {
        static const std::vector<std::string> kOthers{"architecture", "layer_sizes",
                                                      "test_accuracy", "samples_seen", "note"};
        const auto in = [&](const std::vector<std::string>& v) {
            return std::find(v.begin(), v.end(), name) != v.end();
        };
        if (!in(m_weightNames) && !in(m_biasNames) && !in(kOthers))
            found.ignored.push_back(name);
    }

    // Every shape is checked: now the weights are allocated and filled.
    Network net(a);
    for (int l = 0; l < net.layerCount(); ++l) {
        Matrix& w = net.weights(l);
        readFloats(array(m_weightNames[std::size_t(l)]), w.data(), std::uint64_t(w.rows()),
                   std::uint64_t(w.cols()));
        if (a.biases)
            readFloats(array(m_biasNames[std::size_t(l)]), net.bias(l).data(),
                       std::uint64_t(net.bias(l).size()), 1);
    }
    model.network = std::move(net);
    if (details)
        *details = std::move(found);
    return model;
}

} // namespace

void writeNpz(std::ostream& out, const Model& model, const std::string& pathForMessages,
              NpzCompression compression)
{
    const std::string bytes = serialise(model, compression, pathForMessages);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out)
        throw FileError(pathForMessages, "could not be written");
}

Model readNpz(std::istream& in, const std::string& pathForMessages, NpzDetails* details)
{
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty())
        throw FileError(pathForMessages, "the file is empty");
    if (bytes.size() > kMaxNpzBytes)
        throw FileError(pathForMessages, "the file is larger than any nnlab .npz (2 GiB)");
    return NpzReader(bytes, pathForMessages).read(details);
}

void saveNpz(const std::string& path, const Model& model, NpzCompression compression)
{
    saveFileAtomically(path, serialise(model, compression, path));
}

Model loadNpz(const std::string& path, NpzDetails* details)
{
    const std::string bytes = readWholeFile(path, kMaxNpzBytes, "nnlab .npz (2 GiB)");
    return NpzReader(bytes, path).read(details);
}

} // namespace nnlab::engine
