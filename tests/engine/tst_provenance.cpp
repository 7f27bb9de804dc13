// How a model was trained: SHA-256 against FIPS 180-4's vectors and the published MNIST sums,
// the provenance as JSON (exact text, escaping, round trip, every refusal), as text for people.
#include "engine/file_error.h"
#include "engine/provenance.h"
#include "tests/common/test_support.h"

#include <QtTest>
#include <zlib.h>

#include <cmath>
#include <limits>

using namespace nnlab::engine;
using nnlab::test::sourceFile;

namespace {

Provenance sample()
{
    Provenance p;
    p.nnlabVersion = "0.1.0";
    p.preset = "lesson";
    p.setup = "784-90-10 sigmoid \xc2\xb7 SGD l_r 0.1 \xc2\xb7 batch 1";
    p.weightSeed = 18446744073709551615u; // every bit of a 64-bit seed survives
    p.shuffleSeed = 7;
    p.shuffled = true;
    p.dataName = "MNIST";
    p.dataFiles = {{"t10k-labels-idx1-ubyte.gz",
                    "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b", 4517}};
    p.epochs = {{1, 60000, 0.9547f}, {2, 120000, std::nullopt}};
    p.changes = {{30000, "l_r", "0.1", "0.3"}};
    return p;
}

// The whole file through zlib, for the sums of the uncompressed MNIST files.
QByteArray gunzip(const QString& path)
{
    gzFile f = gzopen(path.toLocal8Bit().constData(), "rb");
    if (!f)
        return {};
    QByteArray out;
    char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0)
        out.append(buffer, n);
    gzclose(f);
    return out;
}

} // namespace

class TestProvenance : public QObject
{
    Q_OBJECT

private slots:
    // FIPS 180-4's examples (csrc.nist.gov, SHA256.pdf and SHA2_Additional.pdf).
    void sha256Vectors_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("digest");
        QTest::newRow("empty string") << QByteArray()
            << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        QTest::newRow("abc") << QByteArray("abc")
            << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        QTest::newRow("448 bits")
            << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
        QTest::newRow("896 bits")
            << QByteArray("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
            << "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
        QTest::newRow("one million a") << QByteArray(1000000, 'a')
            << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    }

    void sha256Vectors()
    {
        QFETCH(QByteArray, message);
        QFETCH(QString, digest);
        QCOMPARE(QString::fromStdString(sha256Hex(message.constData(), std::size_t(message.size()))),
                 digest);
        // The same bytes as a file: read in chunks, with its name and size.
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("message.bin")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(message), message.size());
        f.close();
        const FileDigest d = digestFile(f.fileName().toStdString());
        QCOMPARE(QString::fromStdString(d.sha256), digest);
        QCOMPARE(d.name, std::string("message.bin"));
        QCOMPARE(d.bytes, std::uint64_t(message.size()));
    }

    // data/mnist/SHA256SUMS is the publisher's list for the uncompressed files (data/README.md).
    void bundledMnistMatchesItsPublishedSums()
    {
        QFile sums(sourceFile(QStringLiteral("data/mnist/SHA256SUMS")));
        QVERIFY(sums.open(QIODevice::ReadOnly | QIODevice::Text));
        int checked = 0;
        while (!sums.atEnd()) {
            const QStringList fields = QString::fromLatin1(sums.readLine()).simplified().split(' ');
            QCOMPARE(fields.size(), 2);
            const QByteArray bytes = gunzip(sourceFile("data/mnist/" + fields[1] + ".gz"));
            QVERIFY2(!bytes.isEmpty(), qPrintable(fields[1]));
            QCOMPARE(QString::fromStdString(sha256Hex(bytes.constData(), std::size_t(bytes.size()))),
                     fields[0]);
            ++checked;
        }
        QCOMPARE(checked, 4);
    }

    // `sha256sum data/mnist_test_10.csv` and `sha256sum data/mnist/t10k-labels-idx1-ubyte.gz`.
    void fileDigestsAsSha256sum()
    {
        const FileDigest csv = digestFile(sourceFile(QStringLiteral("data/mnist_test_10.csv")).toStdString());
        QCOMPARE(csv.name, std::string("mnist_test_10.csv"));
        QCOMPARE(csv.bytes, std::uint64_t(18006));
        QCOMPARE(csv.sha256, std::string("36872cba8ad8788b41d8dc391e84e33871ba1bb9d73a5a4c95c0429fd63e96e5"));
        const FileDigest gz = digestFile(sourceFile(QStringLiteral("data/mnist/t10k-labels-idx1-ubyte.gz")).toStdString());
        QCOMPARE(gz, sample().dataFiles[0]);
    }

    void missingFile()
    {
        try {
            digestFile("/nonexistent/train-images-idx3-ubyte");
            QFAIL("a missing file was digested");
        } catch (const FileError& e) {
            QCOMPARE(QString::fromStdString(e.what()),
                     QStringLiteral("train-images-idx3-ubyte: cannot be opened to compute its SHA-256"));
        }
    }

    // The JSON written out by hand from docs/model-format.md.
    void jsonText()
    {
        const std::string expected =
            R"({"nnlabVersion":"0.1.0","preset":"lesson",)"
            "\"setup\":\"784-90-10 sigmoid \xc2\xb7 SGD l_r 0.1 \xc2\xb7 batch 1\","
            R"("weightSeed":18446744073709551615,"shuffleSeed":7,"shuffled":true,"dataName":"MNIST",)"
            R"("dataFiles":[{"name":"t10k-labels-idx1-ubyte.gz",)"
            R"("sha256":"b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b","bytes":4517}],)"
            R"("epochs":[{"epoch":1,"samplesSeen":60000,"testAccuracy":0.9547},)"
            R"({"epoch":2,"samplesSeen":120000,"testAccuracy":null}],)"
            R"("changes":[{"samplesSeen":30000,"knob":"l_r","from":"0.1","to":"0.3"}]})";
        QCOMPARE(provenanceJson(sample()), expected);
        QCOMPARE(provenanceJson(Provenance{}),
                 std::string(R"({"nnlabVersion":"","preset":"","setup":"","weightSeed":0,)"
                             R"("shuffleSeed":0,"shuffled":false,"dataName":"","dataFiles":[],)"
                             R"("epochs":[],"changes":[]})"));
    }

    void jsonEscapesAndRoundTrips()
    {
        Provenance p = sample();
        p.setup = std::string("quote \" backslash \\ tab \t newline \n nul ") + '\0' +
                  " bell \x07 del \x7f \xf0\x9f\x99\x82 \xe2\x9c\x93";
        p.preset = "</script>";
        const std::string json = provenanceJson(p);
        QVERIFY(json.find(R"(quote \" backslash \\ tab \t newline \n nul \u0000 bell \u0007)") !=
                std::string::npos);
        QVERIFY(json.find('\0') == std::string::npos);
        std::string why;
        const std::optional<Provenance> back = provenanceFromJson(json, why);
        QVERIFY2(back, why.c_str());
        QVERIFY(*back == p);
        // Escapes any JSON writer may use, and a surrogate pair for U+1F642.
        const std::optional<Provenance> other = provenanceFromJson(
            R"( { "setup" : "a\/b \u00e9 \ud83d\ude42 \b\f\r" , "epochs" : [ { "epoch" : 3 ,
                 "testAccuracy" : 9.547E-1 } ] , "later" : {"nested": [1, 2.5e3, null]} } )", why);
        QVERIFY2(other, why.c_str());
        QCOMPARE(other->setup, std::string("a/b \xc3\xa9 \xf0\x9f\x99\x82 \b\f\r"));
        QCOMPARE(other->epochs.size(), std::size_t(1));
        QCOMPARE(other->epochs[0].epoch, 3);
        QCOMPARE(other->epochs[0].testAccuracy.value(), 0.9547f);
    }

    void jsonRejections_data()
    {
        QTest::addColumn<QByteArray>("json"); // bytes: some rows are not UTF-8
        QTest::addColumn<QString>("reason");
        const auto row = [](const char* name, const std::string& json, const char* reason) {
            QTest::newRow(name) << QByteArray::fromStdString(json) << QString::fromUtf8(reason);
        };
        row("empty", "", "the JSON ends early (at character 0)");
        row("an array", "[]", "the provenance is not a JSON object");
        row("trailing text", "{} x", "text after the JSON object (at character 3)");
        row("key not quoted", "{preset:1}", "expected a key in quotes (at character 1)");
        row("key twice", R"({"preset":"a","preset":"b"})", "the key \"preset\" is given twice");
        row("NaN accuracy", R"({"epochs":[{"testAccuracy":NaN}]})", "not a JSON value");
        row("accuracy 1.5", R"({"epochs":[{"testAccuracy":1.5}]})",
            "epochs[0].testAccuracy is 1.5; it must be 0 to 1");
        row("accuracy 1e39", R"({"epochs":[{"testAccuracy":1e39}]})",
            "epochs[0].testAccuracy is not a number or null");
        row("accuracy as text", R"({"epochs":[{"testAccuracy":"0.9"}]})",
            "epochs[0].testAccuracy is not a number or null");
        row("negative seed", R"({"weightSeed":-1})", "weightSeed is not a whole number");
        row("fractional seed", R"({"weightSeed":1.5})", "weightSeed is not a whole number");
        row("seed past 64 bits", R"({"weightSeed":18446744073709551616})", "weightSeed is not a whole number");
        row("leading zero", R"({"weightSeed":01})", "not a JSON number (at character 14)");
        row("shuffled as 1", R"({"shuffled":1})", "shuffled is not true or false");
        row("upper-case digest", R"({"dataFiles":[{"sha256":"B91679A0ACFE4BA0E50A2437A903084CBA1F5F92592B016A25A7DFD00455798B"}]})",
            "dataFiles[0].sha256 is not 64 lowercase hex digits");
        row("short digest", R"({"dataFiles":[{"sha256":"b916"}]})",
            "dataFiles[0].sha256 is not 64 lowercase hex digits");
        row("no digest", R"({"dataFiles":[{"name":"x"}]})", "dataFiles[0] has no sha256");
        row("epoch past int", R"({"epochs":[{"epoch":2147483648}]})",
            "epochs[0].epoch is 2,147,483,648, too large");
        row("setup 4097 bytes", "{\"setup\":\"" + std::string(4097, 'x') + "\"}",
            "setup is 4,097 bytes; at most 4,096");
        row("65 data files", "{\"dataFiles\":[{}" + std::string() + [] {
                std::string s;
                for (int i = 0; i < 64; ++i)
                    s += ",{}";
                return s;
            }() + "]}",
            "dataFiles has 65 entries; at most 64");
        row("raw newline in a string", "{\"setup\":\"a\nb\"}", "a control character inside a string");
        row("not UTF-8", "{\"setup\":\"\xff\"}", "a string is not valid UTF-8");
        row("lone surrogate", R"({"setup":"\ud83d"})", "a \\u escape is a lone high surrogate");
        row("unknown escape", R"({"setup":"\x41"})", "an unknown escape \\x");
        row("nested too deep", R"({"later":[[[[[[[[[[1]]]]]]]]]]})", "the JSON nests too deep");
        row("65 keys", [] {
                std::string s = "{";
                for (int i = 0; i < 65; ++i)
                    s += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
                return s + "}";
            }(), "an object of more than 64 keys");
    }

    void jsonRejections()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        std::string why;
        QVERIFY(!provenanceFromJson(json.toStdString(), why));
        QVERIFY2(QString::fromStdString(why).contains(reason), why.c_str());
    }

    void describedForPeople()
    {
        const QString text = QString::fromStdString(describeProvenance(sample()));
        for (const char* line :
             {"nnlab version  0.1.0\n", "preset         lesson\n",
              "setup          784-90-10 sigmoid \xc2\xb7 SGD l_r 0.1 \xc2\xb7 batch 1\n",
              "weight seed    18446744073709551615\n", "data order     shuffled, seed 7\n",
              "data set       MNIST\n",
              "data file      t10k-labels-idx1-ubyte.gz, 4,517 bytes, SHA-256 "
              "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b\n",
              "epoch          1: 60,000 samples seen, test accuracy 0.9547\n",
              "epoch          2: 120,000 samples seen, test accuracy not measured\n",
              "knob change    at sample 30,000: l_r 0.1 -> 0.3\n"})
            QVERIFY2(text.contains(QString::fromUtf8(line)), qPrintable(text));
        QCOMPARE(describeProvenance(Provenance{}), std::string("history        none recorded\n"));
        Provenance twoLines = sample();
        twoLines.setup = "line one\nline two\tand a tab";
        QVERIFY(describeProvenance(twoLines).find("setup          line one line two and a tab\n") !=
                std::string::npos);
        Provenance byHand;
        byHand.weightSeed = 3;
        const QString manual = QString::fromStdString(describeProvenance(byHand));
        QVERIFY(manual.contains("preset         none (the settings were chosen by hand)\n"));
        QVERIFY(manual.contains("data order     file order (shuffle seed 0, not used)\n"));
        QVERIFY(manual.contains("knob changes   none while training\n"));
    }

    void storedStrings()
    {
        // Cut at a character boundary: "é" is 2 bytes, never split.
        QCOMPARE(storableUtf8("ab\xc3\xa9", 3), std::string("ab"));
        QCOMPARE(storableUtf8("ab\xc3\xa9", 4), std::string("ab\xc3\xa9"));
        // Malformed UTF-8 becomes U+FFFD: a stray byte, an overlong '/', a surrogate.
        QCOMPARE(storableUtf8("a\xff" "b", 100), std::string("a\xef\xbf\xbd" "b"));
        QVERIFY(!isValidUtf8("\xc0\xaf"));
        QVERIFY(!isValidUtf8("\xed\xa0\x80"));
        QVERIFY(isValidUtf8("\xf0\x9f\x99\x82"));
        QVERIFY(!isValidUtf8("\xf4\x90\x80\x80")); // past U+10FFFF
    }

    void whatCannotBeStored()
    {
        QCOMPARE(whyNotStorable(sample()), std::string());
        Provenance p = sample();
        p.epochs[1].testAccuracy = std::numeric_limits<float>::quiet_NaN();
        QCOMPARE(whyNotStorable(p), std::string("epoch 2's test accuracy is nan; it must be 0 to 1"));
        p = sample();
        p.dataFiles[0].sha256 = "unknown";
        QCOMPARE(whyNotStorable(p),
                 std::string("the SHA-256 of the data file t10k-labels-idx1-ubyte.gz is not 64 "
                             "lowercase hex digits"));
        p = sample();
        p.changes.resize(kMaxKnobChanges + 1);
        QCOMPARE(whyNotStorable(p),
                 std::string("10,001 knob changes; a model file keeps at most 10,000"));
    }
};

QTEST_APPLESS_MAIN(TestProvenance)
#include "tst_provenance.moc"
