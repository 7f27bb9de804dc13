// A sweep in the lab without a window (app/lab/sweep_session.h): results arrive on the GUI thread
// in index order and equal single runs trained alone; cancel, pause and resume, and deleting the
// session mid-sweep leave no thread; a sweep file round trip; bad files and bad settings refused
// with a sentence; the last sweep's settings remembered.
#include "app/lab/sweep_session.h"

#include "engine/sweep_file.h"
#include "tests/common/test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace nnlab;
using app::SweepSession;

namespace {

constexpr int kWaitMs = 120'000; // a generous bound for a loaded machine, never reached normally

int threadCount() // this process's threads
{
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

engine::SweepSpec spec(engine::SweepKnob knob, std::vector<std::string> values,
                       std::vector<std::uint64_t> seeds)
{
    engine::SweepSpec s;
    s.knob = knob;
    s.values = std::move(values);
    s.seeds = std::move(seeds);
    return s;
}

engine::Preset lesson(int epochs)
{
    engine::Preset p = *engine::findPreset("lesson");
    p.epochs = epochs;
    return p;
}

// Exact equality of what a run measured (bits, not a tolerance).
bool sameFigures(const engine::SweepRunResult& a, const engine::SweepRunResult& b, QString* why)
{
    auto differ = [&](const QString& what) {
        *why = QStringLiteral("run %1: %2").arg(a.index).arg(what);
        return false;
    };
    if (a.index != b.index || a.valueIndex != b.valueIndex || a.value != b.value || a.seed != b.seed)
        return differ(QStringLiteral("another run"));
    if (a.error != b.error)
        return differ(QStringLiteral("error \"%1\" vs \"%2\"").arg(QString::fromStdString(a.error), QString::fromStdString(b.error)));
    if (a.samples != b.samples || a.epochs.size() != b.epochs.size())
        return differ(QStringLiteral("samples or epochs"));
    for (std::size_t e = 0; e < a.epochs.size(); ++e) {
        const engine::SweepEpochResult &x = a.epochs[e], &y = b.epochs[e];
        if (x.epoch != y.epoch || x.trainLoss != y.trainLoss || x.trainAccuracy != y.trainAccuracy ||
            x.testLoss != y.testLoss || x.testAccuracy != y.testAccuracy || x.samplesSeen != y.samplesSeen)
            return differ(QStringLiteral("epoch %1: test accuracy %2 vs %3")
                              .arg(e + 1).arg(x.testAccuracy, 0, 'g', 17).arg(y.testAccuracy, 0, 'g', 17));
    }
    if (a.curve.size() != b.curve.size())
        return differ(QStringLiteral("%1 vs %2 curve points").arg(a.curve.size()).arg(b.curve.size()));
    for (std::size_t i = 0; i < a.curve.size(); ++i)
        if (a.curve[i].epochFraction != b.curve[i].epochFraction ||
            a.curve[i].runningLoss != b.curve[i].runningLoss ||
            a.curve[i].runningAccuracy != b.curve[i].runningAccuracy)
            return differ(QStringLiteral("curve point %1").arg(i));
    return true;
}

} // namespace

class TestSweepSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        const test::Mnist mnist = test::loadBundledMnist();
        m_data.train = std::make_shared<const engine::Dataset>(mnist.train->head(1000));
        m_data.test = std::make_shared<const engine::Dataset>(mnist.test->head(1000));
        m_data.name = QStringLiteral("MNIST, first 1,000");
        QVERIFY(m_data.isValid());
    }

    // 2 learning rates x 2 seeds on 1,000 images over two jobs: every result arrives once, on the
    // GUI thread, in index order, and equals the same run trained alone with runSweepRun.
    void resultsEqualSingleRuns()
    {
        SweepSession session;
        session.setJobs(2);
        QSignalSpy started(&session, &SweepSession::started);
        QSignalSpy results(&session, &SweepSession::runFinished);
        QSignalSpy finished(&session, &SweepSession::finished);
        QSignalSpy failed(&session, &SweepSession::failed);
        const engine::Preset base = lesson(2);
        const engine::SweepSpec s = spec(engine::SweepKnob::LearningRate, {"0.1", "0.3"}, {1, 2});
        QVERIFY(session.start(base, s, m_data));
        QCOMPARE(started.size(), 1);
        QCOMPARE(session.state(), SweepSession::State::Running);
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(results.size(), 4);
        QCOMPARE(session.state(), SweepSession::State::Idle);
        QCOMPARE(session.results().size(), std::size_t(4));
        for (std::size_t i = 0; i < 4; ++i) {
            const engine::SweepRunResult& r = session.results()[i];
            QCOMPARE(r.index, i);
            QVERIFY2(r.ok(), r.error.c_str());
            QCOMPARE(r.epochs.size(), std::size_t(2));
            QVERIFY(!r.curve.empty());
            engine::Preset alone = engine::sweepRunPreset(base, s.knob, s.values[i / 2], s.seeds[i % 2],
                                                          m_data.train->size());
            alone.training.threads = 1;
            const std::optional<engine::SweepRunResult> reference =
                engine::runSweepRun(alone, *m_data.train, *m_data.test);
            QVERIFY(reference);
            QString why;
            engine::SweepRunResult expected = *reference;
            expected.index = i;
            expected.valueIndex = i / 2;
            expected.value = s.values[i / 2];
            QVERIFY2(sameFigures(r, expected, &why), qPrintable(why));
            QCOMPARE(session.result(i), &r);
        }
        QCOMPARE(session.result(4), nullptr);
        const std::vector<engine::SweepPointSummary> summary = session.summary();
        QCOMPARE(summary.size(), std::size_t(2));
        QCOMPARE(summary[1].runs, 2);
        QCOMPARE(summary[1].testAccuracyMax, std::max(session.results()[2].last().testAccuracy,
                                                      session.results()[3].last().testAccuracy));
    }

    // Cancelled after its first progress report, a long sweep stops: cancelled(), never
    // finished(), the runs that never ended are not in the results, and no thread is left.
    void cancelMidRun()
    {
        SweepSession session;
        session.setJobs(2);
        session.setProgressInterval(std::chrono::milliseconds(5));
        QSignalSpy cancelled(&session, &SweepSession::cancelled);
        QSignalSpy finished(&session, &SweepSession::finished);
        QSignalSpy states(&session, &SweepSession::stateChanged);
        const int threadsBefore = threadCount();
        connect(&session, &SweepSession::progressed, &session, &SweepSession::cancel);
        QVERIFY(session.start(lesson(1), spec(engine::SweepKnob::Epochs, {"300", "400"}, {1, 2}), m_data));
        QVERIFY(threadCount() > threadsBefore);
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.size() + finished.size() > 0, kWaitMs);
        QCOMPARE(cancelled.size(), 1);
        QCOMPARE(finished.size(), 0);
        QCOMPARE(session.state(), SweepSession::State::Idle);
        QVERIFY(session.results().size() < 4);
        QCOMPARE(threadCount(), threadsBefore);
        QCOMPARE(states.size(), 3); // running, stopping, idle
        QCOMPARE(states[1][0].value<SweepSession::State>(), SweepSession::State::Stopping);
        // And the session takes the next sweep.
        QSignalSpy done(&session, &SweepSession::finished);
        disconnect(&session, &SweepSession::progressed, &session, &SweepSession::cancel);
        QVERIFY(session.start(lesson(1), spec(engine::SweepKnob::LearningRate, {"0.1"}, {1}), m_data));
        QVERIFY(done.wait(kWaitMs));
        QCOMPARE(session.results().size(), std::size_t(1));
    }

    // Paused at its first progress report and resumed 50 ms of event loop later (whether the
    // runs were caught mid-batch does not change what must hold): the same bits as single runs.
    void pauseResumeSameBits()
    {
        SweepSession session;
        session.setJobs(2);
        session.setProgressInterval(std::chrono::milliseconds(5));
        QSignalSpy finished(&session, &SweepSession::finished);
        QSignalSpy states(&session, &SweepSession::stateChanged);
        bool paused = false;
        connect(&session, &SweepSession::progressed, &session, [&] {
            if (paused)
                return;
            paused = true;
            session.pause();
            QCOMPARE(session.state(), SweepSession::State::Paused);
            QTimer::singleShot(50, &session, &SweepSession::resume);
        });
        const engine::Preset base = lesson(10);
        const engine::SweepSpec s = spec(engine::SweepKnob::HiddenNodes, {"20", "40"}, {3, 4});
        QVERIFY(session.start(base, s, m_data));
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY(paused);
        QList<SweepSession::State> seen;
        for (const QList<QVariant>& args : states)
            seen << args[0].value<SweepSession::State>();
        QCOMPARE(seen, (QList<SweepSession::State>{SweepSession::State::Running, SweepSession::State::Paused,
                                                   SweepSession::State::Running, SweepSession::State::Idle}));
        QCOMPARE(session.results().size(), std::size_t(4));
        for (const engine::SweepRunResult& r : session.results()) {
            engine::Preset alone = engine::sweepRunPreset(base, s.knob, r.value, r.seed, m_data.train->size());
            alone.training.threads = 1;
            engine::SweepRunResult expected = *engine::runSweepRun(alone, *m_data.train, *m_data.test);
            expected.index = r.index;
            expected.valueIndex = r.valueIndex;
            expected.value = r.value;
            QString why;
            QVERIFY2(sameFigures(r, expected, &why), qPrintable(why));
        }
    }

    // Deleting the session mid-sweep (even paused) returns within half a second, leaving no thread.
    void deleteMidSweep_data()
    {
        QTest::addColumn<bool>("pausedFirst");
        QTest::newRow("running") << false;
        QTest::newRow("paused") << true;
    }

    void deleteMidSweep()
    {
        QFETCH(bool, pausedFirst);
        const int threadsBefore = threadCount();
        auto* session = new SweepSession;
        session->setJobs(2);
        session->setProgressInterval(std::chrono::milliseconds(5));
        QSignalSpy progressed(session, &SweepSession::progressed);
        QVERIFY(session->start(lesson(1), spec(engine::SweepKnob::Epochs, {"300", "400"}, {1, 2}), m_data));
        QVERIFY(progressed.wait(kWaitMs));
        if (pausedFirst)
            session->pause();
        QElapsedTimer clock;
        clock.start();
        delete session;
        const qint64 ms = clock.elapsed();
        QVERIFY2(ms < 500, qPrintable(QString::number(ms) + QLatin1String(" ms")));
        QCOMPARE(threadCount(), threadsBefore);
    }

    // Saved, then opened by another session: the same sweep, every figure to the bit.
    void saveAndOpen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lr sweep.csv"));
        SweepSession first;
        QSignalSpy finished(&first, &SweepSession::finished);
        const engine::SweepSpec s = spec(engine::SweepKnob::LearningRate, {"0.1", "0.3"}, {1, 2});
        QVERIFY(first.start(lesson(1), s, m_data));
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY(first.save(path));
        QVERIFY(test::fileContents(path).startsWith("# nnlab sweep file, format 1\n"));

        SweepSession second;
        QSignalSpy opened(&second, &SweepSession::opened);
        QSignalSpy results(&second, &SweepSession::runFinished);
        QSignalSpy failed(&second, &SweepSession::failed);
        QVERIFY(second.load(path));
        QVERIFY(second.isLoading());
        QVERIFY(opened.wait(kWaitMs));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(opened[0][0].toString(), path);
        QVERIFY(!second.isLoading());
        QCOMPARE(results.size(), 4); // emitted after opened, one per run
        QCOMPARE(second.dataName(), m_data.name);
        QVERIFY(second.spec().knob == s.knob);
        QCOMPARE(second.spec().values, s.values);
        QCOMPARE(second.spec().seeds, s.seeds);
        QCOMPARE(second.base().epochs, 1);
        QCOMPARE(second.base().name, std::string("lesson"));
        QCOMPARE(second.results().size(), first.results().size());
        for (std::size_t i = 0; i < first.results().size(); ++i) {
            QString why;
            QVERIFY2(sameFigures(second.results()[i], first.results()[i], &why), qPrintable(why));
            QCOMPARE(second.results()[i].setup, first.results()[i].setup);
        }
    }

    // A bad file, a missing one, or opening during a sweep: failed() with the file's name and
    // the reason; what was shown stays.
    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("contents"); // empty: no file at all
        QTest::addColumn<QString>("reason");
        QTest::newRow("not a sweep file") << QByteArray("label,pixel\n7,0\n")
                                          << "broken sweep.csv (line 1): not an nnlab sweep file";
        QTest::newRow("missing") << QByteArray() << "broken sweep.csv: the file does not exist";
        QTest::newRow("cut short") << QByteArray("# nnlab sweep file, format 1\n# nnlab: 0.1.0\n")
                                   << "broken sweep.csv (line 2): the file ends inside its header";
    }

    void badFiles()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken sweep.csv"));
        if (!contents.isEmpty()) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(contents);
        }
        SweepSession session;
        QSignalSpy failed(&session, &SweepSession::failed);
        QSignalSpy opened(&session, &SweepSession::opened);
        QVERIFY(session.load(path));
        QVERIFY(failed.wait(kWaitMs));
        QVERIFY2(failed[0][0].toString().startsWith(reason), qPrintable(failed[0][0].toString()));
        QCOMPARE(opened.size(), 0);
        QVERIFY(!session.isLoading());
        QVERIFY(session.spec().values.empty());
    }

    // A sweep started while a file is still being read wins: the file's sweep never replaces it.
    void startDropsAFileStillBeingRead()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.csv"));
        {
            SweepSession writer;
            QSignalSpy finished(&writer, &SweepSession::finished);
            QVERIFY(writer.start(lesson(1), spec(engine::SweepKnob::HiddenNodes, {"10"}, {1}), m_data));
            QVERIFY(finished.wait(kWaitMs));
            QVERIFY(writer.save(path));
        }
        SweepSession session;
        QSignalSpy opened(&session, &SweepSession::opened);
        QSignalSpy results(&session, &SweepSession::runFinished);
        QSignalSpy finished(&session, &SweepSession::finished);
        QVERIFY(session.load(path)); // read on a pool thread; its answer is queued behind start()
        QVERIFY(session.start(lesson(1), spec(engine::SweepKnob::LearningRate, {"0.2", "0.4"}, {1}), m_data));
        QVERIFY(!session.isLoading());
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(opened.size(), 0);
        QCOMPARE(results.size(), 2);
        QVERIFY(session.spec().knob == engine::SweepKnob::LearningRate);
        QCOMPARE(session.results().size(), std::size_t(2));
    }

    void refusals()
    {
        SweepSession session;
        QSignalSpy failed(&session, &SweepSession::failed);
        QVERIFY(!session.start(lesson(1), spec(engine::SweepKnob::LearningRate, {"0.1"}, {1}), app::DataPair{}));
        QCOMPARE(failed.last()[0].toString(), QStringLiteral("There is no data to train on yet."));
        QVERIFY(!session.start(lesson(1), spec(engine::SweepKnob::TrainingImages, {"2000"}, {1}), m_data));
        QVERIFY2(failed.last()[0].toString().contains(QLatin1String("2000")), qPrintable(failed.last()[0].toString()));
        QVERIFY(!session.start(lesson(1), SweepSession::Settings{"speed", "1,2", "1", "controls"}, m_data));
        QVERIFY2(failed.last()[0].toString().startsWith(QLatin1String("there is no knob \"speed\": the knobs are lr, ")),
                 qPrintable(failed.last()[0].toString()));
        QVERIFY(!session.start(lesson(1), SweepSession::Settings{"lr", "0.1,fast", "1", "controls"}, m_data));
        QVERIFY2(failed.last()[0].toString().contains(QLatin1String("fast")), qPrintable(failed.last()[0].toString()));
        QCOMPARE(session.state(), SweepSession::State::Idle);
        QTemporaryDir dir;
        QVERIFY(!session.save(dir.filePath(QStringLiteral("nothing.csv"))));
        QCOMPARE(failed.last()[0].toString(), QStringLiteral("nothing.csv was not saved: there is no sweep yet."));

        session.setProgressInterval(std::chrono::milliseconds(5));
        QSignalSpy progressed(&session, &SweepSession::progressed);
        QVERIFY(session.start(lesson(1), spec(engine::SweepKnob::Epochs, {"300"}, {1, 2}), m_data));
        QVERIFY(!session.start(lesson(1), spec(engine::SweepKnob::LearningRate, {"0.1"}, {1}), m_data));
        QCOMPARE(failed.last()[0].toString(), QStringLiteral("A sweep is running: cancel it before starting another."));
        QVERIFY(!session.load(dir.filePath(QStringLiteral("other.csv"))));
        QCOMPARE(failed.last()[0].toString(), QStringLiteral("A sweep is running: cancel it before opening other.csv."));
        // Saving mid-sweep keeps what has finished so far; a folder that is not there fails.
        QVERIFY(progressed.wait(kWaitMs));
        QVERIFY(session.save(dir.filePath(QStringLiteral("so far.csv"))));
        QVERIFY(!session.save(dir.filePath(QStringLiteral("missing/so far.csv"))));
        QVERIFY2(failed.last()[0].toString().startsWith(QLatin1String("so far.csv could not be saved: ")),
                 qPrintable(failed.last()[0].toString()));
        QSignalSpy cancelled(&session, &SweepSession::cancelled);
        QSignalSpy done(&session, &SweepSession::finished);
        session.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.size() + done.size() > 0, kWaitMs);
        QCOMPARE(cancelled.size(), 1);
        const engine::SweepFile soFar = engine::loadSweepFile(dir.filePath(QStringLiteral("so far.csv")).toStdString());
        QCOMPARE(soFar.spec.seeds, (std::vector<std::uint64_t>{1, 2}));
    }

    // The fields of the last sweep started are remembered; fields that did not parse are not.
    void settingsRemembered()
    {
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("nnlab.ini"));
        const SweepSession::Settings typed{"hidden", "10,20", "4,5", "lesson"};
        {
            QSettings settings(ini, QSettings::IniFormat);
            SweepSession session(&settings);
            QCOMPARE(session.rememberedSettings(), SweepSession::defaultSettings());
            QSignalSpy finished(&session, &SweepSession::finished);
            QVERIFY(session.start(lesson(1), typed, m_data));
            QCOMPARE(session.spec().values, (std::vector<std::string>{"10", "20"}));
            QCOMPARE(session.spec().seeds, (std::vector<std::uint64_t>{4, 5}));
            QVERIFY(finished.wait(kWaitMs));
            QVERIFY(!session.start(lesson(1), SweepSession::Settings{"lr", "0.1,", "1", "controls"}, m_data));
        }
        QSettings settings(ini, QSettings::IniFormat);
        SweepSession later(&settings);
        QCOMPARE(later.rememberedSettings(), typed);
    }

    // The window's controls as a sweep's base: every setting carried over.
    void presetFromSetup()
    {
        app::TrainingSetup setup = app::TrainingSetup::fromPreset(*engine::findPreset("best"));
        setup.weightSeed = 9;
        setup.training.trainingSize = 777;
        const engine::Preset p = setup.toPreset(QStringLiteral("controls"));
        QCOMPARE(p.name, std::string("controls"));
        QCOMPARE(QString::fromStdString(p.description), setup.describe());
        QCOMPARE(engine::presetSettingsText(p),
                 engine::presetSettingsText(app::TrainingSetup::fromPreset(p).toPreset()));
        QCOMPARE(p.weightSeed, std::uint64_t(9));
        QCOMPARE(p.training.trainingSize, std::size_t(777));
        QVERIFY(p.architecture == setup.architecture);
    }

private:
    app::DataPair m_data;
};

QTEST_GUILESS_MAIN(TestSweepSession)
#include "tst_sweep_session.moc"
