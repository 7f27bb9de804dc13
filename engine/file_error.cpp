#include "file_error.h"

#include <filesystem>
#include <sstream>

namespace nnlab::engine {

namespace {

std::string compose(const std::string& name, FileError::Where where, std::uint64_t position,
                    const std::string& reason)
{
    std::ostringstream text;
    text << name;
    if (where == FileError::Where::Byte)
        text << " (byte " << withThousands(position) << ")";
    else if (where == FileError::Where::Line)
        text << " (line " << withThousands(position) << ")";
    text << ": " << reason;
    return text.str();
}

} // namespace

FileError::FileError(std::string path, std::string reason)
    : FileError(std::move(path), Where::None, 0, std::move(reason))
{
}

FileError::FileError(std::string path, Where where, std::uint64_t position, std::string reason)
    : std::runtime_error(compose(displayName(path), where, position, reason)),
      m_path(std::move(path)), m_reason(std::move(reason)), m_where(where), m_position(position)
{
}

std::string FileError::withFullPath() const
{
    return compose(m_path, m_where, m_position, m_reason);
}

std::string withThousands(std::uint64_t n)
{
    std::string digits = std::to_string(n);
    std::string out;
    const auto len = digits.size();
    for (std::size_t i = 0; i < len; ++i) {
        out += digits[i];
        const auto left = len - 1 - i;
        if (left > 0 && left % 3 == 0)
            out += ',';
    }
    return out;
}

std::string byteCount(std::uint64_t n)
{
    return withThousands(n) + (n == 1 ? " byte" : " bytes");
}

std::uint64_t requireNonEmptyFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw FileError(path, "the file does not exist");
    if (std::filesystem::is_directory(path, ec))
        throw FileError(path, "is a folder, not a file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw FileError(path, "cannot be read (" + ec.message() + ")");
    if (size == 0)
        throw FileError(path, "the file is empty");
    return size;
}

std::string displayName(const std::string& path)
{
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace nnlab::engine
