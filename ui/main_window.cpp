#include "main_window.h"

#include "confusion_matrix.h"
#include "control_panel.h"
#include "digit_gallery.h"
#include "discard_question.h"
#include "draw_panel.h"
#include "file_commands.h"
#include "learning_curves.h"
#include "lesson_commands.h"
#include "network_view.h"
#include "space_shortcut.h"
#include "on_screen.h"
#include "pictures.h"
#include "runs_table.h"
#include "step_inspector.h"
#include "sweep_commands.h"
#include "training_status.h"
#include "view_options.h"
#include "weight_heatmaps.h"
#include "wording.h"

#include "app/bridge/setup_settings.h"
#include "app/common/counted.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

namespace nnlab::ui {

namespace engine = nnlab::engine;
using app::WorkerState;

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent),
      m_settings(options.settingsFile.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat)),
      m_session(new app::LabSession(this)), m_document(new app::ModelDocument(m_settings.get(), this)),
      m_scheduler(new app::PredictionScheduler(this)), m_controls(new ControlPanel),
      m_curves(new LearningCurves)
{
    setObjectName(QStringLiteral("nnlabMainWindow"));
    m_askToSave = options.askToSaveOnQuit;
    controller()->setThreads(options.trainerThreads);
    setCentralWidget(m_curves);

    auto* scroll = new QScrollArea;
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    ViewOptions::keepWideEnough(scroll); // wider with presentation mode's larger text
    m_controlsDock = new QDockWidget(tr("Controls"), this);
    m_controlsDock->setObjectName(QStringLiteral("controlsDock"));
    m_controlsDock->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, m_controlsDock);
    buildViews();
    buildActions();
    m_viewOptions = new ViewOptions(m_settings.get(), options.restoreSettings, options.darkColours, this);
    buildMenus();
    new LessonCommands(this, m_settings.get(), options.restoreSettings); // Help ▸ Lesson, the Lesson dock
    m_question->setEnabled(options.askBeforeDiscard);
    m_status = new TrainingStatus(statusBar());
    for (app::RedrawCoalescer* own : {m_curves->replots(), m_heatmaps->refreshes()})
        own->follow(m_session->redraws()); // their slower pace, and a run's end at once
    m_files->setTrainingStatus(m_status); // an opened model's stored and measured test accuracy
    connectSession();
    connectController();
    connectControls();
    connectScheduler();

    if (const QString why = m_session->loadDefaultModel(); !why.isEmpty())
        statusBar()->showMessage(tr("The default model could not be read: %1").arg(why));
    std::optional<app::TrainingSetup> remembered;
    int source = 0;
    resize(firstWindowSize(this)); // a first start's; a window saved as it was left replaces it
    if (options.restoreSettings) {
        remembered = app::loadSetup(*m_settings);
        source = m_settings->value("data/source", 0).toInt();
        restoreGeometry(m_settings->value("window/geometry").toByteArray());
        restoreState(m_settings->value("window/state").toByteArray());
        m_logLoss->setChecked(m_settings->value("view/logLoss", false).toBool());
    }
    m_session->begin(remembered, source);
    m_controls->setSetup(m_session->setup());

    for (const app::DataSource s : m_session->dataSources())
        m_dataChoices << dataSourceChoice(s);
    m_controls->setDatasets(m_dataChoices, m_session->dataIndex());
    updateTitle();
    m_session->loadData(m_session->dataIndex());
}

MainWindow::~MainWindow()
{
    controller()->shutdown();
}

void MainWindow::buildViews()
{
    m_gallery = new DigitGallery;
    m_heatmaps = new WeightHeatmaps;
    m_confusion = new ConfusionMatrix;
    m_inspector = new StepInspector;
    m_draw = new DrawPanel;
    auto makeDock = [this](const QString& title, const char* name, QWidget* widget, const QString& shortcut) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QLatin1String(name));
        d->setWidget(ViewOptions::scrollable(widget)); // scrolls on a small screen
        setViewShortcut(d, QKeySequence(shortcut));
        m_viewDocks.push_back(d);
        return d;
    };
    QDockWidget* weights = makeDock(tr("Weights"), "weightsDock", m_heatmaps, QStringLiteral("Ctrl+2"));
    QDockWidget* confusion = makeDock(tr("Confusion matrix"), "confusionDock", m_confusion, QStringLiteral("Ctrl+3"));
    QDockWidget* gallery = makeDock(tr("Digits"), "galleryDock", m_gallery, QStringLiteral("Ctrl+4"));
    QDockWidget* inspector = makeDock(tr("Step inspector"), "inspectorDock", m_inspector, QStringLiteral("Ctrl+5"));
    QDockWidget* draw = makeDock(tr("Draw"), "drawDock", m_draw, QStringLiteral("Ctrl+6"));
    // Views follow the training only while on screen (isOnScreen: not closed, not a tab behind
    // another); shown again, they catch up, queued so that the dock is back on the window first.
    auto whenShown = [this](QDockWidget* d, auto catchUp) {
        connect(d, &QDockWidget::visibilityChanged, this, [this, catchUp](bool visible) {
            if (visible)
                QMetaObject::invokeMethod(this, catchUp, Qt::QueuedConnection);
        });
    };
    whenShown(inspector, [this] { m_scheduler->inspectorShown(); });
    whenShown(weights, [this] { m_heatmaps->catchUp(); });
    whenShown(draw, [this] { m_draw->catchUp(); });
    whenShown(gallery, [this] { m_scheduler->request(false); });
    whenShown(confusion, [this] { m_scheduler->request(false); });
    setViewShortcut(m_controlsDock, QKeySequence(QStringLiteral("Ctrl+1")));
    // Weights right; along the bottom the digits (the inspector behind) and the confusion matrix.
    addDockWidget(Qt::RightDockWidgetArea, weights);
    addDockWidget(Qt::BottomDockWidgetArea, gallery);
    splitDockWidget(gallery, confusion, Qt::Horizontal);
    tabifyDockWidget(gallery, inspector);
    tabifyDockWidget(gallery, draw);
    gallery->raise();
    m_viewDocks.push_back(RunsTable::install(this, m_session->runs(), m_curves)); // View ▸ Runs, Ctrl+7
    m_sweeps = new SweepCommands(this, m_settings.get(), m_session, m_curves,
                                 [this] { return m_session->fitToData(m_controls->setup()); });
    m_viewDocks.push_back(m_sweeps->dock()); // View ▸ Sweep; Experiments ▸ Sweep…, Ctrl+8
    m_viewDocks.push_back(NetworkView::install(this)); // View ▸ Network, Ctrl+0
    resizeDocks({weights}, {600}, Qt::Horizontal);
    resizeDocks({gallery, confusion}, {1240, 340}, Qt::Horizontal);
    resizeDocks({gallery}, {m_draw->sizeHint().height() + 20}, Qt::Vertical); // the Draw view whole

    connect(m_gallery, &DigitGallery::digitActivated, this, &MainWindow::inspect);
    connect(m_gallery, &DigitGallery::predictionsWanted, this, [this] { m_scheduler->request(true); });
    connect(m_confusion, &ConfusionMatrix::cellClicked, this, [this, gallery](int t, int p) {
        m_gallery->showPair(t, p);
        gallery->show();
        gallery->raise();
    });
    connect(m_draw, &DrawPanel::failed, this, [this](const QString& why) { showMessage(tr("Drawing"), why); });
    connect(m_draw, &DrawPanel::digitAdded, this, [this](const QString& path, int count) {
        statusBar()->showMessage(tr("%1 of your digits in %2").arg(count).arg(path), 6000);
    });
    m_draw->setMyDigits(m_session->myDigits()); // saved in my-digits.csv, joined onto MNIST
    connect(m_draw, &DrawPanel::trainOnMyDigitsRequested, this, [this](int epochs) {
        if (const QString why = m_session->trainOnMyDigits(epochs); !why.isEmpty())
            return showMessage(tr("Train on my digits"), why);
        m_controls->setSetup(setup()); // the epochs and training images this run uses
    });
    connect(m_inspector, &StepInspector::stepRequested, this, [this] {
        if (const auto index = m_scheduler->inspectedTrainingImage())
            controller()->trainOnSample(*index);
    });
}

QDockWidget* MainWindow::dock(const QString& objectName) const
{
    return findChild<QDockWidget*>(objectName);
}

void MainWindow::inspect(bool test, std::size_t index)
{
    m_scheduler->inspect(test, index);
    if (QDockWidget* d = dock(QStringLiteral("inspectorDock"))) {
        d->show();
        d->raise();
    }
}

void MainWindow::connectScheduler()
{
    using S = app::PredictionScheduler;
    m_scheduler->setRedraws(m_session->redraws()); // epoch answers and traces at the views' pace
    m_scheduler->setDemand([this] {
        const bool gallery = isOnScreen(m_gallery);
        return S::Demand{(gallery && m_gallery->showsTestSet()) || isOnScreen(m_confusion),
                         gallery && !m_gallery->showsTestSet(), isOnScreen(m_inspector)};
    });
    connect(m_scheduler, &S::galleryAnswers, this, [this](bool test, std::shared_ptr<const engine::Evaluation> e) {
        m_gallery->setPredictions(test, e->predictions, e->confidence);
    });
    connect(m_scheduler, &S::confusionAnswers, this, [this](std::shared_ptr<const engine::Evaluation> e) {
        if (data().test)
            m_confusion->setConfusion(e->confusion, m_session->classNames());
    });
    connect(m_scheduler, &S::inspected, this, [this](const app::InspectedSample& s) {
        m_inspector->setTrace(s.trace, digitImage(s.set->image(s.index), s.set->rows, s.set->cols),
                              tr("%1 image %2").arg(s.test ? tr("Test") : tr("Training")).arg(s.index),
                              s.whyNoStep.isEmpty(), s.whyNoStep);
    });
    connect(m_scheduler, &S::inspectionFailed, this,
            [this](const QString& why) { statusBar()->showMessage(why, 5000); });
}

void MainWindow::buildActions()
{
    m_start = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("&Start"), this);
    m_start->setShortcut(Qt::Key_Space);
    m_start->setShortcutContext(Qt::ApplicationShortcut);
    m_start->setToolTip(tr("Start training, or pause it (Space). The network learns from each "
                           "batch: forward pass, errors, weight update."));
    m_start->setEnabled(false);
    connect(m_start, &QAction::triggered, this, [this] {
        if (controller()->isRunning())
            controller()->pause();
        else if (controller()->state() == WorkerState::Idle && controller()->startBeginsNewRun())
            m_question->ask(tr("Start begins a new run from the last run's initial weights, so that only "
                               "the settings you changed differ. Continue training "
                               "(Ctrl+Shift+Space) trains these weights further instead."),
                            [this] { controller()->start(); }, {}, false);
        else
            controller()->start();
    });
    new SpaceShortcut(m_start); // Space from a spin box or combo box too, not from a text field

    m_stop = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")), tr("S&top"), this);
    m_stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stop->setToolTip(tr("End this run (Ctrl+.). The weights stay: Continue trains them further; "
                          "Start begins a new run from this run's initial weights."));
    m_stop->setEnabled(false);
    connect(m_stop, &QAction::triggered, this, [this] { controller()->stop(); });

    m_step = new QAction(QIcon::fromTheme(QStringLiteral("media-skip-forward")), tr("Ste&p"), this);
    m_step->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Right));
    m_step->setToolTip(tr("Train on exactly one batch (Ctrl+Right): one image in the lesson's "
                          "per-sample mode."));
    m_step->setEnabled(false);
    connect(m_step, &QAction::triggered, this, [this] { controller()->step(); });
    m_runs = new RunCommands(m_start, m_session, m_curves, this);

    m_reset = new QAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Reset weights"), this);
    m_reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reset->setToolTip(tr("Throw away what was learned (Ctrl+R): new random weights from the "
                           "initialiser and seed."));
    m_reset->setEnabled(false);
    connect(m_reset, &QAction::triggered, this, [this] {
        m_question->ask(tr("Reset weights replaces what was learned by new random weights."), [this] {
            m_session->resetWeights(m_controls->setup());
            statusBar()->showMessage(tr("New random weights (seed %1)").arg(m_session->setup().weightSeed), 4000);
        });
    });

    m_logLoss = new QAction(tr("&Logarithmic loss axis"), this);
    m_logLoss->setCheckable(true);
    m_logLoss->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_logLoss, &QAction::toggled, m_curves, &LearningCurves::setLogLoss);

    m_clearRuns = new QAction(QIcon::fromTheme(QStringLiteral("edit-clear")), tr("&Clear curves"), this);
    m_clearRuns->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete));
    m_clearRuns->setToolTip(tr("Remove every run's curves from the plot"));
    connect(m_clearRuns, &QAction::triggered, m_curves, &LearningCurves::clearRuns);

    auto* bar = addToolBar(tr("Training"));
    bar->setObjectName(QStringLiteral("trainingToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addActions({m_start, m_stop, m_step, m_reset});
    bar->addSeparator();
    bar->addActions({m_clearRuns, m_logLoss, new SlowMotion(this, m_settings.get())}); // + the speed
}

void MainWindow::buildMenus()
{
    m_files = new FileCommands(this, m_settings.get(), m_session, m_document, m_controls,
                               {m_heatmaps, m_gallery, [this](const QString& path) { return m_curves->savePlot(path); },
                                [this] { return m_curves->toCsv(); }, [this] { return m_confusion->toCsv(); }});
    m_question = new DiscardQuestion(this, m_settings.get(), m_session, [this] { return m_files->save(); });
    m_files->setDiscardQuestion(m_question);
    connect(m_files, &FileCommands::failed, this, &MainWindow::showMessage);
    connect(m_files, &FileCommands::modelChanged, this, &MainWindow::updateTitle);
    connect(m_files, &FileCommands::newModelRequested, this, &MainWindow::newModel);
    connect(m_files, &FileCommands::openDatasetRequested, this,
            [this] { onDatasetChosen(int(m_session->dataSources().size()) - 1); });
    m_files->addTo(menuBar()->addMenu(tr("&File")));

    QMenu* training = menuBar()->addMenu(tr("&Training"));
    training->addActions({m_start, m_runs->continueAction(), m_stop, m_step, m_reset});
    m_runs->addTo(training, m_question);

    QMenu* presets = menuBar()->addMenu(tr("&Presets"));
    const std::pair<const char*, QString> items[] = {
        {"lesson", tr("Lesson: from scratch")},
        {"lesson-100", tr("Lesson: 100 samples")},
        {"lesson-first-attempt", tr("Lesson: first attempt (raw pixels, rand weights)")},
        {"keras-sgd", tr("Keras SGD")},
        {"keras-rmsprop", tr("Keras RMSprop")},
        {"best", tr("Best MLP")},
    };
    for (const auto& [name, text] : items) {
        const auto preset = engine::findPreset(name);
        QAction* a = presets->addAction(text, this, [this, n = QString::fromLatin1(name)] { applyPreset(n); });
        if (preset)
            a->setToolTip(QString::fromStdString(preset->description));
    }
    presets->addSeparator();
    presets->addAction(tr("nnlab's trained default model"), this, [this] { applyPreset(QStringLiteral("default")); });
    presets->setToolTipsVisible(true);
    m_sweeps->addTo(menuBar()->addMenu(tr("E&xperiments")), m_files->exportMenu());
    connect(m_sweeps, &SweepCommands::failed, this, &MainWindow::showMessage);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_controlsDock->toggleViewAction());
    for (QDockWidget* d : m_viewDocks)
        view->addAction(d->toggleViewAction());
    view->addSeparator();
    view->addAction(m_logLoss);
    view->addAction(m_clearRuns);
    view->addAction(tr("&Follow the data"), m_curves, &LearningCurves::resetView);
    m_viewOptions->addTo(view); // dark colours, presentation mode

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About nnlab"), this, [this] { QMessageBox::about(this, tr("About nnlab"), aboutText()); });
}

void MainWindow::connectSession()
{
    using L = app::LabSession;
    m_session->setSetupSource([this] { return m_controls->setup(); });
    connect(m_session, &L::setupChanged, m_scheduler, &app::PredictionScheduler::setSetup);
    connect(m_session, &L::setupChanged, this, &MainWindow::updateTitle); // l_r moved mid-run too
    connect(m_session, &L::dataLoading, this, [this] { statusBar()->showMessage(tr("Loading data…")); });
    connect(m_session, &L::dataFailed, this,
            [this](const QString& why) { showMessage(tr("The data could not be loaded"), why); });
    connect(m_session, &L::dataWarning, this,
            [this](const QString& why) { showMessage(tr("About the training set"), why); });
    connect(m_session, &L::dataIndexChanged, this,
            [this](int index) { m_controls->setDatasets(m_dataChoices, index); });
    connect(m_session, &L::dataChanged, this, [this](const app::DataPair& data) {
        statusBar()->showMessage(tr("%1: %2 training and %3 test images")
                                     .arg(data.name, QLocale().toString(qulonglong(data.train->size())),
                                          QLocale().toString(qulonglong(data.test->size()))),
                                 5000);
        m_controls->setTrainingSetMaximum(int(data.train->size()));
        m_scheduler->setData(data);
        m_gallery->setData(data.train, data.test);
    });
    connect(m_session, &L::configured, this, [this] {
        m_status->clearEpoch();
        updateTitle();
    });
    connect(m_session, &L::setupRefused, this,
            [this](const QString& why) { showMessage(tr("These settings cannot train"), why); });
    connect(m_session, &L::dataReady, this, &MainWindow::onDataReady);
    connect(m_session, &L::networkReplaced, this, [this] {
        m_status->clearMeasurements(); // they were of the replaced network
        m_scheduler->networkReplaced();
    });
    connect(m_session, &L::snapshotChanged, this, [this](const app::NetworkSnapshot& s) {
        if (isDataReady())
            m_heatmaps->setNetwork(s.network, data().train->rows, data().train->cols);
        m_scheduler->setNetwork(s.network);
        m_draw->setNetwork(s.network);
        updateTitle(); // "default model" until its weights are replaced
        emit snapshotChanged(s);
    });
}

void MainWindow::onDataReady()
{
    const app::NetworkPtr& network = snapshot().network;
    if (network && network->architecture() == setup().architecture) {
        m_heatmaps->setNetwork(network, data().train->rows, data().train->cols, true);
        m_draw->setNetwork(network);
        m_scheduler->setNetwork(network, true);
    }
    for (QAction* a : {m_start, m_stop, m_step, m_reset})
        a->setEnabled(true);
    updateTitle();
    emit dataReady();
}

void MainWindow::connectController()
{
    using C = app::TrainingController;
    connect(controller(), &C::runStarted, this, [this](const app::RunInfo& info) {
        m_document->setModified(true);
        updateTitle();
        m_curves->beginRun(info.run, runLegend(info), info.parent, info.startEpochFraction);
        m_curves->setRunLoss(info.run, info.setup.architecture.loss); // names the loss axis
    });
    connect(controller(), &C::progressed, this, [this](const app::ProgressReport& r) {
        m_curves->addRunning(r.run, r.progress.epochFraction, r.smoothedLoss, r.smoothedAccuracy);
        m_status->showProgress(r);
    });
    connect(controller(), &C::epochEnded, this, [this](const app::EpochReport& r) {
        m_curves->addTest(r.run, r.epochFraction, r.testLoss, r.testAccuracy);
        if (m_session->awaitsNewNetwork())
            return; // a replaced network's last epoch
        m_scheduler->takeEpochAnswers(r.test);
        m_status->showTestAccuracy(r.testAccuracy);
    });
    connect(controller(), &C::testEstimated, this, [this](const app::TestEstimate& e) {
        m_curves->addQuickTest(e.run, e.epochFraction, e.loss, e.accuracy);
    });
    connect(controller(), &C::sampleStepped, this, [this](const app::SampleStep& step) {
        m_document->setModified(true);
        if (isDataReady())
            m_inspector->setWeightChange(*step.before, *step.after, data().train->rows, data().train->cols);
    });
    connect(controller(), &C::stateChanged, this, &MainWindow::onStateChanged);
    connect(controller(), &C::finished, this, [this] {
        statusBar()->showMessage(tr("Done: %1 trained. Space: a new run from the same initial weights; "
                                    "Ctrl+Shift+Space: train these further")
                                     .arg(app::counted(setup().epochs, tr("epoch"), tr("epochs"))),
                                 10000);
        m_status->clearTimeLeft();
        emit trainingFinished();
    });
    connect(controller(), &C::diverged, this, [this](const QString& why) { showMessage(tr("Training diverged"), why); });
    connect(controller(), &C::failed, this,
            [this](const QString& why) { showMessage(tr("Training could not continue"), why); });
}

void MainWindow::connectControls()
{
    using P = ControlPanel;
    using L = app::LabSession;
    connect(m_controls, &P::learningRateChanged, m_session, &L::setLearningRate);
    connect(m_controls, &P::optimizerChanged, m_session, &L::setOptimizer);
    connect(m_controls, &P::batchSizeChanged, m_session, &L::setBatchSize);
    connect(m_controls, &P::epochsChanged, m_session, &L::setEpochs);
    connect(m_controls, &P::learningRateDecayChanged, m_session, &L::setLearningRateDecay);
    connect(m_controls, &P::shapeChanged, this, &MainWindow::onShapeChanged);
    connect(m_controls, &P::runSettingsChanged, this, &MainWindow::onRunSettingsChanged);
    connect(m_controls, &P::datasetChosen, this, &MainWindow::onDatasetChosen);
}

void MainWindow::onShapeChanged()
{
    const app::TrainingSetup next = m_session->fitToData(m_controls->setup());
    m_question->ask(
        tr("The network's shape changed to %1, so it needs new weights.")
            .arg(QString::fromStdString(next.architecture.describe())),
        [this, next] { m_session->configure(next, m_session->initialNetworkFor(next)); },
        [this] { m_controls->setSetup(setup()); });
}

void MainWindow::onRunSettingsChanged()
{
    using R = app::LabSession::RunSettings;
    const R result = m_session->changeRunSettings(m_controls->setup());
    if (result != R::Applied)
        statusBar()->showMessage(result == R::UsedByReset
                                     ? tr("The new seed or initialiser is used by Reset weights.")
                                     : tr("This setting applies from the next run (Stop, then Start)."),
                                 6000);
}

void MainWindow::onDatasetChosen(int index)
{
    const auto& sources = m_session->dataSources();
    if (index < 0 || index >= int(sources.size()))
        return;
    if (sources[std::size_t(index)] != app::DataSource::Files) {
        switchData(index, {});
        return;
    }
    const QStringList files = m_files->askDataFiles();
    if (files.isEmpty()) {
        m_controls->setDatasets(m_dataChoices, m_session->dataIndex());
        return;
    }
    openDataFiles(files);
}

void MainWindow::openDataFiles(const QStringList& files)
{
    switchData(int(m_session->dataSources().size()) - 1, files);
}

void MainWindow::switchData(int index, const QStringList& files)
{
    m_question->ask(
        tr("Different data needs a new network."), [this, index, files] { m_session->loadData(index, files); },
        [this] { m_controls->setDatasets(m_dataChoices, m_session->dataIndex()); });
}

bool MainWindow::applyPreset(const QString& name)
{
    const auto preset = engine::findPreset(name.toStdString());
    if (!preset)
        return false;
    const app::TrainingSetup next = m_session->fitToData(app::TrainingSetup::fromPreset(*preset));
    m_controls->setSetup(next);
    m_question->ask(
        tr("The preset sets up a new network."),
        [this, next] {
            m_controls->setSetup(next);
            m_session->configure(next, m_session->initialNetworkFor(next));
            statusBar()->showMessage(tr("Preset: %1").arg(next.describe()), 5000);
        },
        [this] { m_controls->setSetup(setup()); });
    return true;
}

void MainWindow::onStateChanged(WorkerState state)
{
    const bool running = state == WorkerState::Running;
    m_start->setText(running ? tr("&Pause") : state == WorkerState::Paused ? tr("&Resume") : tr("&Start"));
    m_start->setIcon(QIcon::fromTheme(running ? QStringLiteral("media-playback-pause")
                                              : QStringLiteral("media-playback-start")));
    m_step->setEnabled(!running && isDataReady());
    m_scheduler->setTraining(running);
    if (!running)
        m_status->showStopped();
}

void MainWindow::showMessage(const QString& title, const QString& text)
{
    statusBar()->showMessage(text, 10000);
    emit messageShown(text);
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // window-modal, never blocks the event loop
}

void MainWindow::newModel()
{
    const app::TrainingSetup next = m_session->fitToData(m_controls->setup());
    m_question->ask(tr("A new network starts from fresh random weights."), [this, next] {
        m_document->clear();
        m_session->configure(next, {});
        updateTitle();
    });
}

bool MainWindow::openModel(const QString& path)
{
    return m_files->openModel(path);
}

bool MainWindow::saveModel(const QString& path)
{
    return m_files->saveModel(path);
}

void MainWindow::updateTitle()
{
    QString model = setup().describe();
    if (m_session->showsDefaultModel())
        model = tr("default model (%1% on test)").arg(100.0 * m_session->defaultModelAccuracy().value_or(0), 0, 'f', 1);
    if (!modelPath().isEmpty())
        model = QFileInfo(modelPath()).fileName();
    setWindowTitle(tr("nnlab — %1%2 — %3")
                       .arg(model, isModelDirty() ? QStringLiteral(" *") : QString(),
                            data().name.isEmpty() ? tr("loading") : data().name));
}

void MainWindow::writeSettings()
{
    app::saveSetup(*m_settings, m_controls->setup());
    m_settings->setValue("window/geometry", saveGeometry());
    m_settings->setValue("window/state", saveState());
    m_settings->setValue("view/logLoss", m_logLoss->isChecked());
    m_settings->setValue("data/source", m_session->dataIndex());
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_askToSave && !m_question->askBeforeQuit()) {
        event->ignore();
        return;
    }
    writeSettings();
    controller()->shutdown(); // stops mid-epoch and joins within 0.5 s
    m_scheduler->stop();
    event->accept();
}

} // namespace nnlab::ui
