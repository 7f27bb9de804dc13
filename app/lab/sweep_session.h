// A sweep in the lab (issue 16): one engine::SweepRunner on its own thread, its results gathered
// on the GUI thread in index order, saved to and opened from sweep files, the last sweep's
// settings remembered. Widgets read it and call it; it knows none.
#pragma once

#include "app/bridge/training_setup.h"

#include "engine/sweep.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

class QSettings;

namespace nnlab::engine {
struct SweepFile;
}

namespace nnlab::app {

// Threads: every public call and every signal is on the GUI thread. The runner's jobs call back
// from their threads, and a file is read on a pool thread: each puts what it has (a result, the
// newest progress, the end, a file read) in an inbox under its mutex and posts one event, on
// which the GUI thread takes all there is. Entries carry the sweep's generation, so nothing from
// an earlier sweep or file lands in a later one. Nothing here waits for a run, except the
// destructor, which cancels and joins (the runs stop at their next batch).
class SweepSession : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Idle,     // no sweep running (results() are the last sweep's or a file's)
        Running,
        Paused,
        Stopping, // cancel() asked; cancelled() follows when the runs have stopped
    };
    Q_ENUM(State)

    // The sweep panel's fields as typed, remembered in QSettings ("sweep/knob", ...): the knob's
    // name ("lr"), its values ("0.01:1:8:log"), the seeds ("1,2,3") and the base setup (the
    // window's choice: "controls" or a preset's name).
    struct Settings
    {
        QString knob, values, seeds, base;
        bool operator==(const Settings&) const = default;
    };
    static Settings defaultSettings(); // lr, 0.01:1:8:log, 1,2,3, controls

    // settings: where the last sweep's settings are remembered; not owned, may be null.
    explicit SweepSession(QSettings* settings = nullptr, QObject* parent = nullptr);
    ~SweepSession() override; // cancels a sweep under way and joins its threads

    // Runs at once (0: one per core, the default) and trainer threads per run (1, the default:
    // one run per core measures fastest); for the next start().
    void setJobs(int jobs) { m_jobs = jobs; }
    void setThreadsPerRun(int threads) { m_threadsPerRun = threads; }
    // The most often progressed() is emitted (100 ms by default).
    void setProgressInterval(std::chrono::milliseconds interval) { m_progressInterval = interval; }

    // Starts `spec` from `base` on `data` (held until the sweep ends, whatever data the lab loads
    // meanwhile). False, with failed(why), while a sweep runs, without data, or if a run's setup
    // does not fit (engine::SweepError's sentence); else started(), and the results are cleared.
    bool start(const engine::Preset& base, const engine::SweepSpec& spec, const DataPair& data);
    // The same from the fields as typed: parsed by the engine's parser (failed(why) if they do not
    // parse) and, once started, remembered.
    bool start(const engine::Preset& base, const Settings& settings, const DataPair& data);
    void pause();  // runs wait at their next batch; exact: resume gives the same bits
    void resume();
    void cancel(); // runs stop at their next batch; finished ones stay in results()

    State state() const { return m_state; }
    bool isRunning() const { return m_state != State::Idle; }

    // The sweep shown: the last started, or the last opened.
    const engine::Preset& base() const { return m_base; }
    const engine::SweepSpec& spec() const { return m_spec; }
    QString dataName() const { return m_dataName; }
    const std::vector<engine::SweepRunResult>& results() const { return m_results; } // index order
    const engine::SweepRunResult* result(std::size_t index) const; // null if not (yet) there
    std::vector<engine::SweepPointSummary> summary() const;       // engine::summarize

    // Writes the sweep (its finished runs, if it is still running or was cancelled) as a sweep
    // file (engine/sweep_file.h) through QSaveFile; false with failed(why) if it cannot.
    bool save(const QString& path);
    // Reads a sweep file on a pool thread; then opened(path) and one runFinished per run, or
    // failed(why) naming the file and the reason. False (and failed) while a sweep runs.
    bool load(const QString& path);
    bool isLoading() const { return m_loading; }

    Settings rememberedSettings() const; // defaultSettings() if none yet
    void rememberSettings(const Settings& settings);

signals:
    void started(); // a sweep began: spec() and base() are its, results() is empty
    void opened(const QString& path); // a file's sweep replaced the shown one; its runs follow
    void runFinished(const nnlab::engine::SweepRunResult& result);
    // secondsLeft: estimated from the samples trained so far, -1 until known; images per second
    // over every job.
    void progressed(int runsDone, int runCount, double secondsLeft, double samplesPerSecond);
    void stateChanged(nnlab::app::SweepSession::State state);
    void finished();  // every run ended
    void cancelled(); // after cancel(): the runs stopped, no thread of the sweep is left
    void failed(const QString& why);

protected:
    bool event(QEvent* event) override; // the inbox's event

private:
    struct Job;   // the runner, its thread and the data it reads
    struct Inbox; // what the other threads hand over

    void post(const std::function<void(Inbox&)>& put); // from any thread
    void drain(); // takes the inbox's contents on the GUI thread
    void setState(State state);
    void onResult(quint64 generation, const engine::SweepRunResult& result);
    void onProgress(quint64 generation, const engine::SweepProgress& progress);
    void onEnded(quint64 generation, const QString& error);
    void onLoaded(quint64 generation, const QString& path,
                  const std::shared_ptr<const engine::SweepFile>& file, const QString& error);
    void stopJob(); // cancels and joins the runner's thread, if any

    QSettings* m_settings;
    int m_jobs = 0;
    int m_threadsPerRun = 1;
    std::chrono::milliseconds m_progressInterval{100};
    State m_state = State::Idle;
    quint64 m_generation = 0; // a new sweep or file: what an older one still sends is dropped
    std::unique_ptr<Job> m_job;
    std::unique_ptr<Inbox> m_inbox;
    engine::Preset m_base;
    engine::SweepSpec m_spec;
    QString m_dataName;
    std::vector<engine::SweepRunResult> m_results;
    engine::SweepProgress m_lastProgress;
    bool m_loading = false;
    QThreadPool m_loaders; // not the global pool: Qt's raster engine draws with it
};

} // namespace nnlab::app
