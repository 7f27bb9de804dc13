// Crash recovery in the window: an app::Autosave fed with the window's network and runs table,
// and, once the data is ready, the question when an earlier nnlab ended without closing:
// Restore (the saved network becomes the current one, unsaved, and the runs reopen), Set aside
// (its files renamed with the date, never deleted) or Later (asked again at the next start).
#pragma once

#include "app/lab/autosave.h"

#include <QObject>

#include <functional>

class QMessageBox;

namespace nnlab::ui {

class MainWindow;

class CrashRecovery : public QObject
{
    Q_OBJECT

public:
    enum class Answer { Ask, Restore, SetAside, Later };
    // The runs table from workspace bytes; empty when it reopened them, else why not (one sentence).
    using RestoreRuns = std::function<QString(const QByteArray& workspace)>;

    // Takes a slot of `folder` and saves the window's network there while it trains.
    CrashRecovery(MainWindow* window, const QString& folder = app::Autosave::defaultFolder());

    app::Autosave* autosave() { return &m_autosave; }
    // The runs table's side (RunRegistry::toWorkspace / fromWorkspace); without them only the
    // network is saved and restored.
    void setRuns(app::Autosave::WorkspaceBytes save, RestoreRuns restore);
    // Answer the question without showing it (nnlab --recovery-answer, tests).
    void setAnswer(Answer answer) { m_answer = answer; }
    // Offers what an earlier nnlab left, if anything (call once the window's data is ready).
    // A corrupt autosave is set aside with a message instead.
    void offer();
    // The window closed normally: nothing is left to recover, unless a restored network was
    // neither saved nor trained since (quitting does not ask about it): it is offered again.
    void finishCleanly();
    QMessageBox* question() const { return m_box; }

signals:
    void offered(const QString& text);
    // Restore: the bytes the network and the runs were restored from.
    void restored(const QByteArray& model, const QByteArray& workspace);
    void message(const QString& text); // what went wrong, also shown in a dialog when asking

private:
    void answer(Answer answer);
    void restore();
    void tell(const QString& title, const QString& text);

    MainWindow* m_window;
    app::Autosave m_autosave;
    RestoreRuns m_restoreRuns;
    Answer m_answer = Answer::Ask;
    std::optional<app::Autosave::Leftover> m_leftover;
    QMessageBox* m_box = nullptr;
    bool m_restoredUnsaved = false;
};

} // namespace nnlab::ui
