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
