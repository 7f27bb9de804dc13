// The File menu: model files (new, open, recent, save, save as, NumPy export) through
// app::ModelDocument, and exports of the views (PNG, PDF, CSV), with their dialogs and messages.
#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QMainWindow;
class QMenu;
class QSettings;
class QWidget;

namespace nnlab::app {
class LabSession;
class ModelDocument;
} // namespace nnlab::app

namespace nnlab::ui {

// Asks where to write a file: the dialog opens in the folder of the last export (the settings'
// paths/export), which it then remembers. Empty if the user cancelled.
QString askSavePath(QWidget* parent, QSettings* settings, const QString& title,
                    const QString& defaultName, const QString& filter);

class ControlPanel;
class DiscardQuestion;
class TrainingStatus;

class FileCommands : public QObject
{
    Q_OBJECT

public:
    // The views whose pictures or tables File > Export writes.
    struct Views
    {
        QWidget* heatmaps = nullptr;
        QWidget* gallery = nullptr;
        std::function<bool(const QString& path)> savePlot; // PNG or PDF by extension
        std::function<QString()> curvesCsv, confusionCsv;
    };

    FileCommands(QMainWindow* window, QSettings* settings, app::LabSession* session,
                 app::ModelDocument* document, ControlPanel* controls, Views views);

    // Fills the File menu (Quit last).
    void addTo(QMenu* file);
    QMenu* exportMenu() const { return m_exportMenu; } // File ▸ Export, once addTo made it
    // Asked before an opened model replaces trained weights (none: it never asks).
    void setDiscardQuestion(DiscardQuestion* question) { m_question = question; }
    // Where an opened model's stored and measured test accuracy are shown (the status bar's).
    void setTrainingStatus(TrainingStatus* status) { m_status = status; }

    // Open: a bad or foreign file, or one that does not fit the data or the controls, shows why
    // and keeps the current model; a good one replaces the weights once the discard question
    // lets it (true: opened, or waiting for that answer), and the status bar shows its stored
    // test accuracy beside the one measured again on the open test set (off the GUI thread).
    // Save: QSaveFile, so a failed save never harms an old file.
    bool openModel(const QString& path);
    bool saveModel(const QString& path);
    bool save();
    // The runs table's runs (settings, names, colours, curves, marks) as one workspace file
    // (.nnlab-runs); opening one adds its runs. A bad file shows one sentence and changes nothing.
    bool saveRuns(const QString& path);
    bool openRuns(const QString& path);
    // The dataset dialog: four IDX files or two CSV files; empty if cancelled.
    QStringList askDataFiles();

signals:
    void newModelRequested();
    void openDatasetRequested();
    void failed(const QString& title, const QString& text); // shown as a dialog
    void modelChanged(); // opened or saved: the title follows

private:
    void openModelDialog();
    bool saveAs();
    void exportNpz();
    void rebuildRecentMenu();
    void exportImage(const QString& title, const QString& name, QWidget* widget);
    void exportText(const QString& title, const QString& name, const std::function<QString()>& text);
    QString askSavePath(const QString& title, const QString& defaultName, const QString& filter);
    void status(const QString& text, int ms);

    QMainWindow* m_window;
    QSettings* m_settings;
    app::LabSession* m_session;
    app::ModelDocument* m_document;
    ControlPanel* m_controls;
    Views m_views;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_exportMenu = nullptr;
    DiscardQuestion* m_question = nullptr;
    TrainingStatus* m_status = nullptr;
};

} // namespace nnlab::ui
