// The lab's training state without a window (app/lab/lab_session.h): data loaded off the GUI
// thread where the newest choice wins and a bad file keeps the data, the default model, one
// copy of each live setting on its way to the trainer, and run settings that wait for the run.
#include "app/lab/lab_session.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using app::LabSession;

class TestLabSession : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    const QStringList m_lessonCsv{QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv"),
                                  QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv")};

    static int filesIndex(const LabSession& s) { return int(s.dataSources().size()) - 1; }
    static app::TrainingSetup preset(const char* name)
    {
        return app::TrainingSetup::fromPreset(*engine::findPreset(name));
    }
    // A session on the lesson's CSV files, configured and ready.
    void openLessonCsv(LabSession& s)
    {
        QSignalSpy ready(&s, &LabSession::dataReady);
        s.loadData(filesIndex(s), m_lessonCsv);
        QVERIFY(ready.wait(10000));
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
        QVERIFY(m_dir.isValid());
    }

    void newestDataChoiceWins()
    {
        LabSession s;
        s.begin(preset("lesson"), 0);
        QCOMPARE(s.dataSources().front(), app::DataSource::Mnist);
        QCOMPARE(s.dataSources().back(), app::DataSource::Files);
        QSignalSpy ready(&s, &LabSession::dataReady);
        QSignalSpy failed(&s, &LabSession::dataFailed);
        QSignalSpy changed(&s, &LabSession::dataChanged);
        s.loadData(filesIndex(s), {m_dir.filePath(QStringLiteral("missing.csv"))}); // replaced at once
        s.loadData(filesIndex(s), m_lessonCsv);
        QVERIFY(ready.wait(10000));
        QCOMPARE(ready.count(), 1);
        QCOMPARE(failed.count(), 0); // the first load's failure came too late to count
        QCOMPARE(changed.count(), 1);
        QCOMPARE(s.data().train->size(), std::size_t(100));
        QCOMPARE(s.data().test->size(), std::size_t(10));
        QCOMPARE(s.dataIndex(), filesIndex(s));
        QCOMPARE(s.classNames().size(), 10);
        // The setup took the data's inputs and classes, and the worker was configured with it.
        QCOMPARE(s.setup().architecture.inputs, 784);
        QTRY_VERIFY(s.snapshot().network != nullptr);
        QCOMPARE(s.snapshot().network->architecture().hidden, (std::vector<int>{90}));
    }

    void badFileKeepsTheData()
    {
        LabSession s;
        s.begin(preset("lesson"), 0);
        openLessonCsv(s);
        QSignalSpy failed(&s, &LabSession::dataFailed);
        QSignalSpy index(&s, &LabSession::dataIndexChanged);
        const QString bad = m_dir.filePath(QStringLiteral("broken_test.csv"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("5,0,0,0\n");
        f.close();
        s.loadData(filesIndex(s), {m_lessonCsv.front(), bad});
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.first().at(0).toString().contains(QLatin1String("broken_test.csv")),
                 qPrintable(failed.first().at(0).toString()));
        QCOMPARE(index.count(), 1);
        QCOMPARE(index.first().at(0).toInt(), filesIndex(s)); // the current choice, to show again
        QCOMPARE(s.data().train->size(), std::size_t(100));
    }

    void defaultModelOnlyWhereItFits()
    {
        LabSession s;
        QVERIFY(s.loadDefaultModel().isEmpty());
        QVERIFY(s.defaultModel() != nullptr);
        QCOMPARE(s.defaultModel()->architecture().layerSizes(), (std::vector<int>{784, 256, 10}));
        QVERIFY(s.defaultModelAccuracy().value_or(0) > 0.9f);
        s.begin(std::nullopt, 0); // nothing remembered: the default model's preset, shown
        QCOMPARE(s.setup().architecture.hidden, (std::vector<int>{256}));
        QVERIFY(s.showsDefaultModel());
        openLessonCsv(s); // not MNIST: the default model is not the starting point there
        QVERIFY(s.initialNetworkFor(s.setup()) == nullptr);
        QVERIFY(s.whyNotFit(s.defaultModel()->architecture(), QStringLiteral("d.nnlab")).isEmpty());
        engine::Architecture three;
        three.inputs = 3;
        QVERIFY(s.whyNotFit(three, QStringLiteral("small.npz")).contains(QLatin1String("small.npz")));

        LabSession other;
        other.begin(std::nullopt, 99); // user files are not reopened without asking
        QCOMPARE(other.dataIndex(), 0);
    }

    void oneCopyOfEachLiveSetting()
    {
        LabSession s;
        s.begin(preset("lesson"), 0);
        openLessonCsv(s);
        QSignalSpy progress(s.controller(), &app::TrainingController::progressed);
        s.setEpochs(1000);
        s.controller()->start();
        QVERIFY(progress.wait(10000));
        // The control's value -> the session's setup -> one command -> the trainer.
        s.setLearningRate(0.02f);
        QCOMPARE(s.setup().training.optimizer.learningRate, 0.02f);
        QTRY_COMPARE(progress.last().at(0).value<app::ProgressReport>().learningRate, 0.02f);
        engine::OptimizerSettings momentum = s.setup().training.optimizer;
        momentum.kind = engine::OptimizerKind::Momentum;
        momentum.learningRate = 0.05f;
        s.setOptimizer(momentum);
        QVERIFY(s.setup().training.optimizer.kind == engine::OptimizerKind::Momentum);
        QTRY_COMPARE(progress.last().at(0).value<app::ProgressReport>().learningRate, 0.05f);

        // Stopped, the next run starts with the settings in use, not the configured ones.
        QSignalSpy runs(s.controller(), &app::TrainingController::runStarted);
        s.controller()->stop();
        s.controller()->start();
        QVERIFY(runs.wait(10000));
        const app::RunInfo info = runs.last().at(0).value<app::RunInfo>();
        QCOMPARE(info.setup.training.optimizer.learningRate, 0.05f);
        QVERIFY(info.setup.training.optimizer.kind == engine::OptimizerKind::Momentum);
        s.controller()->pause();
    }

    void runSettingsWaitForTheRun()
    {
        LabSession s;
        s.begin(preset("lesson"), 0);
        openLessonCsv(s);
        QTRY_VERIFY(s.snapshot().network != nullptr);
        app::TrainingSetup next = s.setup();
        next.weightSeed += 1;
        QCOMPARE(s.changeRunSettings(next), LabSession::RunSettings::Applied); // idle: now
        QCOMPARE(s.setup().weightSeed, next.weightSeed);
        QVERIFY(s.hasFreshWeights());

        QSignalSpy state(s.controller(), &app::TrainingController::stateChanged);
        s.setEpochs(1000);
        s.controller()->start();
        QTRY_VERIFY(s.controller()->isRunning());
        next.weightSeed += 1;
        QCOMPARE(s.changeRunSettings(next), LabSession::RunSettings::UsedByReset);
        QCOMPARE(s.setup().weightSeed, next.weightSeed);
        next.training.shuffle = !next.training.shuffle;
        QCOMPARE(s.changeRunSettings(next), LabSession::RunSettings::FromNextRun);
        QVERIFY(s.setup().training.shuffle != next.training.shuffle); // from the next run
        s.controller()->pause();
    }
};

QTEST_GUILESS_MAIN(TestLabSession)
#include "tst_lab_session.moc"
