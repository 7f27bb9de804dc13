#include "model_file.h"

#include "binary_io.h"
#include "file_error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

namespace nnlab::engine {

namespace {

constexpr std::uint32_t kMaxNoteBytes = 4096;
constexpr std::uint64_t kMaxModelBytes = std::uint64_t(1) << 31;

template <typename E>
E enumField(ByteReader& r, const char* what, std::uint8_t count)
{
    const std::uint64_t at = r.pos;
    const std::uint8_t v = r.u8(what);
    if (v >= count)
        r.fail(std::string("unknown ") + what + " code " + std::to_string(v), at);
    return E(v);
}

// The loss byte: bits 0-1 the loss (0 squared error, 1 cross-entropy; room for two more), bit 2
// the squared error's targets (0 the lesson's 0.01/0.99, 1 0 and 1). Files written before the
// targets could be chosen hold 0 or 1 and read with the lesson's targets: no new version.
constexpr int kTargetsShift = 2;

std::uint8_t lossCode(const Architecture& a)
{
    return std::uint8_t(int(a.loss) | (int(a.targets) << kTargetsShift));
}

void readLossCode(ByteReader& r, Architecture& a)
{
    const std::uint64_t at = r.pos;
    const std::uint8_t code = r.u8("loss");
    const int loss = code & ((1 << kTargetsShift) - 1), targets = code >> kTargetsShift;
    if (loss > int(Loss::CrossEntropy) || targets > int(Targets::ZeroOne))
        r.fail("unknown loss code " + std::to_string(code), at);
    a.loss = Loss(loss);
    a.targets = Targets(targets);
}

// ---------------------------------------------------------------------------------------------
// Version 2's provenance block, after the note (docs/model-format.md, "Provenance").

void writeString(ByteWriter& w, const std::string& s, std::size_t maxBytes)
{
    const std::string stored = storableUtf8(s, maxBytes);
    w.u32(std::uint32_t(stored.size()));
    w.append(stored);
}

void writeProvenance(ByteWriter& w, const Provenance& p, const std::string& path)
{
    if (const std::string why = whyNotStorable(p); !why.empty())
        throw FileError(path, "not saved: " + why);
    writeString(w, p.nnlabVersion, kMaxProvenanceNameBytes);
    writeString(w, p.preset, kMaxProvenanceNameBytes);
    writeString(w, p.setup, kMaxProvenanceTextBytes);
    w.u64(p.weightSeed);
    w.u64(p.shuffleSeed);
    w.u8(p.shuffled ? 1 : 0);
    writeString(w, p.dataName, kMaxProvenanceNameBytes);
    w.u32(std::uint32_t(p.dataFiles.size()));
    for (const FileDigest& f : p.dataFiles) {
        writeString(w, f.name, kMaxProvenanceNameBytes);
        w.u64(f.bytes);
        w.append(f.sha256); // 64 hex digits, checked by whyNotStorable
    }
    w.u32(std::uint32_t(p.epochs.size()));
    for (const EpochRecord& e : p.epochs) {
        w.u32(std::uint32_t(e.epoch));
        w.u64(e.samplesSeen);
        w.u8(e.testAccuracy ? 1 : 0);
        w.f32(e.testAccuracy.value_or(0.0f));
    }
    w.u32(std::uint32_t(p.changes.size()));
    for (const KnobChange& c : p.changes) {
        w.u64(c.samplesSeen);
        writeString(w, c.knob, kMaxProvenanceNameBytes);
        writeString(w, c.from, kMaxProvenanceNameBytes);
        writeString(w, c.to, kMaxProvenanceNameBytes);
    }
}

// A u32 length, then that many bytes of UTF-8: what = "the preset", "the name of data file 2".
std::string readString(ByteReader& r, const std::string& what, std::uint32_t maxBytes)
{
    const std::uint64_t at = r.pos;
    const std::uint32_t n = r.u32((what + " length").c_str());
    if (n > maxBytes)
        r.fail(what + " is " + withThousands(n) + " bytes long; at most " + withThousands(maxBytes), at);
    r.need(n, what.c_str());
    std::string s(reinterpret_cast<const char*>(r.data + r.pos), n);
    if (!isValidUtf8(s))
        r.fail(what + " is not valid UTF-8", r.pos);
    r.pos += n;
    return s;
}

// A u32 count of records of at least minBytes each: its limit and the bytes left are checked
// before the records are read.
std::uint32_t readCount(ByteReader& r, const char* what, std::uint32_t max, std::uint64_t minBytes)
{
    const std::uint64_t at = r.pos;
    const std::uint32_t n = r.u32((std::string("the count of ") + what).c_str());
    if (n > max)
        r.fail(withThousands(n) + " " + what + "; at most " + withThousands(max), at);
    r.need(std::uint64_t(n) * minBytes, (std::string("the list of ") + what).c_str());
    return n;
}

Provenance readProvenance(ByteReader& r)
{
    Provenance p;
    p.nnlabVersion = readString(r, "the nnlab version", kMaxProvenanceNameBytes);
    p.preset = readString(r, "the preset", kMaxProvenanceNameBytes);
    p.setup = readString(r, "the setup text", kMaxProvenanceTextBytes);
    p.weightSeed = r.u64("the weight seed");
    p.shuffleSeed = r.u64("the shuffle seed");
    p.shuffled = enumField<std::uint8_t>(r, "shuffled flag", 2) != 0;
    p.dataName = readString(r, "the data set name", kMaxProvenanceNameBytes);
    const std::uint32_t files = readCount(r, "data files", kMaxDataFiles, 4 + 8 + 64);
    for (std::uint32_t i = 0; i < files; ++i) {
        const std::string which = "data file " + std::to_string(i + 1);
        FileDigest f;
        f.name = readString(r, "the name of " + which, kMaxProvenanceNameBytes);
        f.bytes = r.u64(("the size of " + which).c_str());
        const std::string digest = "the SHA-256 of " + which;
        r.need(64, digest.c_str());
        f.sha256.assign(reinterpret_cast<const char*>(r.data + r.pos), 64);
        if (!isSha256Hex(f.sha256))
            r.fail(digest + " is not 64 lowercase hex digits", r.pos);
        r.pos += 64;
        p.dataFiles.push_back(std::move(f));
    }
    const std::uint32_t epochs = readCount(r, "epoch records", kMaxEpochRecords, 4 + 8 + 1 + 4);
    p.epochs.reserve(epochs);
    for (std::uint32_t i = 0; i < epochs; ++i) {
        const std::string which = "epoch record " + std::to_string(i + 1);
        EpochRecord e;
        const std::uint64_t at = r.pos;
        const std::uint32_t epoch = r.u32(("the number of " + which).c_str());
        if (epoch > std::uint32_t(std::numeric_limits<int>::max()))
            r.fail(which + " is numbered " + withThousands(epoch) + ", beyond any run", at);
        e.epoch = int(epoch);
        e.samplesSeen = r.u64(("the sample count of " + which).c_str());
        const std::uint64_t flagAt = r.pos;
        const std::uint8_t flag = r.u8(("the accuracy flag of " + which).c_str());
        if (flag > 1)
            r.fail(which + ": unknown accuracy flag code " + std::to_string(flag), flagAt);
        const bool measured = flag != 0;
        const float accuracy = r.f32(("the test accuracy of " + which).c_str());
        if (measured && !(accuracy >= 0.0f && accuracy <= 1.0f)) { // NaN fails both
            std::ostringstream text;
            text << "the test accuracy of " << which << " is " << accuracy << "; it must be 0 to 1";
            r.fail(text.str(), r.pos - 4);
        }
        if (measured)
            e.testAccuracy = accuracy;
        p.epochs.push_back(e);
    }
    const std::uint32_t changes = readCount(r, "knob changes", kMaxKnobChanges, 8 + 3 * 4);
    p.changes.reserve(changes);
    for (std::uint32_t i = 0; i < changes; ++i) {
        const std::string which = "knob change " + std::to_string(i + 1);
        KnobChange c;
        c.samplesSeen = r.u64(("the sample of " + which).c_str());
        c.knob = readString(r, "the knob name of " + which, kMaxProvenanceNameBytes);
        c.from = readString(r, "the old value of " + which, kMaxProvenanceNameBytes);
        c.to = readString(r, "the new value of " + which, kMaxProvenanceNameBytes);
        p.changes.push_back(std::move(c));
    }
    return p;
}

std::string serialise(const Model& model, const std::string& path)
{
    const Network& net = model.network;
    const Architecture& a = net.architecture();
    if (!net.allFinite())
        throw FileError(path, "not saved: the network has weights that are not finite numbers "
                              "(NaN or infinity)");
    ByteWriter w;
    w.bytes.append(kModelMagic, sizeof kModelMagic);
    w.u32(kModelVersion);
    w.u32(std::uint32_t(a.inputs));
    w.u32(std::uint32_t(a.hidden.size()));
    for (int h : a.hidden)
        w.u32(std::uint32_t(h));
    w.u32(std::uint32_t(a.outputs));
    w.u8(std::uint8_t(a.hiddenActivation));
    w.u8(std::uint8_t(a.output));
    w.u8(lossCode(a));
    w.u8(a.biases ? 1 : 0);
    w.u8(std::uint8_t(a.scaling));
    w.u8(model.info.testAccuracy ? 1 : 0);
    w.f32(model.info.testAccuracy.value_or(0.0f));
    w.u64(model.info.samplesSeen);
    const std::string note = model.info.note.substr(0, kMaxNoteBytes);
    w.u32(std::uint32_t(note.size()));
    w.bytes += note;
    writeProvenance(w, model.info.provenance, path);
    for (int l = 0; l < net.layerCount(); ++l) {
        const Matrix& m = net.weights(l);
        for (Eigen::Index i = 0; i < m.size(); ++i)
            w.f32(m.data()[i]);
        if (a.biases)
            for (Eigen::Index i = 0; i < net.bias(l).size(); ++i)
                w.f32(net.bias(l)[i]);
    }
    w.u32(crc32Of(w.bytes.data(), w.bytes.size()));
    return w.bytes;
}

Model parse(const std::string& bytes, const std::string& path)
{
    ByteReader r{path, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()};
    if (bytes.empty())
        throw FileError(path, "the file is empty");
    const std::size_t magicBytes = std::min(bytes.size(), sizeof kModelMagic);
    if (std::memcmp(bytes.data(), kModelMagic, magicBytes) != 0)
        r.fail("not an nnlab model (the file does not start with NNLABMDL)", 0);
    r.need(sizeof kModelMagic, "the magic"); // NNLABMDL cut short
    r.pos = sizeof kModelMagic;
    const std::uint32_t version = r.u32("the version");
    if (version == 0 || version > kModelVersion)
        r.fail("version " + std::to_string(version) + " is not one this nnlab reads (1 to " +
                   std::to_string(kModelVersion) + ")",
               8);

    Architecture a;
    auto size = [&](const char* what) {
        const std::uint64_t at = r.pos;
        const std::uint32_t v = r.u32(what);
        if (v < 1 || v > std::uint32_t(kMaxLayerSize))
            r.fail(std::string(what) + " is " + withThousands(v) + "; it must be 1 to " +
                       withThousands(std::uint64_t(kMaxLayerSize)),
                   at);
        return int(v);
    };
    a.inputs = size("the input layer size");
    const std::uint64_t layersAt = r.pos;
    const std::uint32_t hiddenCount = r.u32("the hidden layer count");
    if (hiddenCount > std::uint32_t(kMaxHiddenLayers))
        r.fail(withThousands(hiddenCount) + " hidden layers; at most " +
                   std::to_string(kMaxHiddenLayers),
               layersAt);
    a.hidden.clear();
    for (std::uint32_t i = 0; i < hiddenCount; ++i)
        a.hidden.push_back(size("a hidden layer size"));
    a.outputs = size("the output layer size");
    a.hiddenActivation = enumField<Activation>(r, "hidden activation", 3);
    a.output = enumField<Output>(r, "output activation", 2);
    readLossCode(r, a);
    a.biases = enumField<std::uint8_t>(r, "biases flag", 2) != 0;
    a.scaling = enumField<Scaling>(r, "input scaling", 3);
    if (const std::string why = a.validate(); !why.empty())
        r.fail("the architecture is not valid: " + why, 8);

    Model model;
    const bool hasAccuracy = enumField<std::uint8_t>(r, "accuracy flag", 2) != 0;
    const float accuracy = r.f32("the test accuracy");
    if (hasAccuracy && !(accuracy >= 0.0f && accuracy <= 1.0f)) { // NaN fails both
        std::ostringstream text;
        text << "the test accuracy is " << accuracy << "; it must be 0 to 1";
        r.fail(text.str(), r.pos - 4);
    }
    if (hasAccuracy)
        model.info.testAccuracy = accuracy;
    model.info.samplesSeen = r.u64("the sample count");
    const std::uint64_t noteAt = r.pos;
    const std::uint32_t noteBytes = r.u32("the note length");
    if (noteBytes > kMaxNoteBytes)
        r.fail("a note of " + withThousands(noteBytes) + " bytes; at most " +
                   withThousands(kMaxNoteBytes),
               noteAt);
    r.need(noteBytes, "the note");
    model.info.note.assign(bytes.data() + r.pos, noteBytes);
    r.pos += noteBytes;
    if (version >= 2)
        model.info.provenance = readProvenance(r);
    model.info.fileVersion = version;

    // Every size is known now: the file must be exactly this long.
    const std::uint64_t floats = std::uint64_t(a.parameterCount());
    const std::uint64_t expected = r.pos + floats * 4 + 4;
    if (bytes.size() < expected)
        r.fail("the file ends early: a " + a.describe() + " network needs " +
                   withThousands(expected) + " bytes, found " + withThousands(bytes.size()),
               bytes.size());
    if (bytes.size() > expected) {
        const std::uint64_t extra = bytes.size() - expected;
        r.fail(withThousands(extra) + (extra == 1 ? " unexpected byte" : " unexpected bytes") +
                   " after the checksum (trailing data)",
               expected);
    }
    const std::uint64_t crcAt = expected - 4;
    const std::uint32_t stored = ByteReader{path, r.data, r.size, crcAt}.u32("the checksum");
    const std::uint32_t actual = crc32Of(bytes.data(), crcAt);
    if (stored != actual)
        r.fail("the checksum does not match (the file is damaged)", crcAt);

    Network net(a);
    for (int l = 0; l < net.layerCount(); ++l) {
        auto readTensor = [&](float* dst, Eigen::Index n, const char* kind) {
            for (Eigen::Index i = 0; i < n; ++i) {
                const std::uint64_t at = r.pos;
                dst[i] = r.f32(kind);
                if (!std::isfinite(dst[i]))
                    r.fail(std::string(kind) + " " + std::to_string(l + 1) + ", element " +
                               withThousands(std::uint64_t(i)) + " is not a finite number",
                           at);
            }
        };
        readTensor(net.weights(l).data(), net.weights(l).size(), "weight layer");
        if (a.biases)
            readTensor(net.bias(l).data(), net.bias(l).size(), "bias layer");
    }
    model.network = std::move(net);
    return model;
}

} // namespace

void writeModel(std::ostream& out, const Model& model, const std::string& pathForMessages)
{
    const std::string bytes = serialise(model, pathForMessages);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out)
        throw FileError(pathForMessages, "could not be written");
}

Model readModel(std::istream& in, const std::string& pathForMessages)
{
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    if (bytes.size() > kMaxModelBytes)
        throw FileError(pathForMessages, "the file is larger than any nnlab model (2 GiB)");
    return parse(bytes, pathForMessages);
}

void saveModel(const std::string& path, const Model& model)
{
    saveFileAtomically(path, serialise(model, path)); // serialise throws before anything is written
}

Model loadModel(const std::string& path)
{
    return parse(readWholeFile(path, kMaxModelBytes, "nnlab model (2 GiB)"), path);
}

} // namespace nnlab::engine
