// CSV reader: the lesson's files match the IDX data; every malformed line is named with its reason.
#include "engine/csv_reader.h"
#include "engine/file_error.h"
#include "engine/idx_reader.h"

#include <QtTest>

using namespace nnlab::engine;

namespace {
// One well-formed line for a 2 x 2 image: label then 4 pixels.
const QByteArray kGood = "3,0,128,255,7\n";
} // namespace

class TestCsvReader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string write(const QString& name, const QByteArray& bytes)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write");
        f.write(bytes);
        return f.fileName().toStdString();
    }

private slots:
    void lessonCsvMatchesIdx()
    {
        const Dataset csv = loadCsvDataset(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv", digitClassNames());
        const Dataset idx = loadIdxDataset(NNLAB_SOURCE_DIR "/data/mnist/train-images-idx3-ubyte.gz",
                                           NNLAB_SOURCE_DIR "/data/mnist/train-labels-idx1-ubyte.gz",
                                           digitClassNames(), "train");
        QCOMPARE(csv.size(), std::size_t(100));
        const Dataset first = idx.head(100);
        QVERIFY(csv.labels == first.labels);
        QVERIFY(csv.pixels == first.pixels);
        const Dataset test = loadCsvDataset(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv", digitClassNames());
        QCOMPARE(test.size(), std::size_t(10));
        QCOMPARE(int(test.labels[0]), 7);
    }

    void validVariants_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("count");
        QTest::newRow("LF") << kGood + kGood << 2;
        QTest::newRow("CRLF line endings") << QByteArray("3,0,128,255,7\r\n1,1,2,3,4\r\n") << 2;
        QTest::newRow("no final newline") << kGood + "1,1,2,3,4" << 2;
        QTest::newRow("spaces around numbers") << QByteArray("3, 0 ,128,255, 7\n") << 1;
    }

    void validVariants()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, count);
        const Dataset d = loadCsvDataset(write("valid.csv", bytes), digitClassNames(), 2, 2);
        QCOMPARE(int(d.size()), count);
        QCOMPARE(int(d.pixels[2]), 255);
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("non-numeric field") << kGood + "3,0,x,255,7\n" << "(line 2): field 3 is \"x\", not a whole number";
        QTest::newRow("negative pixel") << QByteArray("3,0,-1,255,7\n") << "field 3 is \"-1\"";
        QTest::newRow("pixel 256") << QByteArray("3,0,256,255,7\n") << "(line 1): pixel 2 is 256, outside 0 to 255";
        QTest::newRow("too few columns") << kGood + "3,0,1,2\n" << "(line 2): 4 fields, expected 5";
        QTest::newRow("too many columns") << QByteArray("3,0,1,2,3,4\n") << "more than 5 fields";
        QTest::newRow("label out of range") << QByteArray("10,0,1,2,3\n") << "label 10 is outside the 10 classes";
        QTest::newRow("empty line inside") << kGood + "\n" + kGood << "(line 2): the line is empty";
        QTest::newRow("empty field") << QByteArray("3,,1,2,3\n") << "field 2 is \"\"";
        QTest::newRow("non-UTF-8 bytes") << QByteArray("3,0,\xff\xfe,2,3\n") << "field 3 is \"??\"";
        QTest::newRow("empty file") << QByteArray() << "the file is empty";
        QTest::newRow("only a newline") << QByteArray("\n") << "the file has no images";
    }

    void badFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        const QString name = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '_') + ".csv";
        std::string fromFile;
        try {
            loadCsvDataset(write(name, bytes), digitClassNames(), 2, 2);
            QFAIL("no error for a bad file");
        } catch (const FileError& e) {
            fromFile = e.what();
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith(name), qPrintable(message));
            QVERIFY2(message.contains(reason), qPrintable(message));
        }
        // The same bytes in memory (parseCsvDataset, as the fuzzer reads them): the same message.
        try {
            parseCsvDataset(std::string_view(bytes.constData(), std::size_t(bytes.size())),
                            m_dir.filePath(name).toStdString(), digitClassNames(), 2, 2);
            QFAIL("no error for bad text in memory");
        } catch (const FileError& e) {
            QCOMPARE(std::string(e.what()), fromFile);
        }
    }

    void missingFile()
    {
        QVERIFY_THROWS_EXCEPTION(FileError, loadCsvDataset(m_dir.filePath("missing.csv").toStdString(), digitClassNames()));
    }
};

QTEST_APPLESS_MAIN(TestCsvReader)
#include "tst_csv_reader.moc"
