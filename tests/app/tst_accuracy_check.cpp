// An opened model's test accuracy without a window (app/lab/model_document.h, issue 14 point
// 6): the figure its file stores (its own, else its history's last measured epoch), and the
// same network measured again off the GUI thread on a test set, an older check's figure never
// arriving after a newer one or after the network was replaced.
#include "app/lab/model_document.h"

#include "app/bridge/dataset_predictions.h"

#include "engine/csv_reader.h"
#include "tests/common/test_support.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using nnlab::app::AccuracyCheck;
using nnlab::app::ModelDocument;
namespace engine = nnlab::engine;

Q_DECLARE_METATYPE(engine::ModelInfo)

namespace {

// 784-10, no hidden layer, every weight 0 and one bias 1: it answers `digit` for every image.
nnlab::app::NetworkPtr answering(int digit)
{
    engine::Architecture a;
    a.hidden = {};
    a.biases = true;
    engine::Network n(a);
    n.weights(0).setZero();
    n.bias(0).setZero();
    n.bias(0)(digit) = 1.0f;
    return std::make_shared<const engine::Network>(std::move(n));
}

engine::ModelInfo info(std::optional<float> stored, std::vector<engine::EpochRecord> epochs)
{
    engine::ModelInfo i;
    i.testAccuracy = stored;
    i.provenance.epochs = std::move(epochs);
    return i;
}

} // namespace

class TestAccuracyCheck : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::shared_ptr<const engine::Dataset> m_test; // the lesson's 10 test images

    static AccuracyCheck last(const QSignalSpy& spy) { return spy.last().at(0).value<AccuracyCheck>(); }

    // Until every measurement started has ended and its result (if any) been delivered.
    static void settle(ModelDocument& document)
    {
        auto* pool = document.findChild<nnlab::app::DatasetPredictions*>();
        for (int round = 0; pool && round < 10; ++round) {
            pool->waitForIdle();
            QCoreApplication::processEvents(); // a finished job's result, or the next job started
            if (!pool->busy())
                break;
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString csv = nnlab::test::sourceFile(QStringLiteral("data/mnist_test_10.csv"));
        m_test = std::make_shared<const engine::Dataset>(
            engine::loadCsvDataset(csv.toStdString(), engine::digitClassNames()));
        QCOMPARE(m_test->size(), std::size_t(10));
    }

    void storedFigure_data()
    {
        QTest::addColumn<engine::ModelInfo>("info");
        QTest::addColumn<double>("stored"); // -1: none
        QTest::newRow("its own") << info(0.9596f, {{1, 60000, 0.91f}}) << double(0.9596f);
        QTest::newRow("the history's last measured epoch")
            << info(std::nullopt, {{1, 60000, 0.91f}, {2, 120000, 0.93f}, {3, 180000, std::nullopt}}) << double(0.93f);
        QTest::newRow("none (a version-1 file)") << info(std::nullopt, {}) << -1.0;
        QTest::newRow("a history never tested") << info(std::nullopt, {{1, 100, std::nullopt}}) << -1.0;
    }
    void storedFigure()
    {
        QFETCH(engine::ModelInfo, info);
        QFETCH(double, stored);
        const std::optional<float> s = ModelDocument::storedTestAccuracy(info);
        QCOMPARE(s.has_value(), stored >= 0);
        if (s)
            QCOMPARE(double(*s), stored);
    }

    // The lesson's 10 test images are labelled 7 2 1 0 4 1 4 9 5 9 (the CSV's first column):
    // a net that always answers 4 is right on 2 of them, one that answers 3 on none.
    void measuredOffTheGuiThread()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        ModelDocument document(&settings);
        QSignalSpy checks(&document, &ModelDocument::accuracyChecked);
        document.checkAccuracy(answering(4), 0.9f, m_test);
        QCOMPARE(checks.count(), 1); // at once: stored, measuring
        QCOMPARE(last(checks).stored, std::optional<float>(0.9f));
        QVERIFY(!last(checks).measured);
        QCOMPARE(last(checks).images, std::size_t(10));
        QVERIFY(checks.wait(5000));
        QCOMPARE(checks.count(), 2);
        QVERIFY(last(checks).measured && std::abs(*last(checks).measured - 0.2) < 1e-12);
        QCOMPARE(last(checks).stored, std::optional<float>(0.9f));
        QCOMPARE(last(checks).images, std::size_t(10));

        // A newer check replaces an older one still measuring: only its figure arrives.
        checks.clear();
        document.checkAccuracy(answering(4), std::nullopt, m_test);
        document.checkAccuracy(answering(3), std::nullopt, m_test);
        QTRY_COMPARE(checks.count(), 3);
        QVERIFY(last(checks).measured && *last(checks).measured == 0.0);
        settle(document);
        QCOMPARE(checks.count(), 3); // nothing of the older one after it

        // Dropped (the network was replaced): no figure at all.
        checks.clear();
        document.checkAccuracy(answering(9), std::nullopt, m_test);
        document.dropAccuracyCheck();
        settle(document);
        QCOMPARE(checks.count(), 1);
        QVERIFY(!last(checks).measured);

        // No test set open: said at once, nothing measured.
        checks.clear();
        document.checkAccuracy(answering(9), 0.5f, nullptr);
        settle(document);
        QCOMPARE(checks.count(), 1);
        QCOMPARE(last(checks).images, std::size_t(0));
        QVERIFY(!last(checks).measured);
    }
};

QTEST_GUILESS_MAIN(TestAccuracyCheck)
#include "tst_accuracy_check.moc"
