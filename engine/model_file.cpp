#include "model_file.h"

#include "binary_io.h"
#include "file_error.h"

#include <cmath>
#include <cstring>
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
    w.u8(std::uint8_t(a.loss));
    w.u8(a.biases ? 1 : 0);
    w.u8(std::uint8_t(a.scaling));
    w.u8(model.info.testAccuracy ? 1 : 0);
    w.f32(model.info.testAccuracy.value_or(0.0f));
    w.u64(model.info.samplesSeen);
    const std::string note = model.info.note.substr(0, kMaxNoteBytes);
    w.u32(std::uint32_t(note.size()));
    w.bytes += note;
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
    if (bytes.size() < sizeof kModelMagic ||
        std::memcmp(bytes.data(), kModelMagic, sizeof kModelMagic) != 0)
        r.fail("not an nnlab model (the file does not start with NNLABMDL)", 0);
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
    a.loss = enumField<Loss>(r, "loss", 2);
    a.biases = enumField<std::uint8_t>(r, "biases flag", 2) != 0;
    a.scaling = enumField<Scaling>(r, "input scaling", 2);
    if (const std::string why = a.validate(); !why.empty())
        r.fail("the architecture is not valid: " + why, 8);

    Model model;
    const bool hasAccuracy = enumField<std::uint8_t>(r, "accuracy flag", 2) != 0;
    const std::uint64_t accuracyAt = r.pos;
    const float accuracy = r.f32("the test accuracy");
    if (hasAccuracy) {
        if (!(accuracy >= 0.0f && accuracy <= 1.0f)) { // NaN too: the .npz reader refuses it
            std::ostringstream text;
            text << "the test accuracy is " << accuracy << "; it must be 0 to 1";
            r.fail(text.str(), accuracyAt);
        }
        model.info.testAccuracy = accuracy;
    }
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

    // Every size is known now: the file must be exactly this long.
    const std::uint64_t floats = std::uint64_t(a.parameterCount());
    const std::uint64_t expected = r.pos + floats * 4 + 4;
    if (bytes.size() < expected)
        r.fail("the file ends early: a " + a.describe() + " network needs " +
                   withThousands(expected) + " bytes, found " + withThousands(bytes.size()),
               bytes.size());
    if (bytes.size() > expected)
        r.fail(withThousands(bytes.size() - expected) +
                   " unexpected bytes after the checksum (trailing data)",
               expected);
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
