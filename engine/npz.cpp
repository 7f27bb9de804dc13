#include "npz.h"

#include "binary_io.h"
#include "file_error.h"
#include "npy.h"
#include "zip_archive.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

namespace nnlab::engine {

namespace {

constexpr std::uint64_t kMaxNpzBytes = std::uint64_t(1) << 31;
static_assert(kMaxNpyBytes == kMaxNpzBytes, "the messages say 2 GiB for both");
constexpr std::size_t kMaxTextBytes = 4096; // the architecture text and the note, in UTF-8
// How the ZIP reader names an .npz in its messages; 4,096 arrays is far beyond any network.
constexpr ZipFormat kNpzFormat{"an .npz file", "an .npz of a network", 4096};

constexpr std::string_view kLessonInputWeights = "w_i_h";
constexpr std::string_view kLessonOutputWeights = "w_h_o";

// ---------------------------------------------------------------------------------------------
// Writing: one .npy array per ZIP entry, named "NAME.npy" as numpy.savez names them.

// The key=value text of the `architecture` array: the choices the weights' shapes do not show.
std::string architectureText(const Architecture& a)
{
    return "activation=" + std::string(toString(a.hiddenActivation)) + "\noutput=" +
           std::string(toString(a.output)) + "\nloss=" + std::string(toString(a.loss)) +
           "\nbiases=" + (a.biases ? "true" : "false") + "\nscaling=" +
           std::string(toString(a.scaling)) + "\ntargets=" + std::string(toString(a.targets)) +
           "\n";
}

bool usesLessonNames(const Architecture& a) { return a.hidden.size() == 1 && !a.biases; }

// "W3", "b3". Appending (not "W" + to_string) sidesteps GCC 12's false -Wrestrict (PR 105329).
std::string layerName(char letter, int layer)
{
    std::string name(1, letter);
    name += std::to_string(layer);
    return name;
}

std::vector<ZipFile> npyFiles(const Model& model)
{
    const Network& net = model.network;
    const Architecture& a = net.architecture();
    std::vector<ZipFile> files;
    const auto add = [&](const std::string& name, std::string npy) {
        files.push_back({name + ".npy", std::move(npy)});
    };
    for (int l = 0; l < net.layerCount(); ++l) {
        const Matrix& w = net.weights(l);
        const std::string name = usesLessonNames(a)
                                     ? std::string(l == 0 ? kLessonInputWeights : kLessonOutputWeights)
                                     : layerName('W', l + 1);
        add(name, npyFloats(w.data(), {std::uint64_t(w.rows()), std::uint64_t(w.cols())}));
        if (a.biases)
            add(layerName('b', l + 1),
                npyFloats(net.bias(l).data(), {std::uint64_t(net.bias(l).size())}));
    }
    const std::vector<int> sizes = a.layerSizes();
    add("layer_sizes", npyFile("<i4", {sizes.size()}, [&](ByteWriter& w) {
            for (const int s : sizes)
                w.u32(std::uint32_t(s));
        }));
    add("architecture", npyText(architectureText(a)));
    if (model.info.testAccuracy)
        add("test_accuracy", npyFloats(&*model.info.testAccuracy, {}));
    add("samples_seen", npyFile("<u8", {}, [&](ByteWriter& w) { w.u64(model.info.samplesSeen); }));
    add("note", npyText(model.info.note.substr(0, kMaxTextBytes)));
    if (!model.info.provenance.empty())
        add("provenance", npyText(provenanceJson(model.info.provenance)));
    return files;
}

std::string serialise(const Model& model, NpzCompression compression, const std::string& path)
{
    if (!model.network.allFinite())
        throw FileError(path, "not saved: the network has weights that are not finite numbers "
                              "(NaN or infinity)");
    if (const std::string why = whyNotStorable(model.info.provenance); !why.empty())
        throw FileError(path, "not saved: " + why);
    return writeZip(npyFiles(model),
                    compression == NpzCompression::Deflated ? ZipMethod::Deflated : ZipMethod::Stored,
                    path);
}

// ---------------------------------------------------------------------------------------------
// Reading: the ZIP's central directory, each used array's .npy header, then the data.

// A used array: its entry in the archive and its .npy header.
struct NpyArray : NpyHeader
{
    std::string name;      // "W1"
    std::size_t entry = 0; // index in the archive's entries
};

ZipReader openArchive(const std::string& bytes, const std::string& path)
{
    if (bytes.size() >= kNpyMagic.size() && std::string_view(bytes).substr(0, kNpyMagic.size()) == kNpyMagic)
        throw FileError(path, FileError::Where::Byte, 0,
                        "this is a single .npy array (numpy.save), not an .npz archive (numpy.savez)");
    return ZipReader(bytes, path, kNpzFormat);
}

// Reads an .npz into a Model: the archive's directory, then every used array's header (names,
// dtypes, shapes, how the layers chain), and only then the values.
class NpzReader
{
public:
    NpzReader(const std::string& bytes, const std::string& path)
        : m_path(path), m_zip(openArchive(bytes, path))
    {
    }

    Model read(NpzDetails* details);

private:
    [[noreturn]] void fail(const std::string& reason) const { throw FileError(m_path, reason); }
    bool has(std::string_view name) const { return m_entries.count(std::string(name)) > 0; }
    const NpyArray& array(const std::string& name);
    // The array's values: its whole entry (checked against the CRC-32) without the header.
    std::string values(const NpyArray& a)
    {
        std::string bytes = m_zip.read(a.entry, std::numeric_limits<std::uint64_t>::max());
        bytes.erase(0, a.dataOffset);
        return bytes;
    }

    void findWeightNames();
    void checkShapes();
    Architecture architecture();
    ModelInfo info();
    // Fills out (rows x cols, row-major) from a float array in C or Fortran order.
    void readFloats(const NpyArray& a, float* out, std::uint64_t rows, std::uint64_t cols);
    std::string readText(const std::string& name, std::uint64_t maxChars = kMaxTextBytes);
    std::optional<double> readFloat(const std::string& name);
    std::optional<std::uint64_t> readCount(const std::string& name);

    const std::string& m_path;
    ZipReader m_zip;
    std::map<std::string, std::size_t> m_entries; // "W1" -> its entry's index
    std::map<std::string, NpyArray> m_arrays;     // headers read so far
    std::vector<std::string> m_weightNames, m_biasNames;
    std::vector<int> m_sizes; // layer sizes, from the weights' shapes
};

const NpyArray& NpzReader::array(const std::string& name)
{
    if (const auto it = m_arrays.find(name); it != m_arrays.end())
        return it->second;
    NpyArray a;
    a.name = name;
    a.entry = m_entries.at(name);
    const ZipEntry& e = m_zip.entries()[a.entry];
    const std::string head = m_zip.read(a.entry, kMaxNpyHeadBytes);
    if (const std::string why = parseNpyHeader(head, e.size, a); !why.empty())
        m_zip.fail(e.name + ": " + why, e.dataAt);
    return m_arrays.emplace(name, std::move(a)).first->second;
}

// The lesson's w_i_h and w_h_o, or W1, W2, ... with b1, b2, ... when the net has biases.
void NpzReader::findWeightNames()
{
    const auto index = [](const std::string& name, char letter) {
        if (name.size() < 2 || name.size() > 4 || name[0] != letter || name[1] == '0')
            return 0;
        int n = 0;
        for (std::size_t i = 1; i < name.size(); ++i) {
            if (name[i] < '0' || name[i] > '9')
                return 0;
            n = n * 10 + (name[i] - '0');
        }
        return n;
    };
    int lastW = 0, lastB = 0;
    for (const auto& [name, entry] : m_entries) {
        lastW = std::max(lastW, index(name, 'W'));
        lastB = std::max(lastB, index(name, 'b'));
    }
    const std::string input(kLessonInputWeights), output(kLessonOutputWeights);
    if (has(input) || has(output)) {
        if (lastW > 0 || lastB > 0)
            fail("both the lesson's " + (has(input) ? input : output) + " and " +
                 (lastW > 0 ? "W" + std::to_string(lastW) : "b" + std::to_string(lastB)) +
                 ": which are the network's weights?");
        for (const std::string& n : {input, output})
            if (!has(n))
                fail("the array " + n + " is missing (the lesson's net has " + input + " and " +
                     output + ")");
        m_weightNames = {input, output};
        return;
    }
    if (lastW == 0) {
        std::string names;
        for (const auto& [name, entry] : m_entries)
            names += (names.empty() ? "" : ", ") + name;
        fail("the weights are missing: no array W1 (or the lesson's w_i_h and w_h_o); the "
             "archive has " + (names.empty() ? std::string("no arrays") : names));
    }
    if (lastW > kMaxHiddenLayers + 1)
        fail("W" + std::to_string(lastW) + ": a network has at most " +
             std::to_string(kMaxHiddenLayers + 1) + " weight layers");
    if (lastB > lastW)
        fail("b" + std::to_string(lastB) + " has no weights W" + std::to_string(lastB));
    for (int l = 1; l <= lastW; ++l) {
        m_weightNames.push_back("W" + std::to_string(l));
        if (!has(m_weightNames.back()))
            fail("the array " + m_weightNames.back() + " is missing (the archive has W" +
                 std::to_string(lastW) + ")");
    }
    for (int l = 1; lastB > 0 && l <= lastW; ++l) {
        m_biasNames.push_back("b" + std::to_string(l));
        if (!has(m_biasNames.back()))
            fail("the array " + m_biasNames.back() + " is missing (the archive has b" +
                 std::to_string(lastB) + "; a net with biases has one per weight layer)");
    }
}

// Float dtypes, W_l out x in with each layer's outputs the next one's inputs, b_l (out,).
void NpzReader::checkShapes()
{
    for (const std::string& name : m_weightNames) {
        const NpyArray& w = array(name);
        if (w.descr != "<f4" && w.descr != "<f8")
            fail(name + " has dtype '" + w.descr + "'; nnlab reads float32 ('<f4') or float64 ('<f8')");
        if (w.shape.size() != 2)
            fail(name + " should be a matrix (out x in), found shape " + w.shapeText());
        for (const std::uint64_t d : w.shape)
            if (d < 1 || d > std::uint64_t(kMaxLayerSize))
                fail(name + " has shape " + w.shapeText() + "; a layer has 1 to " +
                     withThousands(std::uint64_t(kMaxLayerSize)) + " nodes");
        if (m_sizes.empty())
            m_sizes.push_back(int(w.shape[1]));
        else if (w.shape[1] != std::uint64_t(m_sizes.back()))
            fail("the shapes do not chain: " + name + " is " + w.shapeText() + " but the layer before "
                 "has " + std::to_string(m_sizes.back()) + " outputs, so " + name + " needs " +
                 std::to_string(m_sizes.back()) + " columns, found " + std::to_string(w.shape[1]));
        m_sizes.push_back(int(w.shape[0]));
    }
    for (std::size_t l = 0; l < m_biasNames.size(); ++l) {
        const NpyArray& b = array(m_biasNames[l]);
        if (b.descr != "<f4" && b.descr != "<f8")
            fail(b.name + " has dtype '" + b.descr + "'; nnlab reads float32 ('<f4') or float64 ('<f8')");
        const std::uint64_t n = std::uint64_t(m_sizes[l + 1]);
        const bool vector = b.shape.size() == 1 && b.shape[0] == n;
        const bool column = b.shape.size() == 2 && b.shape[0] == n && b.shape[1] == 1;
        if (!vector && !column)
            fail(b.name + " has shape " + b.shapeText() + "; " + m_weightNames[l] + " has " +
                 std::to_string(n) + " outputs, so it needs shape (" + std::to_string(n) + ",)");
    }
}

// maxChars: the architecture and the note are at most 4,096 bytes of UTF-8; the provenance JSON
// at most kMaxProvenanceJsonChars characters, checked on the dtype's width before its values
// are read.
std::string NpzReader::readText(const std::string& name, std::uint64_t maxChars)
{
    const NpyArray& a = array(name);
    if (a.descr.size() < 3 || a.descr.compare(0, 2, "<U") != 0 || !a.shape.empty())
        fail(name + " should be text (a 0-d '<U' array), found dtype '" + a.descr +
             "' of shape " + a.shapeText());
    // A short text's width may exceed its UTF-8 length only by padding: up to 16,384 is read.
    const std::uint64_t widest = std::max<std::uint64_t>(maxChars, 16384);
    if (a.itemSize() / 4 > widest)
        fail(name + " is text of " + withThousands(a.itemSize() / 4) + " characters; at most " +
             withThousands(widest));
    std::string utf8 = utf8FromNpyText(values(a));
    if (maxChars == kMaxTextBytes && utf8.size() > kMaxTextBytes)
        fail(name + " is " + withThousands(utf8.size()) + " bytes of text; at most " +
             withThousands(kMaxTextBytes));
    return utf8;
}

std::optional<double> NpzReader::readFloat(const std::string& name)
{
    if (!has(name))
        return std::nullopt;
    const NpyArray& a = array(name);
    if ((a.descr != "<f4" && a.descr != "<f8") || !a.shape.empty())
        fail(name + " should be one float (a 0-d '<f4' or '<f8' array), found dtype '" + a.descr +
             "' of shape " + a.shapeText());
    const std::string v = values(a);
    const auto* p = reinterpret_cast<const unsigned char*>(v.data());
    return a.descr == "<f4" ? double(littleEndian<float>(p)) : littleEndian<double>(p);
}

std::optional<std::uint64_t> NpzReader::readCount(const std::string& name)
{
    if (!has(name))
        return std::nullopt;
    const NpyArray& a = array(name);
    const bool integer = a.descr == "<i4" || a.descr == "<i8" || a.descr == "<u4" || a.descr == "<u8";
    if (!integer || !a.shape.empty())
        fail(name + " should be one whole number (a 0-d integer array), found dtype '" + a.descr +
             "' of shape " + a.shapeText());
    const std::string v = values(a);
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        n |= std::uint64_t(static_cast<unsigned char>(v[i])) << (8 * i);
    const bool negative = a.kind() == 'i' && (static_cast<unsigned char>(v.back()) & 0x80);
    if (negative)
        fail(name + " is negative");
    return n;
}

// The archive's `architecture` text over the defaults; the layer sizes come from the shapes.
Architecture NpzReader::architecture()
{
    Architecture a;
    a.inputs = m_sizes.front();
    a.hidden.assign(m_sizes.begin() + 1, m_sizes.end() - 1);
    a.outputs = m_sizes.back();
    a.biases = !m_biasNames.empty();
    a.hiddenActivation = Activation::Sigmoid;
    a.output = Output::Sigmoid;
    a.loss = Loss::SquaredError;
    a.scaling = Scaling::Lesson;
    a.targets = Targets::Lesson;
    if (has("architecture")) {
        const std::string text = readText("architecture");
        std::vector<std::string> seen;
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = std::min(text.find('\n', start), text.size());
            std::string line = text.substr(start, end - start);
            start = end + 1;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.empty())
                continue;
            const std::size_t eq = line.find('=');
            if (eq == std::string::npos)
                fail("architecture: the line \"" + line + "\" is not key=value");
            const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
            if (std::find(seen.begin(), seen.end(), key) != seen.end())
                fail("architecture: " + key + " is given twice");
            seen.push_back(key);
            const auto choice = [&](auto parse, auto& field, const char* allowed) {
                const auto v = parse(value);
                if (!v)
                    fail("architecture: " + key + " must be one of " + allowed + ", not \"" +
                         value + "\"");
                field = *v;
            };
            if (key == "activation")
                choice(parseActivation, a.hiddenActivation, "sigmoid, tanh, relu");
            else if (key == "output")
                choice(parseOutput, a.output, "sigmoid, softmax");
            else if (key == "loss")
                choice(parseLoss, a.loss, "squared-error, cross-entropy");
            else if (key == "scaling")
                choice(parseScaling, a.scaling, "lesson, unit, raw");
            else if (key == "targets")
                choice(parseTargets, a.targets, "lesson, 0-1");
            else if (key == "biases") {
                if (value != "true" && value != "false")
                    fail("architecture: biases must be true or false, not \"" + value + "\"");
                if ((value == "true") != a.biases)
                    fail("architecture says biases=" + value + " but the archive has " +
                         (a.biases ? "biases b1, b2, ..." : "no biases (no b1)"));
            } else
                fail("architecture: unknown key \"" + key +
                     "\" (nnlab knows activation, output, loss, biases, scaling, targets)");
        }
    }
    if (has("layer_sizes")) {
        const NpyArray& s = array("layer_sizes");
        const bool integer = s.descr == "<i4" || s.descr == "<i8" || s.descr == "<u4" || s.descr == "<u8";
        if (!integer || s.shape.size() != 1)
            fail("layer_sizes should be whole numbers of shape (n,), found dtype '" + s.descr +
                 "' of shape " + s.shapeText());
        if (s.count != m_sizes.size())
            fail("layer_sizes has " + withThousands(s.count) + " entries but the weights chain " +
                 std::to_string(m_sizes.size()) + " layers");
        const std::string v = values(s);
        const auto* p = reinterpret_cast<const unsigned char*>(v.data());
        std::vector<std::int64_t> given;
        for (std::uint64_t i = 0; i < s.count; ++i)
            given.push_back(s.itemSize() == 8 ? littleEndian<std::int64_t>(p + 8 * i)
                            : s.kind() == 'i' ? std::int64_t(littleEndian<std::int32_t>(p + 4 * i))
                                              : std::int64_t(littleEndian<std::uint32_t>(p + 4 * i)));
        const auto dashed = [](const auto& sizes) {
            std::string t;
            for (const auto x : sizes)
                t += (t.empty() ? "" : "-") + std::to_string(x);
            return t;
        };
        if (!std::equal(given.begin(), given.end(), m_sizes.begin(), m_sizes.end()))
            fail("layer_sizes says " + dashed(given) + " but the weights chain " + dashed(m_sizes));
    }
    if (const std::string why = a.validate(); !why.empty())
        fail("the network is not valid: " + why);
    return a;
}

ModelInfo NpzReader::info()
{
    ModelInfo info;
    if (const std::optional<double> accuracy = readFloat("test_accuracy")) {
        if (!(*accuracy >= 0 && *accuracy <= 1)) {
            std::ostringstream text;
            text << "test_accuracy is " << *accuracy << "; it must be 0 to 1";
            fail(text.str());
        }
        info.testAccuracy = float(*accuracy);
    }
    info.samplesSeen = readCount("samples_seen").value_or(0);
    if (has("note"))
        info.note = readText("note");
    if (has("provenance")) {
        std::string why;
        std::optional<Provenance> p =
            provenanceFromJson(readText("provenance", kMaxProvenanceJsonChars), why);
        if (!p)
            fail("provenance (the training history, JSON): " + why);
        info.provenance = std::move(*p);
    }
    return info;
}

void NpzReader::readFloats(const NpyArray& a, float* out, std::uint64_t rows, std::uint64_t cols)
{
    const std::string bytes = values(a);
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const bool f8 = a.descr == "<f8";
    for (std::uint64_t r = 0; r < rows; ++r)
        for (std::uint64_t c = 0; c < cols; ++c) {
            const std::uint64_t i = a.fortranOrder ? c * rows + r : r * cols + c;
            const double v = f8 ? littleEndian<double>(data + 8 * i)
                                : double(littleEndian<float>(data + 4 * i));
            const float f = static_cast<float>(v);
            if (!std::isfinite(f)) {
                std::ostringstream text;
                text << a.name << "[" << r << (a.shape.size() == 2 ? ", " + std::to_string(c) : "")
                     << "] is " << v
                     << (std::isfinite(v) ? ", beyond the float32 range" : ", not a finite number");
                fail(text.str());
            }
            out[r * cols + c] = f;
        }
}

Model NpzReader::read(NpzDetails* details)
{
    NpzDetails found;
    for (std::size_t i = 0; i < m_zip.entries().size(); ++i) {
        const ZipEntry& e = m_zip.entries()[i];
        // numpy.load names each array after its entry without ".npy"; other entries are not arrays.
        if (e.name.size() > 4 && e.name.compare(e.name.size() - 4, 4, ".npy") == 0) {
            found.arrays.push_back(e.name.substr(0, e.name.size() - 4));
            m_entries[found.arrays.back()] = i;
        } else {
            found.ignored.push_back(e.name);
        }
    }
    findWeightNames();
    checkShapes();
    Model model;
    const Architecture a = architecture();
    model.info = info();
    found.architectureGiven = has("architecture");
    for (const std::string& name : found.arrays) {
        static const std::vector<std::string> kOthers{"architecture", "layer_sizes",
                                                      "test_accuracy", "samples_seen", "note",
                                                      "provenance"};
        const auto in = [&](const std::vector<std::string>& v) {
            return std::find(v.begin(), v.end(), name) != v.end();
        };
        if (!in(m_weightNames) && !in(m_biasNames) && !in(kOthers))
            found.ignored.push_back(name);
    }

    // Every shape is checked: now the weights are allocated and filled.
    Network net(a);
    for (int l = 0; l < net.layerCount(); ++l) {
        Matrix& w = net.weights(l);
        readFloats(array(m_weightNames[std::size_t(l)]), w.data(), std::uint64_t(w.rows()),
                   std::uint64_t(w.cols()));
        if (a.biases)
            readFloats(array(m_biasNames[std::size_t(l)]), net.bias(l).data(),
                       std::uint64_t(net.bias(l).size()), 1);
    }
    model.network = std::move(net);
    if (details)
        *details = std::move(found);
    return model;
}

} // namespace

void writeNpz(std::ostream& out, const Model& model, const std::string& pathForMessages,
              NpzCompression compression)
{
    const std::string bytes = serialise(model, compression, pathForMessages);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out)
        throw FileError(pathForMessages, "could not be written");
}

Model readNpz(std::istream& in, const std::string& pathForMessages, NpzDetails* details)
{
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty())
        throw FileError(pathForMessages, "the file is empty");
    if (bytes.size() > kMaxNpzBytes)
        throw FileError(pathForMessages, "the file is larger than any nnlab .npz (2 GiB)");
    return NpzReader(bytes, pathForMessages).read(details);
}

void saveNpz(const std::string& path, const Model& model, NpzCompression compression)
{
    saveFileAtomically(path, serialise(model, compression, path));
}

Model loadNpz(const std::string& path, NpzDetails* details)
{
    const std::string bytes = readWholeFile(path, kMaxNpzBytes, "nnlab .npz (2 GiB)");
    return NpzReader(bytes, path).read(details);
}

} // namespace nnlab::engine