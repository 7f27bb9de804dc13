// The main window: controls on the left, learning curves in the centre, the views in docks,
// training commands in the toolbar and menus, progress in the status bar. It builds them and
// wires them to the lab's QtCore classes (app/lab): the session (setup, data, network, worker),
// the model document and the prediction scheduler. It holds no policy and does no math.
#pragma once

#include "app/lab/lab_session.h"
#include "app/lab/model_document.h"
#include "app/lab/prediction_scheduler.h"
#include "run_commands.h"
#include "slow_motion.h"

#include <QMainWindow>

#include <functional>
#include <memory>

class QAction;
class QDockWidget;
class QSettings;

namespace nnlab::ui {

class ConfusionMatrix;
class ControlPanel;
class DigitGallery;
class DiscardQuestion;
class DrawPanel;
class FileCommands;
class LearningCurves;
class StepInspector;
class SweepCommands;
class TrainingStatus;
class ViewOptions;
class WeightHeatmaps;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    struct Options
    {
        QString settingsFile;      // empty: the user's QSettings; tests pass a temporary file
        bool restoreSettings = true;
        bool askToSaveOnQuit = true; // a trained, unsaved model asks before the window closes
        bool askBeforeDiscard = true; // ... and before a shape, preset, data, Reset, New or Open replaces it
        int trainerThreads = 0;    // 0 = one per physical core
        bool darkColours = false;  // dark whatever the settings remember (nnlab --dark)
    };

    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    app::LabSession* session() const { return m_session; }
    app::ModelDocument* document() const { return m_document; }
    app::PredictionScheduler* scheduler() const { return m_scheduler; }
    app::TrainingController* controller() const { return m_session->controller(); }
    ControlPanel* controls() const { return m_controls; }
    LearningCurves* curves() const { return m_curves; }
    DigitGallery* gallery() const { return m_gallery; }
    WeightHeatmaps* heatmaps() const { return m_heatmaps; }
    ConfusionMatrix* confusion() const { return m_confusion; }
    StepInspector* inspector() const { return m_inspector; }
    DrawPanel* drawPanel() const { return m_draw; }
    SweepCommands* sweeps() const { return m_sweeps; } // the Sweep dock, Experiments menu
    ViewOptions* viewOptions() const { return m_viewOptions; } // View ▸ Dark colours, Presentation mode
    QDockWidget* dock(const QString& objectName) const;
    // Shows digit `index` of the test or training set in the step inspector.
    void inspect(bool test, std::size_t index);
    QAction* startAction() const { return m_start; }
    QAction* stopAction() const { return m_stop; }
    QAction* stepAction() const { return m_step; }
    QAction* continueAction() const { return m_runs->continueAction(); }
    QAction* resetAction() const { return m_reset; }

    bool isDataReady() const { return m_session->hasData(); }
    const app::DataPair& data() const { return m_session->data(); }
    // The newest weights: the default model until training starts, then the worker's snapshots.
    const app::NetworkSnapshot& snapshot() const { return m_session->snapshot(); }
    const app::TrainingSetup& setup() const { return m_session->setup(); }
    // Applies a named preset ("lesson", "keras-rmsprop"... or "default"); returns false if unknown.
    bool applyPreset(const QString& name);

    // Model files (docs/model-format.md). open: a bad or foreign file shows the engine's message
    // and keeps the current model; save: QSaveFile, so a failed save never harms an old file.
    bool openModel(const QString& path);
    bool saveModel(const QString& path);
    QString modelPath() const { return m_document->path(); }
    bool isModelDirty() const { return m_document->isModified(); }
    QStringList recentModels() const { return m_document->recentFiles(); }

    // Loads four IDX files or two CSV files as the data (what File > Open dataset does after its
    // dialog); a bad file shows the reader's message and keeps the current data.
    void openDataFiles(const QStringList& files);

signals:
    void dataReady();
    void snapshotChanged(const nnlab::app::NetworkSnapshot& snapshot);
    void trainingFinished();
    void messageShown(const QString& text); // every error or warning dialog, for tests and logs

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildViews();
    void buildActions();
    void buildMenus();
    void connectSession();
    void connectController();
    void connectControls();
    void connectScheduler();
    void onDataReady();
    void onShapeChanged();
    void onRunSettingsChanged();
    void onDatasetChosen(int index);
    void switchData(int index, const QStringList& files);
    void onStateChanged(app::WorkerState state);
    void showMessage(const QString& title, const QString& text);
    void newModel();
    void updateTitle();
    void writeSettings();

    std::unique_ptr<QSettings> m_settings;
    bool m_askToSave = true;
    app::LabSession* m_session;
    app::ModelDocument* m_document;
    app::PredictionScheduler* m_scheduler;
    FileCommands* m_files = nullptr;
    DiscardQuestion* m_question = nullptr;
    ControlPanel* m_controls;
    LearningCurves* m_curves;
    QDockWidget* m_controlsDock = nullptr;
    DigitGallery* m_gallery = nullptr;
    WeightHeatmaps* m_heatmaps = nullptr;
    ConfusionMatrix* m_confusion = nullptr;
    StepInspector* m_inspector = nullptr;
    DrawPanel* m_draw = nullptr;
    std::vector<QDockWidget*> m_viewDocks;
    TrainingStatus* m_status = nullptr;
    ViewOptions* m_viewOptions = nullptr;
    RunCommands* m_runs = nullptr; // Training ▸ Continue, the curves' change marks
    SweepCommands* m_sweeps = nullptr;
    QStringList m_dataChoices; // the dataset combo's entries, one per session data source

    QAction* m_start = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_step = nullptr;
    QAction* m_reset = nullptr;
    QAction* m_logLoss = nullptr;
    QAction* m_clearRuns = nullptr;
};

} // namespace nnlab::ui
