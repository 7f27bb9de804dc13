// The running curve reaches every epoch's end (issue 20): however small the training set and
// however fast its epochs, exactly one progress report leaves at each epoch's last sample.
#include "app/bridge/training_controller.h"
#include "tests/common/controller_fixture.h"
#include "tests/common/test_support.h"

#include <QtTest>

using namespace nnlab::app;
using nnlab::test::ControllerFixture;
namespace engine = nnlab::engine;

class TestEpochEnds : public QObject
{
    Q_OBJECT

    DataPair m_small; // 2,000 training and 500 test images of MNIST

    // The reports at an epoch's last sample, by epoch fraction.
    static QList<double> epochEndReports(const QSignalSpy& progress)
    {
        QList<double> ends;
        for (const auto& args : progress) {
            const auto r = args.at(0).value<ProgressReport>();
            if (r.progress.epochSize > 0 && r.progress.cursor == r.progress.epochSize)
                ends << r.progress.epochFraction;
        }
        return ends;
    }

private slots:
    void initTestCase()
    {
        nnlab::test::useBundledDataAndModel();
        const nnlab::test::Mnist mnist = nnlab::test::loadBundledMnist();
        m_small = nnlab::test::smallMnist(mnist);
    }

    void oneReportAtEachEpochEnd_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("images");
        QTest::addColumn<int>("epochs");
        QTest::newRow("lesson, 100 images, 5 epochs") << "lesson" << 100 << 5;
        QTest::newRow("lesson, 100 images, 2 epochs") << "lesson" << 100 << 2;
        QTest::newRow("lesson, 100 images, 10 epochs") << "lesson" << 100 << 10;
        QTest::newRow("Keras RMSprop, 1,000 images, 3 epochs") << "keras-rmsprop" << 1000 << 3;
    }

    void oneReportAtEachEpochEnd()
    {
        QFETCH(QString, preset);
        QFETCH(int, images);
        QFETCH(int, epochs);
        ControllerFixture f;
        TrainingSetup s = nnlab::test::presetSetup(qPrintable(preset));
        s.training.trainingSize = std::size_t(images);
        s.epochs = epochs;
        f.controller.configure(s, m_small);
        f.controller.start();
        QVERIFY(f.finished.wait(30000));
        QTRY_COMPARE(f.controller.state(), WorkerState::Idle);

        QList<double> expected;
        for (int e = 1; e <= epochs; ++e)
            expected << double(e);
        QCOMPARE(epochEndReports(f.progress), expected);
        // The last report is the run's last sample, in the epoch that ended ("epoch 5").
        const ProgressReport last = f.lastProgress();
        QCOMPARE(last.progress.epochFraction, double(epochs));
        QCOMPARE(last.progress.epoch + 1, epochs);
        QCOMPARE(last.progress.samplesSeen, std::uint64_t(images) * std::uint64_t(epochs));
        QVERIFY(std::isfinite(last.smoothedLoss));
    }
};

QTEST_GUILESS_MAIN(TestEpochEnds)
#include "tst_epoch_ends.moc"
