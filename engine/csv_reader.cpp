#include "csv_reader.h"

#include "file_error.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace nnlab::engine {

namespace {
constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t(1) << 31;
constexpr unsigned kTooLarge = 100000; // beyond any label or pixel
}

Dataset loadCsvDataset(const std::string& path, std::vector<std::string> classNames, int rows,
                       int cols)
{
    const std::uint64_t size = requireNonEmptyFile(path);
    if (size > kMaxCsvBytes)
        throw FileError(path, "the file is larger than nnlab reads (2 GiB)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be opened");
    std::string text(static_cast<std::size_t>(size), '\0');
    if (!in.read(text.data(), std::streamsize(size)))
        throw FileError(path, "cannot be read");
    return parseCsvDataset(text, path, std::move(classNames), rows, cols);
}

Dataset parseCsvDataset(std::string_view text, const std::string& path,
                        std::vector<std::string> classNames, int rows, int cols)
{
    if (text.empty())
        throw FileError(path, "the file is empty");
    if (text.size() > kMaxCsvBytes)
        throw FileError(path, "the file is larger than nnlab reads (2 GiB)");
    Dataset d;
    d.name = displayName(path);
    d.rows = rows;
    d.cols = cols;
    d.classNames = std::move(classNames);
    const int pixelsPerLine = rows * cols;
    const int fieldsPerLine = pixelsPerLine + 1;
    d.pixels.reserve(text.size() / 2);

    std::size_t pos = 0;
    std::uint64_t line = 0;
    const std::size_t end = text.size();
    while (pos < end) {
        ++line;
        std::size_t lineEnd = text.find('\n', pos);
        if (lineEnd == std::string_view::npos)
            lineEnd = end;
        std::size_t stop = lineEnd;
        if (stop > pos && text[stop - 1] == '\r') // CRLF
            --stop;
        if (stop == pos) { // an empty line is only allowed at the very end
            if (lineEnd >= end - 1)
                break;
            throw FileError(path, FileError::Where::Line, line, "the line is empty");
        }
        int field = 0;
        std::size_t p = pos;
        for (;;) {
            ++field;
            if (field > fieldsPerLine)
                throw FileError(path, FileError::Where::Line, line,
                                "more than " + std::to_string(fieldsPerLine) +
                                    " fields (a label and " + std::to_string(pixelsPerLine) +
                                    " pixels)");
            // A field: optional spaces, digits, optional spaces.
            while (p < stop && text[p] == ' ')
                ++p;
            const std::size_t digitsStart = p;
            unsigned value = 0; // saturates at kTooLarge: any such label or pixel is out of range
            while (p < stop && text[p] >= '0' && text[p] <= '9') {
                value = std::min(value * 10 + unsigned(text[p] - '0'), kTooLarge);
                ++p;
            }
            const std::size_t digitsEnd = p;
            // The digits as written (the first 20), for a message: "pixel 5 is 99999999999999999999".
            const auto number = [&] {
                return std::string(text.substr(digitsStart, std::min<std::size_t>(digitsEnd - digitsStart, 20)));
            };
            const bool digits = p > digitsStart;
            while (p < stop && text[p] == ' ')
                ++p;
            if (p < stop && text[p] == '\r')
                throw FileError(path, FileError::Where::Line, line,
                                "a carriage return (CR) inside the line: lines must end in LF "
                                "or CR LF, not CR alone (old Mac OS)");
            if (!digits || (p < stop && text[p] != ',')) {
                std::size_t fieldEnd = text.find(',', digitsStart);
                if (fieldEnd == std::string_view::npos || fieldEnd > stop)
                    fieldEnd = stop;
                std::string shown(text.substr(digitsStart, std::min<std::size_t>(fieldEnd - digitsStart, 20)));
                for (char& c : shown)
                    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                        c = '?';
                throw FileError(path, FileError::Where::Line, line,
                                "field " + std::to_string(field) + " is \"" + shown +
                                    "\", not a whole number");
            }
            if (field == 1) {
                if (value >= d.classNames.size())
                    throw FileError(path, FileError::Where::Line, line,
                                    "label " + number() + " is outside the " +
                                        std::to_string(d.classNames.size()) + " classes (0 to " +
                                        std::to_string(d.classNames.size() - 1) + ")");
                d.labels.push_back(std::uint8_t(value));
            } else {
                if (value > 255)
                    throw FileError(path, FileError::Where::Line, line,
                                    "pixel " + std::to_string(field - 1) + " is " + number() +
                                        ", outside 0 to 255");
                d.pixels.push_back(std::uint8_t(value));
            }
            if (p >= stop)
                break;
            ++p; // the comma
        }
        if (field != fieldsPerLine)
            throw FileError(path, FileError::Where::Line, line,
                            std::to_string(field) + " fields, expected " +
                                std::to_string(fieldsPerLine) + " (a label and " +
                                std::to_string(pixelsPerLine) + " pixels)");
        pos = lineEnd + 1;
    }
    if (d.labels.empty())
        throw FileError(path, "the file has no images");
    return d;
}

} // namespace nnlab::engine
