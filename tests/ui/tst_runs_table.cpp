// The Runs dock as a learner uses it (issue 17): two short runs of the lesson with l_r a decade
// apart give two rows in the curves' colours with their accuracies; H hides a run's curves and a
// click on the legend shows them again; F2 renames a run in the legend too; Compare shows the
// differing setting; the runs saved as a workspace open in a fresh window with the same rows and
// curve points; Delete removes a run and its curves, never the newest.
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include "app/lab/run_registry.h"
#include "ui/control_panel.h"
#include "ui/learning_curves.h"
#include "ui/log_slider.h"
#include "ui/runs_table.h"

#include <qcustomplot.h>

#include <QDockWidget>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using app::RunRegistry;
using nnlab::ui::LearningCurves;
using nnlab::ui::MainWindow;
using nnlab::ui::RunsTable;

namespace {

// The legend's entries, in order: their text and their line's colour.
QList<std::pair<QString, QColor>> legend(LearningCurves* curves)
{
    QList<std::pair<QString, QColor>> entries;
    QCPLegend* l = curves->plot()->legend;
    for (int i = 0; i < l->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(l->item(i)))
            entries.append({item->plottable()->name(), item->plottable()->pen().color()});
    return entries;
}

QCPPlottableLegendItem* legendItem(LearningCurves* curves, int index)
{
    int n = 0;
    QCPLegend* l = curves->plot()->legend;
    for (int i = 0; i < l->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(l->item(i)))
            if (n++ == index)
                return item;
    return nullptr;
}

RunsTable* runsTable(MainWindow* w)
{
    QDockWidget* dock = w->dock(QStringLiteral("runsDock"));
    return dock ? dock->findChild<RunsTable*>() : nullptr;
}

void selectRow(QTableView* view, int row, QItemSelectionModel::SelectionFlags how = QItemSelectionModel::ClearAndSelect)
{
    view->setFocus();
    view->selectionModel()->setCurrentIndex(view->model()->index(row, RunRegistry::NameColumn),
                                            how | QItemSelectionModel::Rows);
}

} // namespace

class TestRunsTable : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<MainWindow> open(const QString& name)
    {
        return nnlab::test::openMainWindow(m_dir.filePath(name));
    }

    // Presets ▸ Lesson: 100 samples; Space; l_r a decade down; Space: two runs.
    static void trainTwoRuns(MainWindow* w)
    {
        QSignalSpy finished(w, &MainWindow::trainingFinished);
        QAction* preset = test::menuAction(w, QStringLiteral("&Presets"), QStringLiteral("Lesson: 100 samples"));
        QVERIFY(preset);
        preset->trigger();
        QTRY_COMPARE(w->setup().training.trainingSize, std::size_t(100));
        QTest::keyClick(w, Qt::Key_Space);
        QVERIFY(finished.wait(20000));
        QSlider* slider = w->controls()->learningRate()->slider();
        slider->setFocus();
        for (int i = 0; i < 4; ++i) // 0.3 -> 0.03
            QTest::keyClick(slider, Qt::Key_PageDown);
        QTRY_VERIFY(w->setup().training.optimizer.learningRate < 0.05f);
        QTest::keyClick(w, Qt::Key_Space);
        QVERIFY(finished.wait(20000));
        QTRY_COMPARE(w->curves()->runCount(), 2);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        nnlab::test::useBundledDataAndModel();
    }

    void theRunsAsALearnerComparesThem()
    {
        auto w = open(QStringLiteral("one.ini"));
        QVERIFY(w->isDataReady());
        RunsTable* table = runsTable(w.get());
        QVERIFY(table);
        w->dock(QStringLiteral("runsDock"))->raise(); // its tab, behind the Weights, chosen
        QTRY_VERIFY(table->isVisible());
        QVERIFY(test::menuAction(w.get(), QStringLiteral("&View"), QStringLiteral("Runs"))); // listed like the other views
        QVERIFY(test::menuAction(w.get(), QStringLiteral("&File"), QStringLiteral("Save r&uns…")));
        QVERIFY(test::menuAction(w.get(), QStringLiteral("&File"), QStringLiteral("Open ru&ns…")));
        trainTwoRuns(w.get());
        if (QTest::currentTestFailed())
            return;
        LearningCurves* curves = w->curves();
        RunRegistry* runs = w->session()->runs();
        QTableView* view = table->view();

        // Two rows, in the curves' colours, with their test accuracies.
        QCOMPARE(view->model()->rowCount(), 2);
        const auto entries = legend(curves);
        QCOMPARE(entries.size(), 2);
        for (int row = 0; row < 2; ++row) {
            const QModelIndex show = view->model()->index(row, RunRegistry::ShowColumn);
            QCOMPARE(LearningCurves::runColor(show.data(RunRegistry::ColorIndexRole).toInt()), entries[row].second);
            QCOMPARE(show.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
            const app::RunRecord& r = runs->runs()[std::size_t(row)];
            QVERIFY(r.lastTestAccuracy().has_value());
            QCOMPARE(view->model()->index(row, RunRegistry::LastColumn).data().toString(),
                     QStringLiteral("%1 %").arg(100 * *r.lastTestAccuracy(), 0, 'f', 1));
            QCOMPARE(r.epochs.size(), std::size_t(w->setup().epochs));
            QCOMPARE(r.imagesSeen(), std::uint64_t(100 * w->setup().epochs));
            // The registry keeps the very points the curves drew.
            QCOMPARE(r.running.size(), curves->pointCount(r.id, LearningCurves::Kind::Running));
            QCOMPARE(r.test.size(), curves->pointCount(r.id, LearningCurves::Kind::Test));
            QCOMPARE(r.quick.size(), curves->pointCount(r.id, LearningCurves::Kind::QuickTest));
        }
        // Run 2's settings: l_r in bold, as the one difference from run 1.
        QCOMPARE(runs->differencesFromPrevious(runs->runs()[1].id), QStringList{QStringLiteral("l_r")});
        QVERIFY(view->model()->index(1, RunRegistry::SettingsColumn).data(RunRegistry::SettingsHtmlRole).toString().contains(QStringLiteral("<b>l_r 0.03")));

        // H hides run 1's curves; a click on its legend entry shows them again, and the box follows.
        selectRow(view, 0);
        QTest::keyClick(view, Qt::Key_H);
        QVERIFY(!curves->isRunVisible(1));
        QCOMPARE(view->model()->index(0, RunRegistry::ShowColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        curves->plot()->replot();
        QCPPlottableLegendItem* entry = legendItem(curves, 0);
        QVERIFY(entry);
        QTest::mouseClick(curves->plot(), Qt::LeftButton, {}, entry->outerRect().center());
        QVERIFY(curves->isRunVisible(1));
        QCOMPARE(view->model()->index(0, RunRegistry::ShowColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        // The check box with the mouse: unchecked, the curves hide.
        const QRect showCell = view->visualRect(view->model()->index(0, RunRegistry::ShowColumn));
        QStyleOptionViewItem option;
        option.rect = showCell;
        option.features = QStyleOptionViewItem::HasCheckIndicator | QStyleOptionViewItem::HasDecoration;
        const QRect box = view->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, view);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, box.center());
        QVERIFY(!curves->isRunVisible(1));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, box.center());
        QVERIFY(curves->isRunVisible(1));

        // F2 renames run 2; the legend says the new name.
        selectRow(view, 1);
        QTest::keyClick(view, Qt::Key_F2);
        QLineEdit* editor = view->findChild<QLineEdit*>();
        QVERIFY(editor);
        QVERIFY2(editor->hasFocus(), QApplication::focusWidget() ? QApplication::focusWidget()->metaObject()->className() : "none");
        QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(editor, QStringLiteral("small l_r"));
        QCOMPARE(editor->text(), QStringLiteral("small l_r"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(runs->runs()[1].name, QStringLiteral("small l_r")); // the delegate commits queued
        QTRY_VERIFY2(legend(curves)[1].first.startsWith(QLatin1String("small l_r:")), qPrintable(legend(curves)[1].first));

        // Both selected, Compare: l_r differs, the network does not.
        QVERIFY(!table->compareButton()->isEnabled());
        selectRow(view, 0);
        selectRow(view, 1, QItemSelectionModel::Select);
        QCOMPARE(table->selectedRuns().size(), 2);
        QVERIFY(table->compareButton()->isEnabled());
        QTest::mouseClick(table->compareButton(), Qt::LeftButton);
        ui::RunsComparison* comparison = table->lastComparison();
        QVERIFY(comparison);
        QVERIFY(comparison->isVisible());
        QVERIFY2(comparison->differingSettings().contains(QStringLiteral("l_r")), qPrintable(comparison->differingSettings().join(',')));
        QVERIFY(!comparison->differingSettings().contains(QStringLiteral("network")));
        comparison->close();

        // Saved, and opened in a fresh window: the same rows and curve points.
        const QString path = m_dir.filePath(QStringLiteral("two.nnlab-runs"));
        QString why;
        QVERIFY2(runs->saveWorkspace(path, &why), qPrintable(why));
        {
            auto fresh = open(QStringLiteral("two.ini"));
            QVERIFY(fresh->isDataReady());
            RunRegistry* again = fresh->session()->runs();
            QVERIFY2(again->openWorkspace(path, &why), qPrintable(why));
            QTableView* freshView = runsTable(fresh.get())->view();
            QCOMPARE(freshView->model()->rowCount(), 2);
            QCOMPARE(fresh->curves()->runCount(), 2);
            for (int row = 0; row < 2; ++row) {
                for (int column = RunRegistry::NameColumn; column < RunRegistry::ColumnCount; ++column)
                    QCOMPARE(freshView->model()->index(row, column).data().toString(),
                             view->model()->index(row, column).data().toString());
                const int before = runs->runs()[std::size_t(row)].id;
                const int after = again->runs()[std::size_t(row)].id;
                for (const auto kind : {LearningCurves::Kind::Running, LearningCurves::Kind::Test, LearningCurves::Kind::QuickTest})
                    QCOMPARE(fresh->curves()->pointCount(after, kind), curves->pointCount(before, kind));
                QCOMPARE(fresh->curves()->gapCount(after, LearningCurves::Kind::QuickTest),
                         curves->gapCount(before, LearningCurves::Kind::QuickTest));
                QTRY_COMPARE(legend(fresh->curves())[row], legend(curves)[row]); // name, setup, colour (wrapped at the next replot)
            }
        }

        // Delete removes run 1 and its curves; the newest run stays (it may be continued).
        w->activateWindow(); // back from the fresh window
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        selectRow(view, 1);
        QVERIFY(!table->deleteAction()->isEnabled());
        QTest::keyClick(view, Qt::Key_Delete);
        QCOMPARE(view->model()->rowCount(), 2);
        selectRow(view, 0);
        QVERIFY(table->deleteAction()->isEnabled());
        QTest::keyClick(view, Qt::Key_Delete);
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(curves->runCount(), 1);
        QVERIFY(curves->pointCount(1, LearningCurves::Kind::Running) == 0);
        QVERIFY(legend(curves)[0].first.startsWith(QLatin1String("small l_r:")));
    }

    void aBadRunsFileChangesNothing()
    {
        auto w = open(QStringLiteral("three.ini"));
        QVERIFY(w->isDataReady());
        const QString path = m_dir.filePath(QStringLiteral("bad.nnlab-runs"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\": \"nnlab-runs\", \"version\": 1, \"runs\": [{\"key\": 1");
        file.close();
        QString why;
        QVERIFY(!w->session()->runs()->openWorkspace(path, &why));
        QVERIFY2(why.startsWith(QLatin1String("This is not an nnlab runs file")), qPrintable(why));
        QCOMPARE(runsTable(w.get())->view()->model()->rowCount(), 0);
        QCOMPARE(w->curves()->runCount(), 0);
    }
};

QTEST_MAIN(TestRunsTable)
#include "tst_runs_table.moc"
