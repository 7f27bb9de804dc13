#include "window_script.h"

#include "app/common/command_line.h"
#include "engine/presets.h"
#include "ui/control_panel.h"
#include "ui/digit_canvas.h"
#include "ui/draw_panel.h"
#include "ui/learning_curves.h"
#include "ui/main_window.h"
#include "ui/network_view.h"
#include "ui/sweep_commands.h"
#include "ui/sweep_panel.h"
#include "app/lab/lab_session.h"
#include "app/lab/sweep_session.h"
#include "ui/weight_heatmaps.h"

#include <QCheckBox>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMouseEvent>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>

namespace nnlab::app {

using ui::MainWindow;

namespace {

double percentile(std::vector<float> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto i = std::min(values.size() - 1, std::size_t(p * double(values.size() - 1) + 0.5));
    return values[i];
}

// CPU seconds the calling thread has used.
double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

} // namespace

// Drives the window for --screenshot and --measure: preset, train, pause, then render or report.
WindowScript::WindowScript(MainWindow* window, QCommandLineParser& args, QElapsedTimer& sinceStart)
    : m_window(window), m_sinceStart(sinceStart)
{
    m_screenshot = args.value(QStringLiteral("screenshot"));
    m_viewsDir = args.value(QStringLiteral("view-screenshots"));
    m_networkView = args.value(QStringLiteral("network-view"));
    m_measure = args.value(QStringLiteral("measure"));
    m_probe = !m_measure.isEmpty() && !args.isSet(QStringLiteral("no-probe"));
    m_measureNetworkView = !args.isSet(QStringLiteral("measure-without-network-view"));
    m_presets = args.value(QStringLiteral("preset")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    m_preset = m_presets.join(QLatin1Char(','));
    m_seconds = args.value(QStringLiteral("train-seconds")).toDouble();
    m_epochs = args.value(QStringLiteral("epochs")).toInt();
    if (!m_measure.isEmpty()) {
        m_sweep = args.value(QStringLiteral("sweep"));
        m_sweepSeeds = args.value(QStringLiteral("sweep-seeds"));
    }
    connect(window, &MainWindow::dataReady, this, &WindowScript::onDataReady, Qt::SingleShotConnection);
    connect(window, &MainWindow::messageShown, this, [](const QString& text) {
        std::fprintf(stderr, "nnlab: %s\n", qPrintable(text));
    });
}

void WindowScript::onDataReady()
{
    m_startupMs = m_sinceStart.elapsed();
    if (!m_measure.isEmpty() && m_measureNetworkView) { // on screen too, beside the confusion matrix (issue 15)
        QDockWidget* net = m_window->dock(QStringLiteral("networkDock"));
        m_window->splitDockWidget(m_window->dock(QStringLiteral("confusionDock")), net, Qt::Horizontal);
        net->show();
    }
    for (const QString& name : std::as_const(m_presets))
        if (!nnlab::engine::findPreset(name.toStdString())) {
            std::fprintf(stderr, "nnlab: unknown preset \"%s\"\n", qPrintable(name));
            QCoreApplication::exit(kExitUsage);
            return;
        }
    if (m_presets.isEmpty() && m_seconds <= 0 && m_measure.isEmpty()) {
        QTimer::singleShot(300, this, &WindowScript::finish); // the window as it opens
        return;
    }
    if (!m_sweep.isEmpty()) {
        startSweep();
        return;
    }
    if (m_presets.isEmpty())
        m_presets << QString(); // train the current setup
    connect(m_window, &MainWindow::trainingFinished, this, &WindowScript::nextPreset);
    if (m_probe)
        m_latencyProbe.start();
    m_latencyProbe.clear();
    m_trainClock.start();
    m_guiCpuAtStart = threadCpuSeconds();
    nextPreset();
}

// Each preset in turn is a run of its own on the plot, trained for its epochs (or
// --epochs, or --train-seconds).
void WindowScript::nextPreset()
{
    if (m_next >= m_presets.size()) {
        stopTraining();
        return;
    }
    const int index = int(m_next++);
    if (!m_presets[index].isEmpty())
        m_window->applyPreset(m_presets[index]);
    if (m_epochs > 0)
        m_window->controls()->epochs()->setValue(m_epochs);
    whenSettled([this, index] {
        if (index == 0) { // the clocks (and the latency probe's record) run from the first Start
            m_trainClock.start();
            m_guiCpuAtStart = threadCpuSeconds();
            m_latencyProbe.clear();
            m_redrawsAtStart = m_window->session()->redraws()->redrawCount();
        }
        m_window->controller()->start();
        if (m_seconds > 0)
            QTimer::singleShot(int(m_seconds * 1000), this, [this, index] {
                if (int(m_next) == index + 1) {
                    m_window->controller()->pause();
                    nextPreset();
                }
            });
    });
}

// Once the preset has landed as a person pressing Start would see it: the worker's new weights
// in, the gallery's and confusion matrix's evaluation of them done, the views redrawn (two polls
// 10 ms apart; at least 50 ms, at most 3 s). Otherwise that evaluation (the whole test set, on
// both cores) and the views' redraw ran into the first epochs, and a run of a few tens of
// milliseconds (lesson-100) was timed with them.
void WindowScript::whenSettled(const std::function<void()>& then)
{
    auto* poll = new QTimer(this);
    auto since = std::make_shared<QElapsedTimer>();
    auto quietPolls = std::make_shared<int>(0);
    since->start();
    connect(poll, &QTimer::timeout, this, [this, poll, since, quietPolls, then] {
        const LabSession* session = m_window->session();
        const bool quiet = !session->awaitsNewNetwork() && !m_window->scheduler()->isEvaluating() &&
                           !session->redraws()->isPending();
        *quietPolls = quiet ? *quietPolls + 1 : 0;
        if ((since->elapsed() >= 50 && *quietPolls >= 2) || since->elapsed() >= 3000) {
            poll->stop();
            poll->deleteLater();
            then();
        }
    });
    poll->start(10);
}

// --measure --sweep: the sweep from the controls set to the preset (and --epochs), in the Sweep
// view as a learner starts it, the latency probe running until its last run ends.
void WindowScript::startSweep()
{
    if (m_presets.size() > 1) {
        std::fprintf(stderr, "nnlab: --sweep starts from one preset, not %lld\n", qlonglong(m_presets.size()));
        QCoreApplication::exit(kExitUsage);
        return;
    }
    const qsizetype equals = m_sweep.indexOf(QLatin1Char('='));
    if (!m_presets.isEmpty())
        m_window->applyPreset(m_presets.front());
    if (m_epochs > 0)
        m_window->controls()->epochs()->setValue(m_epochs);
    ui::SweepCommands* sweeps = m_window->sweeps();
    sweeps->sweepAction()->trigger(); // the Sweep view, shown
    sweeps->panel()->setSettings({equals < 0 ? m_sweep : m_sweep.left(equals), m_sweep.mid(equals + 1),
                                  m_sweepSeeds, QStringLiteral("controls")});
    app::SweepSession* session = sweeps->session();
    connect(session, &app::SweepSession::runFinished, this, [this] { ++m_sweepRuns; });
    connect(session, &app::SweepSession::finished, this, &WindowScript::stopTraining);
    connect(session, &app::SweepSession::failed, this, [](const QString& why) {
        std::fprintf(stderr, "nnlab: the sweep failed: %s\n", qPrintable(why));
        QCoreApplication::exit(1);
    });
    QTimer::singleShot(50, this, [this, sweeps] {
        if (m_probe)
            m_latencyProbe.start();
        m_latencyProbe.clear();
        m_trainClock.start();
        m_guiCpuAtStart = threadCpuSeconds();
        if (!sweeps->panel()->start()) {
            std::fprintf(stderr, "nnlab: the sweep did not start: %s\n", qPrintable(sweeps->panel()->whyNot()));
            QCoreApplication::exit(kExitUsage);
        }
    });
}

void WindowScript::stopTraining()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_trainSeconds = double(m_trainClock.nsecsElapsed()) / 1e9;
    m_guiCpuSeconds = threadCpuSeconds() - m_guiCpuAtStart;
    m_viewRedraws = m_window->session()->redraws()->redrawCount() - m_redrawsAtStart;
    m_latencies = m_latencyProbe.latencies();
    m_latencyProbe.stop();
    m_window->controller()->pause();
    QTimer::singleShot(400, this, &WindowScript::finish); // the last progress and replot land
}

void WindowScript::finish()
{
    int code = 0;
    QWidget* shown = m_networkView.isEmpty() ? m_window : prepareNetworkView();
    if (!m_screenshot.isEmpty()) {
        if (!shown->grab().save(m_screenshot)) {
            std::fprintf(stderr, "nnlab: could not write %s\n", qPrintable(m_screenshot));
            code = 1;
        }
    }
    if (!m_viewsDir.isEmpty() && !saveViews())
        code = 1;
    if (!m_measure.isEmpty()) {
        const auto& snap = m_window->snapshot();
        QJsonObject o{
            {"preset", m_preset},
            {"startup_ms", double(m_startupMs)},
            {"train_seconds", m_trainSeconds},
            {"samples", double(snap.samplesSeen)},
            {"samples_per_second", m_trainSeconds > 0 ? double(snap.samplesSeen) / m_trainSeconds : 0},
            {"plot_points", m_window->curves()->totalPoints()},
            // the GUI thread's CPU time over the training time
            {"gui_thread_busy", m_trainSeconds > 0 ? m_guiCpuSeconds / m_trainSeconds : 0},
            // the views' redraws at the session's pace while it trained (RedrawCoalescer)
            {"view_redraws", m_viewRedraws},
            // the Network view's back-query strip refreshed while it was on screen
            {"network_view_refreshes", m_window->dock(QStringLiteral("networkDock"))
                                           ->findChild<ui::NetworkView*>()->model()->backQueryRefreshes()},
        };
        if (!m_sweep.isEmpty()) {
            o.insert("sweep", m_sweep);
            o.insert("sweep_seeds", m_sweepSeeds);
            o.insert("sweep_runs", m_sweepRuns);
        }
        if (m_probe) {
            o.insert("latency_ticks", double(m_latencies.size()));
            o.insert("latency_p50_ms", percentile(m_latencies, 0.50));
            o.insert("latency_p99_ms", percentile(m_latencies, 0.99));
            o.insert("latency_max_ms", percentile(m_latencies, 1.0));
        }
        QFile out(m_measure);
        if (m_measure == QLatin1String("-") ? out.open(stdout, QIODevice::WriteOnly)
                                            : out.open(QIODevice::WriteOnly))
            out.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        else
            code = 1;
    }
    m_window->close();
    QCoreApplication::exit(code);
}

// Draws a 7 on the canvas with mouse events, as a person would.
void WindowScript::drawSeven(nnlab::ui::DigitCanvas* canvas)
{
    const QRect s = canvas->square();
    auto at = [&](double x, double y) { return QPointF(s.left() + x * s.width(), s.top() + y * s.height()); };
    auto send = [&](QEvent::Type type, QPointF p, Qt::MouseButton button, Qt::MouseButtons buttons) {
        QMouseEvent e(type, p, canvas->mapToGlobal(p), button, buttons, Qt::NoModifier);
        QCoreApplication::sendEvent(canvas, &e);
    };
    const QPointF path[] = {at(0.28, 0.25), at(0.72, 0.22), at(0.6, 0.45), at(0.5, 0.62), at(0.44, 0.8)};
    send(QEvent::MouseButtonPress, path[0], Qt::LeftButton, Qt::LeftButton);
    for (std::size_t i = 1; i < std::size(path); ++i)
        for (int k = 1; k <= 12; ++k)
            send(QEvent::MouseMove, path[i - 1] + (path[i] - path[i - 1]) * (k / 12.0), Qt::NoButton,
                 Qt::LeftButton);
    send(QEvent::MouseButtonRelease, path[std::size(path) - 1], Qt::LeftButton, Qt::NoButton);
}

// Each dock's view as its own PNG, the inspector showing test digit 0.
// The Network view in front and tall, in the state --network-view names: the lesson's worked
// example with its errors carried back, the digit net on the first test image, or the
// back-query strip with a blend of 4 and 9.
QWidget* WindowScript::prepareNetworkView()
{
    QDockWidget* d = m_window->dock(QStringLiteral("networkDock"));
    d->show();
    d->raise();
    m_window->resizeDocks({d}, {720}, Qt::Vertical);
    auto* view = d->findChild<ui::NetworkView*>();
    const auto settle = [](int ms) {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms)
            QCoreApplication::processEvents();
    };
    settle(100); // on screen: the model works from now
    NetworkViewModel* model = view->model();
    if (m_networkView == QLatin1String("toy-backward")) {
        model->loadWorkedExample();
        model->setPhase(NetworkPhase::Carried);
    } else {
        m_window->scheduler()->inspect(true, 0);
        if (m_networkView == QLatin1String("back-query")) {
            view->customTarget()->setText(QStringLiteral("4 9"));
            emit view->customTarget()->editingFinished();
        }
    }
    settle(500); // the back-query's interval, and the repaint
    return view;
}

bool WindowScript::saveViews()
{
    m_window->dock(QStringLiteral("drawDock"))->raise();
    QCoreApplication::processEvents();
    drawSeven(m_window->drawPanel()->canvas());
    m_window->drawPanel()->explainBox()->setChecked(true);
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 100)
        QCoreApplication::processEvents();
    m_window->inspect(true, 0);
    m_window->heatmaps()->selectNeuron(0);
    bool ok = true;
    const std::pair<const char*, const char*> docks[] = {
        {"weightsDock", "weights"}, {"confusionDock", "confusion"},
        {"galleryDock", "gallery"}, {"inspectorDock", "inspector"}, {"controlsDock", "controls"},
        {"drawDock", "draw"}, {"networkDock", "network"}};
    for (const auto& [dock, name] : docks) {
        QDockWidget* d = m_window->dock(QLatin1String(dock));
        d->raise();
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        const QString path = m_viewsDir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png");
        // A view in a scroll area (ui/view docks): the whole view, not the part in sight.
        auto* scroll = qobject_cast<QScrollArea*>(d->widget());
        QWidget* view = scroll && scroll->widget() ? scroll->widget() : d->widget();
        if (!view->grab().save(path)) {
            std::fprintf(stderr, "nnlab: could not write %s\n", qPrintable(path));
            ok = false;
        }
    }
    m_window->dock(QStringLiteral("galleryDock"))->raise();
    return ok;
}
} // namespace nnlab::app
