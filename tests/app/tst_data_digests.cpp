// The data sets the window loads carry the SHA-256 of every file read (DataPair::files, the
// provenance's data files), as sha256sum gives them.
#include "app/bridge/data_loading.h"
#include "engine/file_error.h"
#include "tests/common/test_support.h"

#include <QtTest>

using namespace nnlab;
using nnlab::test::sourceFile;

namespace {

// `sha256sum data/mnist_train_100.csv data/mnist_test_10.csv data/mnist/*.gz`
const engine::FileDigest kTrain100{"mnist_train_100.csv",
                                   "fdd8d89d0c19e0a78ee8f60a7770fa708895ed1c649b9f49a0fa63a9d517cfe2", 182023};
const engine::FileDigest kTest10{"mnist_test_10.csv",
                                 "36872cba8ad8788b41d8dc391e84e33871ba1bb9d73a5a4c95c0429fd63e96e5", 18006};
const engine::FileDigest kTrainImages{"train-images-idx3-ubyte.gz",
                                      "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971", 9719438};
const engine::FileDigest kTrainLabels{"train-labels-idx1-ubyte.gz",
                                      "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203", 28857};
const engine::FileDigest kTestImages{"t10k-images-idx3-ubyte.gz",
                                     "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be", 1616508};
const engine::FileDigest kTestLabels{"t10k-labels-idx1-ubyte.gz",
                                     "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b", 4517};

} // namespace

class TestDataDigests : public QObject
{
    Q_OBJECT

private slots:
    void twoCsvFiles()
    {
        const app::DataPair d = app::loadData(app::DataSource::Files,
                                              {sourceFile(QStringLiteral("data/mnist_test_10.csv")),
                                               sourceFile(QStringLiteral("data/mnist_train_100.csv"))});
        QCOMPARE(d.name, QStringLiteral("mnist_train_100.csv"));
        QCOMPARE(d.files, (std::vector<engine::FileDigest>{kTrain100, kTest10}));
    }

    // One CSV is tested on the bundled MNIST test set: those two files are read too.
    void oneCsvFileAndTheBundledTestSet()
    {
        const app::DataPair d = app::loadData(app::DataSource::Files,
                                              {sourceFile(QStringLiteral("data/mnist_train_100.csv"))});
        QCOMPARE(d.files, (std::vector<engine::FileDigest>{kTrain100, kTestImages, kTestLabels}));
    }

    void bundledMnist()
    {
        const app::DataPair d = app::loadData(app::DataSource::Mnist);
        QCOMPARE(d.name, QStringLiteral("MNIST"));
        QCOMPARE(d.files,
                 (std::vector<engine::FileDigest>{kTrainImages, kTrainLabels, kTestImages, kTestLabels}));
        QCOMPARE(d.train->size(), std::size_t(60000));
    }

    void fourIdxFiles()
    {
        const QString dir = sourceFile(QStringLiteral("data/mnist/"));
        const app::DataPair d = app::loadData(
            app::DataSource::Files,
            {dir + "t10k-labels-idx1-ubyte.gz", dir + "train-images-idx3-ubyte.gz",
             dir + "t10k-images-idx3-ubyte.gz", dir + "train-labels-idx1-ubyte.gz"});
        QCOMPARE(d.files,
                 (std::vector<engine::FileDigest>{kTrainImages, kTrainLabels, kTestImages, kTestLabels}));
    }

    // A file that cannot be read is the reader's FileError, as before the digests.
    void missingFile()
    {
        QVERIFY_THROWS_EXCEPTION(
            engine::FileError,
            app::loadData(app::DataSource::Files,
                          {sourceFile(QStringLiteral("data")) + "/missing_train.csv"}));
    }
};

QTEST_APPLESS_MAIN(TestDataDigests)
#include "tst_data_digests.moc"
