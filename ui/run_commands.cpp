#include "run_commands.h"

#include "discard_question.h"
#include "learning_curves.h"

#include "app/bridge/training_controller.h"
#include "app/common/counted.h"
#include "app/lab/lab_session.h"

#include <QAction>
#include <QMenu>

namespace nnlab::ui {

QString runLegend(const app::RunInfo& info)
{
    QString text = info.setup.describe() + QStringLiteral(" · ") + info.dataName;
    switch (info.origin) {
    case app::RunOrigin::New:
        break;
    case app::RunOrigin::Restart:
    case app::RunOrigin::SameStart:
        text += RunCommands::tr(" · same start as run %1").arg(info.parent);
        break;
    case app::RunOrigin::Branch:
        text += RunCommands::tr(" · branch of run %1 at epoch %2").arg(info.parent).arg(info.startEpochFraction, 0, 'g', 3);
        break;
    }
    return text;
}

RunCommands::RunCommands(QAction* start, app::LabSession* session, LearningCurves* curves, QObject* parent)
    : QObject(parent), m_start(start), m_session(session),
      m_continue(new QAction(QIcon::fromTheme(QStringLiteral("media-seek-forward")), tr("&Continue training"), this)),
      m_sameStart(new QAction(QIcon::fromTheme(QStringLiteral("media-skip-backward")), tr("&Again from the same start"), this)),
      m_branch(new QAction(tr("&Branch here"), this))
{
    m_continue->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Space));
    m_continue->setToolTip(tr("Train these weights for as many more epochs as the Epochs control "
                              "says, in the same run (Ctrl+Shift+Space). The curve marks any "
                              "setting changed since. Start, after a run ended, begins a new run "
                              "from the same initial weights instead."));
    m_continue->setEnabled(start->isEnabled());
    connect(start, &QAction::enabledChanged, m_continue, &QAction::setEnabled);
    app::TrainingController* controller = session->controller();
    connect(m_continue, &QAction::triggered, controller, &app::TrainingController::continueRun);
    const auto name = [this](const app::TrainingSetup& s) {
        m_continue->setText(tr("&Continue training: %1 more").arg(app::counted(s.epochs, tr("epoch"), tr("epochs"))));
    };
    name(session->setup());
    connect(session, &app::LabSession::setupChanged, this, name);
    connect(controller, &app::TrainingController::runChanged, curves, [curves](const app::RunChange& c) {
        curves->markChange(c.run, c.epochFraction, c.change, c.samplesSeen);
    });

    // One knob at a time: the same initial weights w_i_h, w_h_o and the same data order, so
    // that the knob is the only difference between two curves.
    m_sameStart->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_sameStart->setToolTip(tr("Change one knob, train again from the same initial weights and data "
                               "order (Ctrl+Shift+A): the only difference between the curves is "
                               "that knob. A new run from the last run's start, with the settings "
                               "now in use; a branch starts again from its branch point."));
    m_sameStart->setStatusTip(tr("Change one knob, train again from the same initial weights and data "
                                 "order: the only difference between the curves is that knob"));
    connect(m_sameStart, &QAction::triggered, this, [this, controller] {
        const auto again = [controller] { controller->startFromSameStart(); };
        if (m_question)
            m_question->ask(tr("Again from the same start begins a new run from the last run's initial "
                               "weights, so the weights trained since go."),
                            again);
        else
            again();
    });

    m_branch->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    m_branch->setToolTip(tr("While paused: a new run from here (Ctrl+Shift+B), with these weights, "
                            "the optimizer's state and the place in the epoch. Change a knob and "
                            "resume: the new curve leaves this one where the knob changed, and "
                            "this run stays as it was."));
    m_branch->setStatusTip(tr("A new run from the paused weights and place in the data: change a knob, "
                              "resume, and compare the two curves from here on"));
    connect(m_branch, &QAction::triggered, controller, &app::TrainingController::branch);

    connect(start, &QAction::enabledChanged, this, &RunCommands::updateEnabled);
    connect(controller, &app::TrainingController::stateChanged, this, &RunCommands::updateEnabled);
    connect(controller, &app::TrainingController::runStarted, this, &RunCommands::updateEnabled);
    updateEnabled();
}

void RunCommands::addTo(QMenu* training, DiscardQuestion* question)
{
    m_question = question;
    training->addSeparator();
    training->addActions({m_sameStart, m_branch});
}

void RunCommands::updateEnabled()
{
    const app::TrainingController* controller = m_session->controller();
    m_sameStart->setEnabled(m_start->isEnabled() && controller->lastRun() > 0);
    m_branch->setEnabled(m_start->isEnabled() && controller->state() == app::WorkerState::Paused &&
                         controller->lastRun() > 0);
}

} // namespace nnlab::ui
