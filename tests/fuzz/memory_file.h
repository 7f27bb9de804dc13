// A file that lives in memory (memfd), for the readers that take a path: the IDX reader opens
// its file through zlib's gzopen, which reads from a descriptor, never from a buffer.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace nnlab::fuzz {

class MemoryFile
{
public:
    MemoryFile()
    {
        m_fd = memfd_create("nnlab-fuzz", 0);
        if (m_fd < 0)
            std::abort();
        m_path = "/proc/self/fd/" + std::to_string(m_fd);
    }
    ~MemoryFile() { close(m_fd); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    // Replaces the file's contents; returns its path.
    const std::string& write(const void* data, std::size_t size)
    {
        if (ftruncate(m_fd, 0) != 0 || pwrite(m_fd, data, size, 0) != ssize_t(size))
            std::abort();
        return m_path;
    }

private:
    int m_fd = -1;
    std::string m_path;
};

} // namespace nnlab::fuzz
