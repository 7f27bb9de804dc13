// The Runs dock: one row per run (colour, show/hide, name, settings with the differences from the
// run above in bold, best and last test accuracy, time, images), delete, rename, and two runs'
// settings side by side. It shows app::RunRegistry and keeps LearningCurves in step with it.
#pragma once

#include <QDialog>
#include <QWidget>

class QAction;
class QDockWidget;
class QMainWindow;
class QPushButton;
class QTableView;
class QTableWidget;

namespace nnlab::app {
class RunRegistry;
}

namespace nnlab::ui {

class LearningCurves;

// Two runs' settings side by side: rows setting, run A, run B, differs (bold and marked).
class RunsComparison : public QDialog
{
    Q_OBJECT

public:
    RunsComparison(const app::RunRegistry* runs, int idA, int idB, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }
    // The settings whose row is marked as differing.
    QStringList differingSettings() const;

private:
    QTableWidget* m_table;
};

class RunsTable : public QWidget
{
    Q_OBJECT

public:
    RunsTable(app::RunRegistry* runs, LearningCurves* curves, QWidget* parent = nullptr);

    // The dock ("runsDock", View ▸ Runs, Ctrl+7): a tab behind the Weights dock of `window`.
    static QDockWidget* install(QMainWindow* window, app::RunRegistry* runs, LearningCurves* curves);

    QTableView* view() const { return m_view; }
    QPushButton* compareButton() const { return m_compare; }
    QAction* deleteAction() const { return m_delete; }
    QList<int> selectedRuns() const; // ids, in the table's order
    // The comparison of the two selected runs (shown; null unless two are selected).
    RunsComparison* compareSelected();
    RunsComparison* lastComparison() const { return m_comparison; }

private:
    void deleteSelected();
    void fitNames(); // the Name column as wide as the longest name (up to a limit)
    void updateActions();
    void restoreCurves(const QList<int>& ids); // a workspace opened: its runs' curves and marks
    void showMenu(const QPoint& pos);

    app::RunRegistry* m_runs;
    LearningCurves* m_curves;
    QTableView* m_view;
    QPushButton* m_compare;
    QPushButton* m_remove;
    QAction* m_delete;
    QAction* m_toggle;
    QAction* m_rename;
    RunsComparison* m_comparison = nullptr;
};

} // namespace nnlab::ui
