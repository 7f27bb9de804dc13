#include "sweep_commands.h"

#include "file_commands.h"
#include "learning_curves.h"
#include "sweep_chart.h"
#include "sweep_panel.h"
#include "view_options.h"

#include "app/common/counted.h"
#include "app/lab/lab_session.h"
#include "app/lab/sweep_session.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenu>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>

namespace nnlab::ui {

namespace engine = nnlab::engine;

SweepCommands::SweepCommands(QMainWindow* window, QSettings* settings, app::LabSession* lab, LearningCurves* curves,
                             std::function<app::TrainingSetup()> controls)
    : QObject(window), m_window(window), m_settings(settings), m_lab(lab), m_curves(curves),
      m_session(new app::SweepSession(settings, this)),
      m_panel(new SweepPanel(m_session, std::move(controls), [lab] { return lab->data(); })),
      m_dock(new QDockWidget(tr("Sweep"), window)),
      m_sweep(new QAction(QIcon::fromTheme(QStringLiteral("office-chart-line")), tr("&Sweep one knob…"), this)),
      m_open(new QAction(tr("&Open a sweep…"), this)), m_save(new QAction(tr("Sa&ve the sweep as CSV…"), this)),
      m_exportChart(new QAction(tr("Sweep c&hart as image (PNG, PDF)…"), this))
{
    m_dock->setObjectName(QStringLiteral("sweepDock"));
    m_dock->setWidget(ViewOptions::scrollable(m_panel)); // scrolls on a small screen
    m_dock->toggleViewAction()->setToolTip(tr("One knob over several values and seeds: the lesson's \"can we do better?\""));
    // A tab behind the Digits along the bottom: wide enough for the fields beside the chart.
    if (auto* digits = window->findChild<QDockWidget*>(QStringLiteral("galleryDock"))) {
        window->tabifyDockWidget(digits, m_dock);
        digits->raise();
    } else {
        window->addDockWidget(Qt::BottomDockWidgetArea, m_dock);
    }

    m_sweep->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_8));
    m_sweep->setToolTip(tr("Train one knob over several values, each from several seeds, and chart the test "
                           "accuracy's mean and spread (Ctrl+8): the lesson's \"can we do better?\" answered "
                           "with more than one run"));
    connect(m_sweep, &QAction::triggered, this, &SweepCommands::showPanel);
    m_open->setToolTip(tr("A sweep saved as CSV: its chart again, and its runs' curves on a click"));
    connect(m_open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(m_window, tr("Open a sweep"), m_settings->value("paths/export").toString(),
                                                          tr("Sweeps (*.csv);;All files (*)"));
        if (!path.isEmpty())
            openSweep(path);
    });
    m_save->setToolTip(tr("Every run of the sweep (its value, seed, each epoch's accuracy and loss, its settings) as CSV"));
    connect(m_save, &QAction::triggered, this, [this] {
        const QString path = askSavePath(m_window, m_settings, tr("Save the sweep"), QStringLiteral("sweep.csv"), tr("CSV file (*.csv)"));
        if (!path.isEmpty())
            saveSweep(path);
    });
    connect(m_exportChart, &QAction::triggered, this, [this] {
        const QString path = askSavePath(m_window, m_settings, tr("Export the sweep's chart"), QStringLiteral("sweep.png"),
                                         tr("PNG image (*.png);;PDF document (*.pdf)"));
        if (!path.isEmpty())
            exportChart(path);
    });
    const auto updateEnabled = [this] {
        const bool any = !m_session->results().empty();
        m_save->setEnabled(any);
        m_exportChart->setEnabled(any);
        m_open->setEnabled(!m_session->isRunning());
    };
    using S = app::SweepSession;
    for (auto signal : {&S::started, &S::finished, &S::cancelled})
        connect(m_session, signal, this, updateEnabled);
    connect(m_session, &S::runFinished, this, updateEnabled);
    connect(m_session, &S::stateChanged, this, updateEnabled);
    updateEnabled();

    // A new sweep or file: its runs are not the curves' sweep runs any more.
    connect(m_session, &S::started, this, [this] { m_curveKeys.clear(); });
    connect(m_session, &S::opened, this, [this] { m_curveKeys.clear(); });
    connect(m_panel, &SweepPanel::failed, this, [this](const QString& why) { emit failed(tr("Sweep"), why); });
    connect(m_panel->chart(), &SweepChart::pointClicked, this,
            [this](const QString&, const std::vector<std::size_t>& indices) { openCurves(indices); });
    connect(lab, &app::LabSession::dataReady, m_panel, &SweepPanel::check);
    connect(lab, &app::LabSession::configured, m_panel, &SweepPanel::check);
}

void SweepCommands::addTo(QMenu* experiments, QMenu* exports)
{
    experiments->addAction(m_sweep);
    experiments->addSeparator();
    experiments->addActions({m_panel->startAction(), m_panel->pauseAction(), m_panel->cancelAction()});
    experiments->addSeparator();
    experiments->addActions({m_open, m_save, m_exportChart});
    experiments->setToolTipsVisible(true);
    exports->addSeparator();
    exports->addAction(tr("S&weep as CSV…"), m_save, &QAction::trigger)->setToolTip(m_save->toolTip());
    exports->addAction(m_exportChart);
}

void SweepCommands::showPanel()
{
    m_dock->show();
    m_dock->raise();
    m_panel->knobBox()->setFocus(Qt::ShortcutFocusReason);
}

bool SweepCommands::saveSweep(const QString& path)
{
    if (!m_session->save(path))
        return false; // the panel says why, and so does the dialog
    m_window->statusBar()->showMessage(tr("%1 runs of the sweep saved in %2").arg(m_session->results().size()).arg(path), 5000);
    return true;
}

bool SweepCommands::openSweep(const QString& path)
{
    showPanel();
    return m_session->load(path);
}

bool SweepCommands::exportChart(const QString& path)
{
    if (m_panel->chart()->savePlot(path))
        return true;
    emit failed(tr("Export failed"), tr("%1 could not be written.").arg(path));
    return false;
}

QList<int> SweepCommands::openCurves(const std::vector<std::size_t>& indices)
{
    QList<int> keys;
    const engine::SweepKnobInfo& knob = engine::knobInfo(m_session->spec().knob);
    QString value;
    for (const std::size_t index : indices) {
        const engine::SweepRunResult* r = m_session->result(index);
        if (!r)
            continue;
        value = QString::fromStdString(r->value);
        if (const auto it = m_curveKeys.find(index); it != m_curveKeys.end() && !m_curves->runLabel(it->second).isEmpty()) {
            m_curves->setRunVisible(it->second, true); // opened before: shown again
            keys << it->second;
            continue;
        }
        const int key = kCurveKeyBase + m_opened;
        const int colour = m_curves->unusedColor(); // before the run itself takes one
        m_curves->beginRun(key, QString::fromStdString(r->setup) + QStringLiteral(" · ") + m_session->dataName());
        m_curves->setRunLoss(key, m_session->base().architecture.loss);
        m_curves->renameRun(key, tr("%1 %2 · seed %3 (sweep)")
                                     .arg(QString::fromUtf8(knob.name.data(), qsizetype(knob.name.size())), value)
                                     .arg(r->seed));
        m_curves->setRunColor(key, colour);
        for (const engine::SweepCurvePoint& p : r->curve)
            m_curves->addRunning(key, p.epochFraction, p.runningLoss, p.runningAccuracy);
        for (const engine::SweepEpochResult& e : r->epochs)
            m_curves->addTest(key, e.epoch, e.testLoss, e.testAccuracy);
        m_curveKeys[index] = key;
        ++m_opened;
        keys << key;
    }
    if (!keys.isEmpty())
        m_window->statusBar()->showMessage(
            tr("%1 %2: the learning curves of its %3 in the plot (Clear curves removes them)")
                .arg(QString::fromUtf8(knob.label.data(), qsizetype(knob.label.size())), value,
                     app::counted(keys.size(), tr("run"), tr("runs"))),
            8000);
    return keys;
}

} // namespace nnlab::ui
