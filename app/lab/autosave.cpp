#include "autosave.h"

#include "app/bridge/training_controller.h"
#include "engine/file_error.h"
#include "engine/model_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTimer>

#include <sstream>

namespace nnlab::app {

namespace {

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
        return true;
    *error = QObject::tr("The autosave %1 could not be written: %2").arg(path, file.errorString());
    return false;
}

} // namespace

Autosave::Autosave(const QString& folder, QObject* parent)
    : QObject(parent), m_folder(folder), m_timer(new QTimer(this))
{
    m_timer->setInterval(kDefaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &Autosave::saveNow);
}

Autosave::~Autosave() = default; // without finishCleanly() the files stay for the next start

QString Autosave::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/recovery");
}

QString Autosave::modelPath() const
{
    return m_slot + QLatin1Char('/') + kModelFile;
}

QString Autosave::workspacePath() const
{
    return m_slot + QLatin1Char('/') + kWorkspaceFile;
}

bool Autosave::begin()
{
    if (m_lock)
        return true;
    return takeSlot(true) || takeSlot(false);
}

// One pass over the slots: with wantLeftover, only those holding an autosave; otherwise only
// empty ones. tryLock(0) removes a lock whose PID no longer runs (QLockFile's stale check).
bool Autosave::takeSlot(bool wantLeftover)
{
    if (!QDir().mkpath(m_folder))
        return false;
    for (int i = 1; i <= kMaxSlots; ++i) {
        const QString slot = m_folder + QLatin1Char('/') + QString::number(i);
        const bool hasFiles = QFileInfo::exists(slot + QLatin1Char('/') + kModelFile);
        if (hasFiles != wantLeftover || slot == m_slot || !QDir().mkpath(slot))
            continue;
        auto lock = std::make_unique<QLockFile>(slot + QStringLiteral("/running.lock"));
        lock->setStaleLockTime(0); // stale only when its process is gone, however long it ran
        if (!lock->tryLock(0))
            continue;
        m_lock = std::move(lock);
        m_slot = slot;
        m_hasLeftover = hasFiles;
        return true;
    }
    return false;
}

std::optional<Autosave::Leftover> Autosave::readLeftover(QString* error)
{
    if (!m_hasLeftover)
        return std::nullopt;
    Leftover left;
    QFile model(modelPath());
    if (model.open(QIODevice::ReadOnly))
        left.model = model.readAll();
    left.savedAt = QFileInfo(modelPath()).lastModified();
    QFile workspace(workspacePath());
    if (workspace.open(QIODevice::ReadOnly))
        left.workspace = workspace.readAll();
    try {
        std::istringstream in(left.model.toStdString());
        (void)engine::readModel(in, kModelFile.toStdString());
    } catch (const std::exception& e) { // engine::FileError, or a size no memory holds
        const QString where = setAside(QStringLiteral("corrupt"));
        *error = tr("The network saved automatically before nnlab last ended cannot be read (%1). "
                    "It was set aside as %2.")
                     .arg(QString::fromStdString(e.what()), where);
        return std::nullopt;
    }
    return left;
}

QString Autosave::stamp()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
}

QString Autosave::setAside(const QString& why)
{
    QString modelTo;
    const QString suffix = QLatin1Char('.') + why + QLatin1Char('-') + stamp();
    for (const QString& path : {modelPath(), workspacePath()}) {
        if (!QFileInfo::exists(path))
            continue;
        QString to = path + suffix;
        for (int n = 2; QFileInfo::exists(to); ++n)
            to = path + suffix + QLatin1Char('-') + QString::number(n);
        if (!QFile::rename(path, to))
            to = path; // kept in place rather than lost; the next save replaces it
        if (path == modelPath())
            modelTo = to;
    }
    m_hasLeftover = false;
    return modelTo;
}

bool Autosave::postpone()
{
    if (!m_hasLeftover)
        return true;
    std::unique_ptr<QLockFile> held = std::move(m_lock);
    const QString heldSlot = m_slot;
    if (takeSlot(false)) {
        held->unlock(); // the leftover waits, unlocked, for the next start
        return true;
    }
    m_lock = std::move(held); // nowhere else to go: stay, and save nothing over it
    m_slot = heldSlot;
    return false;
}

void Autosave::setSources(ModelBytes model, WorkspaceBytes workspace)
{
    m_model = std::move(model);
    m_workspace = std::move(workspace);
}

void Autosave::setInterval(int ms)
{
    m_timer->setInterval(ms);
}

void Autosave::watch(TrainingController* controller)
{
    connect(controller, &TrainingController::stateChanged, this, &Autosave::onStateChanged);
    connect(controller, &TrainingController::epochEnded, this, &Autosave::onEpochEnded);
}

void Autosave::onStateChanged(WorkerState state)
{
    if (state == WorkerState::Running) {
        m_timer->start();
        return;
    }
    if (m_timer->isActive()) { // the run paused or stopped: its last weights
        m_timer->stop();
        saveNow();
    }
}

void Autosave::onEpochEnded()
{
    if (m_sinceSave.isValid() && m_sinceSave.elapsed() < m_epochSaveSpacingMs)
        return;
    saveNow();
}

bool Autosave::saveNow()
{
    if (!m_lock || m_hasLeftover || !m_model)
        return false;
    if (m_timer->isActive())
        m_timer->start(); // the interval counts from this save
    const std::optional<QByteArray> model = m_model();
    if (!model)
        return false;
    QString why;
    // The runs first: a network file present always has the runs written with or before it.
    if ((m_workspace && !writeAtomically(workspacePath(), m_workspace(), &why)) ||
        !writeAtomically(modelPath(), *model, &why)) {
        emit failed(why);
        return false;
    }
    m_sinceSave.start();
    emit saved();
    return true;
}

void Autosave::finishCleanly()
{
    m_timer->stop();
    if (!m_lock)
        return;
    if (!m_hasLeftover) { // an unanswered leftover stays for the next start
        QFile::remove(modelPath());
        QFile::remove(workspacePath());
    }
    release();
}

void Autosave::finishKeeping()
{
    m_timer->stop();
    if (m_lock)
        release();
}

void Autosave::release()
{
    m_lock->unlock();
    m_lock.reset();
    QDir().rmdir(m_slot); // only if empty
    m_slot.clear();
}

} // namespace nnlab::app
