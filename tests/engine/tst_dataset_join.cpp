// Joining two training sets (engine::joined): MNIST's images then the learner's, in order, each
// marked with where it came from; head() keeps the marks; an empty set or another image size or
// other classes is refused with a sentence naming both sets.
#include "engine/csv_reader.h"
#include "engine/dataset.h"

#include <QtTest>

#include <stdexcept>

using namespace nnlab::engine;

namespace {

// n images of rows x cols, image i filled with the value base + i, labelled (base + i) % 10.
Dataset makeSet(const std::string& name, std::size_t n, int base, int rows = 28, int cols = 28)
{
    Dataset d;
    d.name = name;
    d.rows = rows;
    d.cols = cols;
    d.classNames = digitClassNames();
    for (std::size_t i = 0; i < n; ++i) {
        d.labels.push_back(std::uint8_t((base + int(i)) % 10));
        d.pixels.insert(d.pixels.end(), std::size_t(rows * cols), std::uint8_t(base + int(i)));
    }
    return d;
}

} // namespace

class TestDatasetJoin : public QObject
{
    Q_OBJECT

private slots:
    void joinedKeepsBothInOrderAndMarksTheSecond()
    {
        const Dataset mnist = makeSet("MNIST train", 5, 10);
        const Dataset mine = makeSet("my-digits.csv", 2, 100);
        const Dataset all = joined(mnist, mine);
        QCOMPARE(all.size(), std::size_t(7));
        QCOMPARE(all.pixels.size(), std::size_t(7 * 784));
        QCOMPARE(all.rows, 28);
        QCOMPARE(all.classNames, digitClassNames());
        QCOMPARE(all.name, std::string("MNIST train + my-digits.csv"));
        const std::vector<std::uint8_t> labels{0, 1, 2, 3, 4, 0, 1}; // 10..14 % 10, then 100, 101
        QCOMPARE(all.labels, labels);
        for (std::size_t i = 0; i < all.size(); ++i) {
            const int expected = i < 5 ? 10 + int(i) : 100 + int(i - 5);
            QCOMPARE(int(all.image(i)[0]), expected);
            QCOMPARE(int(all.image(i)[783]), expected);
            QCOMPARE(all.origin(i), i < 5 ? ImageOrigin::Set : ImageOrigin::Mine);
        }
        QCOMPARE(all.countFrom(ImageOrigin::Mine), std::size_t(2));
        QCOMPARE(all.countFrom(ImageOrigin::Set), std::size_t(5));
        // A plain set is all its own.
        QCOMPARE(mnist.countFrom(ImageOrigin::Mine), std::size_t(0));
        QCOMPARE(mnist.origin(3), ImageOrigin::Set);
    }

    void joiningAgainKeepsTheMarks()
    {
        const Dataset all = joined(joined(makeSet("MNIST train", 3, 0), makeSet("mine", 1, 7)),
                                   makeSet("more", 2, 8), ImageOrigin::Set);
        QCOMPARE(all.size(), std::size_t(6));
        QCOMPARE(all.countFrom(ImageOrigin::Mine), std::size_t(1));
        QCOMPARE(all.origin(3), ImageOrigin::Mine);
        QCOMPARE(all.origin(4), ImageOrigin::Set);
    }

    void headKeepsTheMarks()
    {
        const Dataset all = joined(makeSet("MNIST train", 3, 0), makeSet("mine", 2, 7));
        const Dataset first4 = all.head(4);
        QCOMPARE(first4.size(), std::size_t(4));
        QCOMPARE(first4.origins.size(), std::size_t(4));
        QCOMPARE(first4.origin(3), ImageOrigin::Mine);
        QCOMPARE(first4.countFrom(ImageOrigin::Mine), std::size_t(1));
    }

    void joinsTheLearnersCsv()
    {
        const Dataset lesson =
            loadCsvDataset(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv", digitClassNames());
        const Dataset all = joined(makeSet("MNIST train", 4, 0), lesson);
        QCOMPARE(all.size(), std::size_t(14));
        QCOMPARE(all.labels[4], lesson.labels[0]);
        QVERIFY(std::equal(lesson.pixels.begin(), lesson.pixels.end(), all.image(4)));
        QCOMPARE(all.countFrom(ImageOrigin::Mine), std::size_t(10));
    }

    void refused_data()
    {
        QTest::addColumn<int>("firstImages");
        QTest::addColumn<int>("secondImages");
        QTest::addColumn<int>("secondRows");
        QTest::addColumn<bool>("fashion");
        QTest::addColumn<QString>("message");
        QTest::newRow("no images of mine")
            << 3 << 0 << 28 << false << "cannot join mine: it has no images";
        QTest::newRow("empty first set")
            << 0 << 2 << 28 << false << "cannot join MNIST train: it has no images";
        QTest::newRow("another image size")
            << 3 << 2 << 20 << false
            << "cannot join mine to MNIST train: its images are 20x28 pixels, not 28x28";
        QTest::newRow("other classes") << 3 << 2 << 28 << true
                                       << "cannot join mine to MNIST train: its 10 classes are not "
                                          "the same as the 10 of MNIST train";
    }

    void refused()
    {
        QFETCH(int, firstImages);
        QFETCH(int, secondImages);
        QFETCH(int, secondRows);
        QFETCH(bool, fashion);
        QFETCH(QString, message);
        Dataset second = makeSet("mine", std::size_t(secondImages), 1, secondRows);
        if (fashion) second.classNames = fashionMnistClassNames();
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            joined(makeSet("MNIST train", std::size_t(firstImages), 0), second));
        try {
            joined(makeSet("MNIST train", std::size_t(firstImages), 0), second);
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString::fromUtf8(e.what()), message);
        }
    }
};

QTEST_APPLESS_MAIN(TestDatasetJoin)
#include "tst_dataset_join.moc"
