// IDX reader: the bundled MNIST loads exactly; every kind of bad file gives a clear FileError.
#include "engine/file_error.h"
#include "engine/idx_reader.h"

#include <QtTest>
#include <zlib.h>

#include <filesystem>
#include <fstream>

using namespace nnlab::engine;

namespace {

QByteArray be32(quint32 v)
{
    QByteArray b(4, 0);
    for (int i = 0; i < 4; ++i)
        b[i] = char((v >> (24 - 8 * i)) & 0xff);
    return b;
}

QByteArray images(quint32 count, quint32 rows, quint32 cols, qsizetype pixelBytes = -1)
{
    QByteArray b = be32(0x803) + be32(count) + be32(rows) + be32(cols);
    b += QByteArray(pixelBytes < 0 ? qsizetype(count * rows * cols) : pixelBytes, char(7));
    return b;
}

QByteArray labels(quint32 count, qsizetype labelBytes = -1, char value = 3)
{
    return be32(0x801) + be32(count) + QByteArray(labelBytes < 0 ? qsizetype(count) : labelBytes, value);
}

QString mnist(const char* name) { return QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist/") + name; }

} // namespace

class TestIdxReader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const QString& name, const QByteArray& bytes, bool gzip = false)
    {
        const QString path = m_dir.filePath(name);
        if (gzip) {
            gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
            gzwrite(f, bytes.constData(), unsigned(bytes.size()));
            gzclose(f);
        } else {
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly))
                qFatal("cannot write %s", qPrintable(path));
            f.write(bytes);
        }
        return path.toStdString();
    }

private slots:
    void realMnistLoads()
    {
        const Dataset train = loadIdxDataset(mnist("train-images-idx3-ubyte.gz").toStdString(),
                                             mnist("train-labels-idx1-ubyte.gz").toStdString(),
                                             digitClassNames(), "train");
        QCOMPARE(train.size(), std::size_t(60000));
        QCOMPARE(train.rows, 28);
        QCOMPARE(train.cols, 28);
        QCOMPARE(int(train.labels[0]), 5);
        QCOMPARE(int(train.labels[59999]), 8);
        const Dataset test = loadIdxDataset(mnist("t10k-images-idx3-ubyte.gz").toStdString(),
                                            mnist("t10k-labels-idx1-ubyte.gz").toStdString(),
                                            digitClassNames(), "test");
        QCOMPARE(test.size(), std::size_t(10000));
        QCOMPARE(int(test.labels[0]), 7);
        QCOMPARE(int(test.labels[1]), 2);
        // Ink of the first training digit (a 5), summed: a fingerprint of the pixels.
        long long ink = 0;
        for (int i = 0; i < 784; ++i)
            ink += train.image(0)[i];
        QCOMPARE(ink, 27525LL);
    }

    void rawAndGzipAgree()
    {
        const QByteArray bytes = images(3, 2, 2);
        const IdxImages raw = readIdxImages(write("raw-idx3", bytes));
        const IdxImages gz = readIdxImages(write("gz-idx3.gz", bytes, true));
        QCOMPARE(raw.count, 3);
        QVERIFY(raw.pixels == gz.pixels);
    }

    void fashionMnistLoads()
    {
        const std::string dir = "/usr/share/datasets/fashion-mnist/";
        if (!std::filesystem::exists(dir + "t10k-images-idx3-ubyte.gz"))
            QSKIP("Debian's dataset-fashion-mnist is not installed (scripts/deps.sh installs it)");
        const Dataset d = loadIdxDataset(dir + "t10k-images-idx3-ubyte.gz",
                                         dir + "t10k-labels-idx1-ubyte.gz",
                                         fashionMnistClassNames(), "Fashion-MNIST test");
        QCOMPARE(d.size(), std::size_t(10000));
        QCOMPARE(d.classCount(), 10);
        QCOMPARE(d.classNames[9], std::string("Ankle boot"));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("imageBytes");
        QTest::addColumn<QByteArray>("labelBytes");
        QTest::addColumn<bool>("gzip");
        QTest::addColumn<QString>("blame");   // which file the message must name
        QTest::addColumn<QString>("reason");  // a distinctive part of the message

        QTest::newRow("wrong magic") << (be32(0x804) + images(1, 2, 2).mid(4)) << labels(1) << false << "images" << "magic number 0x00000804";
        QTest::newRow("labels given as images") << labels(4) << labels(4) << false << "images" << "not an IDX image file";
        QTest::newRow("truncated pixels") << images(4, 2, 2, 10) << labels(4) << false << "images" << "truncated";
        QTest::newRow("truncated pixels gz") << images(4, 2, 2, 10) << labels(4) << true << "images" << "truncated";
        QTest::newRow("truncated header") << be32(0x803) + be32(4) << labels(4) << false << "images" << "ends early";
        QTest::newRow("truncated labels") << images(4, 2, 2) << labels(4, 2) << false << "labels" << "truncated";
        QTest::newRow("count mismatch") << images(4, 2, 2) << labels(3) << false << "labels" << "3 labels for 4 images";
        QTest::newRow("label out of range") << images(2, 2, 2) << labels(2, -1, 10) << false << "labels" << "label 10 of item 1 is outside";
        QTest::newRow("trailing garbage") << images(2, 2, 2) + "xyz" << labels(2) << false << "images" << "trailing garbage";
        QTest::newRow("huge declared count") << images(2000000000u, 28, 28, 100) << labels(2) << false << "images" << "more than nnlab reads";
        QTest::newRow("huge declared count gz") << images(2000000u, 28, 28, 100) << labels(2) << true << "images" << "truncated";
        QTest::newRow("zero rows") << images(2, 0, 28) << labels(2) << false << "images" << "each side must be 1 to";
        QTest::newRow("zero images") << images(0, 28, 28) << labels(0) << false << "images" << "declares 0 images";
        QTest::newRow("empty file") << QByteArray() << labels(2) << false << "images" << "the file is empty";
        QTest::newRow("corrupt gzip") << QByteArray("\x1f\x8b\x08\x00garbagegarbagegarbage", 25) << labels(2) << false << "images" << "corrupt";
    }

    void badFiles()
    {
        QFETCH(QByteArray, imageBytes);
        QFETCH(QByteArray, labelBytes);
        QFETCH(bool, gzip);
        QFETCH(QString, blame);
        QFETCH(QString, reason);
        const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_');
        const std::string img = write(tag + "-images" + (gzip ? ".gz" : ""), imageBytes, gzip);
        const std::string lab = write(tag + "-labels", labelBytes);
        try {
            loadIdxDataset(img, lab, digitClassNames(), "bad");
            QFAIL("no error for a bad file");
        } catch (const FileError& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(tag + "-" + blame), qPrintable(message));
            QVERIFY2(message.contains(reason), qPrintable(message));
        }
    }

    // A gzip trailer (ISIZE) that claims 2 GiB on a 400 KiB file: zlib checks it only at the end
    // of the stream, so the reader must not allocate what the trailer claims (it grows its
    // buffer with the data that really inflates) and must name the lie (found while writing the
    // gzip fuzz target; ASan would fail the 2 GiB allocation).
    void gzipTrailerCannotClaimMoreThanDeflateGives()
    {
        const QByteArray idx = images(128, 4096, 4096, 400 * 1024); // declares 2 GiB of pixels
        QByteArray gz(qsizetype(idx.size() + 1024), '\0');
        z_stream z{};
        QCOMPARE(deflateInit2(&z, 0, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK); // stored
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(idx.constData()));
        z.avail_in = uInt(idx.size());
        z.next_out = reinterpret_cast<Bytef*>(gz.data());
        z.avail_out = uInt(gz.size());
        QCOMPARE(deflate(&z, Z_FINISH), Z_STREAM_END);
        gz.resize(qsizetype(z.total_out));
        deflateEnd(&z);
        const quint32 claimed = (1u << 31) + 16; // ISIZE, little-endian
        for (int i = 0; i < 4; ++i)
            gz[gz.size() - 4 + i] = char((claimed >> (8 * i)) & 0xff);
        try {
            readIdxImages(write("lying-trailer-idx3.gz", gz));
            QFAIL("no error for a lying gzip trailer");
        } catch (const FileError& e) {
            const QString text = QString::fromUtf8(e.what());
            QVERIFY2(text.startsWith("lying-trailer-idx3.gz") || text.contains("/lying-trailer-idx3.gz"), e.what());
            QVERIFY2(text.contains("incorrect length check"), e.what());
        }
    }

    void missingFile()
    {
        QVERIFY_THROWS_EXCEPTION(FileError, readIdxImages(m_dir.filePath("nope.idx").toStdString()));
        try {
            readIdxLabels(m_dir.filePath("nope-labels").toStdString());
        } catch (const FileError& e) {
            QVERIFY(QString(e.what()).contains("nope-labels: the file does not exist"));
        }
    }
};

QTEST_APPLESS_MAIN(TestIdxReader)
#include "tst_idx_reader.moc"
