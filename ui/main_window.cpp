#include "main_window.h"

#include "confusion_matrix.h"
#include "control_panel.h"
#include "digit_gallery.h"
#include "draw_panel.h"
#include "learning_curves.h"
#include "space_shortcut.h"
#include "on_screen.h"
#include "pictures.h"
#include "step_inspector.h"
#include "weight_heatmaps.h"

#include "app/setup_settings.h"
#include "engine/data_paths.h"
#include "engine/file_error.h"
#include "engine/model_file.h"
#include "engine/npz.h"
#include "engine/step_trace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QThreadPool>
#include <QTimer>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <sstream>

namespace nnlab::ui {

namespace engine = nnlab::engine;
using app::WorkerState;

namespace {

constexpr int kProbeIntervalMs = 10;
constexpr qint64 kGalleryRefreshMs = 400;
constexpr qint64 kStatusIntervalMs = 250;
constexpr std::size_t kMaxLatencySamples = 1'000'000;

QString formatDuration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("–");
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 1 : 0);
    const int s = int(std::lround(seconds));
    if (s < 3600)
        return QStringLiteral("%1:%2 min").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// The epoch's progress, drawn flat: the style's progress bar (gradients, rounded ends) took a
// millisecond or more to paint, several times a second, on the thread the trainer shares
// the cores with.
class FlatProgressBar : public QProgressBar
{
public:
    using QProgressBar::QProgressBar;

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        const QRect frame = rect().adjusted(0, 3, -1, -4);
        p.fillRect(frame, palette().base());
        const double share = maximum() > minimum() ? double(value() - minimum()) / double(maximum() - minimum()) : 0.0;
        const int filled = int(std::lround(std::clamp(share, 0.0, 1.0) * (frame.width() - 1)));
        if (filled > 0)
            p.fillRect(QRect(frame.left() + 1, frame.top() + 1, filled, frame.height() - 1), palette().highlight());
        p.setPen(palette().mid().color());
        p.drawRect(frame);
    }
};

} // namespace

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent),
      m_settings(options.settingsFile.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat)),
      m_controller(new app::TrainingController(this)), m_controls(new ControlPanel),
      m_curves(new LearningCurves)
{
    setObjectName(QStringLiteral("nnlabMainWindow"));
    m_askToSave = options.askToSaveOnQuit;
    m_controller->setThreads(options.trainerThreads);
    setCentralWidget(m_curves);

    auto* scroll = new QScrollArea;
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(m_controls->sizeHint().width() + 24);
    m_controlsDock = new QDockWidget(tr("Controls"), this);
    m_controlsDock->setObjectName(QStringLiteral("controlsDock"));
    m_controlsDock->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, m_controlsDock);
    m_predictions = new app::DatasetPredictions(this);
    m_predictionsLater = new QTimer(this);
    m_predictionsLater->setSingleShot(true);
    connect(m_predictionsLater, &QTimer::timeout, this, [this] { requestPredictions(false); });
    buildViews();

    buildActions();
    buildMenus();
    buildStatusBar();
    connectController();
    connectControls();

    m_galleryRefresh = new QTimer(this);
    m_galleryRefresh->setSingleShot(true);
    connect(m_galleryRefresh, &QTimer::timeout, this, &MainWindow::showPendingTestPredictions);

    // The probe (started by startLatencyProbe): a 10 ms timer whose lateness measures how long
    // GUI events wait.
    m_probe = new QTimer(this);
    m_probe->setTimerType(Qt::PreciseTimer);
    m_probe->setInterval(kProbeIntervalMs);
    m_probeClock.start();
    connect(m_probe, &QTimer::timeout, this, [this] {
        const qint64 now = m_probeClock.nsecsElapsed();
        if (m_probeLast > 0 && m_latencies.size() < kMaxLatencySamples)
            m_latencies.push_back(
                std::max(0.0f, float(double(now - m_probeLast) / 1e6 - kProbeIntervalMs)));
        m_probeLast = now;
    });

    loadDefaultModel();
    std::optional<app::TrainingSetup> remembered;
    if (options.restoreSettings) {
        remembered = app::loadSetup(*m_settings);
        restoreGeometry(m_settings->value("window/geometry").toByteArray());
        restoreState(m_settings->value("window/state").toByteArray());
        m_logLoss->setChecked(m_settings->value("view/logLoss", false).toBool());
    }
    if (!remembered)
        remembered = app::TrainingSetup::fromPreset(
            engine::findPreset(m_defaultModel ? "default" : "lesson").value_or(engine::presets().front()));
    m_setup = *remembered;
    m_controls->setSetup(m_setup);
    if (m_defaultModel)
        m_snapshot = app::NetworkSnapshot{0, m_defaultModel, 0, 0};
    if (m_snapshot.network == nullptr || !(m_snapshot.network->architecture() == m_setup.architecture))
        m_snapshot = {};

    m_dataSources = {app::DataSource::Mnist};
    QStringList names{tr("MNIST handwritten digits")};
    if (app::fashionMnistAvailable()) {
        m_dataSources.push_back(app::DataSource::FashionMnist);
        names << tr("Fashion-MNIST clothes");
    }
    m_dataSources.push_back(app::DataSource::Files);
    names << tr("Open IDX or CSV files…");
    m_controls->setDatasets(names, 0);
    m_dataChoices = names;
    int source = options.restoreSettings ? m_settings->value("data/source", 0).toInt() : 0;
    if (source < 0 || source >= int(m_dataSources.size()) - 1)
        source = 0; // user files are not reopened without asking
    m_dataIndex = source;
    m_controls->setDatasets(names, source);
    resize(1600, 1000);
    updateTitle();
    loadDataAsync(m_dataSources[std::size_t(source)], {}, source);
}

MainWindow::~MainWindow()
{
    m_controller->shutdown();
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
        d->setWidget(widget);
        d->toggleViewAction()->setShortcut(QKeySequence(shortcut));
        m_viewDocks.push_back(d);
        return d;
    };
    QDockWidget* weights = makeDock(tr("Weights"), "weightsDock", m_heatmaps, QStringLiteral("Ctrl+2"));
    QDockWidget* confusion = makeDock(tr("Confusion matrix"), "confusionDock", m_confusion, QStringLiteral("Ctrl+3"));
    QDockWidget* gallery = makeDock(tr("Digits"), "galleryDock", m_gallery, QStringLiteral("Ctrl+4"));
    QDockWidget* inspector = makeDock(tr("Step inspector"), "inspectorDock", m_inspector, QStringLiteral("Ctrl+5"));
    QDockWidget* draw = makeDock(tr("Draw"), "drawDock", m_draw, QStringLiteral("Ctrl+6"));
    // Views follow the training only while they can be seen (isOnScreen: not closed, not a tab
    // behind another); when a view's tab is chosen or its dock shown, it catches up. Queued, so
    // that the dock is back on the window first.
    auto whenShown = [this](QDockWidget* d, auto catchUp) {
        connect(d, &QDockWidget::visibilityChanged, this, [this, catchUp](bool visible) {
            if (visible)
                QMetaObject::invokeMethod(this, catchUp, Qt::QueuedConnection);
        });
    };
    whenShown(inspector, [this] {
        if (m_inspectorStale)
            updateInspector();
    });
    whenShown(weights, [this] { m_heatmaps->catchUp(); });
    whenShown(draw, [this] { m_draw->catchUp(); });
    whenShown(gallery, [this] { requestPredictions(false); });
    whenShown(confusion, [this] { requestPredictions(false); });
    m_controlsDock->toggleViewAction()->setShortcut(QKeySequence(QStringLiteral("Ctrl+1")));
    // Weights on the right; along the bottom the digits (with the inspector behind them) and
    // the confusion matrix: everything visible at once on a 1600 x 1000 window.
    addDockWidget(Qt::RightDockWidgetArea, weights);
    addDockWidget(Qt::BottomDockWidgetArea, gallery);
    splitDockWidget(gallery, confusion, Qt::Horizontal);
    tabifyDockWidget(gallery, inspector);
    tabifyDockWidget(gallery, draw);
    gallery->raise();
    resizeDocks({weights}, {600}, Qt::Horizontal);
    resizeDocks({gallery, confusion}, {1240, 340}, Qt::Horizontal);
    resizeDocks({gallery}, {330}, Qt::Vertical);

    connect(m_gallery, &DigitGallery::digitActivated, this, &MainWindow::inspect);
    connect(m_gallery, &DigitGallery::predictionsWanted, this, [this] { requestPredictions(true); });
    connect(m_confusion, &ConfusionMatrix::cellClicked, this, [this, gallery](int t, int p) {
        m_gallery->showPair(t, p);
        gallery->show();
        gallery->raise();
    });
    connect(m_draw, &DrawPanel::failed, this, [this](const QString& why) { showMessage(tr("Drawing"), why); });
    connect(m_draw, &DrawPanel::digitAdded, this, [this](const QString& path, int count) {
        statusBar()->showMessage(tr("%1 of your digits in %2").arg(count).arg(path), 6000);
    });
    connect(m_inspector, &StepInspector::stepRequested, this, [this] {
        if (m_inspected && !m_inspectedTest)
            m_controller->trainOnSample(*m_inspected);
    });
    connect(m_predictions, &app::DatasetPredictions::ready, this,
            [this](bool test, std::shared_ptr<const engine::Evaluation> e) {
                m_gallery->setPredictions(test, e->predictions, e->confidence);
                if (test && (!m_controller->isRunning() || m_lastTestAccuracy < 0) && m_data.test) {
                    QStringList names;
                    for (const auto& n : m_data.test->classNames)
                        names << QString::fromStdString(n);
                    m_confusion->setConfusion(e->confusion, names);
                }
            });
}

QDockWidget* MainWindow::dock(const QString& objectName) const
{
    return findChild<QDockWidget*>(objectName);
}

void MainWindow::inspect(bool test, std::size_t index)
{
    m_inspectedTest = test;
    m_inspected = index;
    updateInspector();
    if (QDockWidget* d = dock(QStringLiteral("inspectorDock"))) {
        d->show();
        d->raise();
    }
}

void MainWindow::showPendingTestPredictions()
{
    if (!m_pendingTestPredictions)
        return;
    m_sinceGalleryRefresh.start();
    m_gallery->setPredictions(true, m_pendingTestPredictions->predictions, m_pendingTestPredictions->confidence);
    m_pendingTestPredictions.reset();
}

void MainWindow::startLatencyProbe()
{
    m_probeLast = 0;
    m_probe->start();
}

void MainWindow::updateInspector()
{
    m_inspectorStale = false;
    if (!m_inspected || !m_snapshot.network || !m_data.isValid())
        return;
    const engine::Dataset& set = m_inspectedTest ? *m_data.test : *m_data.train;
    if (*m_inspected >= set.size() || m_snapshot.network->architecture().inputs != set.pixelsPerImage())
        return;
    const std::size_t i = *m_inspected;
    try {
        const engine::LessonTrace trace = engine::traceSample(
            *m_snapshot.network, set.image(i), set.labels[i], m_setup.training.lessonErrors);
        const bool lessonMode = m_setup.training.batchSize == 1 &&
                                m_setup.training.optimizer.kind == engine::OptimizerKind::SGD;
        QString whyNot;
        if (m_inspectedTest)
            whyNot = tr("This is a test image: the network never trains on those. Pick a "
                        "training image in the gallery.");
        else if (!lessonMode)
            whyNot = tr("Stepping on one image is the lesson's per-sample update: set the batch "
                        "size to 1 and the optimizer to SGD (the Lesson presets do).");
        else if (m_controller->isRunning())
            whyNot = tr("Pause training first (Space).");
        m_inspector->setTrace(trace, digitImage(set.image(i), set.rows, set.cols),
                              tr("%1 image %2").arg(m_inspectedTest ? tr("Test") : tr("Training")).arg(i),
                              whyNot.isEmpty(), whyNot);
    } catch (const std::exception& e) {
        statusBar()->showMessage(QString::fromUtf8(e.what()), 5000);
    }
}

// Gallery predictions come from whole-set evaluations off the GUI thread, only for views on
// screen: at most one a second for the test set, every 3 s for the 60,000 training images. While
// training, the test set's answers come with each epoch's end; epochs longer than 3 s also have
// it evaluated every 2 s in between, and the training images every 5 s.
void MainWindow::requestPredictions(bool force, bool testKnown)
{
    if (!m_snapshot.network || !m_data.isValid())
        return;
    const bool galleryShown = isOnScreen(m_gallery);
    const bool running = m_controller->isRunning();
    // While training, each epoch's end brings the test set's answers; only long epochs (none
    // for 3 s) have the set evaluated in between, so short ones cost the training nothing.
    const bool epochAnswersFresh = running && m_sinceEpochPredictions.isValid() &&
                                   m_sinceEpochPredictions.elapsed() < 3000;
    const bool wantTest = !testKnown && !epochAnswersFresh &&
                          ((galleryShown && m_gallery->showsTestSet()) || isOnScreen(m_confusion));
    const bool wantTrain = galleryShown && !m_gallery->showsTestSet();
    if (!wantTest && !wantTrain) {
        if (testKnown)
            m_sincePredictions.start(); // fresh: the next refresh is an interval away
        return;
    }
    const qint64 interval = wantTrain ? (running ? 5000 : 3000) : (running ? 2000 : 1000);
    if (!force && m_sincePredictions.isValid() && m_sincePredictions.elapsed() < interval) {
        // Too soon: asked again when the interval is over, so that the newest network's answers
        // are shown even if no other request follows (a network changed while nothing trains).
        if (!m_predictionsLater->isActive())
            m_predictionsLater->start(int(interval - m_sincePredictions.elapsed()));
        return;
    }
    m_predictionsLater->stop();
    m_sincePredictions.start();
    if (wantTest)
        m_predictions->request(m_snapshot.network, m_data.test, true);
    if (wantTrain)
        m_predictions->request(m_snapshot.network, m_data.train, false);
}

void MainWindow::buildActions()
{
    m_start = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("&Start"), this);
    m_start->setShortcut(Qt::Key_Space);
    m_start->setShortcutContext(Qt::ApplicationShortcut);
    m_start->setToolTip(tr("Start training, or pause it (Space). The network learns from each "
                           "batch: forward pass, errors, weight update."));
    m_start->setEnabled(false);
    connect(m_start, &QAction::triggered, this, &MainWindow::startOrPause);
    new SpaceShortcut(m_start); // Space from a spin box or combo box too, not from a text field

    m_stop = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")), tr("S&top"), this);
    m_stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stop->setToolTip(tr("End this run (Ctrl+.). The weights stay; the next Start is a new run "
                          "with its own curves."));
    m_stop->setEnabled(false);
    connect(m_stop, &QAction::triggered, this, [this] { m_controller->stop(); });

    m_step = new QAction(QIcon::fromTheme(QStringLiteral("media-skip-forward")), tr("Ste&p"), this);
    m_step->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Right));
    m_step->setToolTip(tr("Train on exactly one batch (Ctrl+Right): one image in the lesson's "
                          "per-sample mode."));
    m_step->setEnabled(false);
    connect(m_step, &QAction::triggered, this, [this] { m_controller->step(); });

    m_reset = new QAction(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("&Reset weights"), this);
    m_reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reset->setToolTip(tr("Throw away what was learned (Ctrl+R): new random weights from the "
                           "initialiser and seed."));
    m_reset->setEnabled(false);
    connect(m_reset, &QAction::triggered, this, [this] {
        m_setup = m_controls->setup();
        m_controller->reset(m_setup.weightSeed);
        m_freshWeights = true;
        statusBar()->showMessage(tr("New random weights (seed %1)").arg(m_setup.weightSeed), 4000);
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
    bar->addActions({m_clearRuns, m_logLoss});
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New network"), QKeySequence::New, this, &MainWindow::newModel)
        ->setToolTip(tr("Fresh random weights for the network the controls describe"));
    file->addAction(tr("&Open model…"), QKeySequence::Open, this, &MainWindow::openModelDialog);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addAction(tr("&Save model"), QKeySequence::Save, this, &MainWindow::save);
    file->addAction(tr("Save model &as…"), QKeySequence::SaveAs, this, &MainWindow::saveAs);
    file->addSeparator();
    file->addAction(tr("Open &dataset files…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                    [this] { onDatasetChosen(int(m_dataSources.size()) - 1); });
    file->addSeparator();
    QMenu* exports = file->addMenu(tr("&Export"));
    exports->addAction(tr("Weights as &NumPy .npz…"), this, [this] {
        const QString path = askSavePath(tr("Export the weights for numpy"), QStringLiteral("weights.npz"),
                                         tr("NumPy archives (*.npz)"));
        if (!path.isEmpty()) {
            const QString keep = m_modelPath;
            const bool dirty = m_dirty;
            if (saveModel(path)) { // an export: the model's own file stays the one it came from
                m_modelPath = keep;
                m_dirty = dirty;
                updateTitle();
            }
        }
    });
    exports->addAction(tr("Learning curves as &image (PNG, PDF)…"), this, &MainWindow::exportPlot);
    exports->addAction(tr("Learning curves as &CSV…"), this, &MainWindow::exportCsv);
    exports->addAction(tr("&Weight heatmaps as PNG…"), this, &MainWindow::exportHeatmaps);
    exports->addAction(tr("&Gallery page as PNG…"), this, &MainWindow::exportGalleryPage);
    exports->addAction(tr("C&onfusion matrix as CSV…"), this, &MainWindow::exportConfusion);
    exports->addAction(tr("Window &screenshot…"), this, &MainWindow::saveScreenshot);
    rebuildRecentMenu();
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* training = menuBar()->addMenu(tr("&Training"));
    training->addActions({m_start, m_stop, m_step, m_reset});

    QMenu* presets = menuBar()->addMenu(tr("&Presets"));
    const std::pair<const char*, QString> items[] = {
        {"lesson", tr("Lesson: from scratch")},
        {"lesson-100", tr("Lesson: 100 samples")},
        {"keras-sgd", tr("Keras SGD")},
        {"keras-rmsprop", tr("Keras RMSprop")},
        {"best", tr("Best MLP")},
    };
    for (const auto& [name, text] : items) {
        const auto preset = engine::findPreset(name);
        QAction* a = presets->addAction(text, this, [this, n = QString::fromLatin1(name)] {
            applyPreset(n);
        });
        if (preset)
            a->setToolTip(QString::fromStdString(preset->description));
    }
    presets->addSeparator();
    presets->addAction(tr("nnlab's trained default model"), this, [this] {
        applyPreset(QStringLiteral("default"));
    });
    presets->setToolTipsVisible(true);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_controlsDock->toggleViewAction());
    for (QDockWidget* d : m_viewDocks)
        view->addAction(d->toggleViewAction());
    view->addSeparator();
    view->addAction(m_logLoss);
    view->addAction(m_clearRuns);
    view->addAction(tr("&Follow the data"), m_curves, &LearningCurves::resetView);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About nnlab"), this, [this] {
        QMessageBox::about(this, tr("About nnlab"),
                           tr("<h3>nnlab %1</h3><p>A lab for learning how neural networks work: "
                              "the classic network from scratch (784-90-10, sigmoid, one image at "
                              "a time) and its modern versions, learning live on real MNIST.</p>"
                              "<p>MNIST: Y. LeCun, C. Cortes, C. Burges (CC BY-SA 3.0).</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::buildStatusBar()
{
    m_epochLabel = new QLabel;
    m_epochBar = new FlatProgressBar;
    m_epochBar->setRange(0, 1000);
    m_epochBar->setTextVisible(false);
    m_epochBar->setToolTip(tr("Progress through the current epoch"));
    m_speedLabel = new QLabel;
    m_speedLabel->setToolTip(tr("Training images per second"));
    m_etaLabel = new QLabel;
    m_etaLabel->setToolTip(tr("Time left until the last epoch of this Start ends"));
    m_testLabel = new QLabel;
    m_testLabel->setToolTip(tr("Accuracy on the 10,000 test images the network never trains on, "
                               "at the last epoch end"));
    // Fixed sizes, wide enough for the longest text each shows: a label whose width follows its
    // text would re-lay out the status bar, and with it the whole window and its docks, every
    // time the numbers change while training.
    const auto fixWidth = [](QLabel* label, const QString& widest) {
        label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        label->setFixedSize(label->fontMetrics().horizontalAdvance(widest) + 8, label->sizeHint().height());
    };
    fixWidth(m_epochLabel, tr("epoch %1").arg(88888));
    fixWidth(m_speedLabel, tr("%1 images/s").arg(QLocale().toString(8888888)));
    fixWidth(m_etaLabel, tr("%1 left").arg(tr("%1 h %2 min").arg(8888).arg(88)));
    fixWidth(m_testLabel, tr("test accuracy %1%").arg(100.0, 0, 'f', 2));
    m_epochBar->setFixedSize(160, m_epochLabel->height());
    statusBar()->addPermanentWidget(m_epochLabel);
    statusBar()->addPermanentWidget(m_epochBar);
    statusBar()->addPermanentWidget(m_speedLabel);
    statusBar()->addPermanentWidget(m_etaLabel);
    statusBar()->addPermanentWidget(m_testLabel);
}

void MainWindow::connectController()
{
    using C = app::TrainingController;
    connect(m_controller, &C::runStarted, this, [this](const app::RunInfo& info) {
        m_freshWeights = false;
        m_dirty = true;
        updateTitle();
        m_trainedRun = info.run;
        m_curves->beginRun(info.run, info.setup.describe() + QStringLiteral(" · ") + info.dataName);
        m_curves->setRunLoss(info.run, info.setup.architecture.loss); // names the loss axis
    });
    connect(m_controller, &C::progressed, this, &MainWindow::onProgress);
    connect(m_controller, &C::epochEnded, this, &MainWindow::onEpochEnded);
    connect(m_controller, &C::testEstimated, this, [this](const app::TestEstimate& e) {
        m_curves->addQuickTest(e.run, e.epochFraction, e.loss, e.accuracy);
    });
    connect(m_controller, &C::snapshotReady, this, [this](const app::NetworkSnapshot& s) {
        m_snapshot = s;
        if (m_data.isValid())
            m_heatmaps->setNetwork(s.network, m_data.train->rows, m_data.train->cols);
        if (isOnScreen(m_inspector))
            updateInspector();
        else
            m_inspectorStale = true;
        requestPredictions(false);
        m_draw->setNetwork(s.network);
        emit snapshotChanged(s);
    });
    connect(m_controller, &C::sampleStepped, this, [this](const app::SampleStep& step) {
        m_dirty = true;
        if (m_data.isValid())
            m_inspector->setWeightChange(*step.before, *step.after, m_data.train->rows, m_data.train->cols);
    });
    connect(m_controller, &C::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_controller, &C::finished, this, [this] {
        statusBar()->showMessage(tr("Done: %1 epochs trained").arg(m_setup.epochs), 8000);
        m_etaLabel->clear();
        emit trainingFinished();
    });
    connect(m_controller, &C::diverged, this, [this](const QString& why) {
        showMessage(tr("Training diverged"), why);
    });
    connect(m_controller, &C::failed, this, [this](const QString& why) {
        showMessage(tr("Training could not continue"), why);
    });
}

void MainWindow::connectControls()
{
    connect(m_controls, &ControlPanel::learningRateChanged, this, [this](float lr) {
        m_setup.training.optimizer.learningRate = lr;
        m_controller->setLearningRate(lr);
    });
    connect(m_controls, &ControlPanel::optimizerChanged, this,
            [this](const engine::OptimizerSettings& o) {
                m_setup.training.optimizer = o;
                m_controller->setOptimizer(o);
            });
    connect(m_controls, &ControlPanel::batchSizeChanged, this, [this](int n) {
        m_setup.training.batchSize = n;
        m_controller->setBatchSize(n);
    });
    connect(m_controls, &ControlPanel::epochsChanged, this, [this](int n) {
        m_setup.epochs = n;
        m_controller->setEpochs(n);
    });
    connect(m_controls, &ControlPanel::learningRateDecayChanged, this, [this](float d) {
        m_setup.learningRateDecay = d;
        m_controller->setLearningRateDecay(d);
    });
    connect(m_controls, &ControlPanel::shapeChanged, this, &MainWindow::onShapeChanged);
    connect(m_controls, &ControlPanel::runSettingsChanged, this, &MainWindow::onRunSettingsChanged);
    connect(m_controls, &ControlPanel::datasetChosen, this, &MainWindow::onDatasetChosen);
}

void MainWindow::loadDefaultModel()
{
    const std::string path = engine::findDefaultModel();
    if (path.empty())
        return;
    try {
        engine::Model model = engine::loadModel(path);
        m_defaultModelAccuracy = model.info.testAccuracy;
        m_defaultModel = std::make_shared<const engine::Network>(std::move(model.network));
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("The default model could not be read: %1").arg(QString::fromUtf8(e.what())));
    }
}

void MainWindow::loadDataAsync(app::DataSource source, const QStringList& files, int index)
{
    const int generation = ++m_loadGeneration;
    const bool replacing = m_data.isValid();
    statusBar()->showMessage(tr("Loading data…"));
    auto* watcher = new QFutureWatcher<std::pair<app::DataPair, QString>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, index, replacing] {
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return; // a newer choice replaced this one
        const auto [data, error] = watcher->result();
        if (!error.isEmpty()) {
            showMessage(tr("The data could not be loaded"), error);
            if (!m_data.isValid() && index != 0) {
                loadDataAsync(app::DataSource::Mnist, {}, 0); // fall back to the bundled MNIST
                return;
            }
            m_controls->setDatasets(m_dataChoices, m_dataIndex); // the current data stays
            return;
        }
        m_dataIndex = index;
        m_controls->setDatasets(m_dataChoices, index);
        if (replacing) {
            m_freshWeights = true;
            m_snapshot = {};
        }
        onDataLoaded(data);
    });
    // Not the global pool: Qt's raster engine draws with it.
    static QThreadPool loaders;
    watcher->setFuture(QtConcurrent::run(&loaders, [source, files]() -> std::pair<app::DataPair, QString> {
        try {
            return {app::loadData(source, files), QString()};
        } catch (const std::exception& e) {
            return {app::DataPair{}, QString::fromUtf8(e.what())};
        }
    }));
}

void MainWindow::onDataLoaded(const app::DataPair& data)
{
    m_data = data;
    statusBar()->showMessage(tr("%1: %2 training and %3 test images")
                                 .arg(data.name, QLocale().toString(qulonglong(data.train->size())),
                                      QLocale().toString(qulonglong(data.test->size()))),
                             5000);
    m_controls->setTrainingSetMaximum(int(data.train->size()));
    m_predictions->invalidate();
    m_pendingTestPredictions.reset(); // answers about the old data
    m_galleryRefresh->stop();
    m_predictionsLater->stop();
    m_gallery->setData(data.train, data.test);
    m_inspected.reset();
    m_lastTestAccuracy = -1;
    app::TrainingSetup setup = m_controls->setup();
    setup.architecture.inputs = data.train->pixelsPerImage();
    setup.architecture.outputs = data.train->classCount();
    m_setup = setup;
    app::NetworkPtr initial = initialNetworkFor(m_setup);
    if (!initial && m_snapshot.network && m_snapshot.network->architecture() == m_setup.architecture &&
        !m_freshWeights)
        initial = m_snapshot.network; // keep what was learned when only the data changed shape-alike
    configureWorker(initial);
    if (m_snapshot.network && m_snapshot.network->architecture() == m_setup.architecture) {
        m_heatmaps->setNetwork(m_snapshot.network, data.train->rows, data.train->cols, true);
        m_draw->setNetwork(m_snapshot.network);
        requestPredictions(true);
    }
    for (QAction* a : {m_start, m_stop, m_step, m_reset})
        a->setEnabled(true);
    updateTitle();
    emit dataReady();
}

app::NetworkPtr MainWindow::initialNetworkFor(const app::TrainingSetup& setup) const
{
    if (m_defaultModel && m_defaultModel->architecture() == setup.architecture &&
        m_data.name == QLatin1String("MNIST"))
        return m_defaultModel;
    return {};
}

void MainWindow::configureWorker(app::NetworkPtr initial)
{
    if (!m_data.isValid())
        return;
    if (const QString why = m_setup.validate(m_data.train->size()); !why.isEmpty()) {
        showMessage(tr("These settings cannot train"), why);
        return;
    }
    m_freshWeights = !initial;
    m_controller->configure(m_setup, m_data, initial);
    m_epochBar->setValue(0);
    updateTitle();
}

void MainWindow::askToRestart(const QString& why, const std::function<void()>& restart,
                              const std::function<void()>& keep)
{
    if (!m_controller->isRunning()) {
        restart();
        return;
    }
    m_controller->pause();
    auto* box = new QMessageBox(QMessageBox::Question, tr("Restart training?"),
                                why + QStringLiteral("\n\n") +
                                    tr("Restart training with the new settings? The current run "
                                       "ends; its curves stay on the plot."),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("restartQuestion"));
    box->setDefaultButton(QMessageBox::Yes);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, restart, keep] {
        if (box->clickedButton() == box->button(QMessageBox::Yes)) {
            restart();
            m_controller->start();
        } else {
            keep();
            m_controller->start();
        }
    });
    box->open();
}

void MainWindow::onShapeChanged()
{
    app::TrainingSetup next = m_controls->setup();
    if (m_data.isValid()) {
        next.architecture.inputs = m_data.train->pixelsPerImage();
        next.architecture.outputs = m_data.train->classCount();
    }
    askToRestart(
        tr("The network's shape changed to %1, so it needs new weights.")
            .arg(QString::fromStdString(next.architecture.describe())),
        [this, next] {
            m_setup = next;
            configureWorker(initialNetworkFor(next));
        },
        [this] { m_controls->setSetup(m_setup); });
}

void MainWindow::onRunSettingsChanged()
{
    app::TrainingSetup next = m_controls->setup();
    next.architecture = m_setup.architecture;
    const bool newWeights = next.init != m_setup.init || next.weightSeed != m_setup.weightSeed;
    if (m_controller->isRunning()) {
        // Shuffling, training-set size and the error shortcut belong to the trainer: they take
        // effect when this run ends. Seed and initialiser are used by Reset.
        m_setup.init = next.init;
        m_setup.weightSeed = next.weightSeed;
        statusBar()->showMessage(newWeights ? tr("The new seed or initialiser is used by Reset weights.")
                                            : tr("This setting applies from the next run (Stop, then Start)."),
                                 6000);
        return;
    }
    const bool keepWeights = !(newWeights && m_freshWeights);
    m_setup = next;
    configureWorker(keepWeights ? m_snapshot.network : app::NetworkPtr{});
}

void MainWindow::onDatasetChosen(int index)
{
    if (index < 0 || index >= int(m_dataSources.size()))
        return;
    const app::DataSource source = m_dataSources[std::size_t(index)];
    if (source != app::DataSource::Files) {
        switchData(index, source, {});
        return;
    }
    const QString folder = m_settings->value("paths/data").toString();
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Open a dataset: four IDX files or two CSV files"), folder,
        tr("Datasets (*.gz *-ubyte *.idx *.csv);;All files (*)"));
    if (files.isEmpty()) {
        m_controls->setDatasets(m_dataChoices, m_dataIndex);
        return;
    }
    m_settings->setValue("paths/data", QFileInfo(files.front()).absolutePath());
    openDataFiles(files);
}

void MainWindow::openDataFiles(const QStringList& files)
{
    switchData(int(m_dataSources.size()) - 1, app::DataSource::Files, files);
}

void MainWindow::switchData(int index, app::DataSource source, const QStringList& files)
{
    askToRestart(
        tr("Different data needs a new network."),
        [this, index, source, files] { loadDataAsync(source, files, index); },
        [this] { m_controls->setDatasets(m_dataChoices, m_dataIndex); });
}

bool MainWindow::applyPreset(const QString& name)
{
    const auto preset = engine::findPreset(name.toStdString());
    if (!preset)
        return false;
    app::TrainingSetup next = app::TrainingSetup::fromPreset(*preset);
    if (m_data.isValid()) {
        next.architecture.inputs = m_data.train->pixelsPerImage();
        next.architecture.outputs = m_data.train->classCount();
    }
    m_controls->setSetup(next);
    askToRestart(
        tr("The preset sets up a new network."),
        [this, next] {
            m_setup = next;
            m_controls->setSetup(next);
            configureWorker(initialNetworkFor(next));
            statusBar()->showMessage(tr("Preset: %1").arg(next.describe()), 5000);
        },
        [this] { m_controls->setSetup(m_setup); });
    return true;
}

void MainWindow::startOrPause()
{
    if (m_controller->isRunning())
        m_controller->pause();
    else
        m_controller->start();
}

void MainWindow::onProgress(const app::ProgressReport& r)
{
    const auto& p = r.progress;
    m_curves->addRunning(r.run, p.epochFraction, p.runningLoss, p.runningAccuracy);
    // The status bar follows at most 4 times a second: QProgressBar repaints at once on every
    // change, and each paint is GUI time the training threads wait for.
    m_lastProgress = r;
    if (!m_sinceStatus.isValid() || m_sinceStatus.elapsed() >= kStatusIntervalMs)
        showProgressInStatusBar();
}

void MainWindow::showProgressInStatusBar()
{
    if (!m_lastProgress)
        return;
    m_sinceStatus.start();
    const app::ProgressReport& r = *m_lastProgress;
    const auto& p = r.progress;
    m_epochBar->setValue(p.epochSize ? int(1000 * p.cursor / p.epochSize) : 0);
    m_epochLabel->setText(tr("epoch %1").arg(p.epoch + 1));
    if (p.samplesPerSecond > 0)
        m_speedLabel->setText(tr("%1 images/s").arg(QLocale().toString(qlonglong(std::llround(p.samplesPerSecond)))));
    m_etaLabel->setText(r.etaSeconds >= 0 ? tr("%1 left").arg(formatDuration(r.etaSeconds)) : QString());
}

void MainWindow::onEpochEnded(const app::EpochReport& r)
{
    m_curves->addTest(r.run, r.epochFraction, r.testLoss, r.testAccuracy);
    if (m_data.test) {
        QStringList names;
        for (const auto& n : m_data.test->classNames)
            names << QString::fromStdString(n);
        m_confusion->setConfusion(r.test->confusion, names);
    }
    // The worker has just tested every image with the epoch's weights: the gallery shows those
    // answers, so the set is not evaluated again next to the training.
    m_pendingTestPredictions = r.test;
    m_sinceEpochPredictions.start();
    const qint64 since = m_sinceGalleryRefresh.isValid() ? m_sinceGalleryRefresh.elapsed() : kGalleryRefreshMs;
    if (since >= kGalleryRefreshMs)
        showPendingTestPredictions();
    else if (!m_galleryRefresh->isActive())
        m_galleryRefresh->start(int(kGalleryRefreshMs - since));
    requestPredictions(false, true);
    m_lastTestAccuracy = r.testAccuracy;
    m_testLabel->setText(tr("test accuracy %1%").arg(100 * r.testAccuracy, 0, 'f', 2));
}

void MainWindow::onStateChanged(WorkerState state)
{
    const bool running = state == WorkerState::Running;
    m_start->setText(running ? tr("&Pause") : state == WorkerState::Paused ? tr("&Resume") : tr("&Start"));
    m_start->setIcon(QIcon::fromTheme(running ? QStringLiteral("media-playback-pause")
                                              : QStringLiteral("media-playback-start")));
    m_step->setEnabled(!running && m_data.isValid());
    updateInspector(); // its Step button follows the state
    if (!running) {
        showProgressInStatusBar(); // where it stopped, not where the last update caught it
        m_etaLabel->clear();
    }
}

void MainWindow::showMessage(const QString& title, const QString& text)
{
    statusBar()->showMessage(text, 10000);
    emit messageShown(text);
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // window-modal, never blocks the event loop
}

QString MainWindow::askSavePath(const QString& title, const QString& defaultName, const QString& filter)
{
    const QString folder = m_settings->value("paths/export").toString();
    const QString path = QFileDialog::getSaveFileName(
        this, title, folder.isEmpty() ? defaultName : folder + QLatin1Char('/') + defaultName, filter);
    if (!path.isEmpty())
        m_settings->setValue("paths/export", QFileInfo(path).absolutePath());
    return path;
}

void MainWindow::exportPlot()
{
    const QString path = askSavePath(tr("Export the learning curves"), QStringLiteral("curves.png"),
                                     tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (!path.isEmpty() && !m_curves->savePlot(path))
        showMessage(tr("Export failed"), tr("%1 could not be written.").arg(path));
}

void MainWindow::exportCsv()
{
    const QString path = askSavePath(tr("Export the learning curves"), QStringLiteral("curves.csv"),
                                     tr("CSV file (*.csv)"));
    if (path.isEmpty())
        return;
    writeFile(path, m_curves->toCsv().toUtf8());
}

bool MainWindow::writeFile(const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path); // all or nothing: an old file survives a failed write
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
        return true;
    showMessage(tr("Could not save"), tr("%1 could not be written: %2").arg(path, file.errorString()));
    return false;
}

void MainWindow::exportHeatmaps()
{
    const QString path = askSavePath(tr("Export the weight heatmaps"), QStringLiteral("weights.png"),
                                     tr("PNG image (*.png)"));
    if (!path.isEmpty() && !m_heatmaps->grab().save(path))
        showMessage(tr("Export failed"), tr("%1 could not be written.").arg(path));
}

void MainWindow::exportGalleryPage()
{
    const QString path = askSavePath(tr("Export the gallery page"), QStringLiteral("digits.png"),
                                      tr("PNG image (*.png)"));
    if (!path.isEmpty() && !m_gallery->grab().save(path))
        showMessage(tr("Export failed"), tr("%1 could not be written.").arg(path));
}

void MainWindow::exportConfusion()
{
    const QString path = askSavePath(tr("Export the confusion matrix"), QStringLiteral("confusion.csv"),
                                     tr("CSV file (*.csv)"));
    if (!path.isEmpty())
        writeFile(path, m_confusion->toCsv().toUtf8());
}

// --- Model files ---------------------------------------------------------------------------

void MainWindow::newModel()
{
    app::TrainingSetup next = m_controls->setup();
    if (m_data.isValid()) {
        next.architecture.inputs = m_data.train->pixelsPerImage();
        next.architecture.outputs = m_data.train->classCount();
    }
    askToRestart(tr("A new network starts from fresh random weights."),
                 [this, next] {
                     m_setup = next;
                     m_modelPath.clear();
                     configureWorker({});
                     m_dirty = false;
                     updateTitle();
                 },
                 [] {});
}

void MainWindow::openModelDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a model"),
                                                      m_settings->value("paths/models").toString(),
                                                      tr("Models (*.nnlab *.npz);;nnlab models (*.nnlab);;"
                                                         "NumPy archives (*.npz);;All files (*)"));
    if (!path.isEmpty()) {
        m_settings->setValue("paths/models", QFileInfo(path).absolutePath());
        openModel(path);
    }
}

bool MainWindow::openModel(const QString& path)
{
    engine::Model model;
    try {
        model = path.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive) ? engine::loadNpz(path.toStdString())
                                                                          : engine::loadModel(path.toStdString());
    } catch (const std::exception& e) {
        showMessage(tr("The model could not be opened"), QString::fromUtf8(e.what()));
        return false; // the current model stays
    }
    const engine::Architecture& a = model.network.architecture();
    if (m_data.isValid() && (a.inputs != m_data.train->pixelsPerImage() || a.outputs != m_data.train->classCount())) {
        showMessage(tr("The model does not fit the data"),
                    tr("%1 reads %2 inputs into %3 classes, but the data has %4 pixels per image "
                       "and %5 classes.")
                        .arg(QFileInfo(path).fileName())
                        .arg(a.inputs)
                        .arg(a.outputs)
                        .arg(m_data.train->pixelsPerImage())
                        .arg(m_data.train->classCount()));
        return false;
    }
    if (a.hidden.size() > std::size_t(ControlPanel::kMaxHiddenLayers) ||
        std::any_of(a.hidden.begin(), a.hidden.end(), [](int n) { return n > ControlPanel::kMaxHiddenNodes; })) {
        showMessage(tr("The model is too large for the controls"),
                    tr("%1 has more than %2 hidden layers or more than %3 nodes in one; nnlab-train "
                       "can still train it.")
                        .arg(QFileInfo(path).fileName())
                        .arg(ControlPanel::kMaxHiddenLayers)
                        .arg(ControlPanel::kMaxHiddenNodes));
        return false;
    }
    if (m_controller->isRunning())
        m_controller->pause();
    app::TrainingSetup next = m_controls->setup();
    next.architecture = a; // the controls follow the model
    m_setup = next;
    m_controls->setSetup(next);
    auto network = std::make_shared<const engine::Network>(std::move(model.network));
    m_snapshot = app::NetworkSnapshot{0, network, 0, 0};
    configureWorker(network);
    m_modelPath = path;
    m_dirty = false;
    QStringList recent = recentModels();
    recent.removeAll(path);
    recent.prepend(path);
    m_settings->setValue("recent/models", recent.mid(0, 8));
    rebuildRecentMenu();
    statusBar()->showMessage(
        tr("Opened %1: %2%3")
            .arg(QFileInfo(path).fileName(), QString::fromStdString(a.describe()),
                 model.info.testAccuracy ? tr(", %1% on its test set").arg(100.0 * *model.info.testAccuracy, 0, 'f', 2)
                                         : QString()),
        8000);
    updateTitle();
    return true;
}

bool MainWindow::saveModel(const QString& path)
{
    if (!m_snapshot.network) {
        showMessage(tr("Nothing to save"), tr("There is no network yet."));
        return false;
    }
    engine::Model model;
    model.network = *m_snapshot.network;
    if (m_lastTestAccuracy >= 0)
        model.info.testAccuracy = float(m_lastTestAccuracy);
    model.info.samplesSeen = m_snapshot.samplesSeen;
    model.info.note = m_setup.describe().toStdString();
    std::ostringstream bytes;
    try {
        if (path.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive))
            engine::writeNpz(bytes, model, path.toStdString()); // w_i_h, w_h_o... for numpy
        else
            engine::writeModel(bytes, model, path.toStdString());
    } catch (const std::exception& e) {
        showMessage(tr("Could not save"), QString::fromUtf8(e.what()));
        return false;
    }
    const std::string data = bytes.str();
    if (!writeFile(path, QByteArray(data.data(), qsizetype(data.size()))))
        return false;
    m_modelPath = path;
    m_dirty = false;
    QStringList recent = recentModels();
    recent.removeAll(path);
    recent.prepend(path);
    m_settings->setValue("recent/models", recent.mid(0, 8));
    rebuildRecentMenu();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    updateTitle();
    return true;
}

bool MainWindow::save()
{
    return m_modelPath.isEmpty() ? saveAs() : saveModel(m_modelPath);
}

bool MainWindow::saveAs()
{
    const QString folder = m_settings->value("paths/models").toString();
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save the model"),
        (folder.isEmpty() ? QString() : folder + QLatin1Char('/')) + QStringLiteral("model.nnlab"),
        tr("nnlab models (*.nnlab);;NumPy archives: w_i_h, w_h_o, ... (*.npz)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QLatin1String(".nnlab")) && !path.endsWith(QLatin1String(".npz")))
        path += QStringLiteral(".nnlab");
    m_settings->setValue("paths/models", QFileInfo(path).absolutePath());
    return saveModel(path);
}

QStringList MainWindow::recentModels() const
{
    return m_settings->value("recent/models").toStringList();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = recentModels();
    for (const QString& path : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openModel(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::saveScreenshot()
{
    const QString path = askSavePath(tr("Save a screenshot"), QStringLiteral("nnlab.png"),
                                     tr("PNG image (*.png)"));
    if (!path.isEmpty() && !grab().save(path))
        showMessage(tr("Screenshot failed"), tr("%1 could not be written.").arg(path));
}

void MainWindow::updateTitle()
{
    QString model = m_setup.describe();
    if (m_snapshot.network && m_snapshot.network == m_defaultModel)
        model = tr("default model (%1% on test)").arg(100.0 * m_defaultModelAccuracy.value_or(0), 0, 'f', 1);
    if (!m_modelPath.isEmpty())
        model = QFileInfo(m_modelPath).fileName();
    setWindowTitle(tr("nnlab — %1%2 — %3")
                       .arg(model, m_dirty ? QStringLiteral(" *") : QString(),
                            m_data.name.isEmpty() ? tr("loading") : m_data.name));
}

void MainWindow::writeSettings()
{
    app::saveSetup(*m_settings, m_controls->setup());
    m_settings->setValue("window/geometry", saveGeometry());
    m_settings->setValue("window/state", saveState());
    m_settings->setValue("view/logLoss", m_logLoss->isChecked());
    m_settings->setValue("data/source", m_dataIndex);
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_askToSave && m_dirty) {
        if (m_controller->isRunning())
            m_controller->pause();
        QMessageBox box(QMessageBox::Question, tr("Save the trained model?"),
                        tr("The network has learned since it was last saved. Save it before "
                           "closing?"),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("saveOnQuitQuestion"));
        box.setDefaultButton(QMessageBox::Save);
        const int answer = box.exec();
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !save())) {
            event->ignore();
            return;
        }
    }
    writeSettings();
    m_probe->stop();
    m_controller->shutdown(); // stops mid-epoch and joins within 0.5 s
    m_predictions->invalidate();
    m_predictions->waitForIdle();
    event->accept();
}

} // namespace nnlab::ui
