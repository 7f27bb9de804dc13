#include "idx_reader.h"

#include "file_error.h"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <limits>
#include <memory>

namespace nnlab::engine {

namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803; // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801; // unsigned bytes, 1 dimension
constexpr std::uint64_t kMaxPayload = std::uint64_t(1) << 31; // 2 GiB of pixels at most
constexpr int kMaxSide = 4096;
constexpr std::uint64_t kMaxInflateRatio = 1032; // deflate's most: 258 bytes from 2 bits

std::string hex(std::uint32_t v)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", v);
    return text;
}

// An IDX file opened through zlib, which reads gzip and plain files alike.
class IdxFile
{
public:
    explicit IdxFile(const std::string& path) : m_path(path)
    {
        m_fileSize = requireNonEmptyFile(path);
        m_available = dataSizeLimit();
        m_file = gzopen(path.c_str(), "rb");
        if (!m_file)
            throw FileError(path, "cannot be opened");
        gzbuffer(m_file, 1 << 17);
    }
    ~IdxFile() { gzclose(m_file); }
    IdxFile(const IdxFile&) = delete;
    IdxFile& operator=(const IdxFile&) = delete;

    std::uint64_t offset() const { return m_offset; }

    // Reads exactly n bytes or throws, naming what was being read.
    void read(void* out, std::uint64_t n, const char* what)
    {
        auto* bytes = static_cast<unsigned char*>(out);
        std::uint64_t got = 0;
        while (got < n) {
            const unsigned chunk = unsigned(std::min<std::uint64_t>(n - got, 1u << 30));
            const int r = gzread(m_file, bytes + got, chunk);
            if (r < 0)
                throw FileError(m_path, FileError::Where::Byte, m_offset + got,
                                std::string("the compressed data is corrupt (") + zlibError() + ")");
            if (r == 0)
                throw FileError(m_path, FileError::Where::Byte, m_offset + got,
                                std::string("the file ends early: ") + what + " needs " +
                                    withThousands(n) + " bytes, found " + withThousands(got));
            got += unsigned(r);
        }
        m_offset += n;
    }

    std::uint32_t readBigEndian32(const char* what)
    {
        std::array<unsigned char, 4> b{};
        read(b.data(), 4, what);
        return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 |
               std::uint32_t(b[3]);
    }

    // After the last declared byte the file must end.
    void expectEnd()
    {
        unsigned char extra[64];
        const int r = gzread(m_file, extra, sizeof extra);
        if (r < 0)
            throw FileError(m_path, FileError::Where::Byte, m_offset,
                            std::string("the compressed data is corrupt (") + zlibError() + ")");
        if (r > 0)
            throw FileError(m_path, FileError::Where::Byte, m_offset,
                            "unexpected data after the last declared item (trailing garbage)");
    }

    // Before allocating: the declared payload must fit in what the file can hold.
    void checkDeclared(std::uint64_t payload, const std::string& what)
    {
        if (payload > kMaxPayload)
            throw FileError(m_path, FileError::Where::Byte, m_offset,
                            "declares " + what + " (" + withThousands(payload) +
                                " bytes), more than nnlab reads (2 GiB)");
        if (payload > m_available - std::min(m_available, m_offset))
            throw FileError(m_path, FileError::Where::Byte, m_offset,
                            "declares " + what + " (" + withThousands(payload) +
                                " bytes) but holds only " +
                                withThousands(m_available - std::min(m_available, m_offset)) +
                                " bytes after the header (truncated)");
    }

private:
    const char* zlibError()
    {
        int code = 0;
        const char* text = gzerror(m_file, &code);
        return text && *text ? text : "unknown error";
    }

    // The size of the data once decompressed: the file size for plain files; for gzip the
    // trailer's ISIZE (size mod 2^32), and never more than deflate can expand the file to.
    std::uint64_t dataSizeLimit() const
    {
        std::FILE* f = std::fopen(m_path.c_str(), "rb");
        if (!f)
            throw FileError(m_path, "cannot be opened");
        unsigned char head[2] = {0, 0};
        const bool gz = std::fread(head, 1, 2, f) == 2 && head[0] == 0x1f && head[1] == 0x8b;
        std::uint64_t limit = m_fileSize;
        if (gz) {
            // Compression never beats ~1032:1 (deflate: 258 bytes in 2 bits). zlib checks ISIZE
            // only at the end of the stream, after the pixels are allocated, so a small file
            // whose trailer lies must not make the reader allocate gigabytes.
            limit = m_fileSize * kMaxInflateRatio;
            unsigned char tail[4] = {0, 0, 0, 0};
            if (m_fileSize >= 18 && std::fseek(f, -4, SEEK_END) == 0 &&
                std::fread(tail, 1, 4, f) == 4) {
                const std::uint64_t isize = std::uint64_t(tail[0]) | std::uint64_t(tail[1]) << 8 |
                                            std::uint64_t(tail[2]) << 16 |
                                            std::uint64_t(tail[3]) << 24;
                // ISIZE is the size mod 2^32: it can only have wrapped for large files.
                if (m_fileSize <= (std::uint64_t(1) << 32) / kMaxInflateRatio)
                    limit = std::min(limit, isize);
            }
        }
        std::fclose(f);
        return limit;
    }

    std::string m_path;
    gzFile m_file = nullptr;
    std::uint64_t m_offset = 0;
    std::uint64_t m_fileSize = 0;
    std::uint64_t m_available = 0;
};

void expectMagic(IdxFile& file, const std::string& path, std::uint32_t expected, const char* kind)
{
    const std::uint32_t magic = file.readBigEndian32("the magic number");
    if (magic != expected)
        throw FileError(path, FileError::Where::Byte, 0,
                        std::string("not an IDX ") + kind + " file: magic number " + hex(magic) +
                            ", expected " + hex(expected));
}

} // namespace

IdxImages readIdxImages(const std::string& path)
{
    IdxFile file(path);
    expectMagic(file, path, kImagesMagic, "image");
    IdxImages images;
    const std::uint32_t count = file.readBigEndian32("the image count");
    const std::uint32_t rows = file.readBigEndian32("the row count");
    const std::uint32_t cols = file.readBigEndian32("the column count");
    if (rows == 0 || cols == 0 || rows > std::uint32_t(kMaxSide) || cols > std::uint32_t(kMaxSide))
        throw FileError(path, FileError::Where::Byte, 8,
                        "images of " + std::to_string(rows) + " x " + std::to_string(cols) +
                            " pixels; each side must be 1 to " + std::to_string(kMaxSide));
    if (count == 0)
        throw FileError(path, FileError::Where::Byte, 4, "the file declares 0 images");
    const std::uint64_t payload = std::uint64_t(count) * rows * cols;
    file.checkDeclared(payload, withThousands(count) + " images of " + std::to_string(rows) +
                                    " x " + std::to_string(cols));
    images.count = int(count);
    images.rows = int(rows);
    images.cols = int(cols);
    images.pixels.resize(std::size_t(payload));
    file.read(images.pixels.data(), payload, "the pixels");
    file.expectEnd();
    return images;
}

std::vector<std::uint8_t> readIdxLabels(const std::string& path)
{
    IdxFile file(path);
    expectMagic(file, path, kLabelsMagic, "label");
    const std::uint32_t count = file.readBigEndian32("the label count");
    if (count == 0)
        throw FileError(path, FileError::Where::Byte, 4, "the file declares 0 labels");
    file.checkDeclared(count, withThousands(count) + " labels");
    std::vector<std::uint8_t> labels(count);
    file.read(labels.data(), count, "the labels");
    file.expectEnd();
    return labels;
}

Dataset loadIdxDataset(const std::string& imagesPath, const std::string& labelsPath,
                       std::vector<std::string> classNames, std::string name)
{
    IdxImages images = readIdxImages(imagesPath);
    std::vector<std::uint8_t> labels = readIdxLabels(labelsPath);
    if (labels.size() != std::size_t(images.count))
        throw FileError(labelsPath, withThousands(labels.size()) + " labels for " +
                                        withThousands(std::uint64_t(images.count)) +
                                        " images in " + displayName(imagesPath));
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= classNames.size())
            throw FileError(labelsPath, FileError::Where::Byte, 8 + i,
                            "label " + std::to_string(labels[i]) + " of item " +
                                withThousands(i + 1) + " is outside the " +
                                std::to_string(classNames.size()) + " classes (0 to " +
                                std::to_string(classNames.size() - 1) + ")");
    Dataset d;
    d.name = std::move(name);
    d.rows = images.rows;
    d.cols = images.cols;
    d.pixels = std::move(images.pixels);
    d.labels = std::move(labels);
    d.classNames = std::move(classNames);
    return d;
}

} // namespace nnlab::engine
