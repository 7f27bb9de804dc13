// Sweeps in the window (issue 16): the Sweep dock and app::SweepSession behind it, the
// Experiments menu (Sweep…, Start / Pause / Cancel, Open and Save a sweep), File ▸ Export's
// sweep entries, and a clicked point's runs opened in the learning curves. The main window only
// creates it and adds its menus.
#pragma once

#include "app/bridge/training_setup.h"

#include <QList>
#include <QObject>
#include <QString>

#include <cstddef>
#include <functional>
#include <map>
#include <vector>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;
class QSettings;

namespace nnlab::app {
class LabSession;
class SweepSession;
} // namespace nnlab::app

namespace nnlab::ui {

class LearningCurves;
class SweepPanel;

class SweepCommands : public QObject
{
    Q_OBJECT

public:
    // The dock ("sweepDock", View ▸ Sweep) is a tab behind the Digits of `window`. `controls`
    // gives the controls' setup fitted to the data: the base "the controls now".
    SweepCommands(QMainWindow* window, QSettings* settings, app::LabSession* lab, LearningCurves* curves,
                  std::function<app::TrainingSetup()> controls);

    QDockWidget* dock() const { return m_dock; }
    SweepPanel* panel() const { return m_panel; }
    app::SweepSession* session() const { return m_session; }
    QAction* sweepAction() const { return m_sweep; } // Experiments ▸ Sweep… (Ctrl+8)

    // Fills the Experiments menu, and adds the sweep's CSV and chart to File ▸ Export.
    void addTo(QMenu* experiments, QMenu* exports);

    // The shown sweep's runs `indices` (SweepRunResult::index) as runs of the learning curves,
    // named "lr 0.3 · seed 2 (sweep)", with their training curve and each epoch's test. A run
    // already there is shown again, not added twice. Returns their keys in the curves.
    QList<int> openCurves(const std::vector<std::size_t>& indices);
    // What the Experiments and Export entries do after their dialogs.
    bool saveSweep(const QString& path);
    bool openSweep(const QString& path);
    bool exportChart(const QString& path); // PNG or PDF by extension

    // Curve keys of sweep runs: above the workers' run numbers and the restored runs' keys.
    static constexpr int kCurveKeyBase = 1 << 28;

signals:
    void failed(const QString& title, const QString& text); // shown as a dialog

private:
    void showPanel();

    QMainWindow* m_window;
    QSettings* m_settings;
    app::LabSession* m_lab;
    LearningCurves* m_curves;
    app::SweepSession* m_session;
    SweepPanel* m_panel;
    QDockWidget* m_dock;
    QAction* m_sweep;
    QAction* m_open;
    QAction* m_save;
    QAction* m_exportChart;
    std::map<std::size_t, int> m_curveKeys; // the shown sweep's runs in the curves, by run index
    int m_opened = 0; // sweep runs ever opened as curves: the next key and colour
};

} // namespace nnlab::ui
