// Training ▸ Continue, Again from the same start and Branch here, and the curves' marks where a
// run's settings changed: a run that ended is trained further only on request, runs that share
// a start differ only in the knob the learner changed, and a curve says what changed.
#pragma once

#include <QObject>
#include <QString>

class QAction;
class QMenu;

namespace nnlab::app {
class LabSession;
struct RunInfo;
}

namespace nnlab::ui {

class DiscardQuestion;
class LearningCurves;

// A run's legend: its settings, data and, for a run that shares a start, whose ("… · same
// start as run 1", "… · branch of run 1 at epoch 0.5").
QString runLegend(const app::RunInfo& info);

class RunCommands : public QObject
{
    Q_OBJECT

public:
    // The Continue action is enabled whenever `start` is; its text says how many epochs it adds
    // (the session's Epochs setting). Again from the same start: whenever `start` is and a run
    // was trained; Branch here: while a run is paused.
    RunCommands(QAction* start, app::LabSession* session, LearningCurves* curves, QObject* parent);

    QAction* continueAction() const { return m_continue; }
    QAction* sameStartAction() const { return m_sameStart; }
    QAction* branchAction() const { return m_branch; }
    // Adds Again from the same start and Branch here to the Training menu; `question` asks
    // before a same-start run replaces trained weights.
    void addTo(QMenu* training, DiscardQuestion* question);

private:
    void updateEnabled();

    QAction* m_start;
    app::LabSession* m_session;
    QAction* m_continue;
    QAction* m_sameStart;
    QAction* m_branch;
    DiscardQuestion* m_question = nullptr;
};

} // namespace nnlab::ui
