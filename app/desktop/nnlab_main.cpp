// nnlab: the desktop lab. Also renders its window to a PNG after some training (--screenshot)
// and measures itself (--measure) for docs/BENCHMARKS.md; app/window_script.h does those.
// Otherwise it autosaves for crash recovery (ui/crash_recovery.h) and, after an exit that was
// not clean, offers to restore; SIGTERM and SIGINT close the window as File > Quit does.
#include "app/common/command_line.h"
#include "app/common/heap_policy.h"
#include "app/desktop/window_script.h"
#include "ui/crash_recovery.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

using nnlab::ui::CrashRecovery;
using nnlab::ui::MainWindow;

namespace {

int g_signalPipe[2] = {-1, -1}; // the handler writes one byte; the event loop reads it

// SIGTERM and SIGINT (a session ending, kill, Ctrl+C) become a close of the window, so the exit is
// clean: the questions are asked, the worker joined and the autosave removed.
void closeOnSignals(MainWindow* window)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[1], QSocketNotifier::Read, window);
    QObject::connect(notifier, &QSocketNotifier::activated, window, [window] {
        char byte = 0;
        if (::read(g_signalPipe[1], &byte, 1) == 1)
            window->close();
    });
    struct sigaction action = {};
    action.sa_handler = [](int) {
        const char byte = 1;
        [[maybe_unused]] const auto written = ::write(g_signalPipe[0], &byte, 1);
    };
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

} // namespace

int main(int argc, char** argv)
{
    nnlab::app::setHeapPolicy();
    QElapsedTimer sinceStart;
    sinceStart.start();
    // Rendering a screenshot or measuring needs no display: draw offscreen unless told otherwise.
    for (int i = 1; i < argc; ++i)
        if ((qstrcmp(argv[i], "--screenshot") == 0 || qstrcmp(argv[i], "--measure") == 0 ||
             qstrcmp(argv[i], "--view-screenshots") == 0) &&
            qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("nnlab"));
    QApplication::setApplicationName(QStringLiteral("nnlab"));
    QApplication::setApplicationVersion(QStringLiteral(NNLAB_VERSION));
    // The launcher entry installed with it (packaging/): Wayland docks take its name and icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.nnlab.nnlab"));

    QCommandLineParser args;
    args.setApplicationDescription(QStringLiteral(
        "nnlab: watch a neural network learn to read handwritten digits (MNIST)."));
    args.addHelpOption();
    args.addVersionOption();
    args.addOptions({
        {QStringLiteral("screenshot"), QStringLiteral("Render the window to <file> (PNG) and quit."),
         QStringLiteral("file")},
        {QStringLiteral("preset"),
         QStringLiteral("Start from a preset: lesson, lesson-100, keras-sgd, keras-rmsprop, best, "
                        "default. With --screenshot or --measure, a comma-separated list trains "
                        "each in turn, one run each."),
         QStringLiteral("name")},
        {QStringLiteral("view-screenshots"),
         QStringLiteral("Also save each view (weights, confusion, gallery, inspector, controls, draw, "
                        "network) as <dir>/<view>.png."),
         QStringLiteral("dir")},
        {QStringLiteral("network-view"),
         QStringLiteral("With --screenshot: render the Network view alone, in <state>: toy-backward (the "
                        "lesson's worked example, errors carried back), mnist-forward (the first test digit) "
                        "or back-query (the strip, and a blend of 4 and 9)."),
         QStringLiteral("state")},
        {QStringLiteral("epochs"),
         QStringLiteral("With --screenshot or --measure: train each preset this many epochs."),
         QStringLiteral("n")},
        {QStringLiteral("train-seconds"),
         QStringLiteral("With --screenshot or --measure: train this long first."), QStringLiteral("seconds")},
        {QStringLiteral("measure"),
         QStringLiteral("Train the preset's epochs (or --train-seconds), then write throughput, "
                        "start-up time and event-loop latency as JSON to <file> (- = stdout) and quit."),
         QStringLiteral("file")},
        {QStringLiteral("sweep"),
         QStringLiteral("With --measure: run a sweep in the Sweep view instead, e.g. lr=0.01:1:8:log, from "
                        "--preset (and --epochs), and report its time and the event-loop latency meanwhile."),
         QStringLiteral("knob=values")},
        {QStringLiteral("sweep-seeds"), QStringLiteral("With --sweep: the seeds (default 1,2,3)."),
         QStringLiteral("seeds"), QStringLiteral("1,2,3")},
        {QStringLiteral("no-probe"),
         QStringLiteral("With --measure: leave the 10 ms latency probe off, so throughput is measured "
                        "as a user runs the app (no latencies are reported).")},
        {QStringLiteral("measure-without-network-view"),
         QStringLiteral("With --measure: leave the Network view a tab behind the Digits, out of sight, "
                        "to measure what showing it costs.")},
        {QStringLiteral("threads"), QStringLiteral("Trainer threads (0 = one per physical core)."), QStringLiteral("n"),
         QStringLiteral("0")},
        {QStringLiteral("no-settings"), QStringLiteral("Neither read nor write remembered settings.")},
        {QStringLiteral("dark"), QStringLiteral("Dark colours (View > Dark colours): light text on dark grey.")},
        {QStringLiteral("train"),
         QStringLiteral("Start training once the data is ready (with --preset, that preset).")},
        {QStringLiteral("autosave-seconds"),
         QStringLiteral("While a run trains, save the network for crash recovery at each epoch's end "
                        "and at least this often (default 60)."),
         QStringLiteral("seconds")},
        {QStringLiteral("recovery-answer"),
         QStringLiteral("Answer the question after an exit that was not clean without asking: "
                        "restore, set-aside or later."),
         QStringLiteral("answer")},
        {QStringLiteral("save-and-quit"),
         QStringLiteral("Once the data is ready (and any recovery answered), save the network to "
                        "<file> and close the window."),
         QStringLiteral("file")},
        {QStringLiteral("window-size"),
         QStringLiteral("Open the window at this size in pixels, e.g. 1366x768 (a small laptop screen); "
                        "with --screenshot, the picture's size."),
         QStringLiteral("WxH")},
    });
    args.process(app);
    if (const QString state = args.value(QStringLiteral("network-view"));
        !state.isEmpty() && !QStringList{"toy-backward", "mnist-forward", "back-query"}.contains(state)) {
        std::fprintf(stderr, "nnlab: --network-view is toy-backward, mnist-forward or back-query, not %s\n",
                     qPrintable(state));
        return nnlab::app::kExitUsage;
    }
    bool ok = true;
    const double seconds = args.value(QStringLiteral("train-seconds")).toDouble(&ok);
    if (args.isSet(QStringLiteral("train-seconds")) && (!ok || !(seconds >= 0) || seconds > 86400)) {
        std::fprintf(stderr, "nnlab: --train-seconds needs a number of seconds from 0 to 86400\n");
        return nnlab::app::kExitUsage;
    }
    const int threads = args.value(QStringLiteral("threads")).toInt(&ok);
    if (!ok || threads < 0 || threads > 256) {
        std::fprintf(stderr, "nnlab: --threads needs a whole number from 0 to 256\n");
        return nnlab::app::kExitUsage;
    }

    const double autosaveSeconds =
        args.isSet(QStringLiteral("autosave-seconds")) ? args.value(QStringLiteral("autosave-seconds")).toDouble(&ok) : 60;
    if (!ok || !(autosaveSeconds >= 0.05) || autosaveSeconds > 86400) {
        std::fprintf(stderr, "nnlab: --autosave-seconds needs a number of seconds from 0.05 to 86400\n");
        return nnlab::app::kExitUsage;
    }
    const QString recoveryAnswer = args.value(QStringLiteral("recovery-answer"));
    const std::map<QString, CrashRecovery::Answer> answers{{QString(), CrashRecovery::Answer::Ask},
                                                           {QStringLiteral("restore"), CrashRecovery::Answer::Restore},
                                                           {QStringLiteral("set-aside"), CrashRecovery::Answer::SetAside},
                                                           {QStringLiteral("later"), CrashRecovery::Answer::Later}};
    if (!answers.count(recoveryAnswer)) {
        std::fprintf(stderr, "nnlab: --recovery-answer is restore, set-aside or later\n");
        return nnlab::app::kExitUsage;
    }

    QSize windowSize;
    if (args.isSet(QStringLiteral("window-size"))) {
        const QStringList wh = args.value(QStringLiteral("window-size")).split(QLatin1Char('x'));
        bool okW = false, okH = false;
        if (wh.size() == 2)
            windowSize = QSize(wh[0].toInt(&okW), wh[1].toInt(&okH));
        if (!okW || !okH || windowSize.width() < 200 || windowSize.height() < 200 || windowSize.width() > 16384 ||
            windowSize.height() > 16384) {
            std::fprintf(stderr, "nnlab: --window-size needs a width and a height in pixels, e.g. 1366x768\n");
            return nnlab::app::kExitUsage;
        }
    }

    const bool scripted = args.isSet(QStringLiteral("screenshot")) || args.isSet(QStringLiteral("measure")) ||
                          args.isSet(QStringLiteral("view-screenshots"));
    QTemporaryDir scratch;
    MainWindow::Options options;
    options.trainerThreads = threads;
    options.darkColours = args.isSet(QStringLiteral("dark"));
    if (scripted || args.isSet(QStringLiteral("no-settings"))) {
        options.restoreSettings = false; // the same picture on every machine
        options.askToSaveOnQuit = false;
        options.askBeforeDiscard = false;
        options.settingsFile = scratch.filePath(QStringLiteral("settings.ini"));
    }
    if (scripted) // nor the user's digits (my-digits.csv joins MNIST's training set otherwise)
        qputenv("XDG_DATA_HOME", QFile::encodeName(scratch.path()));
    MainWindow window(options);
    std::unique_ptr<nnlab::app::WindowScript> script;
    if (scripted)
        script = std::make_unique<nnlab::app::WindowScript>(&window, args, sinceStart);
    CrashRecovery* recovery = nullptr; // not for the pictures and figures of the scripted runs
    bool saveFailed = false;
    if (!scripted) {
        recovery = new CrashRecovery(&window);
        recovery->autosave()->setInterval(int(autosaveSeconds * 1000));
        recovery->setAnswer(answers.at(recoveryAnswer));
        if (!recoveryAnswer.isEmpty()) {
            QObject::connect(recovery, &CrashRecovery::offered, [](const QString& text) {
                std::fprintf(stderr, "nnlab: recovery offered: %s\n", qPrintable(text));
            });
            QObject::connect(recovery, &CrashRecovery::message, [](const QString& text) {
                std::fprintf(stderr, "nnlab: %s\n", qPrintable(text));
            });
        }
        closeOnSignals(&window);
        const QString preset = args.value(QStringLiteral("preset"));
        const QString saveTo = args.value(QStringLiteral("save-and-quit"));
        const bool train = args.isSet(QStringLiteral("train"));
        QObject::connect(&window, &MainWindow::dataReady, recovery, [&, recovery, preset, saveTo, train] {
            if (!preset.isEmpty() && !window.applyPreset(preset))
                std::fprintf(stderr, "nnlab: unknown preset \"%s\"\n", qPrintable(preset));
            recovery->offer();
            if (train) // once the preset's configure has landed
                QTimer::singleShot(50, &window, [&window] { window.controller()->start(); });
            if (!saveTo.isEmpty()) {
                saveFailed = !window.saveModel(saveTo);
                if (saveFailed)
                    std::fprintf(stderr, "nnlab: could not save %s\n", qPrintable(saveTo));
                window.close();
            }
        }, Qt::SingleShotConnection);
    }
    if (windowSize.isValid())
        window.resize(windowSize);
    window.show();
    const int code = app.exec();
    if (recovery && code == 0) // the window closed (the learner answered any question to save)
        recovery->finishCleanly();
    return saveFailed ? 1 : code;
}
