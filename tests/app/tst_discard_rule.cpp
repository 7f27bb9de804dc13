// The one rule before trained weights are replaced (LabSession::needsAskingBeforeDiscard),
// without a window: untouched or a few steps do not ask, an epoch of a small set or 1,000 images
// do; a save, "don't ask again" and a replacement end the asking; the snapshots and test accuracy
// of a replaced network that arrive after the replacement are not taken for the new one's.
#include "app/lab/lab_session.h"

#include "engine/presets.h"

#include <QSignalSpy>
#include <QtTest>

using namespace nnlab;
using app::LabSession;

class TestDiscardRule : public QObject
{
    Q_OBJECT

    const QStringList m_lessonCsv{QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv"),
                                  QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv")};

    static app::TrainingSetup preset(const char* name)
    {
        return app::TrainingSetup::fromPreset(*engine::findPreset(name));
    }
    // A session on `setup` and the lesson's 100 training images (index: the Files source), or
    // the bundled MNIST (index 0), configured with fresh weights.
    static void open(LabSession& s, const app::TrainingSetup& setup, int index, const QStringList& files = {})
    {
        s.begin(setup, 0);
        QSignalSpy ready(&s, &LabSession::dataReady);
        s.loadData(index, files);
        QVERIFY(ready.wait(20000));
        QTRY_VERIFY(s.snapshot().network != nullptr);
    }
    void openLesson100(LabSession& s)
    {
        open(s, preset("lesson-100"), int(s.dataSources().size()) - 1, m_lessonCsv);
    }
    // Trains (or resumes) until at least `samples` more are counted, then pauses.
    static void train(LabSession& s, std::uint64_t samples)
    {
        const std::uint64_t until = s.samplesSinceKept() + samples;
        s.setEpochs(1000);
        s.controller()->start();
        QTRY_VERIFY_WITH_TIMEOUT(s.samplesSinceKept() >= until, 20000);
        s.controller()->pause();
        QTRY_COMPARE(s.controller()->state(), app::WorkerState::Paused);
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
    }

    void untouchedAndAFewStepsDoNotAsk()
    {
        LabSession s;
        openLesson100(s);
        QCOMPARE(s.samplesSinceKept(), std::uint64_t(0));
        QVERIFY(!s.needsAskingBeforeDiscard());
        for (int i = 0; i < 4; ++i) // the lesson's per-sample mode: four images
            s.controller()->step();
        QTRY_COMPARE(s.samplesSinceKept(), std::uint64_t(4));
        QVERIFY(!s.hasWorkWorthKeeping());
        QVERIFY(!s.needsAskingBeforeDiscard());
    }

    void anEpochOfASmallSetAsks()
    {
        LabSession s;
        openLesson100(s);
        for (int i = 0; i < 99; ++i)
            s.controller()->step();
        QTRY_COMPARE(s.samplesSinceKept(), std::uint64_t(99));
        QVERIFY(!s.needsAskingBeforeDiscard());
        s.controller()->step(); // 100 images: the whole training set once
        QTRY_COMPARE(s.samplesSinceKept(), std::uint64_t(100));
        QVERIFY(s.needsAskingBeforeDiscard());
        // Stop keeps the weights (a new trainer on them): what was learned still counts.
        s.controller()->stop();
        s.controller()->step();
        QTRY_COMPARE(s.samplesSinceKept(), std::uint64_t(101));
        QVERIFY(s.needsAskingBeforeDiscard());
    }

    void aThousandImagesAskOnMnist()
    {
        LabSession s;
        open(s, preset("keras-sgd"), 0); // batches of 200 from 60,000 images
        QCOMPARE(s.data().train->size(), std::size_t(60000));
        for (int i = 0; i < 4; ++i)
            s.controller()->step();
        QTRY_COMPARE(s.samplesSinceKept(), std::uint64_t(800));
        QVERIFY(!s.needsAskingBeforeDiscard());
        s.controller()->step();
        QTRY_COMPARE(s.samplesSinceKept(), std::uint64_t(1000));
        QVERIFY(s.needsAskingBeforeDiscard());
    }

    void savedOrDontAskAgainDoesNotAsk()
    {
        LabSession s;
        openLesson100(s);
        train(s, 200);
        QVERIFY(s.needsAskingBeforeDiscard());
        s.markKept(); // saved
        QCOMPARE(s.samplesSinceKept(), std::uint64_t(0));
        QVERIFY(!s.needsAskingBeforeDiscard());
        train(s, 100);
        QVERIFY(s.needsAskingBeforeDiscard());
        s.setAskBeforeDiscard(false); // "Don't ask again"
        QVERIFY(s.hasWorkWorthKeeping());
        QVERIFY(!s.needsAskingBeforeDiscard());
    }

    void replacedWeightsStartFromNothing_data()
    {
        QTest::addColumn<QString>("action");
        QTest::newRow("reset weights") << "reset";
        QTest::newRow("a new shape") << "shape";
        QTest::newRow("a preset") << "preset";
        QTest::newRow("a model opened") << "adopt";
    }
    void replacedWeightsStartFromNothing()
    {
        QFETCH(QString, action);
        LabSession s;
        openLesson100(s);
        train(s, 200); // two epochs at least
        QTRY_VERIFY(s.lastTestAccuracy().has_value());
        QSignalSpy replaced(&s, &LabSession::networkReplaced);
        if (action == QLatin1String("reset")) {
            s.resetWeights(s.setup());
        } else if (action == QLatin1String("shape")) {
            app::TrainingSetup next = s.setup();
            next.architecture.hidden = {30};
            s.configure(next, s.initialNetworkFor(next));
        } else if (action == QLatin1String("preset")) {
            s.configure(s.fitToData(preset("lesson")), {});
        } else {
            app::TrainingSetup next = s.setup();
            engine::Network n(next.architecture);
            n.initialize(next.init, 99);
            s.adopt(std::make_shared<const engine::Network>(std::move(n)), next);
        }
        QCOMPARE(replaced.count(), 1);
        QCOMPARE(s.samplesSinceKept(), std::uint64_t(0));
        QVERIFY(!s.needsAskingBeforeDiscard());
        QVERIFY(!s.lastTestAccuracy()); // measured on the replaced network
        QTRY_VERIFY(!s.awaitsNewNetwork());
        QCOMPARE(s.snapshot().samplesSeen, std::uint64_t(0));
        QCOMPARE(s.samplesSinceKept(), std::uint64_t(0));
    }

    void snapshotsOfAReplacedNetworkAreNotTheNewOnes()
    {
        LabSession s;
        openLesson100(s);
        s.setEpochs(1000);
        QSignalSpy snapshots(&s, &LabSession::snapshotChanged);
        QSignalSpy epochs(s.controller(), &app::TrainingController::epochEnded);
        s.controller()->start();
        QVERIFY(epochs.wait(10000));
        QTRY_VERIFY(s.samplesSinceKept() > 100);
        // Pausing sends the trained weights; the reset, queued behind it, fresh ones. Both
        // arrive after the reset was asked for: only the fresh ones are the session's network.
        s.controller()->pause();
        s.resetWeights(s.setup());
        snapshots.clear();
        QTRY_VERIFY(!s.awaitsNewNetwork());
        QVERIFY(!snapshots.isEmpty());
        for (const QList<QVariant>& args : std::as_const(snapshots))
            QCOMPARE(args.at(0).value<app::NetworkSnapshot>().samplesSeen, std::uint64_t(0));
        QCOMPARE(s.snapshot().samplesSeen, std::uint64_t(0));
        QCOMPARE(s.samplesSinceKept(), std::uint64_t(0));
        QVERIFY(!s.lastTestAccuracy());
    }
};

QTEST_GUILESS_MAIN(TestDiscardRule)
#include "tst_discard_rule.moc"
