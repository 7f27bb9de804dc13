// Drives the window from the command line for nnlab --screenshot, --view-screenshots and
// --measure (bench/bench_gui.py reads --measure's JSON line): preset, train, pause, then
// render the window (or the Network view, --network-view) or report throughput, start-up time and event-loop latency. With --measure
// and --sweep, a sweep in the Sweep view instead of a training run.
#pragma once

#include "app/lab/latency_probe.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include <functional>
#include <vector>

class QCommandLineParser;
class QWidget;

namespace nnlab::ui {
class DigitCanvas;
class MainWindow;
} // namespace nnlab::ui

namespace nnlab::app {

class WindowScript : public QObject
{
public:
    // Reads its options from `args`; starts when the window's data is ready.
    WindowScript(ui::MainWindow* window, QCommandLineParser& args, QElapsedTimer& sinceStart);

private:
    void onDataReady();
    void nextPreset();
    void whenSettled(const std::function<void()>& then); // the preset landed, the window idle
    void stopTraining();
    void startSweep();
    void finish();
    static void drawSeven(ui::DigitCanvas* canvas);
    bool saveViews();
    QWidget* prepareNetworkView(); // --network-view: the view in front, in its state

    ui::MainWindow* m_window;
    QElapsedTimer& m_sinceStart;
    QElapsedTimer m_trainClock;
    LatencyProbe m_latencyProbe; // runs only for --measure without --no-probe
    QString m_screenshot, m_measure, m_preset, m_viewsDir;
    QString m_networkView; // --network-view: toy-backward, mnist-forward or back-query
    QString m_sweep, m_sweepSeeds; // --sweep knob=values, --sweep-seeds
    int m_sweepRuns = 0;
    bool m_probe = false;
    bool m_measureNetworkView = true; // --measure with the Network view on screen
    QStringList m_presets;
    qsizetype m_next = 0;
    int m_epochs = 0;
    double m_seconds = 0;
    double m_trainSeconds = 0;
    double m_guiCpuAtStart = 0, m_guiCpuSeconds = 0; // CPU time of the GUI thread while training
    int m_redrawsAtStart = 0, m_viewRedraws = 0;     // the session's redraws while training
    qint64 m_startupMs = 0;
    bool m_stopped = false;
    std::vector<float> m_latencies;
};

} // namespace nnlab::app
