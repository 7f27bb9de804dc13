#include "sweep_session.h"

#include "engine/file_error.h"
#include "engine/sweep_file.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>

#include <algorithm>
#include <mutex>
#include <sstream>
#include <utility>

namespace nnlab::app {

namespace {

const QString kKnobKey = QStringLiteral("sweep/knob");
const QString kValuesKey = QStringLiteral("sweep/values");
const QString kSeedsKey = QStringLiteral("sweep/seeds");
const QString kBaseKey = QStringLiteral("sweep/base");

QString nnlabVersion()
{
#ifdef NNLAB_VERSION
    return QStringLiteral(NNLAB_VERSION);
#else
    return QStringLiteral("unknown");
#endif
}

} // namespace

// What the sweep's thread reads; it lives until the thread is joined.
struct SweepSession::Job
{
    DataPair data; // the runner holds references into these sets
    std::unique_ptr<engine::SweepRunner> runner;
    std::thread thread; // runs runner->run(), then posts its end
};

// Filled by the job threads and the file reader under the mutex, emptied by drain() on the GUI
// thread; one event is posted while something waits in it.
struct SweepSession::Inbox
{
    struct Ended
    {
        quint64 generation = 0;
        QString error; // empty: run() returned
    };
    struct Loaded
    {
        quint64 generation = 0;
        QString path;
        std::shared_ptr<const engine::SweepFile> file; // null: error says why
        QString error;
    };

    std::mutex mutex;
    std::vector<std::pair<quint64, engine::SweepRunResult>> results;
    std::optional<std::pair<quint64, engine::SweepProgress>> progress; // the newest only
    std::optional<Ended> ended;
    std::vector<Loaded> loaded;
    bool posted = false; // an event is on its way to drain() all of this
};

namespace {
const QEvent::Type kInboxEvent = QEvent::Type(QEvent::registerEventType());
}

SweepSession::Settings SweepSession::defaultSettings()
{
    return {QStringLiteral("lr"), QStringLiteral("0.01:1:8:log"), QStringLiteral("1,2,3"),
            QStringLiteral("controls")};
}

SweepSession::SweepSession(QSettings* settings, QObject* parent)
    : QObject(parent), m_settings(settings), m_inbox(std::make_unique<Inbox>())
{
    m_loaders.setMaxThreadCount(1);
}

SweepSession::~SweepSession()
{
    stopJob();
    m_loaders.waitForDone(); // a file being read posts to this object: wait while it exists
}

void SweepSession::post(const std::function<void(Inbox&)>& put)
{
    bool first = false;
    {
        const std::lock_guard lock(m_inbox->mutex);
        put(*m_inbox);
        first = !std::exchange(m_inbox->posted, true);
    }
    if (first)
        QCoreApplication::postEvent(this, new QEvent(kInboxEvent));
}

bool SweepSession::event(QEvent* event)
{
    if (event->type() != kInboxEvent)
        return QObject::event(event);
    drain();
    return true;
}

void SweepSession::drain()
{
    decltype(Inbox::results) results;
    decltype(Inbox::progress) progress;
    decltype(Inbox::ended) ended;
    decltype(Inbox::loaded) loaded;
    {
        const std::lock_guard lock(m_inbox->mutex);
        results.swap(m_inbox->results);
        progress = std::exchange(m_inbox->progress, std::nullopt);
        ended = std::exchange(m_inbox->ended, std::nullopt);
        loaded.swap(m_inbox->loaded);
        m_inbox->posted = false; // what arrives from now on posts again
    }
    // A sweep's results and progress come before its end (the thread put them there first).
    for (const auto& [generation, result] : results)
        onResult(generation, result);
    if (progress)
        onProgress(progress->first, progress->second);
    if (ended)
        onEnded(ended->generation, ended->error);
    for (const Inbox::Loaded& l : loaded)
        onLoaded(l.generation, l.path, l.file, l.error);
}

void SweepSession::stopJob()
{
    if (!m_job)
        return;
    m_job->runner->cancel();
    m_job->runner->setPaused(false); // wakes paused runs, which then see the cancel
    if (m_job->thread.joinable())
        m_job->thread.join();
    m_job.reset();
}

bool SweepSession::start(const engine::Preset& base, const engine::SweepSpec& spec, const DataPair& data)
{
    if (isRunning()) {
        emit failed(tr("A sweep is running: cancel it before starting another."));
        return false;
    }
    if (!data.isValid()) {
        emit failed(tr("There is no data to train on yet."));
        return false;
    }
    auto job = std::make_unique<Job>();
    job->data = data;
    try {
        job->runner = std::make_unique<engine::SweepRunner>(base, spec, *job->data.train,
                                                            *job->data.test, m_jobs, m_threadsPerRun);
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
        return false;
    }

    const quint64 generation = ++m_generation;
    m_loading = false; // a file still being read is dropped when it arrives
    m_base = base;
    m_spec = spec;
    m_dataName = data.name;
    m_results.clear();
    m_lastProgress = {};
    m_lastProgress.runCount = spec.runCount();
    engine::SweepRunner* runner = job->runner.get();
    const std::chrono::milliseconds interval = m_progressInterval;
    try {
        job->thread = std::thread([this, runner, generation, interval] {
            // The job threads call these one at a time; each hands a copy to the GUI thread.
            auto resultCallback = [this, generation](const engine::SweepRunResult& result) {
                post([&](Inbox& in) { in.results.emplace_back(generation, result); });
            };
            auto progressCallback = [this, generation](const engine::SweepProgress& progress) {
                post([&](Inbox& in) { in.progress.emplace(generation, progress); });
            };
            QString error;
            try {
                runner->run(resultCallback, progressCallback, interval);
            } catch (const std::exception& e) {
                error = QString::fromUtf8(e.what());
            }
            post([&](Inbox& in) { in.ended = Inbox::Ended{generation, error}; });
        });
    } catch (const std::system_error& e) {
        emit failed(tr("The sweep could not start a thread: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    m_job = std::move(job);
    emit started();
    setState(State::Running);
    return true;
}

bool SweepSession::start(const engine::Preset& base, const Settings& settings, const DataPair& data)
{
    engine::SweepSpec spec;
    try {
        spec = engine::parseSweep((settings.knob + QLatin1Char('=') + settings.values).toStdString());
        spec.seeds = engine::parseSeeds(settings.seeds.toStdString());
    } catch (const engine::SweepError& e) {
        emit failed(QString::fromUtf8(e.what()));
        return false;
    }
    if (!start(base, spec, data))
        return false;
    rememberSettings(settings);
    return true;
}

void SweepSession::pause()
{
    if (m_state != State::Running)
        return;
    m_job->runner->setPaused(true);
    setState(State::Paused);
}

void SweepSession::resume()
{
    if (m_state != State::Paused)
        return;
    m_job->runner->setPaused(false);
    setState(State::Running);
}

void SweepSession::cancel()
{
    if (m_state != State::Running && m_state != State::Paused)
        return;
    m_job->runner->cancel();
    m_job->runner->setPaused(false);
    setState(State::Stopping);
}

void SweepSession::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void SweepSession::onResult(quint64 generation, const engine::SweepRunResult& result)
{
    if (generation != m_generation)
        return;
    auto at = std::lower_bound(m_results.begin(), m_results.end(), result.index,
                               [](const engine::SweepRunResult& r, std::size_t i) { return r.index < i; });
    if (at != m_results.end() && at->index == result.index)
        *at = result;
    else
        at = m_results.insert(at, result);
    emit runFinished(*at);
}

void SweepSession::onProgress(quint64 generation, const engine::SweepProgress& progress)
{
    if (generation != m_generation)
        return;
    m_lastProgress = progress;
    // Time left from the share of samples trained (runs of another size count by their samples).
    double secondsLeft = -1;
    if (progress.samplesDone > 0 && progress.samplesTotal >= progress.samplesDone)
        secondsLeft = progress.seconds * double(progress.samplesTotal - progress.samplesDone) /
                      double(progress.samplesDone);
    emit progressed(int(progress.runsDone), int(progress.runCount), secondsLeft,
                    progress.samplesPerSecond);
}

void SweepSession::onEnded(quint64 generation, const QString& error)
{
    if (generation != m_generation || !m_job)
        return;
    m_job->thread.join(); // it only had this call left to make
    m_job.reset();
    const bool cancelledRuns = m_state == State::Stopping && m_results.size() < m_spec.runCount();
    setState(State::Idle);
    if (!error.isEmpty()) {
        emit failed(tr("The sweep stopped: %1").arg(error));
    } else if (cancelledRuns) {
        emit cancelled();
    } else {
        emit progressed(int(m_results.size()), int(m_spec.runCount()), 0,
                        m_lastProgress.samplesPerSecond);
        emit finished();
    }
}

const engine::SweepRunResult* SweepSession::result(std::size_t index) const
{
    auto at = std::lower_bound(m_results.begin(), m_results.end(), index,
                               [](const engine::SweepRunResult& r, std::size_t i) { return r.index < i; });
    return at != m_results.end() && at->index == index ? &*at : nullptr;
}

std::vector<engine::SweepPointSummary> SweepSession::summary() const
{
    return engine::summarize(m_spec, m_results);
}

bool SweepSession::save(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    if (m_spec.values.empty()) {
        emit failed(tr("%1 was not saved: there is no sweep yet.").arg(name));
        return false;
    }
    engine::SweepFile sweep{nnlabVersion().toStdString(), m_dataName.toStdString(), m_base, m_spec,
                            m_results};
    std::ostringstream text;
    try {
        engine::writeSweepFile(text, sweep);
    } catch (const std::exception& e) {
        emit failed(tr("%1 was not saved: %2").arg(name, QString::fromUtf8(e.what())));
        return false;
    }
    const std::string bytes = text.str();
    QSaveFile file(path); // all or nothing: an old file survives a failed write
    if (file.open(QIODevice::WriteOnly) &&
        file.write(bytes.data(), qint64(bytes.size())) == qint64(bytes.size()) && file.commit())
        return true;
    emit failed(tr("%1 could not be saved: %2").arg(name, file.errorString()));
    return false;
}

bool SweepSession::load(const QString& path)
{
    if (isRunning()) {
        emit failed(tr("A sweep is running: cancel it before opening %1.").arg(QFileInfo(path).fileName()));
        return false;
    }
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_loaders.start([this, generation, path] {
        std::shared_ptr<const engine::SweepFile> file;
        QString error;
        try {
            file = std::make_shared<const engine::SweepFile>(engine::loadSweepFile(path.toStdString()));
        } catch (const std::exception& e) { // FileError names the file; anything else does not
            error = dynamic_cast<const engine::FileError*>(&e)
                        ? QString::fromUtf8(e.what())
                        : tr("%1 could not be read: %2").arg(QFileInfo(path).fileName(),
                                                             QString::fromUtf8(e.what()));
        }
        post([&](Inbox& in) { in.loaded.push_back({generation, path, file, error}); });
    });
    return true;
}

void SweepSession::onLoaded(quint64 generation, const QString& path,
                            const std::shared_ptr<const engine::SweepFile>& file, const QString& error)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    if (!file) {
        emit failed(error);
        return;
    }
    m_base = file->base;
    m_spec = file->spec;
    m_dataName = QString::fromStdString(file->dataName);
    m_results = file->results;
    m_lastProgress = {};
    emit opened(path);
    for (const engine::SweepRunResult& r : m_results)
        emit runFinished(r);
}

SweepSession::Settings SweepSession::rememberedSettings() const
{
    const Settings d = defaultSettings();
    if (!m_settings)
        return d;
    return {m_settings->value(kKnobKey, d.knob).toString(), m_settings->value(kValuesKey, d.values).toString(),
            m_settings->value(kSeedsKey, d.seeds).toString(), m_settings->value(kBaseKey, d.base).toString()};
}

void SweepSession::rememberSettings(const Settings& settings)
{
    if (!m_settings)
        return;
    m_settings->setValue(kKnobKey, settings.knob);
    m_settings->setValue(kValuesKey, settings.values);
    m_settings->setValue(kSeedsKey, settings.seeds);
    m_settings->setValue(kBaseKey, settings.base);
}

} // namespace nnlab::app
