// The one error type the engine throws for bad files: which file, where in it, what was wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace nnlab::engine {

// Thrown by every reader and writer. what() is one sentence a user understands, naming the file,
// e.g. "train-labels-idx1-ubyte: 59,999 labels for 60,000 images".
class FileError : public std::runtime_error
{
public:
    enum class Where { None, Byte, Line };

    FileError(std::string path, std::string reason);
    FileError(std::string path, Where where, std::uint64_t position, std::string reason);

    const std::string& path() const { return m_path; }
    const std::string& reason() const { return m_reason; }
    Where where() const { return m_where; }
    std::uint64_t position() const { return m_position; } // byte offset or 1-based line
    // what() with the whole path instead of the file name: on a command line the folder matters.
    std::string withFullPath() const;

private:
    std::string m_path;
    std::string m_reason;
    Where m_where = Where::None;
    std::uint64_t m_position = 0;
};

// "60000" -> "60,000": counts in messages read the way people write them.
std::string withThousands(std::uint64_t n);
// "1 byte", "4 bytes", "1,568 bytes".
std::string byteCount(std::uint64_t n);

// Checks that path names a readable, non-empty regular file and returns its size in bytes;
// throws FileError ("the file does not exist", "is a folder, not a file", "the file is empty").
std::uint64_t requireNonEmptyFile(const std::string& path);

// The file name without its folder, as messages show it.
std::string displayName(const std::string& path);

} // namespace nnlab::engine
