// Model files: bit-exact round trips, a clear error for every kind of damage, atomic saves.
#include "engine/file_error.h"
#include "engine/model_file.h"
#include "tests/common/test_support.h"

#include <QtTest>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <sstream>

using namespace nnlab::engine;
using nnlab::test::makeModel;

namespace {

std::string bytesOf(const Model& m)
{
    std::ostringstream out;
    writeModel(out, m, "mem");
    return out.str();
}

void fixCrc(std::string& bytes)
{
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(bytes.size() - 4));
    for (int i = 0; i < 4; ++i)
        bytes[bytes.size() - 4 + std::size_t(i)] = char((crc >> (8 * i)) & 0xff);
}

void putU32(std::string& bytes, std::size_t at, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        bytes[at + std::size_t(i)] = char((v >> (8 * i)) & 0xff);
}

// Every field of a provenance, with text that is not ASCII.
Provenance fullProvenance()
{
    Provenance p;
    p.nnlabVersion = "0.1.0";
    p.preset = "keras-rmsprop";
    p.setup = "784-512-10 relu \xc2\xb7 RMSprop l_r 0.001 \xc2\xb7 batch 128";
    p.weightSeed = 0x0123456789abcdefu;
    p.shuffleSeed = 42;
    p.shuffled = true;
    p.dataName = "my_digits \xc3\xa9.csv";
    p.dataFiles = {{"my_digits \xc3\xa9.csv", std::string(64, 'a'), 123456789012u},
                   {"t10k-images-idx3-ubyte.gz", std::string(63, '0').append(1, 'f'), 1648877}};
    p.epochs = {{1, 60000, 0.9123f}, {2, 120000, std::nullopt}, {3, 180000, 1.0f}};
    p.changes = {{30000, "l_r", "0.001", "0.0003"}, {150000, "optimizer", "RMSprop", "Adam"}};
    return p;
}

// The bytes a version-1 writer gave for m (m's provenance must be empty): version 1, and no
// provenance block after the note (45 bytes when it is empty), checksum recomputed.
std::string versionOneBytes(const Model& m)
{
    std::string b = bytesOf(m);
    const std::size_t noteEnd = 46 + 4 * (m.network.architecture().hidden.size() - 1) + 4 + m.info.note.size();
    b.erase(noteEnd, 45);
    putU32(b, 8, 1);
    fixCrc(b);
    return b;
}

} // namespace

class TestModelFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("lesson 784-90-10") << 0;
        QTest::newRow("two hidden layers, biases, relu/softmax") << 1;
        QTest::newRow("tiny 3-5-2") << 2;
    }

    void roundTrip()
    {
        QFETCH(int, which);
        Model m = which == 0 ? makeModel({90}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError)
                  : which == 1 ? makeModel({64, 32}, true, Activation::ReLU, Output::Softmax, Loss::CrossEntropy)
                               : makeModel({5}, false, Activation::Tanh, Output::Sigmoid, Loss::SquaredError, 3);
        m.info.testAccuracy = 0.9547f;
        m.info.samplesSeen = 120000;
        m.info.note = "lesson";
        const std::string path = m_dir.filePath("model.nnlab").toStdString();
        saveModel(path, m);
        const Model back = loadModel(path);
        QVERIFY(back.network == m.network);
        for (int l = 0; l < m.network.layerCount(); ++l)
            QCOMPARE(std::memcmp(back.network.weights(l).data(), m.network.weights(l).data(),
                                 sizeof(float) * std::size_t(m.network.weights(l).size())), 0);
        QCOMPARE(back.info.testAccuracy.value(), 0.9547f);
        QCOMPARE(back.info.samplesSeen, std::uint64_t(120000));
        QCOMPARE(back.info.note, std::string("lesson"));
        QCOMPARE(bytesOf(back), bytesOf(m)); // and saving again gives the same bytes
    }

    void provenanceRoundTrip()
    {
        Model m = makeModel({16}, true, Activation::ReLU, Output::Softmax, Loss::CrossEntropy);
        m.info.note = "keras-rmsprop";
        m.info.provenance = fullProvenance();
        const std::string path = m_dir.filePath("history.nnlab").toStdString();
        saveModel(path, m);
        const Model back = loadModel(path);
        QVERIFY(back.network == m.network);
        QVERIFY(back.info.provenance == m.info.provenance);
        QCOMPARE(back.info.fileVersion, 2u);
        QCOMPARE(bytesOf(back), bytesOf(m)); // the same model twice: the same bytes
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().toStdString(), bytesOf(m));
    }

    // A version-1 file (the old layout, made here) opens with an empty provenance; saved again
    // it becomes version 2 with the same network and extras.
    void versionOneStillOpens()
    {
        Model m = makeModel({5}, false, Activation::Tanh, Output::Sigmoid, Loss::SquaredError, 3);
        m.info.testAccuracy = 0.5f;
        m.info.samplesSeen = 600;
        m.info.note = "lesson";
        const std::string v1 = versionOneBytes(m);
        QCOMPARE(v1.size(), bytesOf(m).size() - 45);
        std::istringstream in(v1);
        const Model back = readModel(in, "v1.nnlab");
        QCOMPARE(back.info.fileVersion, 1u);
        QVERIFY(back.info.provenance.empty());
        QVERIFY(back.network == m.network);
        QCOMPARE(back.info.testAccuracy.value(), 0.5f);
        QCOMPARE(back.info.samplesSeen, std::uint64_t(600));
        QCOMPARE(back.info.note, std::string("lesson"));
        QCOMPARE(bytesOf(back), bytesOf(m));
    }

    // The version-1 files kept in the repository: the bundled model and the fuzzer's seeds.
    void versionOneFilesInTheRepository_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("default model") << "resources/models/default.nnlab";
        QTest::newRow("fuzz seed numpy-lesson") << "tests/fuzz/corpus/fuzz_model_file/v1-numpy-lesson.nnlab";
        QTest::newRow("fuzz seed numpy-compressed") << "tests/fuzz/corpus/fuzz_model_file/v1-numpy-compressed.nnlab";
    }

    void versionOneFilesInTheRepository()
    {
        QFETCH(QString, file);
        const Model m = loadModel(nnlab::test::sourceFile(file).toStdString());
        QCOMPARE(m.info.fileVersion, 1u);
        QVERIFY(m.info.provenance.empty());
    }

    // The version-2 seeds of the fuzzer, written by make_corpus.py: a full provenance.
    void versionTwoFilesInTheRepository()
    {
        const Model m = loadModel(nnlab::test::sourceFile(
            "tests/fuzz/corpus/fuzz_model_file/v2-provenance.nnlab").toStdString());
        QCOMPARE(m.info.fileVersion, 2u);
        QCOMPARE(m.info.provenance.preset, std::string("lesson"));
        QCOMPARE(m.info.provenance.dataFiles.size(), std::size_t(2));
        QCOMPARE(m.info.provenance.epochs.size(), std::size_t(2));
        QCOMPARE(m.info.provenance.changes.size(), std::size_t(1));
    }

    void unstorableProvenance_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("reason");
        QTest::newRow("NaN epoch accuracy") << 0 << "not saved: epoch 2's test accuracy is nan; it must be 0 to 1";
        QTest::newRow("digest not hex") << 1 << "not saved: the SHA-256 of the data file "
                                                "t10k-images-idx3-ubyte.gz is not 64 lowercase hex digits";
        QTest::newRow("100,001 epochs") << 2 << "not saved: 100,001 epochs; a model file keeps at most 100,000";
    }

    void unstorableProvenance()
    {
        QFETCH(int, which);
        QFETCH(QString, reason);
        Model m = makeModel({4}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, 3);
        m.info.provenance = fullProvenance();
        if (which == 0)
            m.info.provenance.epochs[1].testAccuracy = std::nanf("");
        else if (which == 1)
            m.info.provenance.dataFiles[1].sha256[0] = 'X';
        else
            m.info.provenance.epochs.resize(kMaxEpochRecords + 1);
        const std::string path = m_dir.filePath("unstorable.nnlab").toStdString();
        try {
            saveModel(path, m);
            QFAIL("saved");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.what()), "unstorable.nnlab: " + reason);
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
    }

    // Longer strings are cut at their limit on a character boundary, as the note is.
    void longStringsAreCut()
    {
        Model m = makeModel({4}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, 3);
        m.info.provenance.setup.assign(4095, 'x');
        m.info.provenance.setup += "\xc3\xa9"; // 4,097 bytes
        m.info.provenance.preset = std::string(300, 'p');
        m.info.provenance.dataName = "bad \xff byte";
        std::istringstream in(bytesOf(m));
        const Model back = readModel(in, "cut.nnlab");
        QCOMPARE(back.info.provenance.setup, std::string(4095, 'x'));
        QCOMPARE(back.info.provenance.preset, std::string(256, 'p'));
        QCOMPARE(back.info.provenance.dataName, std::string("bad \xef\xbf\xbd byte"));
    }

    void rejections_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        const Model small = makeModel({4}, true, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, 6);
        const std::string good = bytesOf(small);
        auto row = [&](const char* name, std::string b, const char* reason) {
            QTest::newRow(name) << QByteArray(b.data(), qsizetype(b.size())) << QString(reason);
        };
        std::string b = good; b[0] = 'X';
        row("wrong magic", b, "not an nnlab model");
        b = good; putU32(b, 8, 7);
        row("newer version", b, "version 7 is not one this nnlab reads");
        row("truncated in header", good.substr(0, 14), "the file ends early");
        row("truncated in weights", good.substr(0, good.size() - 20), "the file ends early");
        row("trailing bytes", good + "junk", "4 unexpected bytes after the checksum");
        b = good; b[b.size() - 10] ^= 0x55;
        row("checksum mismatch", b, "the checksum does not match");
        // A NaN weight with a valid checksum: the finite check itself must fire.
        const std::size_t firstWeight = good.size() - 4 - std::size_t(small.network.architecture().parameterCount()) * 4;
        b = good; putU32(b, firstWeight, 0x7fc00000u); fixCrc(b);
        row("NaN weight", b, "weight layer 1, element 0 is not a finite number");
        b = good; putU32(b, firstWeight + 8, 0x7f800000u); fixCrc(b);
        row("inf weight", b, "element 2 is not a finite number");
        b = good; putU32(b, 12, 1u << 30); fixCrc(b);
        row("huge layer size", b, "the input layer size is 1,073,741,824");
        b = good; putU32(b, 16, 100000); fixCrc(b);
        row("too many layers", b, "100,000 hidden layers");
        b = good; b[28] = char(9); fixCrc(b);
        row("unknown activation", b, "unknown hidden activation code 9");
        // Found by fuzz_model_file: such a file loaded, and its .npz was refused (0 to 1 there).
        b = good; b[33] = char(1); putU32(b, 34, 0x7fc00000u); fixCrc(b);
        row("NaN test accuracy", b, "(byte 34): the test accuracy is nan; it must be 0 to 1");
        b = good; b[33] = char(1); putU32(b, 34, 0x40f00000u); fixCrc(b);
        row("test accuracy 7.5", b, "(byte 34): the test accuracy is 7.5; it must be 0 to 1");
        row("empty file", std::string(), "the file is empty");
        // Version 2's block starts after the note: at byte 50 for one hidden layer and no note.
        Model withHistory = small;
        withHistory.info.provenance = fullProvenance();
        const std::string v2 = bytesOf(withHistory);
        const std::size_t firstAccuracy = v2.find(std::string("\x01\x00\x00\x00\x60\xea\x00\x00", 8)) + 4 + 8 + 1;
        b = v2; putU32(b, firstAccuracy, 0x7fc00000u); fixCrc(b);
        row("NaN epoch accuracy", b, "the test accuracy of epoch record 1 is nan; it must be 0 to 1");
        b = v2; putU32(b, firstAccuracy, 0xff800000u); fixCrc(b);
        row("-inf epoch accuracy", b, "the test accuracy of epoch record 1 is -inf; it must be 0 to 1");
        b = v2; putU32(b, 50, 100000); fixCrc(b);
        row("version text over its limit", b, "(byte 50): the nnlab version is 100,000 bytes long; at most 256");
        b = v2; b.resize(56);
        row("truncated in the provenance", b, "(byte 54): the file ends early: the nnlab version needs 5 bytes, found 2");
    }

    void rejections()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const QString name = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_') + ".nnlab";
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        try {
            loadModel(f.fileName().toStdString());
            QFAIL("a damaged model was accepted");
        } catch (const FileError& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith(name), qPrintable(message));
            QVERIFY2(message.contains(reason), qPrintable(message));
        }
    }

    void missingFile()
    {
        QVERIFY_THROWS_EXCEPTION(FileError, loadModel(m_dir.filePath("none.nnlab").toStdString()));
    }

    void failedSaveKeepsTheOldFile()
    {
        const std::string path = m_dir.filePath("keep.nnlab").toStdString();
        Model good = makeModel({8}, false, Activation::Sigmoid, Output::Sigmoid, Loss::SquaredError, 4);
        saveModel(path, good);
        const nnlab::test::SavedFile saved(QString::fromStdString(path));
        Model bad = good;
        bad.network.weights(0)(0, 0) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(FileError, saveModel(path, bad));
        // Saving into a "folder" that is a regular file fails too.
        QVERIFY_THROWS_EXCEPTION(FileError, saveModel(path + "/inside.nnlab", good));
        saved.verifyUnchanged(); // every byte kept, no temporary files left behind
    }
};

QTEST_APPLESS_MAIN(TestModelFile)
#include "tst_model_file.moc"
