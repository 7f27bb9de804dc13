#include "binary_io.h"

#include "file_error.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include <fcntl.h>
#include <unistd.h>

namespace nnlab::engine {

void ByteWriter::u16(std::uint16_t v)
{
    for (int i = 0; i < 2; ++i)
        bytes.push_back(char((v >> (8 * i)) & 0xff));
}

void ByteWriter::u32(std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        bytes.push_back(char((v >> (8 * i)) & 0xff));
}

void ByteWriter::u64(std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        bytes.push_back(char((v >> (8 * i)) & 0xff));
}

void ByteWriter::f32(float f)
{
    std::uint32_t v;
    std::memcpy(&v, &f, 4);
    u32(v);
}

void ByteReader::fail(const std::string& reason, std::uint64_t at) const
{
    throw FileError(path, FileError::Where::Byte, at, reason);
}

void ByteReader::need(std::uint64_t n, const char* what) const
{
    if (size - pos < n)
        fail(std::string("the file ends early: ") + what + " needs " + byteCount(n) +
                 ", found " + withThousands(size - pos),
             pos);
}

std::uint8_t ByteReader::u8(const char* what)
{
    need(1, what);
    return data[pos++];
}

std::uint16_t ByteReader::u16(const char* what)
{
    need(2, what);
    const std::uint16_t v = std::uint16_t(data[pos] | (data[pos + 1] << 8));
    pos += 2;
    return v;
}

std::uint32_t ByteReader::u32(const char* what)
{
    need(4, what);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= std::uint32_t(data[pos + std::uint64_t(i)]) << (8 * i);
    pos += 4;
    return v;
}

std::uint64_t ByteReader::u64(const char* what)
{
    need(8, what);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= std::uint64_t(data[pos + std::uint64_t(i)]) << (8 * i);
    pos += 8;
    return v;
}

float ByteReader::f32(const char* what)
{
    const std::uint32_t v = u32(what);
    float f;
    std::memcpy(&f, &v, 4);
    return f;
}

std::uint32_t crc32Of(const void* data, std::uint64_t n, std::uint32_t crc)
{
    uLong c = crc;
    const auto* p = static_cast<const Bytef*>(data);
    while (n > 0) {
        const uInt chunk = uInt(std::min<std::uint64_t>(n, 1u << 30));
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return std::uint32_t(c);
}

void saveFileAtomically(const std::string& path, const std::string& bytes)
{
    std::random_device entropy;
    std::string temp;
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) { // another save may hold a name
        temp = path + ".tmp-" + std::to_string(entropy() % 1000000u);
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        throw FileError(path, std::string("could not be saved: ") + std::strerror(errno));
    int failure = 0; // the first errno: what the message says
    for (std::size_t written = 0; written < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            failure = n < 0 ? errno : EIO;
            break;
        }
        written += std::size_t(n);
    }
    if (failure == 0 && ::fsync(fd) != 0)
        failure = errno;
    if (::close(fd) != 0 && failure == 0)
        failure = errno;
    if (failure == 0 && std::rename(temp.c_str(), path.c_str()) != 0)
        failure = errno;
    if (failure != 0) {
        std::remove(temp.c_str()); // the old file, if any, was never touched
        throw FileError(path, std::string("could not be saved: ") + std::strerror(failure));
    }
}

std::string readWholeFile(const std::string& path, std::uint64_t maxBytes, const char* what)
{
    if (requireNonEmptyFile(path) > maxBytes)
        throw FileError(path, std::string("the file is larger than any ") + what);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be opened");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw FileError(path, "cannot be read");
    return bytes;
}

} // namespace nnlab::engine
