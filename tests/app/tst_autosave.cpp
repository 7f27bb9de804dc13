// app::Autosave without a window: it saves the network and the runs at epoch ends (at most every
// kEpochSaveSpacingMs) and by its interval while a run trains, atomically; a clean finish leaves
// nothing; what an exit that was not clean leaves is found by the next start, never by a second
// nnlab running at the same time; a corrupt or discarded autosave is set aside, never deleted.
#include "app/bridge/training_worker.h"
#include "app/lab/autosave.h"
#include "engine/model_file.h"
#include "tests/common/test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sstream>

using nnlab::app::Autosave;
using nnlab::app::WorkerState;
using nnlab::test::fileContents;

namespace {

// A real model file's bytes; `bias` tells two apart.
QByteArray modelBytes(float bias)
{
    nnlab::engine::Model model = nnlab::test::makeModel({4}, true, nnlab::engine::Activation::Sigmoid,
                                                        nnlab::engine::Output::Sigmoid,
                                                        nnlab::engine::Loss::SquaredError, 3);
    model.network.bias(0)(0) = bias;
    std::ostringstream out;
    nnlab::engine::writeModel(out, model, "test");
    return QByteArray::fromStdString(out.str());
}

} // namespace

class TestAutosave : public QObject
{
    Q_OBJECT

    QByteArray m_model = modelBytes(0.5f);
    QByteArray m_runs = "runs 1";

    void feed(Autosave& a)
    {
        a.setSources([this]() -> std::optional<QByteArray> { return m_model; }, [this] { return m_runs; });
    }

private slots:
    void savesAtEpochEnds()
    {
        QTemporaryDir dir;
        Autosave a(dir.path());
        QVERIFY(a.begin());
        feed(a);
        a.setEpochSaveSpacing(300);
        QSignalSpy saved(&a, &Autosave::saved);
        a.onStateChanged(WorkerState::Running);
        QVERIFY(!QFileInfo::exists(a.modelPath())); // nothing before the first epoch ends
        a.onEpochEnded();
        QCOMPARE(saved.count(), 1);
        QCOMPARE(fileContents(a.modelPath()), m_model);
        QCOMPARE(fileContents(a.workspacePath()), m_runs);
        // Epochs ending every 20 ms (100 images each): the next save once the spacing is over.
        m_model = modelBytes(0.25f);
        m_runs = "runs 2";
        QElapsedTimer sinceSave;
        sinceSave.start();
        int epochs = 0;
        while (saved.count() < 2 && sinceSave.elapsed() < 5000) {
            QTest::qWait(20);
            a.onEpochEnded();
            ++epochs;
        }
        QCOMPARE(saved.count(), 2);
        QVERIFY2(sinceSave.elapsed() >= 300 && epochs > 5, qPrintable(QString::number(epochs)));
        QCOMPARE(fileContents(a.modelPath()), m_model);
        QCOMPARE(fileContents(a.workspacePath()), m_runs);
        // Paused: the last weights, then no more saves.
        m_model = modelBytes(0.125f);
        a.onStateChanged(WorkerState::Paused);
        QCOMPARE(saved.count(), 3);
        QCOMPARE(fileContents(a.modelPath()), m_model);
    }

    void savesByTheIntervalWhileRunning()
    {
        QTemporaryDir dir;
        Autosave a(dir.path());
        QVERIFY(a.begin());
        feed(a);
        a.setInterval(200);
        QSignalSpy saved(&a, &Autosave::saved);
        a.onStateChanged(WorkerState::Idle);
        QVERIFY(!saved.wait(600)); // not while nothing trains
        a.onStateChanged(WorkerState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(saved.count() >= 1, 5000);
        QCOMPARE(fileContents(a.modelPath()), m_model);
        m_model = modelBytes(-1.0f);
        QTRY_COMPARE_WITH_TIMEOUT(fileContents(a.modelPath()), m_model, 5000);
    }

    // A save that fails (the runs' file cannot be replaced) leaves the previous autosave whole and
    // no temporary file beside it.
    void aFailedSaveKeepsTheLastAutosave()
    {
        QTemporaryDir dir;
        Autosave a(dir.path());
        QVERIFY(a.begin());
        feed(a);
        QVERIFY(a.saveNow());
        QVERIFY(QFile::remove(a.workspacePath()));
        QVERIFY(QDir().mkdir(a.workspacePath()));
        const nnlab::test::SavedFile before(a.modelPath());
        m_model = modelBytes(2.0f);
        QSignalSpy failed(&a, &Autosave::failed);
        QVERIFY(!a.saveNow());
        QCOMPARE(failed.count(), 1);
        before.verifyUnchanged();
        m_model = modelBytes(0.5f);
    }

    void aCleanFinishLeavesNothing()
    {
        QTemporaryDir dir;
        {
            Autosave a(dir.path());
            QVERIFY(a.begin());
            feed(a);
            QVERIFY(a.saveNow());
            a.finishCleanly();
            QVERIFY(!QFileInfo::exists(a.modelPath()));
        }
        QCOMPARE(nnlab::test::folderEntries(dir.path()), QStringList());
        Autosave next(dir.path());
        QVERIFY(next.begin());
        QVERIFY(!next.hasLeftover());
    }

    // An exit that was not clean (no finishCleanly) leaves both files; the next start finds them,
    // byte for byte, and saves nothing over them until they are answered for.
    void anUncleanExitIsFoundByTheNextStart()
    {
        QTemporaryDir dir;
        {
            Autosave a(dir.path());
            QVERIFY(a.begin());
            feed(a);
            QVERIFY(a.saveNow());
        }
        Autosave next(dir.path());
        QVERIFY(next.begin());
        QVERIFY(next.hasLeftover());
        QString error;
        const auto left = next.readLeftover(&error);
        QVERIFY2(left, qPrintable(error));
        QCOMPARE(left->model, m_model);
        QCOMPARE(left->workspace, m_runs);
        QVERIFY(left->savedAt.isValid());
        feed(next);
        m_model = modelBytes(3.0f);
        QVERIFY(!next.saveNow()); // not over an unanswered leftover
        QCOMPARE(fileContents(next.modelPath()), left->model);
        next.adoptLeftover(); // restored: from now on the slot is this window's autosave
        QVERIFY(next.saveNow());
        QCOMPARE(fileContents(next.modelPath()), m_model);
        m_model = modelBytes(0.5f);
    }

    // A second nnlab started while the first runs takes another slot and is not offered the
    // first one's autosave.
    void aSecondInstanceIsNotOfferedTheFirstsAutosave()
    {
        QTemporaryDir dir;
        Autosave first(dir.path());
        QVERIFY(first.begin());
        feed(first);
        QVERIFY(first.saveNow());
        Autosave second(dir.path());
        QVERIFY(second.begin());
        QVERIFY(!second.hasLeftover());
        QVERIFY(second.slotFolder() != first.slotFolder());
        feed(second);
        m_model = modelBytes(4.0f);
        QVERIFY(second.saveNow());
        QCOMPARE(fileContents(first.modelPath()), modelBytes(0.5f)); // each its own files
        m_model = modelBytes(0.5f);
    }

    // A lock left by a killed process (its PID no longer runs) is stale: the slot is taken.
    void aKilledProcesssLockIsStale()
    {
        QTemporaryDir dir;
        const QString slot = dir.filePath(QStringLiteral("1"));
        QVERIFY(QDir().mkpath(slot));
        QFile lock(slot + QStringLiteral("/running.lock"));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write("2147483646\nnnlab\n" + QSysInfo::machineHostName().toUtf8() + "\n");
        lock.close();
        QFile model(slot + QLatin1Char('/') + Autosave::kModelFile);
        QVERIFY(model.open(QIODevice::WriteOnly));
        model.write(m_model);
        model.close();
        Autosave next(dir.path());
        QVERIFY(next.begin());
        QCOMPARE(next.slotFolder(), slot);
        QVERIFY(next.hasLeftover());
    }

    void aCorruptAutosaveIsSetAsideWithAMessage()
    {
        QTemporaryDir dir;
        {
            Autosave a(dir.path());
            QVERIFY(a.begin());
            a.setSources([]() -> std::optional<QByteArray> { return QByteArray("not a model at all"); },
                         [] { return QByteArray("runs"); });
            QVERIFY(a.saveNow());
        }
        Autosave next(dir.path());
        QVERIFY(next.begin());
        QVERIFY(next.hasLeftover());
        QString error;
        QVERIFY(!next.readLeftover(&error));
        QVERIFY2(error.contains(QLatin1String("cannot be read")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("set aside as")), qPrintable(error));
        QVERIFY(!next.hasLeftover());
        QVERIFY(!QFileInfo::exists(next.modelPath()));
        const QStringList kept = QDir(next.slotFolder()).entryList({QStringLiteral("autosave.nnlab.corrupt-*")});
        QCOMPARE(kept.size(), 1);
        QVERIFY2(error.contains(kept[0]), qPrintable(error));
        QCOMPARE(fileContents(next.slotFolder() + QLatin1Char('/') + kept[0]), QByteArray("not a model at all"));
        QCOMPARE(QDir(next.slotFolder()).entryList({QStringLiteral("autosave.nnlab-workspace.corrupt-*")}).size(), 1);
    }

    void discardSetsAsideAndLaterKeepsForTheNextStart()
    {
        QTemporaryDir dir;
        {
            Autosave a(dir.path());
            QVERIFY(a.begin());
            feed(a);
            QVERIFY(a.saveNow());
        }
        { // Later: this window moves to another slot; the leftover stays, unlocked.
            Autosave later(dir.path());
            QVERIFY(later.begin());
            QVERIFY(later.hasLeftover());
            const QString leftSlot = later.slotFolder();
            QVERIFY(later.postpone());
            QVERIFY(later.slotFolder() != leftSlot);
            Autosave another(dir.path()); // started while `later` runs: still offered
            QVERIFY(another.begin());
            QCOMPARE(another.slotFolder(), leftSlot);
            QVERIFY(another.hasLeftover());
            another.finishCleanly(); // unanswered: kept
            later.finishCleanly();
        }
        Autosave next(dir.path());
        QVERIFY(next.begin());
        QVERIFY(next.hasLeftover());
        const QString where = next.setAside(QStringLiteral("discarded"));
        QVERIFY(where.contains(QLatin1String("autosave.nnlab.discarded-")));
        QCOMPARE(fileContents(where), m_model);
        QVERIFY(!next.hasLeftover());
        QVERIFY(!QFileInfo::exists(next.modelPath()));
    }
};

QTEST_GUILESS_MAIN(TestAutosave)
#include "tst_autosave.moc"
