// Training ▸ Again from the same start and Branch here, driven as the learner does (issue 17):
// Presets ▸ Lesson: 100 samples, Space, let it finish, Ctrl+Shift+A: a second run from the
// same start whose legend says so; steps, then Ctrl+Shift+B while paused: a branch whose curve
// leaves its parent's at the branch point. The CSV carries the knob marks.
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include "app/bridge/training_controller.h"
#include "ui/learning_curves.h"
#include "ui/run_commands.h"

#include <qcustomplot.h>

#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using nnlab::ui::LearningCurves;
using nnlab::ui::MainWindow;

namespace {

QStringList legendTexts(LearningCurves* curves)
{
    QStringList texts;
    QCPLegend* legend = curves->plot()->legend;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i)))
            texts << item->plottable()->name().simplified();
    return texts;
}

app::RunInfo runInfo(const QSignalSpy& runs, int i) { return runs.at(i).at(0).value<app::RunInfo>(); }

} // namespace

class TestBranchMenu : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<MainWindow> openWithLesson100()
    {
        auto w = nnlab::test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
        if (!w->isDataReady())
            return {};
        QAction* preset = test::menuAction(w.get(), QStringLiteral("&Presets"), QStringLiteral("Lesson: 100 samples"));
        if (!preset)
            return {};
        preset->trigger();
        if (!QTest::qWaitFor([&] { return w->setup().training.trainingSize == std::size_t(100); }, 5000))
            return {};
        return w;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        nnlab::test::useBundledDataAndModel();
    }

    void theActionsAreInTheTrainingMenuWithTheirShortcuts()
    {
        auto w = openWithLesson100();
        QVERIFY(w);
        QAction* again = test::menuAction(w.get(), QStringLiteral("&Training"), QStringLiteral("&Again from the same start"));
        QAction* branch = test::menuAction(w.get(), QStringLiteral("&Training"), QStringLiteral("&Branch here"));
        QVERIFY(again && branch);
        QCOMPARE(again->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+A")));
        QCOMPARE(branch->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+B")));
        QVERIFY(again->toolTip().contains(QLatin1String("only difference between the curves is that knob")));
        // No other action of the window has these keys.
        int clashes = 0;
        for (QAction* a : w->findChildren<QAction*>())
            if (a != again && a != branch && (a->shortcut() == again->shortcut() || a->shortcut() == branch->shortcut()))
                ++clashes;
        QCOMPARE(clashes, 0);
        QVERIFY(!again->isEnabled());  // no run yet
        QVERIFY(!branch->isEnabled()); // nothing paused
    }

    void againFromTheSameStartIsASecondRunFromTheFirstsStart()
    {
        auto w = openWithLesson100();
        QVERIFY(w);
        QSignalSpy finished(w.get(), &MainWindow::trainingFinished);
        QSignalSpy runs(w->controller(), &app::TrainingController::runStarted);
        QTest::keyClick(w.get(), Qt::Key_Space); // Start
        QVERIFY(finished.wait(20000));
        QAction* again = test::menuAction(w.get(), QStringLiteral("&Training"), QStringLiteral("&Again from the same start"));
        QTRY_VERIFY(again->isEnabled());
        QTest::keyClick(w.get(), Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(finished.wait(20000));
        LearningCurves* curves = w->curves();
        QTRY_COMPARE(curves->runCount(), 2);
        QCOMPARE(runs.count(), 2);
        const app::RunInfo second = runInfo(runs, 1);
        QCOMPARE(second.origin, app::RunOrigin::SameStart);
        QCOMPARE(second.parent, 1);
        QVERIFY(*second.initial == *runInfo(runs, 0).initial);
        const QStringList legend = legendTexts(curves);
        QCOMPARE(legend.size(), 2);
        QVERIFY2(legend[1].startsWith(QLatin1String("Run 2:")) && legend[1].endsWith(QStringLiteral("· same start as run 1")),
                 qPrintable(legend[1]));
        QVERIFY2(!legend[0].contains(QLatin1String("same start")), qPrintable(legend[0]));
    }

    void branchHereWhilePausedLeavesTheParentsCurve()
    {
        auto w = openWithLesson100();
        QVERIFY(w);
        QSignalSpy runs(w->controller(), &app::TrainingController::runStarted);
        QAction* branch = test::menuAction(w.get(), QStringLiteral("&Training"), QStringLiteral("&Branch here"));
        QVERIFY(branch);
        for (int i = 0; i < 30; ++i)
            QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier); // Step: one image each
        QTRY_COMPARE(w->controller()->state(), app::WorkerState::Paused);
        QTRY_COMPARE(w->session()->snapshot().samplesSeen, std::uint64_t(30));
        QTRY_VERIFY(branch->isEnabled());
        QTest::keyClick(w.get(), Qt::Key_B, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(runs.count(), 2);
        const app::RunInfo info = runInfo(runs, 1);
        QCOMPARE(info.origin, app::RunOrigin::Branch);
        QCOMPARE(info.parent, 1);
        QCOMPARE(info.startSamples, std::uint64_t(30));
        QCOMPARE(info.startEpochFraction, 0.3);
        LearningCurves* curves = w->curves();
        QTRY_COMPARE(curves->runCount(), 2);
        const QStringList legend = legendTexts(curves);
        QVERIFY2(legend[1].endsWith(QStringLiteral("· branch of run 1 at epoch 0.3")), qPrintable(legend[1]));
        QCOMPARE(w->controller()->state(), app::WorkerState::Paused);

        // Resume: the branch trains on from the branch point, and its curve starts there.
        QSignalSpy finished(w.get(), &MainWindow::trainingFinished);
        QTest::keyClick(w.get(), Qt::Key_Space);
        QTRY_VERIFY(!branch->isEnabled()); // only while paused
        // The rest of lesson-100's 500 images takes about a millisecond on the sparse path, so
        // the run may have finished while QTRY_VERIFY turned the event loop: count, not wait.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const QStringList lines = curves->toCsv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QString first;
        for (const QString& line : lines)
            if (line.startsWith(QLatin1String("2,")) && line.contains(QLatin1String(",training,"))) {
                first = line;
                break;
            }
        QVERIFY2(first.contains(QLatin1String(",training,0.3,")), qPrintable(first));
    }

    // The branch's first point is its parent's last running value at or before the branch point.
    void aBranchsCurveLeavesItsParentsAtTheBranchPoint()
    {
        LearningCurves curves;
        curves.beginRun(1, QStringLiteral("parent"));
        curves.addRunning(1, 0.1, 2.0, 0.1);
        curves.addRunning(1, 0.2, 1.5, 0.4);
        curves.addRunning(1, 0.4, 1.0, 0.6);
        curves.beginRun(2, QStringLiteral("branch"), 1, 0.3);
        QCOMPARE(curves.pointCount(2, LearningCurves::Kind::Running), 1);
        QVERIFY2(curves.toCsv().contains(QLatin1String("2,\"Run 2: branch\",training,0.3,1.5,0.4\n")), qPrintable(curves.toCsv()));
        curves.beginRun(3, QStringLiteral("from the start"), 1, 0.0);
        QCOMPARE(curves.pointCount(3, LearningCurves::Kind::Running), 0);
        curves.markChange(2, 0.35, QStringLiteral("batch 1 → 10"), 35);
        QVERIFY(curves.toCsv().endsWith(QStringLiteral("2,\"Run 2: branch · from epoch 0.35: batch 1 → 10\",change,0.35,35,\"batch 1 → 10\"\n")));
    }

    // A change while paused is marked at the sample where it takes effect, and the CSV says it.
    void theCsvCarriesTheMarks()
    {
        auto w = openWithLesson100();
        QVERIFY(w);
        for (int i = 0; i < 20; ++i)
            QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier);
        QTRY_COMPARE(w->session()->snapshot().samplesSeen, std::uint64_t(20));
        QSignalSpy changes(w->controller(), &app::TrainingController::runChanged);
        w->session()->setLearningRate(0.1f);
        QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier);
        QTRY_COMPARE(changes.count(), 1);
        QTRY_VERIFY(w->curves()->toCsv().contains(QStringLiteral(",change,0.2,20,\"l_r 0.3 → 0.1\"\n")));
        QVERIFY(w->curves()->toCsv().startsWith(QLatin1String("run,label,series,epoch,loss,accuracy\n")));
    }
};

QTEST_MAIN(TestBranchMenu)
#include "tst_branch_menu.moc"
