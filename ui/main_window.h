// The main window: controls on the left, learning curves in the centre, training commands in
// the toolbar and menus, progress in the status bar. It wires panels to the training
// controller; it does no training or math itself.
#pragma once

#include "app/data_loading.h"
#include "app/dataset_predictions.h"
#include "app/training_controller.h"

#include <QElapsedTimer>
#include <QMainWindow>

#include <memory>
#include <optional>
#include <vector>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QSettings;
class QTimer;

namespace nnlab::ui {

class ConfusionMatrix;
class ControlPanel;
class DigitGallery;
class DrawPanel;
class LearningCurves;
class StepInspector;
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
        int trainerThreads = 0;    // 0 = every core
    };

    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    app::TrainingController* controller() const { return m_controller; }
    ControlPanel* controls() const { return m_controls; }
    LearningCurves* curves() const { return m_curves; }
    DigitGallery* gallery() const { return m_gallery; }
    WeightHeatmaps* heatmaps() const { return m_heatmaps; }
    ConfusionMatrix* confusion() const { return m_confusion; }
    StepInspector* inspector() const { return m_inspector; }
    DrawPanel* drawPanel() const { return m_draw; }
    QDockWidget* dock(const QString& objectName) const;
    // Shows digit `index` of the test or training set in the step inspector.
    void inspect(bool test, std::size_t index);
    QAction* startAction() const { return m_start; }
    QAction* stopAction() const { return m_stop; }
    QAction* stepAction() const { return m_step; }
    QAction* resetAction() const { return m_reset; }

    bool isDataReady() const { return m_data.isValid(); }
    const app::DataPair& data() const { return m_data; }
    // The newest weights: the default model until training starts, then the worker's snapshots.
    const app::NetworkSnapshot& snapshot() const { return m_snapshot; }
    const app::TrainingSetup& setup() const { return m_setup; }
    // Applies a named preset ("lesson", "keras-rmsprop"... or "default"); returns false if unknown.
    bool applyPreset(const QString& name);

    // Model files (docs/model-format.md). open: a bad or foreign file shows the engine's message
    // and keeps the current model; save: QSaveFile, so a failed save never harms an old file.
    bool openModel(const QString& path);
    bool saveModel(const QString& path);
    QString modelPath() const { return m_modelPath; }
    bool isModelDirty() const { return m_dirty; }
    QStringList recentModels() const;

    // Loads four IDX files or two CSV files as the data (what File > Open dataset does after its
    // dialog); a bad file shows the reader's message and keeps the current data.
    void openDataFiles(const QStringList& files);

    // Lateness of a 10 ms probe timer on the GUI thread, in ms, one entry per tick. The probe
    // runs only when asked (nnlab --measure): its 100 wake-ups a second take a core from a
    // training thread each time, about 5% of the mini-batch speed.
    void startLatencyProbe();
    const std::vector<float>& eventLoopLatencies() const { return m_latencies; }
    void clearLatencies() { m_latencies.clear(); }

signals:
    void dataReady();
    void snapshotChanged(const nnlab::app::NetworkSnapshot& snapshot);
    void trainingFinished();
    void messageShown(const QString& text); // every error or warning dialog, for tests and logs

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildViews();
    void updateInspector();
    // testKnown: the test set's predictions just arrived with an epoch's end; only the training
    // set (if shown) needs evaluating.
    void requestPredictions(bool force, bool testKnown = false);
    void buildActions();
    void buildMenus();
    void buildStatusBar();
    void connectController();
    void connectControls();
    void loadDefaultModel();
    void loadDataAsync(app::DataSource source, const QStringList& files, int index);
    void onDataLoaded(const app::DataPair& data);
    void configureWorker(app::NetworkPtr initial);
    app::NetworkPtr initialNetworkFor(const app::TrainingSetup& setup) const;
    void askToRestart(const QString& why, const std::function<void()>& restart,
                      const std::function<void()>& keep);
    void onShapeChanged();
    void onRunSettingsChanged();
    void onDatasetChosen(int index);
    void switchData(int index, app::DataSource source, const QStringList& files);
    void onProgress(const app::ProgressReport& report);
    void onEpochEnded(const app::EpochReport& report);
    void onStateChanged(app::WorkerState state);
    void startOrPause();
    void showMessage(const QString& title, const QString& text);
    void newModel();
    void openModelDialog();
    bool save();
    bool saveAs();
    void rebuildRecentMenu();
    void exportHeatmaps();
    void exportGalleryPage();
    void exportConfusion();
    bool writeFile(const QString& path, const QByteArray& bytes);
    void exportPlot();
    void exportCsv();
    void saveScreenshot();
    QString askSavePath(const QString& title, const QString& defaultName, const QString& filter);
    void updateTitle();
    void writeSettings();

    std::unique_ptr<QSettings> m_settings;
    bool m_askToSave = true;
    QString m_modelPath;
    bool m_dirty = false;
    QMenu* m_recentMenu = nullptr;
    app::TrainingController* m_controller;
    ControlPanel* m_controls;
    LearningCurves* m_curves;
    QDockWidget* m_controlsDock = nullptr;
    DigitGallery* m_gallery = nullptr;
    WeightHeatmaps* m_heatmaps = nullptr;
    ConfusionMatrix* m_confusion = nullptr;
    StepInspector* m_inspector = nullptr;
    DrawPanel* m_draw = nullptr;
    std::vector<QDockWidget*> m_viewDocks;
    app::DatasetPredictions* m_predictions = nullptr;
    QElapsedTimer m_sincePredictions;
    bool m_inspectorStale = false; // a snapshot arrived while the inspector was hidden
    QElapsedTimer m_sinceStatus; // the status bar's last progress update
    std::optional<app::ProgressReport> m_lastProgress;
    void showProgressInStatusBar();
    // The test set's predictions from the latest epoch end, shown in the gallery at most every
    // kGalleryRefreshMs (short epochs end several times a second).
    std::shared_ptr<const engine::Evaluation> m_pendingTestPredictions;
    QTimer* m_galleryRefresh = nullptr;
    QTimer* m_predictionsLater = nullptr; // a request that came too soon, made when it may be
    QElapsedTimer m_sinceGalleryRefresh;
    QElapsedTimer m_sinceEpochPredictions; // the test set's answers last came with an epoch's end
    void showPendingTestPredictions();
    bool m_inspectedTest = true;
    std::optional<std::size_t> m_inspected;

    QAction* m_start = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_step = nullptr;
    QAction* m_reset = nullptr;
    QAction* m_logLoss = nullptr;
    QAction* m_clearRuns = nullptr;

    QProgressBar* m_epochBar = nullptr;
    QLabel* m_epochLabel = nullptr;
    QLabel* m_speedLabel = nullptr;
    QLabel* m_etaLabel = nullptr;
    QLabel* m_testLabel = nullptr;

    app::TrainingSetup m_setup;     // what the worker was last configured with
    app::DataPair m_data;
    QStringList m_dataChoices;      // the dataset combo's entries after the built-in ones
    std::vector<app::DataSource> m_dataSources;
    int m_dataIndex = 0;
    int m_loadGeneration = 0;
    app::NetworkPtr m_defaultModel;
    std::optional<float> m_defaultModelAccuracy;
    app::NetworkSnapshot m_snapshot;
    bool m_freshWeights = true; // untrained since the last configure or reset
    int m_trainedRun = 0;
    double m_lastTestAccuracy = -1;

    QTimer* m_probe = nullptr;
    QElapsedTimer m_probeClock;
    qint64 m_probeLast = 0;
    std::vector<float> m_latencies;
};

} // namespace nnlab::ui
