// The one question before trained weights are replaced (a new shape, a preset, other data, Reset
// weights, New network, Open model, Quit): Save / Discard / Cancel, with "Don't ask again" kept
// in the settings. Whether to ask is the session's rule, LabSession::needsAskingBeforeDiscard.
#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QMessageBox;
class QSettings;
class QWidget;

namespace nnlab::app {
class LabSession;
}

namespace nnlab::ui {

class DiscardQuestion : public QObject
{
    Q_OBJECT

public:
    static constexpr const char* kSettingsKey = "questions/askBeforeDiscard";

    // save: the File menu's Save (Save As when the model has no file yet); true if it saved.
    // Reads "Don't ask again" from `settings` into the session.
    DiscardQuestion(QWidget* window, QSettings* settings, app::LabSession* session, std::function<bool()> save);

    // false: actions never ask (MainWindow::Options::askBeforeDiscard).
    void setEnabled(bool enabled) { m_enabled = enabled; }

    // `replace` runs once the current weights may go: at once when nothing worth keeping would
    // be lost, else after Save (if it saved) or Discard. Cancel runs `keep` (which puts the
    // changed control back). With `resume`, training paused for the question resumes after it
    // either way, and training replaced without a question goes on with the new weights. `why`:
    // the action's reason in the lesson's words. Window-modal: the event loop runs meanwhile.
    void ask(const QString& why, const std::function<void()>& replace, const std::function<void()>& keep = {},
             bool resume = true);
    // Quitting: the same question, answered before the window closes (its own event loop).
    // False: the window stays open.
    bool askBeforeQuit();

private:
    QMessageBox* makeBox(const QString& why, const char* objectName);
    // After an answer that lets the weights go: "Don't ask again" is remembered.
    void rememberDontAsk(QMessageBox* box);

    QWidget* m_window;
    QSettings* m_settings;
    app::LabSession* m_session;
    std::function<bool()> m_save;
    bool m_enabled = true;
};

} // namespace nnlab::ui
