#include "npy.h"

#include "file_error.h"
#include "utf8.h"

#include <algorithm>
#include <optional>

namespace nnlab::engine {

namespace {

constexpr std::uint64_t kMaxDimension = std::uint64_t(1) << 31;
constexpr std::size_t kNpyAlign = 64; // numpy pads the header so the data starts aligned

// ---------------------------------------------------------------------------------------------
// Text: numpy unicode ('<U') is UTF-32 little-endian.

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
        appendUtf8(out, cp);
    }
    return out;
}

// The Python dict of a .npy header: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
// Returns why it is not one nnlab reads, or nothing.
std::string parseNpyDict(std::string_view text, NpyHeader& a)
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
                a.count = dim != 0 && a.count > kMaxNpyBytes / dim ? kMaxNpyBytes + 1 : a.count * dim;
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

} // namespace

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

std::string npyFile(std::string_view descr, const std::vector<std::uint64_t>& shape,
                    const std::function<void(ByteWriter&)>& values)
{
    ByteWriter w;
    w.bytes = npyHeader(descr, shape);
    values(w);
    return std::move(w.bytes);
}

std::string npyFloats(const float* data, const std::vector<std::uint64_t>& shape)
{
    std::uint64_t n = 1;
    for (const std::uint64_t d : shape)
        n *= d;
    return npyFile("<f4", shape, [&](ByteWriter& w) {
        w.bytes.reserve(w.bytes.size() + 4 * n);
        for (std::uint64_t i = 0; i < n; ++i)
            w.f32(data[i]);
    });
}

std::string npyText(std::string_view utf8)
{
    const std::u32string text = decodeUtf8(utf8);
    const std::size_t width = std::max<std::size_t>(1, text.size()); // numpy's '' is '<U1'
    return npyFile("<U" + std::to_string(width), {}, [&](ByteWriter& w) {
        for (std::size_t i = 0; i < width; ++i)
            w.u32(i < text.size() ? std::uint32_t(text[i]) : 0);
    });
}

std::uint64_t NpyHeader::itemSize() const
{
    std::uint64_t n = 0;
    // Up to 10 digits: '<U16777216' (a long text) fits, and 4 * n cannot overflow.
    for (std::size_t i = 2; i < descr.size() && i < 12 && descr[i] >= '0' && descr[i] <= '9'; ++i)
        n = n * 10 + std::uint64_t(descr[i] - '0');
    return kind() == 'U' ? 4 * n : n;
}

std::string NpyHeader::shapeText() const
{
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
    return s + ")";
}

std::string parseNpyHeader(std::string_view head, std::uint64_t fileBytes, NpyHeader& a)
{
    if (head.size() < kNpyMagic.size() + 4 || head.substr(0, kNpyMagic.size()) != kNpyMagic)
        return "not a .npy array (it does not start with \\x93NUMPY)";
    const int major = static_cast<unsigned char>(head[6]);
    if (major < 1 || major > 3)
        return ".npy format version " + std::to_string(major) + " is not one nnlab reads (1 to 3)";
    if (major > 1 && head.size() < 12)
        return "it ends inside its .npy header";
    const auto* p = reinterpret_cast<const unsigned char*>(head.data());
    // Version 1 gives the header's length in 2 bytes, versions 2 and 3 in 4.
    const std::uint64_t lengthBytes = major == 1 ? 2 : 4;
    const std::uint64_t headerBytes = major == 1 ? std::uint64_t(p[8]) | std::uint64_t(p[9]) << 8
                                                 : littleEndian<std::uint32_t>(p + 8);
    if (headerBytes > kMaxNpyHeaderBytes)
        return "a .npy header of " + withThousands(headerBytes) + " bytes; at most " +
               withThousands(kMaxNpyHeaderBytes);
    const std::uint64_t dictAt = 8 + lengthBytes;
    if (dictAt + headerBytes > head.size())
        return "it ends inside its .npy header";
    a.dataOffset = dictAt + headerBytes;
    if (std::string why = parseNpyDict(head.substr(dictAt, headerBytes), a); !why.empty())
        return why;
    if (a.descr.size() < 3 || (a.descr[0] != '<' && a.descr[0] != '|' && a.descr[0] != '>'))
        return "dtype '" + a.descr + "' is not one nnlab reads";
    if (a.descr[0] == '>')
        return "dtype '" + a.descr + "' is big-endian; nnlab reads little-endian arrays";
    const std::uint64_t item = a.itemSize();
    const bool huge = a.count > kMaxNpyBytes || item > kMaxNpyBytes; // the product fits 64 bits
    if (huge || a.dataOffset + a.count * item != fileBytes)
        return "shape " + a.shapeText() + " of dtype '" + a.descr + "' needs " +
               (huge ? std::string("more than 2 GiB")
                     : withThousands(a.dataOffset + a.count * item) + " bytes") +
               " with its header, but the entry holds " + withThousands(fileBytes);
    return {};
}

std::string utf8FromNpyText(std::string_view values)
{
    std::u32string text;
    for (std::size_t i = 0; i + 4 <= values.size(); i += 4)
        text.push_back(littleEndian<char32_t>(reinterpret_cast<const unsigned char*>(values.data()) + i));
    while (!text.empty() && text.back() == 0) // numpy drops trailing NULs
        text.pop_back();
    return encodeUtf8(text);
}

} // namespace nnlab::engine
