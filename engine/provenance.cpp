#include "provenance.h"

#include "file_error.h"
#include "utf8.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <vector>

namespace nnlab::engine {

namespace {

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4): 512-bit blocks, eight 32-bit working variables, 64 rounds per block.

constexpr std::array<std::uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

class Sha256
{
public:
    void update(const unsigned char* p, std::size_t n)
    {
        m_total += n;
        if (m_used > 0) {
            const std::size_t take = std::min(n, m_block.size() - m_used);
            std::memcpy(m_block.data() + m_used, p, take);
            m_used += take, p += take, n -= take;
            if (m_used < m_block.size())
                return;
            compress(m_block.data());
            m_used = 0;
        }
        for (; n >= 64; p += 64, n -= 64)
            compress(p);
        std::memcpy(m_block.data(), p, n);
        m_used = n;
    }

    std::string hex()
    {
        // Padding: 0x80, zeros to 56 mod 64, then the message length in bits, big-endian.
        const std::uint64_t bits = m_total * 8;
        const unsigned char one = 0x80, zero = 0;
        update(&one, 1);
        while (m_used != 56)
            update(&zero, 1);
        std::array<unsigned char, 8> length;
        for (int i = 0; i < 8; ++i)
            length[std::size_t(i)] = static_cast<unsigned char>(bits >> (56 - 8 * i));
        update(length.data(), 8);
        static const char digits[] = "0123456789abcdef";
        std::string out;
        for (const std::uint32_t word : m_h)
            for (int shift = 28; shift >= 0; shift -= 4)
                out.push_back(digits[(word >> shift) & 0xf]);
        return out;
    }

private:
    static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

    void compress(const unsigned char* p)
    {
        std::array<std::uint32_t, 64> w;
        for (int t = 0; t < 16; ++t)
            w[std::size_t(t)] = std::uint32_t(p[4 * t]) << 24 | std::uint32_t(p[4 * t + 1]) << 16 |
                                std::uint32_t(p[4 * t + 2]) << 8 | std::uint32_t(p[4 * t + 3]);
        for (std::size_t t = 16; t < 64; ++t) {
            const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        std::uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3];
        std::uint32_t e = m_h[4], f = m_h[5], g = m_h[6], h = m_h[7];
        for (std::size_t t = 0; t < 64; ++t) {
            const std::uint32_t sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            const std::uint32_t choose = (e & f) ^ (~e & g);
            const std::uint32_t t1 = h + sum1 + choose + kRoundConstants[t] + w[t];
            const std::uint32_t sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            const std::uint32_t t2 = sum0 + majority;
            h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
        }
        m_h[0] += a, m_h[1] += b, m_h[2] += c, m_h[3] += d;
        m_h[4] += e, m_h[5] += f, m_h[6] += g, m_h[7] += h;
    }

    std::array<std::uint32_t, 8> m_h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::array<unsigned char, 64> m_block{};
    std::size_t m_used = 0;
    std::uint64_t m_total = 0; // bytes
};

// ---------------------------------------------------------------------------------------------
// UTF-8

// The length of the well-formed UTF-8 sequence at s[i] (no overlong forms, no surrogates, at
// most U+10FFFF), or 0.
std::size_t utf8SequenceAt(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    std::size_t n = 0;
    unsigned char low = 0x80, high = 0xbf; // the second byte's range
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        low = c == 0xe0 ? 0xa0 : 0x80;
        high = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        low = c == 0xf0 ? 0x90 : 0x80;
        high = c == 0xf4 ? 0x8f : 0xbf;
    } else
        return 0;
    if (i + n > s.size() || byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
    return n;
}


// ---------------------------------------------------------------------------------------------
// JSON text

void appendJsonString(std::string& out, std::string_view s)
{
    static const char digits[] = "0123456789abcdef";
    out.push_back('"');
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(digits[c >> 4]);
                out.push_back(digits[c & 0xf]);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
}

// The shortest text that reads back as the same float ("0.9547").
std::string floatText(float f)
{
    std::array<char, 32> buffer;
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), f);
    return std::string(buffer.data(), result.ptr);
}

// A parsed JSON value: only what provenanceFromJson needs (numbers keep their text).
struct JsonValue
{
    enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
    bool boolean = false;
    std::string text;              // a number's digits, a string's UTF-8
    std::vector<JsonValue> items;  // an array's values, or an object's (keys[i]: items[i])
    std::vector<std::string> keys; // an object's keys, in order
};

// Strict RFC 8259 JSON; throws std::string (why) on the first error.
class JsonParser
{
public:
    explicit JsonParser(std::string_view s) : m_s(s) {}

    JsonValue document()
    {
        JsonValue v = value(0);
        spaces();
        if (m_i != m_s.size())
            fail("text after the JSON object");
        return v;
    }

private:
    static constexpr int kMaxDepth = 8; // the provenance object nests three deep
    static constexpr std::size_t kMaxKeys = 64; // it has ten; more is not a provenance

    [[noreturn]] void fail(const std::string& why) const
    {
        throw std::string(why + " (at character " + withThousands(m_i) + ")");
    }
    void spaces()
    {
        while (m_i < m_s.size() &&
               (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r'))
            ++m_i;
    }
    bool eat(char c)
    {
        spaces();
        if (m_i < m_s.size() && m_s[m_i] == c)
            return ++m_i, true;
        return false;
    }
    bool word(std::string_view w)
    {
        if (m_s.substr(m_i, w.size()) != w)
            return false;
        m_i += w.size();
        return true;
    }

    JsonValue value(int depth)
    {
        if (depth > kMaxDepth)
            fail("the JSON nests too deep");
        spaces();
        if (m_i >= m_s.size())
            fail("the JSON ends early");
        JsonValue v;
        const char c = m_s[m_i];
        if (c == '{') {
            ++m_i;
            v.kind = JsonValue::Kind::Object;
            if (eat('}'))
                return v;
            do {
                spaces();
                if (m_i >= m_s.size() || m_s[m_i] != '"')
                    fail("expected a key in quotes");
                if (v.keys.size() == kMaxKeys)
                    fail("an object of more than " + std::to_string(kMaxKeys) + " keys");
                std::string key = string();
                if (!eat(':'))
                    fail("expected ':' after \"" + key + "\"");
                if (std::find(v.keys.begin(), v.keys.end(), key) != v.keys.end())
                    fail("the key \"" + key + "\" is given twice");
                v.keys.push_back(std::move(key));
                v.items.push_back(value(depth + 1));
            } while (eat(','));
            if (!eat('}'))
                fail("expected ',' or '}'");
        } else if (c == '[') {
            ++m_i;
            v.kind = JsonValue::Kind::Array;
            if (eat(']'))
                return v;
            do {
                if (v.items.size() >= kMaxEpochRecords)
                    fail("an array of more than " + withThousands(kMaxEpochRecords) + " items");
                v.items.push_back(value(depth + 1));
            } while (eat(','));
            if (!eat(']'))
                fail("expected ',' or ']'");
        } else if (c == '"') {
            v.kind = JsonValue::Kind::String;
            v.text = string();
        } else if (word("true") || word("false")) {
            v.kind = JsonValue::Kind::Bool;
            v.boolean = c == 't';
        } else if (word("null")) {
            v.kind = JsonValue::Kind::Null;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.kind = JsonValue::Kind::Number;
            v.text = number();
        } else {
            fail("not a JSON value");
        }
        return v;
    }

    std::string number()
    {
        const std::size_t start = m_i;
        const auto digits = [&] {
            const std::size_t from = m_i;
            while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9')
                ++m_i;
            return m_i - from;
        };
        const auto notANumber = [&] {
            m_i = start; // the message points at the number's start
            fail("not a JSON number");
        };
        if (m_s[m_i] == '-')
            ++m_i;
        const std::size_t intStart = m_i;
        const std::size_t n = digits();
        if (n == 0 || (n > 1 && m_s[intStart] == '0'))
            notANumber();
        if (m_i < m_s.size() && m_s[m_i] == '.') {
            ++m_i;
            if (digits() == 0)
                notANumber();
        }
        if (m_i < m_s.size() && (m_s[m_i] == 'e' || m_s[m_i] == 'E')) {
            ++m_i;
            if (m_i < m_s.size() && (m_s[m_i] == '+' || m_s[m_i] == '-'))
                ++m_i;
            if (digits() == 0)
                notANumber();
        }
        return std::string(m_s.substr(start, m_i - start));
    }

    unsigned hex4()
    {
        unsigned v = 0;
        for (int k = 0; k < 4; ++k, ++m_i) {
            if (m_i >= m_s.size())
                fail("the JSON ends inside a \\u escape");
            const char c = m_s[m_i];
            const int d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
            if (d < 0)
                fail("a \\u escape needs four hex digits");
            v = v * 16 + unsigned(d);
        }
        return v;
    }

    std::string string()
    {
        ++m_i; // the opening quote
        std::string out;
        while (true) {
            if (m_i >= m_s.size())
                fail("the JSON ends inside a string");
            const auto c = static_cast<unsigned char>(m_s[m_i]);
            if (c == '"') {
                ++m_i;
                break;
            }
            if (c < 0x20)
                fail("a control character inside a string");
            if (c != '\\') {
                const std::size_t n = utf8SequenceAt(m_s, m_i);
                if (n == 0)
                    fail("a string is not valid UTF-8");
                out.append(m_s.substr(m_i, n));
                m_i += n;
                continue;
            }
            if (++m_i >= m_s.size())
                fail("the JSON ends inside a string");
            const char e = m_s[m_i++];
            switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                unsigned cp = hex4();
                if (cp >= 0xdc00 && cp <= 0xdfff)
                    fail("a \\u escape is a lone low surrogate");
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (!word("\\u"))
                        fail("a \\u escape is a lone high surrogate");
                    const unsigned low = hex4();
                    if (low < 0xdc00 || low > 0xdfff)
                        fail("a \\u escape is a lone high surrogate");
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                }
                appendUtf8(out, cp);
                break;
            }
            default:
                fail(std::string("an unknown escape \\") + e);
            }
        }
        return out;
    }

    std::string_view m_s;
    std::size_t m_i = 0;
};

// Reads the JSON tree into a Provenance; throws std::string (why).
class ProvenanceFromJson
{
public:
    Provenance read(const JsonValue& root)
    {
        Provenance p;
        const JsonValue& members = object(root, "the provenance");
        for (std::size_t m = 0; m < members.keys.size(); ++m) {
            const std::string& key = members.keys[m];
            const JsonValue& v = members.items[m];
            if (key == "nnlabVersion")
                p.nnlabVersion = text(v, key, kMaxProvenanceNameBytes);
            else if (key == "preset")
                p.preset = text(v, key, kMaxProvenanceNameBytes);
            else if (key == "setup")
                p.setup = text(v, key, kMaxProvenanceTextBytes);
            else if (key == "weightSeed")
                p.weightSeed = count(v, key);
            else if (key == "shuffleSeed")
                p.shuffleSeed = count(v, key);
            else if (key == "shuffled")
                p.shuffled = flag(v, key);
            else if (key == "dataName")
                p.dataName = text(v, key, kMaxProvenanceNameBytes);
            else if (key == "dataFiles")
                p.dataFiles = list<FileDigest>(v, key, kMaxDataFiles, [&](const JsonValue& f, const std::string& at) {
                    FileDigest d;
                    const JsonValue& o = object(f, at);
                    for (std::size_t m = 0; m < o.keys.size(); ++m) {
                        const std::string& k = o.keys[m];
                        const JsonValue& x = o.items[m];
                        const std::string where = at + "." + k;
                        if (k == "name")
                            d.name = text(x, where, kMaxProvenanceNameBytes);
                        else if (k == "sha256") {
                            d.sha256 = text(x, where, 64);
                            if (!isSha256Hex(d.sha256))
                                throw where + " is not 64 lowercase hex digits";
                        } else if (k == "bytes")
                            d.bytes = count(x, where);
                    }
                    if (d.sha256.empty())
                        throw at + " has no sha256";
                    return d;
                });
            else if (key == "epochs")
                p.epochs = list<EpochRecord>(v, key, kMaxEpochRecords, [&](const JsonValue& e, const std::string& at) {
                    EpochRecord r;
                    const JsonValue& o = object(e, at);
                    for (std::size_t m = 0; m < o.keys.size(); ++m) {
                        const std::string& k = o.keys[m];
                        const JsonValue& x = o.items[m];
                        const std::string where = at + "." + k;
                        if (k == "epoch") {
                            const std::uint64_t n = count(x, where);
                            if (n > std::uint64_t(std::numeric_limits<int>::max()))
                                throw where + " is " + withThousands(n) + ", too large";
                            r.epoch = int(n);
                        } else if (k == "samplesSeen")
                            r.samplesSeen = count(x, where);
                        else if (k == "testAccuracy")
                            r.testAccuracy = accuracy(x, where);
                    }
                    return r;
                });
            else if (key == "changes")
                p.changes = list<KnobChange>(v, key, kMaxKnobChanges, [&](const JsonValue& c, const std::string& at) {
                    KnobChange k;
                    const JsonValue& o = object(c, at);
                    for (std::size_t m = 0; m < o.keys.size(); ++m) {
                        const std::string& name = o.keys[m];
                        const JsonValue& x = o.items[m];
                        const std::string where = at + "." + name;
                        if (name == "samplesSeen")
                            k.samplesSeen = count(x, where);
                        else if (name == "knob")
                            k.knob = text(x, where, kMaxProvenanceNameBytes);
                        else if (name == "from")
                            k.from = text(x, where, kMaxProvenanceNameBytes);
                        else if (name == "to")
                            k.to = text(x, where, kMaxProvenanceNameBytes);
                    }
                    return k;
                });
            // Other keys (a later nnlab's) are passed over.
        }
        return p;
    }

private:
    static const JsonValue& object(const JsonValue& v, const std::string& what)
    {
        if (v.kind != JsonValue::Kind::Object)
            throw what + " is not a JSON object";
        return v;
    }
    static std::string text(const JsonValue& v, const std::string& what, std::size_t maxBytes)
    {
        if (v.kind != JsonValue::Kind::String)
            throw what + " is not a string";
        if (v.text.size() > maxBytes)
            throw what + " is " + withThousands(v.text.size()) + " bytes; at most " +
                withThousands(maxBytes);
        return v.text;
    }
    static std::uint64_t count(const JsonValue& v, const std::string& what)
    {
        std::uint64_t n = 0;
        const char* end = v.text.data() + v.text.size();
        const auto result = std::from_chars(v.text.data(), end, n);
        if (v.kind != JsonValue::Kind::Number || result.ec != std::errc() || result.ptr != end)
            throw what + " is not a whole number 0 to 18,446,744,073,709,551,615";
        return n;
    }
    static bool flag(const JsonValue& v, const std::string& what)
    {
        if (v.kind != JsonValue::Kind::Bool)
            throw what + " is not true or false";
        return v.boolean;
    }
    static std::optional<float> accuracy(const JsonValue& v, const std::string& what)
    {
        if (v.kind == JsonValue::Kind::Null)
            return std::nullopt;
        float f = 0;
        const char* end = v.text.data() + v.text.size();
        const auto result = std::from_chars(v.text.data(), end, f);
        if (v.kind != JsonValue::Kind::Number || result.ec != std::errc() || result.ptr != end)
            throw what + " is not a number or null";
        if (!(f >= 0.0f && f <= 1.0f))
            throw what + " is " + v.text + "; it must be 0 to 1";
        return f;
    }
    template <typename T, typename Read>
    static std::vector<T> list(const JsonValue& v, const std::string& what, std::uint32_t max, Read read)
    {
        if (v.kind != JsonValue::Kind::Array)
            throw what + " is not a JSON array";
        if (v.items.size() > max)
            throw what + " has " + withThousands(v.items.size()) + " entries; at most " +
                withThousands(max);
        std::vector<T> out;
        for (std::size_t i = 0; i < v.items.size(); ++i)
            out.push_back(read(v.items[i], what + "[" + std::to_string(i) + "]"));
        return out;
    }
};

std::string padded(const char* key)
{
    std::string k = key;
    k.resize(std::max<std::size_t>(k.size() + 1, 15), ' ');
    return k;
}

} // namespace

// ---------------------------------------------------------------------------------------------

std::string sha256Hex(const void* data, std::size_t size)
{
    Sha256 h;
    h.update(static_cast<const unsigned char*>(data), size);
    return h.hex();
}

FileDigest digestFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be opened to compute its SHA-256");
    Sha256 h;
    FileDigest d;
    const auto chunk = std::make_unique<char[]>(1 << 20);
    while (in) {
        in.read(chunk.get(), 1 << 20);
        const auto n = std::size_t(in.gcount());
        h.update(reinterpret_cast<const unsigned char*>(chunk.get()), n);
        d.bytes += n;
    }
    if (in.bad())
        throw FileError(path, "cannot be read to compute its SHA-256");
    d.name = storableUtf8(displayName(path), kMaxProvenanceNameBytes);
    d.sha256 = h.hex();
    return d;
}

bool isValidUtf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8SequenceAt(s, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

std::string storableUtf8(std::string_view s, std::size_t maxBytes)
{
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8SequenceAt(s, i);
        const std::string_view piece = n ? s.substr(i, n) : std::string_view("\xef\xbf\xbd", 3);
        if (out.size() + piece.size() > maxBytes)
            break;
        out.append(piece);
        i += n ? n : 1;
    }
    return out;
}

bool isSha256Hex(std::string_view s)
{
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string whyNotStorable(const Provenance& p)
{
    const auto tooMany = [](std::size_t n, std::uint32_t max, const char* what) {
        return withThousands(n) + " " + what + "; a model file keeps at most " + withThousands(max);
    };
    if (p.dataFiles.size() > kMaxDataFiles)
        return tooMany(p.dataFiles.size(), kMaxDataFiles, "data files");
    if (p.epochs.size() > kMaxEpochRecords)
        return tooMany(p.epochs.size(), kMaxEpochRecords, "epochs");
    if (p.changes.size() > kMaxKnobChanges)
        return tooMany(p.changes.size(), kMaxKnobChanges, "knob changes");
    for (const FileDigest& f : p.dataFiles)
        if (!isSha256Hex(f.sha256))
            return "the SHA-256 of the data file " + f.name + " is not 64 lowercase hex digits";
    for (const EpochRecord& e : p.epochs) {
        if (e.epoch < 0)
            return "an epoch numbered " + std::to_string(e.epoch);
        if (e.testAccuracy && !(*e.testAccuracy >= 0.0f && *e.testAccuracy <= 1.0f))
            return "epoch " + std::to_string(e.epoch) + "'s test accuracy is " +
                   floatText(*e.testAccuracy) + "; it must be 0 to 1";
    }
    return {};
}

std::string describeProvenance(const Provenance& p)
{
    if (p.empty())
        return padded("history") + "none recorded\n";
    std::string out;
    const auto line = [&](const char* key, std::string value) {
        for (char& c : value) // one line per field, whatever the text holds
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                c = ' ';
        out += padded(key) + value + "\n";
    };
    line("nnlab version", p.nnlabVersion.empty() ? "unknown" : p.nnlabVersion);
    line("preset", p.preset.empty() ? "none (the settings were chosen by hand)" : p.preset);
    if (!p.setup.empty())
        line("setup", p.setup);
    line("weight seed", std::to_string(p.weightSeed));
    line("data order", p.shuffled ? "shuffled, seed " + std::to_string(p.shuffleSeed)
                                  : "file order (shuffle seed " + std::to_string(p.shuffleSeed) +
                                        ", not used)");
    line("data set", p.dataName.empty() ? "unknown" : p.dataName);
    for (const FileDigest& f : p.dataFiles)
        line("data file", f.name + ", " + byteCount(f.bytes) + ", SHA-256 " + f.sha256);
    if (p.epochs.empty())
        line("epochs", "none finished");
    for (const EpochRecord& e : p.epochs) {
        std::string accuracy = "not measured";
        if (e.testAccuracy) {
            std::array<char, 32> text;
            std::snprintf(text.data(), text.size(), "%.4f", double(*e.testAccuracy));
            accuracy = text.data();
        }
        line("epoch", std::to_string(e.epoch) + ": " + withThousands(e.samplesSeen) +
                          " samples seen, test accuracy " + accuracy);
    }
    if (p.changes.empty())
        line("knob changes", "none while training");
    for (const KnobChange& c : p.changes)
        line("knob change", "at sample " + withThousands(c.samplesSeen) + ": " + c.text());
    return out;
}

std::string provenanceJson(const Provenance& p)
{
    std::string out = "{";
    const auto key = [&](const char* k) {
        if (out.size() > 1 && out.back() != '{' && out.back() != '[')
            out.push_back(',');
        appendJsonString(out, k);
        out.push_back(':');
    };
    const auto text = [&](const char* k, const std::string& v, std::size_t max) {
        key(k);
        appendJsonString(out, storableUtf8(v, max));
    };
    const auto number = [&](const char* k, std::uint64_t v) {
        key(k);
        out += std::to_string(v);
    };
    text("nnlabVersion", p.nnlabVersion, kMaxProvenanceNameBytes);
    text("preset", p.preset, kMaxProvenanceNameBytes);
    text("setup", p.setup, kMaxProvenanceTextBytes);
    number("weightSeed", p.weightSeed);
    number("shuffleSeed", p.shuffleSeed);
    key("shuffled");
    out += p.shuffled ? "true" : "false";
    text("dataName", p.dataName, kMaxProvenanceNameBytes);
    key("dataFiles");
    out.push_back('[');
    for (std::size_t i = 0; i < p.dataFiles.size(); ++i) {
        out += i ? ",{" : "{";
        text("name", p.dataFiles[i].name, kMaxProvenanceNameBytes);
        text("sha256", p.dataFiles[i].sha256, 64);
        number("bytes", p.dataFiles[i].bytes);
        out.push_back('}');
    }
    out += "]";
    key("epochs");
    out.push_back('[');
    for (std::size_t i = 0; i < p.epochs.size(); ++i) {
        const EpochRecord& e = p.epochs[i];
        out += i ? ",{" : "{";
        number("epoch", std::uint64_t(std::max(e.epoch, 0)));
        number("samplesSeen", e.samplesSeen);
        key("testAccuracy");
        out += e.testAccuracy ? floatText(*e.testAccuracy) : "null";
        out.push_back('}');
    }
    out += "]";
    key("changes");
    out.push_back('[');
    for (std::size_t i = 0; i < p.changes.size(); ++i) {
        const KnobChange& c = p.changes[i];
        out += i ? ",{" : "{";
        number("samplesSeen", c.samplesSeen);
        text("knob", c.knob, kMaxProvenanceNameBytes);
        text("from", c.from, kMaxProvenanceNameBytes);
        text("to", c.to, kMaxProvenanceNameBytes);
        out.push_back('}');
    }
    out += "]}";
    return out;
}

std::optional<Provenance> provenanceFromJson(std::string_view json, std::string& why)
{
    try {
        return ProvenanceFromJson().read(JsonParser(json).document());
    } catch (const std::string& reason) {
        why = reason;
        return std::nullopt;
    }
}

} // namespace nnlab::engine
