// The soak (docs/RELIABILITY.md): the window trains the `best` preset on full MNIST for a long
// time (10 minutes by default) while the monkey does one random thing every few seconds (then
// training goes on if the action paused or stopped it); every 10 s it records resident memory
// (/proc/self/statm), threads (/proc/self/task) and how late the event loop's 10 ms ticks were
// (app/lab/latency_probe), one JSON line each. The crash
// recovery's autosave runs as in nnlab (ui/crash_recovery), every 10 s and each epoch's end.
//   nnlab_soak [--seconds 600] [--every-ms 3000] [--log FILE]
// Each whole minute is a checkpoint in one state: `best` re-applied 5 s before it and training.
// It fails (exit 1) if resident memory at a checkpoint (as found: the soak itself never trims the
// heap; nnlab gives freed memory back as it goes, app/common/heap_policy) is 10% above the first
// minute's; the bytes malloc has handed out and not had back (mallinfo2) are recorded beside it,
// if any action takes 2 s, if closing the window leaves more threads than before it opened, or
// if in the last 10 s (`best`, no actions) the curves did not grow or p99 latency passed 100 ms,
// or if the autosave is left after the window closed cleanly.
#include "app/bridge/training_controller.h"
#include "app/common/heap_policy.h"
#include "app/lab/latency_probe.h"
#include "tests/common/monkey_actions.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/crash_recovery.h"
#include "ui/learning_curves.h"
#include "ui/main_window.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <algorithm>
#include <cstdio>
#include <malloc.h>
#include <unistd.h>

using namespace nnlab;

namespace {

// Resident memory, and its part not backed by files (resident - shared in statm), in MiB.
std::pair<double, double> residentMiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return {0, 0};
    const QList<QByteArray> fields = statm.readAll().split(' '); // size resident shared ... (pages)
    if (fields.size() < 3)
        return {0, 0};
    const double page = double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
    return {double(fields[1].toLongLong()) * page, double(fields[1].toLongLong() - fields[2].toLongLong()) * page};
}

// Bytes malloc has handed out and not had back (its arenas and mmapped blocks), in MiB.
double heapInUseMiB()
{
    const struct mallinfo2 m = mallinfo2();
    return double(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
}

int threadCount()
{
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

double percentile(std::vector<float> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
}

// The `best` preset, training, whatever question it raised answered Discard.
void trainBest(ui::MainWindow* w)
{
    w->applyPreset(QStringLiteral("best"));
    test::MonkeyActions::settle();
    for (QMessageBox* box : w->findChildren<QMessageBox*>())
        if (box->isVisible() && box->button(QMessageBox::Discard))
            box->button(QMessageBox::Discard)->click();
        else if (box->isVisible())
            box->close();
    test::MonkeyActions::settle();
    if (!w->controller()->isRunning())
        w->controller()->start();
}

} // namespace

int main(int argc, char** argv)
{
    nnlab::app::setHeapPolicy(); // as nnlab does
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser args;
    args.addHelpOption();
    args.addOptions({{"seconds", "How long to soak (at least 20).", "s", "600"},
                     {"every-ms", "Time between two random actions.", "ms", "3000"},
                     {"seed", "The monkey's seed.", "n", "20261202"},
                     {"log", "JSON lines to this file (- = stdout).", "file", "-"}});
    args.process(app);
    const int seconds = std::max(20, args.value("seconds").toInt());
    const int everyMs = std::max(100, args.value("every-ms").toInt());
    const QString logPath = args.value("log");
    QFile log(logPath);
    if (!(logPath == QLatin1String("-") ? log.open(stdout, QIODevice::WriteOnly) : log.open(QIODevice::WriteOnly))) {
        std::fprintf(stderr, "nnlab_soak: cannot write %s\n", qPrintable(logPath));
        return 2;
    }
    auto write = [&log](const QJsonObject& o) {
        log.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        log.flush();
    };

    QTemporaryDir dir; // settings, the learner's digits and the autosave stay out of the user's
    qputenv("XDG_DATA_HOME", QFile::encodeName(dir.path()));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir.path()));
    test::useBundledDataAndModel();
    const int threadsBefore = threadCount();
    const double residentBefore = residentMiB().first;

    ui::MainWindow::Options options;
    options.settingsFile = dir.filePath(QStringLiteral("soak.ini"));
    options.restoreSettings = false;
    options.askToSaveOnQuit = false;
    options.askBeforeDiscard = true; // the monkey answers the questions either way
    auto w = test::openMainWindow(options);
    if (!w->isDataReady()) {
        std::fprintf(stderr, "nnlab_soak: the data did not load\n");
        return 2;
    }
    auto* recovery = new ui::CrashRecovery(w.get()); // autosaves as nnlab does, in `dir`
    recovery->autosave()->setInterval(10'000);
    int autosaves = 0;
    QObject::connect(recovery->autosave(), &app::Autosave::saved, [&autosaves] { ++autosaves; });
    const QString autosavePath = recovery->autosave()->modelPath();
    test::MonkeyActions monkey(w.get(), args.value("seed").toUInt(), dir.path());
    monkey.writeBadFiles();
    app::LatencyProbe probe;
    probe.start();
    trainBest(w.get());

    QElapsedTimer clock;
    clock.start();
    const qint64 endMs = qint64(seconds) * 1000;
    qint64 nextAction = everyMs, nextSample = 10'000, slowestMs = 0, bestSince = -1;
    int actions = 0, slowestKind = -1, threadsMax = 0;
    double firstCheckpoint = 0, checkpointMax = 0, residentMax = 0; // resident MiB at the checkpoints
    double heapFirst = 0, heapMax = 0;                               // malloc's MiB in use there
    int lastPoints = 0;
    bool responsive = true;
    while (nextSample <= endMs) {
        QTest::qWait(20);
        const qint64 now = clock.elapsed();
        const qint64 toMinute = 60'000 - now % 60'000;
        const bool finalWindow = endMs - now <= 10'000; // `best` alone: the curves must grow
        // 5 s before each whole minute and for the last 10 s: `best`, training, no actions.
        const bool quiet = toMinute <= 5'000 || finalWindow;
        const qint64 quietSince = finalWindow ? endMs - 10'000 : now + toMinute - 5'000;
        if (quiet && quietSince != bestSince) {
            bestSince = quietSince;
            trainBest(w.get());
        }
        if (now >= nextAction) {
            nextAction += everyMs;
            if (!quiet) {
                const int kind = monkey.pick(test::MonkeyActions::kKinds);
                QElapsedTimer took;
                took.start();
                monkey.perform(kind);
                ++actions;
                if (!w->controller()->isRunning()) // paused, stopped or stepped: training goes on
                    w->controller()->start();
                if (took.elapsed() > slowestMs) {
                    slowestMs = took.elapsed();
                    slowestKind = kind;
                }
            }
        }
        if (now >= nextSample) {
            const bool checkpoint = nextSample % 60'000 == 0;
            const bool last = nextSample + 10'000 > endMs;
            nextSample += 10'000;
            const auto [resident, anonymous] = residentMiB();
            const double heap = heapInUseMiB();
            const int threads = threadCount();
            const std::vector<float> late = probe.latencies();
            probe.clear();
            const int points = w->curves()->totalPoints();
            threadsMax = std::max(threadsMax, threads);
            if (now >= 60'000)
                residentMax = std::max(residentMax, resident);
            if (checkpoint && firstCheckpoint == 0) {
                firstCheckpoint = resident;
                heapFirst = heap;
            } else if (checkpoint) {
                checkpointMax = std::max(checkpointMax, resident);
                heapMax = std::max(heapMax, heap);
            }
            if (last && (points == lastPoints || percentile(late, 0.99) > 100))
                responsive = false;
            lastPoints = points;
            write({{"t_s", double(now) / 1000}, {"resident_mib", resident}, {"resident_anonymous_mib", anonymous},
                   {"heap_in_use_mib", heap}, {"threads", threads},
                   {"checkpoint", checkpoint}, {"latency_p50_ms", percentile(late, 0.5)},
                   {"latency_p99_ms", percentile(late, 0.99)}, {"latency_max_ms", percentile(late, 1.0)},
                   {"curve_points", points}, {"samples_seen", double(w->snapshot().samplesSeen)},
                   {"actions", actions}, {"autosaves", autosaves}, {"running", w->controller()->isRunning()}});
        }
    }

    probe.stop();
    w->controller()->pause();
    monkey.settle();
    const bool closed = w->close();
    recovery->finishCleanly();
    const bool autosaveGone = autosaves > 0 && !QFileInfo::exists(autosavePath);
    w.reset();
    QThreadPool::globalInstance()->waitForDone(5000); // its idle threads exit
    QTest::qWait(200);
    const int threadsAfter = threadCount();
    const double growth = firstCheckpoint > 0 ? checkpointMax / firstCheckpoint - 1 : 0; // resident
    const double heapGrowth = heapFirst > 0 ? heapMax / heapFirst - 1 : 0; // what the program holds
    const bool memoryOk = seconds < 120 || growth < 0.10;
    const bool threadsOk = threadsAfter <= threadsBefore;
    const bool actionsOk = slowestMs < 2000;
    write({{"summary", true}, {"seconds", seconds}, {"actions", actions}, {"slowest_action_ms", double(slowestMs)},
           {"slowest_kind", slowestKind}, {"resident_before_window_mib", residentBefore},
           {"resident_first_checkpoint_mib", firstCheckpoint}, {"resident_checkpoint_max_mib", checkpointMax},
           {"heap_first_checkpoint_mib", heapFirst}, {"heap_checkpoint_max_mib", heapMax},
           {"resident_max_after_first_minute_mib", residentMax}, {"resident_growth", growth},
           {"heap_growth", heapGrowth},
           {"threads_before_window", threadsBefore}, {"threads_max", threadsMax}, {"threads_after_close", threadsAfter},
           {"closed", closed}, {"autosaves", autosaves}, {"autosave_removed", autosaveGone}, {"curves_responsive", responsive},
           {"ok", memoryOk && threadsOk && actionsOk && responsive && closed && autosaveGone}});
    if (!memoryOk)
        std::fprintf(stderr, "nnlab_soak: resident memory grew %.1f%% after the first minute\n", 100 * growth);
    if (!threadsOk)
        std::fprintf(stderr, "nnlab_soak: %d threads after closing, %d before opening\n", threadsAfter, threadsBefore);
    if (!actionsOk)
        std::fprintf(stderr, "nnlab_soak: an action (kind %d) took %lld ms\n", slowestKind, slowestMs);
    if (!responsive)
        std::fprintf(stderr, "nnlab_soak: the curves did not grow, or the event loop lagged, at the end\n");
    return memoryOk && threadsOk && actionsOk && responsive && closed && autosaveGone ? 0 : 1;
}
