#include "run_commands.h"

#include "learning_curves.h"

#include "app/bridge/training_controller.h"
#include "app/common/counted.h"
#include "app/lab/lab_session.h"

#include <QAction>

namespace nnlab::ui {

RunCommands::RunCommands(QAction* start, app::LabSession* session, LearningCurves* curves, QObject* parent)
    : QObject(parent), m_continue(new QAction(QIcon::fromTheme(QStringLiteral("media-seek-forward")),
                                              tr("&Continue training"), this))
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
    connect(controller, &app::TrainingController::runChanged, curves,
            [curves](const app::RunChange& c) { curves->markChange(c.run, c.epochFraction, c.change); });
}

} // namespace nnlab::ui
