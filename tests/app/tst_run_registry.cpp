// Every run since the window opened, without a window (app/lab/run_registry.h): the table's
// values, the differences from the previous run, two runs side by side, provenance along a
// branch's lineage, the workspace file round trip, and bad workspaces refused with one sentence.
#include "app/lab/lab_session.h"
#include "app/lab/run_registry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using app::RunRegistry;

namespace {

app::TrainingSetup preset(const char* name)
{
    return app::TrainingSetup::fromPreset(*engine::findPreset(name));
}

app::RunInfo info(int run, const app::TrainingSetup& setup, app::RunOrigin origin = app::RunOrigin::New,
                  int parent = 0, double startX = 0, std::uint64_t startSamples = 0)
{
    app::RunInfo i;
    i.run = run;
    i.setup = setup;
    i.dataName = QStringLiteral("MNIST");
    i.origin = origin;
    i.parent = parent;
    i.startEpochFraction = startX;
    i.startSamples = startSamples;
    return i;
}

app::ProgressReport progress(int run, double x, std::uint64_t samples, double loss, double accuracy)
{
    app::ProgressReport r;
    r.run = run;
    r.progress.epochFraction = x;
    r.progress.samplesSeen = samples;
    r.smoothedLoss = loss;
    r.smoothedAccuracy = accuracy;
    return r;
}

app::EpochReport epoch(int run, int n, double x, double testAccuracy, double seconds = 2)
{
    app::EpochReport e;
    e.run = run;
    e.epoch = n;
    e.epochFraction = x;
    e.trainLoss = 0.3;
    e.trainAccuracy = 0.9;
    e.testLoss = 0.2;
    e.testAccuracy = testAccuracy;
    e.seconds = seconds;
    return e;
}

app::RunChange change(int run, double x, std::uint64_t samples, const char* knob, const char* from, const char* to)
{
    app::RunChange c;
    c.run = run;
    c.epochFraction = x;
    c.samplesSeen = samples;
    c.change = QStringLiteral("%1 %2 → %3").arg(QLatin1String(knob), QLatin1String(from), QLatin1String(to));
    c.knobs = {engine::KnobChange{samples, knob, from, to}};
    return c;
}

// One epoch of 100 samples in `steps` reports, a quick estimate, the epoch's end.
void trainEpoch(RunRegistry& r, int run, int epochNumber, double accuracy, int steps = 10, std::uint64_t base = 0)
{
    for (int i = 1; i <= steps; ++i) {
        const double x = epochNumber - 1 + double(i) / steps;
        r.onProgressed(progress(run, x, base + std::uint64_t(epochNumber - 1) * 100 + std::uint64_t(i * 100 / steps),
                                1.0 / (1 + x), accuracy * x / epochNumber));
        if (i == steps / 2)
            r.onTestEstimated(app::TestEstimate{run, x, 0.5, accuracy - 0.01});
    }
    r.onEpochEnded(epoch(run, epochNumber, epochNumber, accuracy));
}

// Two runs as the lesson compares them: l_r 0.1, then l_r 0.3 with a change of batch mid-run.
void twoRuns(RunRegistry& r)
{
    app::TrainingSetup a = preset("lesson");
    r.onRunStarted(info(1, a));
    trainEpoch(r, 1, 1, 0.90);
    trainEpoch(r, 1, 2, 0.93);
    app::TrainingSetup b = a;
    b.training.optimizer.learningRate = 0.3f;
    r.onRunStarted(info(2, b));
    trainEpoch(r, 2, 1, 0.88);
    r.onRunChanged(change(2, 1.0, 100, "batch", "1", "32"));
    trainEpoch(r, 2, 2, 0.91);
}

QJsonObject workspaceObject(const RunRegistry& r)
{
    return QJsonDocument::fromJson(r.toWorkspace()).object();
}

} // namespace

class TestRunRegistry : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
    }

    void keepsEveryRun()
    {
        RunRegistry r;
        QSignalSpy added(&r, &RunRegistry::runAdded);
        twoRuns(r);
        QCOMPARE(added.count(), 2);
        QCOMPARE(r.rowCount(), 2);
        const app::RunRecord& one = r.runs()[0];
        QCOMPARE(one.name, QStringLiteral("Run 1"));
        QCOMPARE(one.colorIndex, 0);
        QCOMPARE(r.runs()[1].colorIndex, 1);
        QCOMPARE(RunRegistry::colorIndexFor(9), 0); // the curves' palette of eight, again
        QCOMPARE(one.preset, QStringLiteral("lesson"));
        QCOMPARE(r.runs()[1].preset, QString()); // l_r changed by hand
        QCOMPARE(one.epochs.size(), std::size_t(2));
        QCOMPARE(*one.bestTestAccuracy(), 0.93);
        QCOMPARE(*one.lastTestAccuracy(), 0.93);
        QCOMPARE(one.trainingSeconds(), 4.0);
        QCOMPARE(one.imagesSeen(), std::uint64_t(200));
        QCOMPARE(one.epochs[1].samplesSeen, std::uint64_t(200));
        QCOMPARE(one.running.size(), 20);
        QCOMPARE(one.test.size(), 2);
        QCOMPARE(one.quick.size(), 2);
        QCOMPARE(r.runs()[1].markers.size(), std::size_t(1));
        QCOMPARE(r.data(r.index(0, RunRegistry::BestColumn), Qt::DisplayRole).toString(), QStringLiteral("93.0 %"));
        QCOMPARE(r.data(r.index(1, RunRegistry::NameColumn), Qt::DisplayRole).toString(), QStringLiteral("Run 2"));
        QCOMPARE(r.currentRun(), 2);
    }

    void differencesFromThePreviousRun()
    {
        RunRegistry r;
        twoRuns(r);
        QCOMPARE(r.differencesFromPrevious(1), QStringList());
        QCOMPARE(r.differencesFromPrevious(2), QStringList{QStringLiteral("l_r")});
        const QString html = r.data(r.index(1, RunRegistry::SettingsColumn), RunRegistry::SettingsHtmlRole).toString();
        QVERIFY2(html.contains(QStringLiteral("<b>l_r 0.3</b>")), qPrintable(html));
        QVERIFY2(html.contains(QStringLiteral("batch 1 → 32")), qPrintable(html));
        const auto rows = r.compare(1, 2);
        QStringList differ;
        for (const app::SettingRow& row : rows)
            if (row.differs)
                differ << row.setting;
        QVERIFY(differ.contains(QStringLiteral("l_r")));
        QVERIFY(differ.contains(QStringLiteral("changes while training")));
        QVERIFY(!differ.contains(QStringLiteral("batch"))); // batch 1 at the start of both
        QVERIFY(!differ.contains(QStringLiteral("network")));
    }

    void curvesStayBoundedAsTheCurvesThinThem()
    {
        RunRegistry r;
        r.onRunStarted(info(1, preset("lesson")));
        for (int i = 1; i <= 5000; ++i)
            r.onProgressed(progress(1, i / 1000.0, std::uint64_t(i), 1.0, 0.5));
        r.onProgressed(progress(1, 0.5, 5001, 1.0, 0.5)); // keys only grow
        r.onProgressed(progress(1, 6, 5002, std::nan(""), 0.5)); // no running loss: no point
        // Halved at the 2000th point, and again at each 1000 more: 1000 points, the last the
        // mean of the last two.
        QCOMPARE(r.runs()[0].running.size(), 1000);
        QCOMPARE(r.runs()[0].running.x.back(), (4.999 + 5.0) / 2);
        QCOMPARE(r.runs()[0].lastSamples, std::uint64_t(5002));
    }

    void renameHideAndRemove()
    {
        RunRegistry r;
        twoRuns(r);
        QSignalSpy renamed(&r, &RunRegistry::runRenamed);
        QSignalSpy shown(&r, &RunRegistry::runVisibilityChanged);
        QSignalSpy removed(&r, &RunRegistry::runRemoved);
        QVERIFY(r.setData(r.index(0, RunRegistry::NameColumn), QStringLiteral("l_r 0.1"), Qt::EditRole));
        QCOMPARE(r.run(1)->name, QStringLiteral("l_r 0.1"));
        QCOMPARE(renamed.count(), 1);
        r.rename(1, QStringLiteral("  "));
        QCOMPARE(r.run(1)->name, QStringLiteral("Run 1")); // empty: the default again
        QVERIFY(r.setData(r.index(0, RunRegistry::ShowColumn), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!r.run(1)->visible);
        QCOMPARE(shown.count(), 1);
        QVERIFY(!r.canRemove(2)); // the worker's newest run: it may still be continued
        QVERIFY(!r.remove(2));
        QVERIFY(r.remove(1));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(r.rowCount(), 1);
        QCOMPARE(r.differencesFromPrevious(2), QStringList()); // now the first row
    }

    void provenanceOfARun()
    {
        RunRegistry r;
        twoRuns(r);
        const engine::Provenance p = r.provenance(2);
        QVERIFY(!p.nnlabVersion.empty());
        QCOMPARE(p.preset, std::string());
        QCOMPARE(r.provenance(1).preset, std::string("lesson"));
        QCOMPARE(QString::fromStdString(p.setup), preset("lesson").describe().replace(QStringLiteral("0.1"), QStringLiteral("0.3")));
        QCOMPARE(p.weightSeed, preset("lesson").weightSeed);
        QCOMPARE(p.shuffled, false);
        QCOMPARE(p.dataName, std::string("MNIST"));
        QCOMPARE(p.epochs.size(), std::size_t(2));
        QCOMPARE(p.epochs[1].epoch, 2);
        QCOMPARE(*p.epochs[1].testAccuracy, 0.91f);
        QCOMPARE(p.changes.size(), std::size_t(1));
        QCOMPARE(p.changes[0].text(), std::string("batch 1 -> 32"));
        QCOMPARE(p.changes[0].samplesSeen, std::uint64_t(100));
        QVERIFY(r.provenance(99).empty());
    }

    void aBranchCarriesItsParentsHistory()
    {
        RunRegistry r;
        r.onRunStarted(info(1, preset("lesson")));
        trainEpoch(r, 1, 1, 0.90);
        r.onRunChanged(change(1, 1.0, 100, "l_r", "0.1", "0.3"));
        trainEpoch(r, 1, 2, 0.92);
        r.onRunChanged(change(1, 2.0, 200, "l_r", "0.3", "0.01")); // after the branch point
        trainEpoch(r, 1, 3, 0.94);
        // Branched at epoch 2 (sample 200), trained one epoch more.
        r.onRunStarted(info(2, preset("lesson"), app::RunOrigin::Branch, 1, 2.0, 200));
        r.onRunChanged(change(2, 2.0, 200, "batch", "1", "10"));
        for (int i = 1; i <= 10; ++i)
            r.onProgressed(progress(2, 2 + i / 10.0, 200 + std::uint64_t(i * 10), 0.4, 0.9));
        r.onEpochEnded(epoch(2, 3, 3.0, 0.95));
        QCOMPARE(r.run(2)->imagesSeen(), std::uint64_t(100));
        // Its running curve leaves the parent's at the branch point, as the window draws it.
        QCOMPARE(r.run(2)->running.x.front(), 2.0);
        QCOMPARE(r.run(2)->running.loss.front(), r.run(1)->running.loss[19]); // the parent's at x = 2
        QCOMPARE(r.run(2)->running.size(), 11);

        const engine::Provenance p = r.provenance(2);
        QCOMPARE(p.epochs.size(), std::size_t(3)); // the parent's 1 and 2, then its own 3
        QCOMPARE(p.epochs[0].epoch, 1);
        QCOMPARE(p.epochs[1].epoch, 2);
        QCOMPARE(p.epochs[2].epoch, 3);
        QCOMPARE(*p.epochs[2].testAccuracy, 0.95f);
        QCOMPARE(p.changes.size(), std::size_t(2)); // l_r 0.1 -> 0.3 (parent), batch (its own)
        QCOMPARE(p.changes[0].text(), std::string("l_r 0.1 -> 0.3"));
        QCOMPARE(p.changes[1].text(), std::string("batch 1 -> 10"));

        // The same start as the branch: the parent's history up to the branch point, then its own.
        r.onRunStarted(info(3, preset("lesson"), app::RunOrigin::SameStart, 2, 2.0, 200));
        r.onRunChanged(change(3, 2.5, 250, "l_r", "0.3", "0.2"));
        const engine::Provenance same = r.provenance(3);
        QCOMPARE(same.epochs.size(), std::size_t(2));
        QCOMPARE(same.changes.size(), std::size_t(2));
        QCOMPARE(same.changes[1].text(), std::string("l_r 0.3 -> 0.2"));
        // A removed parent still tells its branches' history.
        QVERIFY(r.remove(1));
        QCOMPARE(r.provenance(2), p);
    }

    void theSessionsModelCarriesItsProvenance()
    {
        app::LabSession s;
        s.begin(preset("lesson"), 0);
        QSignalSpy ready(&s, &app::LabSession::dataReady);
        s.loadData(int(s.dataSources().size()) - 1, {QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv"),
                                                     QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv")});
        QVERIFY(ready.wait(10000));
        QTRY_VERIFY(s.snapshot().network != nullptr);
        QVERIFY(s.currentModel()->info.provenance.empty()); // untrained weights have no history
        QSignalSpy finished(s.controller(), &app::TrainingController::finished);
        s.setEpochs(2);
        s.controller()->start();
        QVERIFY(finished.wait(20000));
        QTRY_COMPARE(s.snapshot().samplesSeen, std::uint64_t(200));
        QCOMPARE(s.runs()->rowCount(), 1);
        const engine::Provenance p = s.currentModel()->info.provenance;
        QCOMPARE(p.epochs.size(), std::size_t(2));
        QCOMPARE(p.epochs[1].samplesSeen, std::uint64_t(200));
        QVERIFY(p.epochs[1].testAccuracy.has_value());
        QCOMPARE(p.dataName, s.data().name.toStdString());
        QCOMPARE(p.dataFiles, s.data().files);
        QCOMPARE(p.setup, s.setup().describe().toStdString());
        QCOMPARE(p, s.runs()->provenance(s.snapshot().run));
    }

    void workspaceRoundTrip()
    {
        RunRegistry r;
        twoRuns(r);
        r.onRunStarted(info(3, preset("keras-rmsprop"), app::RunOrigin::Branch, 2, 1.0, 100));
        trainEpoch(r, 3, 2, 0.97, 2500); // thinned once
        r.rename(1, QStringLiteral("the lesson's l_r"));
        r.setVisible(2, false);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.nnlab-runs"));
        QString why;
        QVERIFY2(r.saveWorkspace(path, &why), qPrintable(why));

        RunRegistry fresh;
        QSignalSpy restored(&fresh, &RunRegistry::runsRestored);
        QVERIFY2(fresh.openWorkspace(path, &why), qPrintable(why));
        QCOMPARE(restored.count(), 1);
        QCOMPARE(restored.first().at(0).value<QList<int>>().size(), 3);
        QCOMPARE(fresh.rowCount(), 3);
        for (int i = 0; i < 3; ++i) {
            app::RunRecord a = r.runs()[std::size_t(i)];
            const app::RunRecord& b = fresh.runs()[std::size_t(i)];
            QVERIFY(b.id > 1000); // restored keys never meet the worker's run numbers
            QCOMPARE(fresh.run(b.parent) ? fresh.rowOf(b.parent) : -1, a.parent ? r.rowOf(a.parent) : -1);
            a.id = b.id;
            a.parent = b.parent;
            QVERIFY2(a == b, qPrintable(QStringLiteral("run %1 differs").arg(i + 1)));
            QCOMPARE(b.running.x, a.running.x); // every point, exactly
        }
        QCOMPARE(fresh.provenance(fresh.runs()[2].id).epochs.size(), r.provenance(3).epochs.size());
        // A restored run can be removed; the same file saved again is the same file, keys aside.
        QCOMPARE(fresh.toWorkspace().size() > 0, true);
        QVERIFY(fresh.canRemove(fresh.runs()[2].id));
    }

    void badWorkspaces_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("sentence");
        RunRegistry r;
        twoRuns(r);
        const QByteArray good = r.toWorkspace();
        const QJsonObject top = workspaceObject(r);
        auto edited = [&](auto edit) { // the top's fields or the first run's
            QJsonObject o = top;
            QJsonArray runs = o.value(QStringLiteral("runs")).toArray();
            QJsonObject run = runs[0].toObject();
            edit(o, run);
            if (o.value(QStringLiteral("runs")) == top.value(QStringLiteral("runs"))) { // untouched
                runs[0] = run;
                o[QStringLiteral("runs")] = runs;
            }
            return QJsonDocument(o).toJson();
        };
        QTest::newRow("not JSON") << QByteArray("PK\x03\x04 a zip file") << QStringLiteral("not JSON");
        QTest::newRow("truncated") << good.left(good.size() / 2) << QStringLiteral("not JSON");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("not JSON");
        QTest::newRow("another format") << edited([](QJsonObject& o, QJsonObject&) { o[QStringLiteral("format")] = QStringLiteral("nnlab-model"); })
                                        << QStringLiteral("“format”");
        QTest::newRow("wrong version") << edited([](QJsonObject& o, QJsonObject&) { o[QStringLiteral("version")] = 2; })
                                       << QStringLiteral("version 2");
        QTest::newRow("no runs") << edited([](QJsonObject& o, QJsonObject&) { o.remove(QStringLiteral("runs")); })
                                 << QStringLiteral("“runs” is missing");
        QTest::newRow("missing name") << edited([](QJsonObject&, QJsonObject& run) { run.remove(QStringLiteral("name")); })
                                      << QStringLiteral("run 1: “name” is missing");
        QTest::newRow("NaN accuracy") << QByteArray(good).replace("\"testAccuracy\": 0.9", "\"testAccuracy\": NaN")
                                      << QStringLiteral("not JSON");
        QTest::newRow("accuracy as null (NaN written by Qt)")
            << edited([](QJsonObject&, QJsonObject& run) {
                   QJsonArray epochs = run[QStringLiteral("epochs")].toArray();
                   QJsonObject e = epochs[0].toObject();
                   e[QStringLiteral("testAccuracy")] = QJsonValue::Null;
                   epochs[0] = e;
                   run[QStringLiteral("epochs")] = epochs;
               })
            << QStringLiteral("“testAccuracy” is not a finite number");
        QTest::newRow("absurd colour") << edited([](QJsonObject&, QJsonObject& run) { run[QStringLiteral("colour")] = 99; })
                                       << QStringLiteral("“colour” is 99");
        QTest::newRow("absurd point count")
            << edited([](QJsonObject&, QJsonObject& run) {
                   QJsonObject curves = run[QStringLiteral("curves")].toObject();
                   QJsonObject running = curves[QStringLiteral("running")].toObject();
                   running[QStringLiteral("x")] = QJsonArray::fromVariantList(QVariantList(100000, 1.0));
                   curves[QStringLiteral("running")] = running;
                   run[QStringLiteral("curves")] = curves;
               })
            << QStringLiteral("has 100000 entries");
        QTest::newRow("mismatched curve")
            << edited([](QJsonObject&, QJsonObject& run) {
                   QJsonObject curves = run[QStringLiteral("curves")].toObject();
                   QJsonObject test = curves[QStringLiteral("test")].toObject();
                   test[QStringLiteral("loss")] = QJsonArray{0.1};
                   curves[QStringLiteral("test")] = test;
                   run[QStringLiteral("curves")] = curves;
               })
            << QStringLiteral("2 epochs, 1 losses and 2 accuracies");
        QTest::newRow("unusable settings")
            << edited([](QJsonObject&, QJsonObject& run) {
                   QJsonObject setup = run[QStringLiteral("setup")].toObject();
                   setup[QStringLiteral("optimizer")] = QStringLiteral("magic");
                   run[QStringLiteral("setup")] = setup;
               })
            << QStringLiteral("“optimizer” is not a known optimizer: magic");
        QTest::newRow("negative samples")
            << edited([](QJsonObject&, QJsonObject& run) { run[QStringLiteral("samples")] = -5; })
            << QStringLiteral("“samples” is -5");
        QTest::newRow("a run that is a number")
            << edited([](QJsonObject& o, QJsonObject&) { o[QStringLiteral("runs")] = QJsonArray{1}; })
            << QStringLiteral("run 1: it is not an object");
    }

    void badWorkspaces()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, sentence);
        RunRegistry r;
        twoRuns(r);
        const QByteArray before = r.toWorkspace();
        QSignalSpy restored(&r, &RunRegistry::runsRestored);
        QString why;
        QVERIFY(!r.fromWorkspace(bytes, &why));
        QVERIFY2(why.contains(sentence), qPrintable(why));
        QVERIFY2(why.endsWith(QLatin1Char('.')) && !why.contains(QLatin1Char('\n')), qPrintable(why)); // one sentence
        QCOMPARE(r.toWorkspace(), before); // nothing changed
        QCOMPARE(restored.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRunRegistry)
#include "tst_run_registry.moc"
