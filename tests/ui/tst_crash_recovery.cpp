// Crash recovery with the real nnlab as a process (offscreen, its own HOME and XDG folders):
// killed with SIGKILL while it trains, the next start is offered the last autosave and restores
// its network byte for byte; a clean exit (SIGTERM closes the window) leaves nothing to recover;
// a corrupt autosave gives a clear message and is set aside, not deleted.
#include "engine/model_file.h"
#include "tests/common/test_support.h"

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <memory>
#include <sstream>

using nnlab::test::fileContents;

namespace {

nnlab::engine::Model parseModel(const QByteArray& bytes)
{
    std::istringstream in(bytes.toStdString());
    return nnlab::engine::readModel(in, "model");
}

QByteArray serialise(const nnlab::engine::Model& model)
{
    std::ostringstream out;
    nnlab::engine::writeModel(out, model, "model");
    return QByteArray::fromStdString(out.str());
}

} // namespace

class TestCrashRecovery : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_home;

    QString recoveryFolder() const { return m_home->filePath(QStringLiteral("data/nnlab/nnlab/recovery")); }
    QString slot() const { return recoveryFolder() + QStringLiteral("/1"); }

    // Every file under the recovery folder (the lock and autosaves of each slot).
    QStringList recoveryFiles() const
    {
        QStringList files;
        QDirIterator it(recoveryFolder(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << QDir(recoveryFolder()).relativeFilePath(it.next());
        files.sort();
        return files;
    }

    std::unique_ptr<QProcess> start(const QStringList& args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home->path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home->filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home->filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env);
        p->start(QStringLiteral(NNLAB_EXECUTABLE), QStringList{QStringLiteral("--no-settings")} + args);
        return p;
    }

    // nnlab training the lesson's preset, autosaving every 0.3 s, until its autosave is there.
    void startTraining(std::unique_ptr<QProcess>& p)
    {
        p = start({"--preset", "lesson", "--train", "--autosave-seconds", "0.3"});
        QVERIFY(p->waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(slot() + QStringLiteral("/autosave.nnlab")), 60000);
    }

    // The next start, answering the question `answer`, then saving the network to `saveTo`.
    QString restart(const QString& answer, const QString& saveTo)
    {
        auto p = start({"--recovery-answer", answer, "--save-and-quit", saveTo});
        if (!p->waitForFinished(60000))
            return QStringLiteral("did not finish");
        const QString err = QString::fromLocal8Bit(p->readAllStandardError());
        if (p->exitStatus() != QProcess::NormalExit || p->exitCode() != 0)
            return QStringLiteral("exit %1: %2").arg(p->exitCode()).arg(err);
        return err;
    }

private slots:
    void init()
    {
        nnlab::test::useBundledDataAndModel();
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
    }

    void killedWhileTrainingIsRestoredByteForByte()
    {
        std::unique_ptr<QProcess> first;
        startTraining(first);
        if (QTest::currentTestFailed())
            return;
        ::kill(pid_t(first->processId()), SIGKILL);
        QVERIFY(first->waitForFinished(10000));
        QCOMPARE(first->exitStatus(), QProcess::CrashExit);
        const QByteArray autosaved = fileContents(slot() + QStringLiteral("/autosave.nnlab"));
        QVERIFY(!autosaved.isEmpty());
        QVERIFY(QFileInfo::exists(slot() + QStringLiteral("/running.lock"))); // the unclean exit's mark

        const QString restored = m_home->filePath(QStringLiteral("restored.nnlab"));
        const QString err = restart(QStringLiteral("restore"), restored);
        QVERIFY2(err.contains(QLatin1String("recovery offered")), qPrintable(err));
        QVERIFY2(err.contains(QLatin1String("ended without closing")), qPrintable(err));
        // The window's network, with the autosave's own description, is the autosave's bytes.
        const nnlab::engine::Model saved = parseModel(autosaved);
        QVERIFY(saved.info.samplesSeen > 0);
        nnlab::engine::Model now = parseModel(fileContents(restored));
        now.info = saved.info;
        QCOMPARE(serialise(now), autosaved);
        // It was saved, then the window closed: nothing left to recover.
        QCOMPARE(recoveryFiles(), QStringList());
    }

    void aCleanExitLeavesNothing()
    {
        std::unique_ptr<QProcess> first;
        startTraining(first);
        if (QTest::currentTestFailed())
            return;
        first->terminate(); // SIGTERM: the window closes as File > Quit does
        QVERIFY(first->waitForFinished(20000));
        QCOMPARE(first->exitStatus(), QProcess::NormalExit);
        QCOMPARE(first->exitCode(), 0);
        QCOMPARE(recoveryFiles(), QStringList());
        const QString err = restart(QStringLiteral("restore"), m_home->filePath(QStringLiteral("new.nnlab")));
        QVERIFY2(!err.contains(QLatin1String("recovery offered")) && !err.startsWith(QLatin1String("exit")),
                 qPrintable(err));
    }

    void aCorruptAutosaveIsSetAside()
    {
        QVERIFY(QDir().mkpath(slot()));
        QFile corrupt(slot() + QStringLiteral("/autosave.nnlab"));
        QVERIFY(corrupt.open(QIODevice::WriteOnly));
        corrupt.write("NNLAB but not much else");
        corrupt.close();
        const QString err = restart(QStringLiteral("restore"), m_home->filePath(QStringLiteral("new.nnlab")));
        QVERIFY2(err.contains(QLatin1String("cannot be read")) && err.contains(QLatin1String("set aside as")),
                 qPrintable(err));
        QVERIFY2(!err.contains(QLatin1String("recovery offered")), qPrintable(err));
        const QStringList left = recoveryFiles();
        QCOMPARE(left.size(), 1);
        QVERIFY2(left[0].startsWith(QLatin1String("1/autosave.nnlab.corrupt-")), qPrintable(left[0]));
        QCOMPARE(fileContents(recoveryFolder() + QLatin1Char('/') + left[0]), QByteArray("NNLAB but not much else"));
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
