// NumPy's .npy array format: writing and parsing its header, little-endian values, and the
// UTF-32 text of a unicode ('<U') array (docs/model-format.md, "NumPy .npz").
#pragma once

#include "binary_io.h"

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace nnlab::engine {

constexpr std::string_view kNpyMagic("\x93NUMPY", 6);
constexpr std::uint32_t kMaxNpyHeaderBytes = 65536;
// The magic, the version, the header length and the largest header: all a parser needs to see.
constexpr std::uint64_t kMaxNpyHeadBytes = kNpyMagic.size() + 6 + kMaxNpyHeaderBytes;
constexpr std::uint64_t kMaxNpyBytes = std::uint64_t(1) << 31; // 2 GiB: no array nnlab reads is larger

// ---------------------------------------------------------------------------------------------
// Writing: .npy format 1.0, C order.

// "\x93NUMPY" 1.0, then the header dict padded with spaces to a multiple of 64 and a newline.
std::string npyHeader(std::string_view descr, const std::vector<std::uint64_t>& shape);
// A whole .npy file: the header, then the values the writer appends.
std::string npyFile(std::string_view descr, const std::vector<std::uint64_t>& shape,
                    const std::function<void(ByteWriter&)>& values);
// float32 '<f4' of the given shape from data in C order (rows of the last dimension).
std::string npyFloats(const float* data, const std::vector<std::uint64_t>& shape);
// A 0-d unicode array: UTF-32 code points, padded to the width its dtype '<UN' gives.
std::string npyText(std::string_view utf8);

// ---------------------------------------------------------------------------------------------
// Reading

// One array's header, and where its values start.
struct NpyHeader
{
    std::string descr; // "<f4"
    bool fortranOrder = false;
    std::vector<std::uint64_t> shape;
    std::uint64_t dataOffset = 0; // within the .npy
    std::uint64_t count = 1;      // elements (saturated above kMaxNpyBytes)

    char kind() const { return descr.size() >= 2 ? descr[1] : '?'; }
    std::uint64_t itemSize() const; // bytes per element: 4 for '<f4', 4 N for '<UN'
    std::string shapeText() const;  // "(3, 4)", "(3,)", "()"
};

// Parses the header at the start of head (the first bytes of a .npy, at most kMaxNpyHeadBytes)
// of a file of fileBytes, and checks that the file holds exactly the values its shape and dtype
// call for, so nothing of that size is allocated before. Returns why it is not an array nnlab
// reads ("dtype '>f4' is big-endian; ..."), or nothing.
std::string parseNpyHeader(std::string_view head, std::uint64_t fileBytes, NpyHeader& out);

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

// The values of a unicode array (UTF-32 little-endian) as UTF-8, without numpy's trailing NULs;
// a code point that is not Unicode becomes U+FFFD.
std::string utf8FromNpyText(std::string_view values);

} // namespace nnlab::engine
