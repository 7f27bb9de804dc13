// Training ▸ Continue, and the curves' marks where a run's settings changed: a run that ended is
// trained further only on request, and its curve says what changed.
#pragma once

#include <QObject>

class QAction;

namespace nnlab::app {
class LabSession;
}

namespace nnlab::ui {

class LearningCurves;

class RunCommands : public QObject
{
    Q_OBJECT

public:
    // The Continue action is enabled whenever `start` is; its text says how many epochs it adds
    // (the session's Epochs setting).
    RunCommands(QAction* start, app::LabSession* session, LearningCurves* curves, QObject* parent);

    QAction* continueAction() const { return m_continue; }

private:
    QAction* m_continue;
};

} // namespace nnlab::ui
