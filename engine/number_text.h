// Numbers as text, exactly: the shortest text that reads back to the same bits, and whole-string
// parsing that refuses trailing characters and (for floating point) NaN and infinity.
#pragma once

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace nnlab::engine {

// "0.1", "1e-05", "250": std::to_chars' shortest round-trip form.
template <typename T>
std::string shortestText(T value)
{
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

// True if all of `text` is one number of type T (no sign prefix "+", no spaces).
template <typename T>
bool parseWhole(std::string_view text, T& out)
{
    if (text.empty())
        return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// The same, and finite.
template <typename T>
bool parseFinite(std::string_view text, T& out)
{
    return parseWhole(text, out) && std::isfinite(out);
}

// What a person may type before a number on a command line or in a field: "+0.3" is 0.3.
inline std::string_view withoutPlus(std::string_view text)
{
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    return text;
}

// `text` cut at every `separator`, nothing trimmed: "a,,b" gives "a", "", "b"; "" gives "".
inline std::vector<std::string_view> splitAt(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return parts;
        text.remove_prefix(at + 1);
    }
}

} // namespace nnlab::engine
