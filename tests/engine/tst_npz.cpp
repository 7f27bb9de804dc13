// NumPy .npz: bit-exact round trips, numpy's own files (data/make_npz_fixtures.py), a clear error
// for every kind of damage, atomic saves.
#include "engine/file_error.h"
#include "engine/model_io.h"
#include "engine/npz.h"
#include "engine/zip_archive.h"
#include "tests/common/test_support.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <sstream>

using namespace nnlab::engine;
using nnlab::test::makeModel;

namespace {

std::string npzBytes(const Model& m, NpzCompression c = NpzCompression::Stored)
{
    std::ostringstream out;
    writeNpz(out, m, "mem.npz", c);
    return out.str();
}

// The fixtures' values, rebuilt here (data/make_npz_fixtures.py writes them with numpy).
float fixtureWeight(int layer, int r, int c) { return float((3 * r + 5 * c + 7 * layer) % 17) / 16.0f - 0.5f; }
float fixtureBias(int layer, int r) { return float(2 * r + layer) / 8.0f - 0.25f; }

// -- A small .npy writer, independent of the engine's, for hand-made (and malformed) arrays.

void putLe(std::string& s, std::uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        s.push_back(char((v >> (8 * i)) & 0xff));
}

void patchLe(std::string& s, std::size_t at, std::uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        s[at + std::size_t(i)] = char((v >> (8 * i)) & 0xff);
}

std::uint64_t readLe(const std::string& s, std::size_t at, int bytes)
{
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v |= std::uint64_t(static_cast<unsigned char>(s[at + std::size_t(i)])) << (8 * i);
    return v;
}

std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                bool fortran = false)
{
    // A structured dtype is a list, not a quoted string.
    const std::string d = descr.starts_with('[') ? descr : "'" + descr + "'";
    std::string dict = "{'descr': " + d + ", 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
    while ((10 + dict.size() + 1) % 64 != 0)
        dict += ' ';
    dict += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    putLe(out, dict.size(), 2);
    return out + dict + data;
}

std::string f4(const std::vector<float>& values)
{
    std::string s;
    for (float v : values) {
        std::uint32_t bits;
        std::memcpy(&bits, &v, 4);
        putLe(s, bits, 4);
    }
    return s;
}

std::string f8(const std::vector<double>& values)
{
    std::string s;
    for (double v : values) {
        std::uint64_t bits;
        std::memcpy(&bits, &v, 8);
        putLe(s, bits, 8);
    }
    return s;
}

std::string i8(const std::vector<std::int64_t>& values)
{
    std::string s;
    for (std::int64_t v : values)
        putLe(s, std::uint64_t(v), 8);
    return s;
}

std::string unicode(const std::string& ascii)
{
    std::string s;
    for (char c : ascii)
        putLe(s, std::uint64_t(static_cast<unsigned char>(c)), 4);
    return s;
}

std::vector<float> fixtureLayer(int layer, int rows, int cols)
{
    std::vector<float> v;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            v.push_back(fixtureWeight(layer, r, c));
    return v;
}

struct Entry
{
    std::string name; // without .npy
    std::string data;
};

// The archive through the engine's ZIP writer (numpy.savez's layout); the rows below patch its
// bytes to damage it.
std::string zip(const std::vector<Entry>& entries, bool deflated = false)
{
    std::vector<ZipFile> files;
    for (const Entry& e : entries)
        files.push_back({e.name + ".npy", e.data});
    return writeZip(files, deflated ? ZipMethod::Deflated : ZipMethod::Stored, "mem.npz");
}

// Offset of central directory record `index` (0-based) in an archive without a comment.
std::size_t centralRecord(const std::string& zipBytes, int index)
{
    std::size_t at = std::size_t(readLe(zipBytes, zipBytes.size() - 6, 4));
    for (int i = 0; i < index; ++i)
        at += kZipCentralHeaderBytes + readLe(zipBytes, at + 28, 2) + readLe(zipBytes, at + 30, 2) +
              readLe(zipBytes, at + 32, 2);
    return at;
}

// A valid 3-4-2 net in the general naming, with biases, as a list of arrays to spoil.
std::vector<Entry> smallNet()
{
    return {{"W1", npy("<f4", "(4, 3)", f4(fixtureLayer(0, 4, 3)))},
            {"b1", npy("<f4", "(4,)", f4({0.1f, 0.2f, 0.3f, 0.4f}))},
            {"W2", npy("<f4", "(2, 4)", f4(fixtureLayer(1, 2, 4)))},
            {"b2", npy("<f4", "(2,)", f4({-0.1f, 0.1f}))}};
}

std::vector<Entry> with(std::vector<Entry> entries, const Entry& e)
{
    for (Entry& x : entries)
        if (x.name == e.name) {
            x.data = e.data;
            return entries;
        }
    entries.push_back(e);
    return entries;
}

std::vector<Entry> without(std::vector<Entry> entries, const std::string& name)
{
    std::erase_if(entries, [&](const Entry& e) { return e.name == name; });
    return entries;
}

std::vector<Entry> withArchitecture(const std::string& text)
{
    return with(smallNet(), {"architecture", npy("<U" + std::to_string(text.size()), "()", unicode(text))});
}

QByteArray qbytes(const std::string& s) { return QByteArray(s.data(), qsizetype(s.size())); }

} // namespace

class TestNpz : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<bool>("deflated");
        QTest::addColumn<QStringList>("arrays");
        const QStringList lesson{"w_i_h", "w_h_o", "layer_sizes", "architecture", "test_accuracy",
                                 "samples_seen", "note"};
        const QStringList deep{"W1", "b1", "W2", "b2", "W3", "b3", "layer_sizes", "architecture",
                               "test_accuracy", "samples_seen", "note"};
        QTest::newRow("lesson 784-90-10, stored") << 0 << false << lesson;
        QTest::newRow("lesson 784-90-10, deflated") << 0 << true << lesson;
        QTest::newRow("784-64-32-10 relu/softmax with biases, stored") << 1 << false << deep;
        QTest::newRow("784-64-32-10 relu/softmax with biases, deflated") << 1 << true << deep;
        QTest::newRow("3-2 without a hidden layer, tanh, unit scaling")
            << 2 << false
            << QStringList{"W1", "layer_sizes", "architecture", "test_accuracy", "samples_seen", "note"};
    }

    void roundTrip()
    {
        QFETCH(int, which);
        QFETCH(bool, deflated);
        QFETCH(QStringList, arrays);
        Model m = which == 0 ? makeModel({90}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError)
                  : which == 1 ? makeModel({64, 32}, true, Activation::ReLU, Output::Softmax, Loss::CrossEntropy)
                               : makeModel({}, false, Activation::Tanh, Output::Sigmoid, Loss::CrossEntropy, 3);
        if (which == 2) {
            Architecture a = m.network.architecture();
            a.scaling = Scaling::UnitRange;
            Network n(a);
            n.weights(0) = m.network.weights(0);
            m.network = n;
        }
        m.info.testAccuracy = 0.9547f;
        m.info.samplesSeen = 120000;
        m.info.note = "lesson-100 \xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x99\x82"; // é ✓ 🙂
        const std::string file = path("round.npz");
        const NpzCompression c = deflated ? NpzCompression::Deflated : NpzCompression::Stored;
        saveNpz(file, m, c);
        NpzDetails details;
        const Model back = loadNpz(file, &details);
        QVERIFY(back.network == m.network);
        for (int l = 0; l < m.network.layerCount(); ++l) {
            QCOMPARE(std::memcmp(back.network.weights(l).data(), m.network.weights(l).data(),
                                 sizeof(float) * std::size_t(m.network.weights(l).size())), 0);
            if (m.network.architecture().biases)
                QCOMPARE(std::memcmp(back.network.bias(l).data(), m.network.bias(l).data(),
                                     sizeof(float) * std::size_t(m.network.bias(l).size())), 0);
        }
        QCOMPARE(back.info.testAccuracy.value(), 0.9547f);
        QCOMPARE(back.info.samplesSeen, std::uint64_t(120000));
        QCOMPARE(back.info.note, m.info.note);
        QVERIFY(details.architectureGiven);
        QVERIFY(details.ignored.empty());
        QStringList names;
        for (const std::string& n : details.arrays)
            names << QString::fromStdString(n);
        QCOMPARE(names, arrays);
        QCOMPARE(npzBytes(back, c), npzBytes(m, c)); // and saving again gives the same bytes

        // Through .nnlab and back: the same bytes again (nnlab -> npz -> nnlab -> npz).
        saveModelFile(path("round.nnlab"), back);
        QCOMPARE(npzBytes(loadModelFile(path("round.nnlab")), c), npzBytes(m, c));
    }

    void withoutTrainingInfo()
    {
        const Model m = makeModel({5}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, 3);
        std::istringstream in(npzBytes(m));
        const Model back = readNpz(in, "mem.npz");
        QVERIFY(back.network == m.network);
        QVERIFY(!back.info.testAccuracy);
        QCOMPARE(back.info.samplesSeen, std::uint64_t(0));
        QCOMPARE(back.info.note, std::string());
        QVERIFY(back.info.provenance.empty());
    }

    // The training history travels as the JSON text array `provenance` (numpy reads it as a 0-d
    // '<U' array: json.loads(str(np.load(f)["provenance"]))), stored or deflated, and comes back
    // whole, through .nnlab and back too.
    void provenanceRoundTrip_data()
    {
        QTest::addColumn<bool>("deflated");
        QTest::newRow("stored") << false;
        QTest::newRow("deflated") << true;
    }

    void provenanceRoundTrip()
    {
        QFETCH(bool, deflated);
        const NpzCompression c = deflated ? NpzCompression::Deflated : NpzCompression::Stored;
        Model m = makeModel({90}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError);
        Provenance& p = m.info.provenance;
        p.nnlabVersion = "0.1.0";
        p.preset = "lesson";
        p.setup = "784-90-10 sigmoid \xc2\xb7 SGD l_r 0.1 \xc2\xb7 \"batch\" 1\n";
        p.weightSeed = 18446744073709551615u;
        p.shuffleSeed = 3;
        p.dataName = "MNIST";
        p.dataFiles = {{"train-images-idx3-ubyte.gz", std::string(64, 'e'), 9912422}};
        p.epochs = {{1, 60000, 0.9547f}, {2, 120000, std::nullopt}};
        p.changes = {{30000, "l_r", "0.1", "0.3"}};
        const std::string file = path(deflated ? "history-deflated.npz" : "history.npz");
        saveNpz(file, m, c);
        NpzDetails details;
        const Model back = loadNpz(file, &details);
        QVERIFY(back.info.provenance == p);
        QCOMPARE(details.arrays.back(), std::string("provenance"));
        QVERIFY(details.ignored.empty());
        QCOMPARE(npzBytes(back, c), npzBytes(m, c));
        saveModelFile(path("history.nnlab"), back);
        const Model viaNnlab = loadModelFile(path("history.nnlab"));
        QVERIFY(viaNnlab.info.provenance == p);
        QCOMPARE(npzBytes(viaNnlab, c), npzBytes(m, c));
    }

    // A provenance entry as numpy writes one: json.dumps's spaces, a key nnlab does not know.
    void provenanceFromNumpy()
    {
        const std::string json = R"({"preset": "lesson", "weightSeed": 5, "shuffled": false, )"
                                 R"("epochs": [{"epoch": 1, "samplesSeen": 100, "testAccuracy": 0.5}], )"
                                 R"("comment": "written by hand"})";
        const std::string bytes =
            zip(with(smallNet(), {"provenance", npy("<U" + std::to_string(json.size()), "()", unicode(json))}));
        std::istringstream in(bytes);
        const Model m = readNpz(in, "numpy.npz");
        QCOMPARE(m.info.provenance.preset, std::string("lesson"));
        QCOMPARE(m.info.provenance.weightSeed, std::uint64_t(5));
        QCOMPARE(m.info.provenance.epochs.size(), std::size_t(1));
        QCOMPARE(m.info.provenance.epochs[0].testAccuracy.value(), 0.5f);
    }

    // np.savez of the lesson's two float32 matrices, with no architecture: nnlab's defaults.
    void numpyLesson()
    {
        NpzDetails details;
        const Model m = loadNpz(QFINDTESTDATA("data/numpy_lesson.npz").toStdString(), &details);
        const Architecture& a = m.network.architecture();
        QCOMPARE(a.describe(), std::string("3-4-2 sigmoid, sigmoid output, squared-error, no biases"));
        QCOMPARE(std::string(toString(a.scaling)), std::string("lesson"));
        QVERIFY(!details.architectureGiven);
        for (int l = 0; l < 2; ++l)
            for (int r = 0; r < m.network.weights(l).rows(); ++r)
                for (int c = 0; c < m.network.weights(l).cols(); ++c)
                    QCOMPARE(m.network.weights(l)(r, c), fixtureWeight(l, r, c));
        QVERIFY(!m.info.testAccuracy);
    }

    // np.savez_compressed: deflate, float64 in Fortran order, a (2, 1) bias, int64 layer sizes.
    void numpyCompressed()
    {
        NpzDetails details;
        const Model m = loadNpz(QFINDTESTDATA("data/numpy_compressed.npz").toStdString(), &details);
        const Architecture& a = m.network.architecture();
        QCOMPARE(a.describe(), std::string("3-4-2 relu, softmax output, cross-entropy, biases"));
        QCOMPARE(std::string(toString(a.scaling)), std::string("unit"));
        QVERIFY(details.architectureGiven);
        QCOMPARE(details.ignored, std::vector<std::string>{"extra"});
        for (int l = 0; l < 2; ++l) {
            for (int r = 0; r < m.network.weights(l).rows(); ++r) {
                for (int c = 0; c < m.network.weights(l).cols(); ++c)
                    QCOMPARE(m.network.weights(l)(r, c), fixtureWeight(l, r, c));
                QCOMPARE(m.network.bias(l)[r], fixtureBias(l, r));
            }
        }
        QCOMPARE(m.info.testAccuracy.value(), 0.75f);
        QCOMPARE(m.info.samplesSeen, std::uint64_t(1234));
        QCOMPARE(m.info.note, std::string("numpy \xe2\x9c\x93"));
    }

    void rejections_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("atByte"); // the message gives a byte offset
        const auto row = [](const char* name, const std::string& b, const char* reason, bool atByte) {
            QTest::newRow(name) << qbytes(b) << QString::fromUtf8(reason) << atByte;
        };
        const std::string good = zip(smallNet());
        const std::string packed = zip(smallNet(), true);

        row("empty file", "", "the file is empty", false);
        row("not a zip", "W1,W2\n0.5,0.25\n", "not an .npz file: it is not a ZIP archive", true);
        row("a single .npy", npy("<f4", "(2,)", f4({1, 2})), "a single .npy array (numpy.save), not an .npz", true);
        row("truncated archive", good.substr(0, good.size() - 30), "the ZIP archive is cut short", true);
        row("truncated to its first bytes", good.substr(0, 40), "the ZIP archive is cut short", true);
        std::string b = good;
        patchLe(b, b.size() - 6, good.size(), 4);
        row("central directory past the end", b, "runs past the end record", true);
        b = good;
        b[centralRecord(b, 1)] = 'X';
        row("damaged central directory", b, "central directory record 2 of 4 does not start with PK", true);
        b = good;
        b[readLe(b, centralRecord(b, 2) + 42, 4)] = 'X';
        row("damaged local header", b, "the local header of W2.npy does not start with PK", true);
        b = good;
        b[b.find("\x93NUMPY") + 140] ^= 0x01; // inside W1's values (its header is 128 bytes)
        row("wrong CRC", b, "the CRC-32 of W1.npy does not match its data", true);
        b = packed;
        b[readLe(b, centralRecord(b, 0) + 42, 4) + kZipLocalHeaderBytes + 6] = char(0xff); // a reserved block type
        row("damaged deflate stream", b, "the compressed data of W1.npy is damaged (zlib: invalid block type)", true);
        b = packed;
        patchLe(b, centralRecord(b, 2) + 20, readLe(b, centralRecord(b, 2) + 20, 4) - 8, 4);
        row("deflate stream cut short", b, "W2.npy inflates to", true);
        b = packed;
        patchLe(b, centralRecord(b, 0) + 24, readLe(b, centralRecord(b, 0) + 24, 4) - 4, 4);
        row("deflate stream longer than declared", b, "W1.npy inflates to more than the", true);
        b = good;
        patchLe(b, centralRecord(b, 0) + 10, 12, 2);
        row("bzip2 compression", b, "W1.npy is compressed with method 12 (bzip2); nnlab reads stored (0) and deflate (8)", true);
        b = good;
        patchLe(b, centralRecord(b, 0) + 8, 1, 2);
        row("encrypted entry", b, "W1.npy is encrypted", true);
        b = good;
        patchLe(b, centralRecord(b, 1) + 20, 0xffffffffu, 4);
        patchLe(b, centralRecord(b, 1) + 24, 0xffffffffu, 4);
        row("ZIP64 sizes", b, "b1.npy has ZIP64 sizes", true);
        b = packed;
        patchLe(b, centralRecord(b, 0) + 24, 3000000000u, 4);
        row("huge declared size", b, "W1.npy says it inflates to 3,000,000,000 bytes from", true);
        b = good;
        patchLe(b, centralRecord(b, 0) + 24, 100000, 4);
        row("stored sizes disagree", b, "W1.npy is stored uncompressed but says it is 100,000 bytes in", true);
        row("huge shape", zip(with(smallNet(), {"W1", npy("<f4", "(2000000000, 2000000000)", f4(fixtureLayer(0, 4, 3)))})),
            "W1.npy: shape (2000000000, 2000000000) of dtype '<f4' needs more than 2 GiB with its header, but the entry holds 176", true);
        row("shape larger than the data", zip(with(smallNet(), {"W1", npy("<f4", "(40, 3)", f4(fixtureLayer(0, 4, 3)))})),
            "W1.npy: shape (40, 3) of dtype '<f4' needs 608 bytes with its header, but the entry holds 176", true);
        row("not a .npy inside", zip(with(smallNet(), {"W2", "hello"})), "W2.npy: not a .npy array", true);
        row("npy version 9", zip(with(smallNet(), {"W2", "\x93NUMPY\x09" + std::string(60, ' ')})),
            "W2.npy: .npy format version 9 is not one nnlab reads", true);
        row("structured dtype", zip(with(smallNet(), {"W1", npy("[('a', '<f4')]", "(4, 3)", f4(fixtureLayer(0, 4, 3)))})),
            "structured (record) type", true);
        row("big-endian", zip(with(smallNet(), {"W1", npy(">f4", "(4, 3)", f4(fixtureLayer(0, 4, 3)))})),
            "dtype '>f4' is big-endian", true);
        row("integer weights", zip(with(smallNet(), {"W1", npy("<i4", "(4, 3)", std::string(48, '\0'))})),
            "W1 has dtype '<i4'; nnlab reads float32 ('<f4') or float64 ('<f8')", false);
        row("weights as a vector", zip(with(smallNet(), {"W2", npy("<f4", "(8,)", f4(fixtureLayer(1, 2, 4)))})),
            "W2 should be a matrix (out x in), found shape (8,)", false);
        row("shapes that do not chain", zip(with(smallNet(), {"W2", npy("<f4", "(2, 3)", f4(fixtureLayer(1, 2, 3)))})),
            "the shapes do not chain: W2 is (2, 3) but the layer before has 4 outputs, so W2 needs 4 columns, found 3", false);
        row("lesson shapes that do not chain",
            zip({{"w_i_h", npy("<f4", "(4, 3)", f4(fixtureLayer(0, 4, 3)))}, {"w_h_o", npy("<f4", "(2, 5)", f4(fixtureLayer(1, 2, 5)))}}),
            "w_h_o needs 4 columns, found 5", false);
        row("bias of the wrong size", zip(with(smallNet(), {"b2", npy("<f4", "(3,)", f4({1, 2, 3}))})),
            "b2 has shape (3,); W2 has 2 outputs, so it needs shape (2,)", false);
        row("a single output", zip(without(without(with(smallNet(), {"W2", npy("<f4", "(1, 4)", f4(fixtureLayer(1, 1, 4)))}), "b1"), "b2")),
            "the network is not valid: the output layer must have 2 to 65536 nodes", false);
        std::vector<float> nan = fixtureLayer(0, 4, 3);
        nan[4] = std::nanf("");
        row("NaN weight", zip(with(smallNet(), {"W1", npy("<f4", "(4, 3)", f4(nan))})), "W1[1, 1] is nan, not a finite number", false);
        row("infinite bias", zip(with(smallNet(), {"b1", npy("<f4", "(4,)", f4({0, 0, INFINITY, 0}))})), "b1[2] is inf, not a finite number", false);
        row("float64 beyond float32", zip(with(smallNet(), {"b2", npy("<f8", "(2,)", f8({1e300, 0}))})),
            "b2[0] is 1e+300, beyond the float32 range", false);
        row("missing w_h_o", zip({{"w_i_h", npy("<f4", "(4, 3)", f4(fixtureLayer(0, 4, 3)))}}),
            "the array w_h_o is missing", false);
        row("missing W2", zip(with(without(without(smallNet(), "W2"), "b2"), {"W3", npy("<f4", "(2, 4)", f4(fixtureLayer(1, 2, 4)))})),
            "the array W2 is missing (the archive has W3)", false);
        row("missing b2", zip(without(smallNet(), "b2")), "the array b2 is missing", false);
        row("no weights", zip({{"weights", npy("<f4", "(4, 3)", f4(fixtureLayer(0, 4, 3)))}}),
            "the weights are missing: no array W1 (or the lesson's w_i_h and w_h_o); the archive has weights", false);
        row("lesson names and W1", zip(with(smallNet(), {"w_i_h", npy("<f4", "(4, 3)", f4(fixtureLayer(0, 4, 3)))})),
            "both the lesson's w_i_h and W2", false);
        row("unknown architecture key", zip(withArchitecture("activation=relu\ndropout=0.5\n")),
            "architecture: unknown key \"dropout\"", false);
        row("unknown activation", zip(withArchitecture("activation=swish\n")),
            "architecture: activation must be one of sigmoid, tanh, relu, not \"swish\"", false);
        row("architecture without biases", zip(withArchitecture("biases=false\n")),
            "architecture says biases=false but the archive has biases b1, b2, ...", false);
        row("architecture not text", zip(with(smallNet(), {"architecture", npy("<f4", "()", f4({1}))})),
            "architecture should be text (a 0-d '<U' array), found dtype '<f4' of shape ()", false);
        row("layer_sizes disagree", zip(with(smallNet(), {"layer_sizes", npy("<i8", "(3,)", i8({3, 5, 2}))})),
            "layer_sizes says 3-5-2 but the weights chain 3-4-2", false);
        row("layer_sizes too long", zip(with(smallNet(), {"layer_sizes", npy("<i8", "(4,)", i8({3, 4, 2, 2}))})),
            "layer_sizes has 4 entries but the weights chain 3 layers", false);
        row("accuracy above 1", zip(with(smallNet(), {"test_accuracy", npy("<f4", "()", f4({1.5f}))})),
            "test_accuracy is 1.5; it must be 0 to 1", false);
    }

    void rejections()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        QFETCH(bool, atByte);
        const QString name = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_') + ".npz";
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        try {
            loadNpz(f.fileName().toStdString());
            QFAIL("a damaged archive was accepted");
        } catch (const FileError& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith(name), qPrintable(message));
            QVERIFY2(message.contains(reason), qPrintable(message));
            QVERIFY2((e.where() == FileError::Where::Byte) == atByte, qPrintable(message));
        }
    }

    void missingFileAndExtension()
    {
        QVERIFY_THROWS_EXCEPTION(FileError, loadNpz(path("none.npz")));
        QVERIFY_THROWS_EXCEPTION(FileError, loadModelFile(path("model.onnx")));
        QCOMPARE(modelFormatOf("a/B.NPZ"), std::optional(ModelFormat::Npz));
        QCOMPARE(modelFormatOf("model.nnlab"), std::optional(ModelFormat::Nnlab));
        QVERIFY(!modelFormatOf("npz"));
    }

    void failedSaveKeepsTheOldFile()
    {
        const std::string file = path("keep.npz");
        Model good = makeModel({8}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, 3);
        saveNpz(file, good);
        const nnlab::test::SavedFile saved(QString::fromStdString(file));
        Model bad = good;
        bad.network.weights(1)(1, 2) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(FileError, saveNpz(file, bad));
        QVERIFY_THROWS_EXCEPTION(FileError, saveNpz(file + "/inside.npz", good));
        saved.verifyUnchanged(); // every byte kept, no temporary files left behind
    }
};

QTEST_APPLESS_MAIN(TestNpz)
#include "tst_npz.moc"
