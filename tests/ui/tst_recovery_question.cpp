// The crash-recovery question in the window (ui/crash_recovery): Restore makes the autosaved
// network the window's, unsaved, and hands the runs to their reader; Set aside renames the files;
// Later keeps them for the next start; a restored network never saved is offered again.
#include "app/lab/autosave.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/crash_recovery.h"
#include "ui/main_window.h"

#include <QAbstractButton>
#include <QDir>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sstream>

using namespace nnlab;
using test::fileContents;

class TestRecoveryQuestion : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QByteArray m_model; // a 784-30-10 network that trained on 1,234 images

    // The recovery folder `name` with what a killed nnlab left in its first slot.
    QString leftover(const QString& name, const QByteArray& runs = {})
    {
        const QString slot = m_dir.filePath(name + QStringLiteral("/1"));
        QDir().mkpath(slot);
        QFile model(slot + QLatin1Char('/') + app::Autosave::kModelFile);
        model.open(QIODevice::WriteOnly);
        model.write(m_model);
        if (!runs.isEmpty()) {
            QFile workspace(slot + QLatin1Char('/') + app::Autosave::kWorkspaceFile);
            workspace.open(QIODevice::WriteOnly);
            workspace.write(runs);
        }
        return m_dir.filePath(name);
    }

    static QAbstractButton* button(QMessageBox* box, const QString& text)
    {
        for (QAbstractButton* b : box->buttons())
            if (b->text() == text)
                return b;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        engine::Model model;
        model.network = *test::lessonNetwork({30}, 5);
        model.info.samplesSeen = 1234;
        std::ostringstream out;
        engine::writeModel(out, model, "test");
        m_model = QByteArray::fromStdString(out.str());
    }

    void restoreMakesTheSavedNetworkTheWindows()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("restore.ini")));
        QVERIFY(w->isDataReady());
        const QString folder = leftover(QStringLiteral("restore"), "the runs");
        auto* recovery = new ui::CrashRecovery(w.get(), folder);
        QByteArray runsGiven;
        recovery->setRuns([] { return QByteArray("runs now"); }, [&runsGiven](const QByteArray& runs) {
            runsGiven = runs;
            return QString();
        });
        QSignalSpy restored(recovery, &ui::CrashRecovery::restored);
        recovery->offer();
        QMessageBox* box = recovery->question();
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(box->text().contains(QLatin1String("784-30-10")), qPrintable(box->text()));
        QVERIFY2(box->text().contains(QLatin1String("1,234 images")), qPrintable(box->text()));
        QVERIFY(box->text().contains(QLatin1String("the runs table")));
        button(box, QStringLiteral("Restore"))->click();
        QCOMPARE(restored.count(), 1);
        QCOMPARE(restored[0][0].toByteArray(), m_model);
        QCOMPARE(runsGiven, QByteArray("the runs"));
        const engine::Network expected = *test::lessonNetwork({30}, 5);
        const auto& now = *w->snapshot().network;
        QCOMPARE(now.architecture().describe(), expected.architecture().describe());
        for (int l = 0; l < 2; ++l)
            QVERIFY((now.weights(l).array() == expected.weights(l).array()).all());
        QVERIFY(w->isModelDirty());
        QVERIFY(w->modelPath().isEmpty());
        QVERIFY2(!w->document()->recentFiles().contains(recovery->autosave()->modelPath()),
                 "the autosave is not one of the learner's recent models");

        // Closed without saving it (quitting does not ask about an untrained network): kept.
        const QString slot = recovery->autosave()->slotFolder();
        recovery->finishCleanly();
        QCOMPARE(fileContents(slot + QLatin1Char('/') + app::Autosave::kModelFile), m_model);
        app::Autosave next(folder);
        QVERIFY(next.begin());
        QVERIFY(next.hasLeftover());
    }

    void savedAfterRestoreLeavesNothing()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("saved.ini")));
        const QString folder = leftover(QStringLiteral("saved"));
        auto* recovery = new ui::CrashRecovery(w.get(), folder);
        recovery->setAnswer(ui::CrashRecovery::Answer::Restore);
        recovery->offer();
        QVERIFY(w->saveModel(m_dir.filePath(QStringLiteral("kept.nnlab"))));
        recovery->finishCleanly();
        QCOMPARE(test::folderEntries(folder), QStringList());
    }

    void setAsideRenamesTheFiles()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("aside.ini")));
        const QString folder = leftover(QStringLiteral("aside"), "the runs");
        auto* recovery = new ui::CrashRecovery(w.get(), folder);
        const auto before = w->snapshot().network;
        recovery->offer();
        QTRY_VERIFY(recovery->question() && recovery->question()->isVisible());
        button(recovery->question(), QStringLiteral("Set aside"))->click();
        QCOMPARE(w->snapshot().network, before);
        const QStringList kept = QDir(folder + QStringLiteral("/1")).entryList({QStringLiteral("autosave*")}, QDir::Files);
        QCOMPARE(kept.size(), 2);
        QVERIFY2(kept[0].startsWith(QLatin1String("autosave.nnlab-workspace.discarded-")), qPrintable(kept[0]));
        QVERIFY2(kept[1].startsWith(QLatin1String("autosave.nnlab.discarded-")), qPrintable(kept[1]));
        QCOMPARE(fileContents(folder + QStringLiteral("/1/") + kept[1]), m_model);
        recovery->finishCleanly();
        app::Autosave next(folder);
        QVERIFY(next.begin());
        QVERIFY(!next.hasLeftover());
    }

    void laterAsksAgainAtTheNextStart()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("later.ini")));
        const QString folder = leftover(QStringLiteral("later"));
        auto* recovery = new ui::CrashRecovery(w.get(), folder);
        recovery->offer();
        QTRY_VERIFY(recovery->question() && recovery->question()->isVisible());
        button(recovery->question(), QStringLiteral("Later"))->click();
        QCOMPARE(recovery->autosave()->slotFolder(), folder + QStringLiteral("/2"));
        recovery->finishCleanly();
        app::Autosave next(folder);
        QVERIFY(next.begin());
        QVERIFY(next.hasLeftover());
        QString error;
        QCOMPARE(next.readLeftover(&error)->model, m_model);
    }

    void runsThatCannotBeReadAreSetAside()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("runs.ini")));
        const QString folder = leftover(QStringLiteral("runs"), "bad runs");
        auto* recovery = new ui::CrashRecovery(w.get(), folder);
        recovery->setAnswer(ui::CrashRecovery::Answer::Restore);
        recovery->setRuns({}, [](const QByteArray&) { return QStringLiteral("The runs file is cut short."); });
        QSignalSpy message(recovery, &ui::CrashRecovery::message);
        recovery->offer();
        QCOMPARE(message.count(), 1);
        QVERIFY2(message[0][0].toString().contains(QLatin1String("cut short")), qPrintable(message[0][0].toString()));
        const QStringList kept = QDir(folder + QStringLiteral("/1")).entryList({QStringLiteral("*.corrupt-*")});
        QCOMPARE(kept.size(), 1);
        QCOMPARE(fileContents(folder + QStringLiteral("/1/") + kept[0]), QByteArray("bad runs"));
    }
};

QTEST_MAIN(TestRecoveryQuestion)
#include "tst_recovery_question.moc"
