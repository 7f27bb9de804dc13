// Crash recovery: while a run trains, the network (.nnlab bytes) and the runs table (workspace
// bytes) are written atomically to a recovery folder; a clean exit removes them, so what an
// earlier nnlab left there is what it lost when it crashed or was killed.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLockFile>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QTimer;

namespace nnlab::app {

class TrainingController;
enum class WorkerState;

class Autosave : public QObject
{
    Q_OBJECT

public:
    using ModelBytes = std::function<std::optional<QByteArray>()>; // the network as .nnlab bytes; none yet: nullopt
    using WorkspaceBytes = std::function<QByteArray()>;             // the runs table as a workspace file
    static constexpr int kDefaultIntervalMs = 60'000;
    static constexpr int kMaxSlots = 16; // nnlab windows open at once, each with its own slot
    static inline const QString kModelFile = QStringLiteral("autosave.nnlab");
    static inline const QString kWorkspaceFile = QStringLiteral("autosave.nnlab-workspace");

    // What an earlier nnlab left: the bytes of its last autosave and when they were written.
    struct Leftover
    {
        QByteArray model;
        QByteArray workspace; // empty if none was written
        QDateTime savedAt;
    };

    // folder: QStandardPaths::AppDataLocation + "/recovery" by default; tests pass a temporary one.
    explicit Autosave(const QString& folder = defaultFolder(), QObject* parent = nullptr);
    ~Autosave() override;
    static QString defaultFolder();

    // Takes a slot of the folder (a subfolder with a QLockFile holding this process's PID): the
    // first whose lock is free or stale, preferring one an exited nnlab left files in. A slot
    // locked by a running nnlab is never taken, so a second window is not offered the first's
    // autosave. False if every slot is held (then nothing is saved).
    bool begin();
    bool isActive() const { return m_lock != nullptr; }
    QString slotFolder() const { return m_slot; }
    QString modelPath() const;
    QString workspacePath() const;

    // What the slot held when begin() took it (the last exit was not clean), if anything.
    bool hasLeftover() const { return m_hasLeftover; }
    // Reads the leftover; a network that does not read as a model file is set aside and
    // nullopt returned, with *error saying so in one sentence naming where it went.
    std::optional<Leftover> readLeftover(QString* error);
    // Renames the leftover's files with the date and `why` ("discarded", "corrupt"), never
    // deleting them; returns the network file's new path. Nothing is left to offer after it.
    QString setAside(const QString& why);
    // Keeps the leftover for the next start: this process moves to another slot.
    bool postpone();
    // The leftover is now this window's network (restored): the files stay as the slot's
    // autosave until the next save or a clean finish.
    void adoptLeftover() { m_hasLeftover = false; }

    void setSources(ModelBytes model, WorkspaceBytes workspace);
    // The most time between two saves while a run trains, in ms.
    void setInterval(int ms);
    // Saves at an epoch's end (at most every kEpochSaveSpacingMs), every interval while running,
    // and as a run pauses or stops.
    void watch(TrainingController* controller);
    void onStateChanged(WorkerState state);
    // Each save writes and syncs two files on the GUI thread (2-15 ms here), and 100-image
    // epochs end every few milliseconds: an epoch's end saves unless the last save is younger
    // than this. A crash loses at most this much training, or one epoch.
    static constexpr int kEpochSaveSpacingMs = 2000;
    void setEpochSaveSpacing(int ms) { m_epochSaveSpacingMs = ms; } // tests
    void onEpochEnded();
    // Writes both files through QSaveFile (a failed write leaves the previous autosave whole).
    // Not while an unanswered leftover is in the slot (it would be lost).
    bool saveNow();
    // A clean exit: removes the slot's autosave and its lock.
    void finishCleanly();
    // An exit that keeps the autosave for the next start (a restored network never saved).
    void finishKeeping();

signals:
    void saved();
    void failed(const QString& why);

private:
    bool takeSlot(bool wantLeftover);
    void release();
    static QString stamp();

    QString m_folder, m_slot;
    std::unique_ptr<QLockFile> m_lock;
    bool m_hasLeftover = false;
    ModelBytes m_model;
    WorkspaceBytes m_workspace;
    QTimer* m_timer;
    QElapsedTimer m_sinceSave; // the last save that was written
    int m_epochSaveSpacingMs = kEpochSaveSpacingMs;
};

} // namespace nnlab::app
