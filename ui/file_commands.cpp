#include "file_commands.h"

#include "control_panel.h"
#include "discard_question.h"
#include "training_status.h"

#include "app/lab/lab_session.h"
#include "app/lab/model_document.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>

namespace nnlab::ui {

namespace engine = nnlab::engine;

FileCommands::FileCommands(QMainWindow* window, QSettings* settings, app::LabSession* session,
                           app::ModelDocument* document, ControlPanel* controls, Views views)
    : QObject(window), m_window(window), m_settings(settings), m_session(session), m_document(document),
      m_controls(controls), m_views(std::move(views))
{
    connect(m_document, &app::ModelDocument::recentChanged, this, &FileCommands::rebuildRecentMenu);
    connect(m_document, &app::ModelDocument::accuracyChecked, this, [this](const app::AccuracyCheck& check) {
        if (m_status)
            m_status->showModelAccuracy(check);
    });
    // Other weights or data: the opened model's measurement under way is of nothing shown.
    connect(m_session, &app::LabSession::networkReplaced, m_document, &app::ModelDocument::dropAccuracyCheck);
}

void FileCommands::addTo(QMenu* file)
{
    file->addAction(tr("&New network"), QKeySequence::New, this, &FileCommands::newModelRequested)
        ->setToolTip(tr("Fresh random weights for the network the controls describe"));
    file->addAction(tr("&Open model…"), QKeySequence::Open, this, &FileCommands::openModelDialog);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addAction(tr("&Save model"), QKeySequence::Save, this, &FileCommands::save);
    file->addAction(tr("Save model &as…"), QKeySequence::SaveAs, this, &FileCommands::saveAs);
    file->addSeparator();
    file->addAction(tr("Open &dataset files…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                    &FileCommands::openDatasetRequested);
    file->addSeparator();
    QAction* saveRuns = file->addAction(tr("Save r&uns…"), this, [this] {
        const QString path = askSavePath(tr("Save the runs"), QStringLiteral("runs.nnlab-runs"), tr("nnlab runs (*.nnlab-runs)"));
        if (!path.isEmpty())
            this->saveRuns(path);
    });
    saveRuns->setToolTip(tr("Every run in the Runs table, with its settings, name, colour, curves and "
                            "knob marks, in one file: compare them again another day"));
    QAction* openRuns = file->addAction(tr("Open ru&ns…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(m_window, tr("Open runs"), m_settings->value("paths/export").toString(),
                                                          tr("nnlab runs (*.nnlab-runs);;All files (*)"));
        if (!path.isEmpty())
            this->openRuns(path);
    });
    openRuns->setToolTip(tr("Adds the runs of a saved runs file to the Runs table and the learning curves"));
    file->addSeparator();
    QMenu* exports = m_exportMenu = file->addMenu(tr("&Export"));
    exports->addAction(tr("Weights as &NumPy .npz…"), this, &FileCommands::exportNpz);
    exports->addAction(tr("Learning curves as &image (PNG, PDF)…"), this, [this] {
        const QString path = askSavePath(tr("Export the learning curves"), QStringLiteral("curves.png"),
                                         tr("PNG image (*.png);;PDF document (*.pdf)"));
        if (!path.isEmpty() && !m_views.savePlot(path))
            emit failed(tr("Export failed"), tr("%1 could not be written.").arg(path));
    });
    exports->addAction(tr("Learning curves as &CSV…"), this, [this] {
        exportText(tr("Export the learning curves"), QStringLiteral("curves.csv"), m_views.curvesCsv);
    });
    exports->addAction(tr("&Weight heatmaps as PNG…"), this, [this] {
        exportImage(tr("Export the weight heatmaps"), QStringLiteral("weights.png"), m_views.heatmaps);
    });
    exports->addAction(tr("&Gallery page as PNG…"), this, [this] {
        exportImage(tr("Export the gallery page"), QStringLiteral("digits.png"), m_views.gallery);
    });
    exports->addAction(tr("C&onfusion matrix as CSV…"), this, [this] {
        exportText(tr("Export the confusion matrix"), QStringLiteral("confusion.csv"), m_views.confusionCsv);
    });
    exports->addAction(tr("Window &screenshot…"), this, [this] {
        const QString path = askSavePath(tr("Save a screenshot"), QStringLiteral("nnlab.png"), tr("PNG image (*.png)"));
        if (!path.isEmpty() && !m_window->grab().save(path))
            emit failed(tr("Screenshot failed"), tr("%1 could not be written.").arg(path));
    });
    rebuildRecentMenu();
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), m_window, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
}

void FileCommands::status(const QString& text, int ms)
{
    m_window->statusBar()->showMessage(text, ms);
}

QString askSavePath(QWidget* parent, QSettings* settings, const QString& title,
                    const QString& defaultName, const QString& filter)
{
    const QString folder = settings->value("paths/export").toString();
    const QString path = QFileDialog::getSaveFileName(
        parent, title, folder.isEmpty() ? defaultName : folder + QLatin1Char('/') + defaultName, filter);
    if (!path.isEmpty())
        settings->setValue("paths/export", QFileInfo(path).absolutePath());
    return path;
}

QString FileCommands::askSavePath(const QString& title, const QString& defaultName, const QString& filter)
{
    return ui::askSavePath(m_window, m_settings, title, defaultName, filter);
}

void FileCommands::exportImage(const QString& title, const QString& name, QWidget* widget)
{
    const QString path = askSavePath(title, name, tr("PNG image (*.png)"));
    if (!path.isEmpty() && !widget->grab().save(path))
        emit failed(tr("Export failed"), tr("%1 could not be written.").arg(path));
}

void FileCommands::exportText(const QString& title, const QString& name, const std::function<QString()>& text)
{
    const QString path = askSavePath(title, name, tr("CSV file (*.csv)"));
    if (path.isEmpty())
        return;
    const QByteArray bytes = text().toUtf8();
    QSaveFile file(path); // all or nothing: an old file survives a failed write
    if (!(file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit()))
        emit failed(tr("Could not save"), tr("%1 could not be written: %2").arg(path, file.errorString()));
}

bool FileCommands::saveRuns(const QString& path)
{
    QString why;
    if (!m_session->runs()->saveWorkspace(path, &why)) {
        emit failed(tr("Could not save"), why);
        return false;
    }
    status(tr("%1 saved in %2").arg(m_session->runs()->rowCount() == 1 ? tr("1 run") : tr("%1 runs").arg(m_session->runs()->rowCount()), path), 5000);
    return true;
}

bool FileCommands::openRuns(const QString& path)
{
    QString why;
    const int before = m_session->runs()->rowCount();
    if (!m_session->runs()->openWorkspace(path, &why)) {
        emit failed(tr("Could not open the runs"), why);
        return false;
    }
    status(tr("%1 runs opened from %2").arg(m_session->runs()->rowCount() - before).arg(path), 5000);
    return true;
}

QStringList FileCommands::askDataFiles()
{
    const QString folder = m_settings->value("paths/data").toString();
    const QStringList files = QFileDialog::getOpenFileNames(
        m_window, tr("Open a dataset: four IDX files or two CSV files"), folder,
        tr("Datasets (*.gz *-ubyte *.idx *.csv);;All files (*)"));
    if (!files.isEmpty())
        m_settings->setValue("paths/data", QFileInfo(files.front()).absolutePath());
    return files;
}

void FileCommands::openModelDialog()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open a model"),
                                                      m_settings->value("paths/models").toString(),
                                                      tr("Models (*.nnlab *.npz);;nnlab models (*.nnlab);;"
                                                         "NumPy archives (*.npz);;All files (*)"));
    if (!path.isEmpty()) {
        m_settings->setValue("paths/models", QFileInfo(path).absolutePath());
        openModel(path);
    }
}

bool FileCommands::openModel(const QString& path)
{
    QString why;
    std::optional<engine::Model> model = m_document->read(path, &why);
    if (!model) {
        emit failed(tr("The model could not be opened"), why);
        return false; // the current model stays
    }
    const engine::Architecture& a = model->network.architecture();
    const QString name = QFileInfo(path).fileName();
    if (const QString misfit = m_session->whyNotFit(a, name); !misfit.isEmpty()) {
        emit failed(tr("The model does not fit the data"), misfit);
        return false;
    }
    if (a.hidden.size() > std::size_t(ControlPanel::kMaxHiddenLayers) ||
        std::any_of(a.hidden.begin(), a.hidden.end(), [](int n) { return n > ControlPanel::kMaxHiddenNodes; })) {
        emit failed(tr("The model is too large for the controls"),
                    tr("%1 has more than %2 hidden layers or more than %3 nodes in one; nnlab-train "
                       "can still train it.")
                        .arg(name)
                        .arg(ControlPanel::kMaxHiddenLayers)
                        .arg(ControlPanel::kMaxHiddenNodes));
        return false;
    }
    auto network = std::make_shared<const engine::Network>(std::move(model->network));
    const auto accuracy = model->info.testAccuracy;
    const auto stored = app::ModelDocument::storedTestAccuracy(model->info);
    auto adopt = [this, network, accuracy, stored, path, name] {
        app::TrainingSetup next = m_controls->setup();
        next.architecture = network->architecture(); // the controls follow the model
        m_controls->setSetup(next);
        m_session->adopt(network, next);
        m_document->opened(path);
        m_document->checkAccuracy(network, stored, m_session->data().test);
        status(tr("Opened %1: %2%3")
                   .arg(name, QString::fromStdString(next.architecture.describe()),
                        accuracy ? tr(", %1% on its test set").arg(100.0 * *accuracy, 0, 'f', 2) : QString()),
               8000);
        emit modelChanged();
    };
    if (m_question)
        m_question->ask(tr("Opening %1 replaces the network's weights.").arg(name), adopt, {}, false);
    else
        adopt();
    return true;
}

bool FileCommands::saveModel(const QString& path)
{
    const std::optional<engine::Model> model = m_session->currentModel();
    if (!model) {
        emit failed(tr("Nothing to save"), tr("There is no network yet."));
        return false;
    }
    QString why;
    if (!m_document->save(path, *model, &why)) {
        emit failed(tr("Could not save"), why);
        return false;
    }
    m_session->markKept();
    status(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    emit modelChanged();
    return true;
}

void FileCommands::exportNpz()
{
    QString path = askSavePath(tr("Export the weights for numpy"), QStringLiteral("weights.npz"),
                               tr("NumPy archives (*.npz)"));
    if (path.isEmpty())
        return;
    path = app::ModelDocument::withModelExtension(path, QStringLiteral(".npz"));
    const std::optional<engine::Model> model = m_session->currentModel();
    QString why;
    if (!model)
        emit failed(tr("Nothing to save"), tr("There is no network yet."));
    else if (!m_document->exportTo(path, *model, &why)) // the model's own file stays the one it came from
        emit failed(tr("Could not save"), why);
    else
        status(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
}

bool FileCommands::save()
{
    return m_document->path().isEmpty() ? saveAs() : saveModel(m_document->path());
}

bool FileCommands::saveAs()
{
    const QString folder = m_settings->value("paths/models").toString();
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save the model"),
        (folder.isEmpty() ? QString() : folder + QLatin1Char('/')) + QStringLiteral("model.nnlab"),
        tr("nnlab models (*.nnlab);;NumPy archives: w_i_h, w_h_o, ... (*.npz)"));
    if (path.isEmpty())
        return false;
    m_settings->setValue("paths/models", QFileInfo(path).absolutePath());
    return saveModel(app::ModelDocument::withModelExtension(path, QStringLiteral(".nnlab")));
}

void FileCommands::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = m_document->recentFiles();
    for (const QString& path : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openModel(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

} // namespace nnlab::ui
