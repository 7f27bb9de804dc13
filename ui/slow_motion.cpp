#include "slow_motion.h"

#include "main_window.h"
#include "on_screen.h"
#include "pictures.h"
#include "speed_control.h"
#include "step_inspector.h"
#include "weight_heatmaps.h"

#include "app/bridge/training_controller.h"
#include "app/lab/lab_session.h"
#include "app/lab/pace.h"
#include "app/lab/prediction_scheduler.h"

#include <QDockWidget>
#include <QSettings>

namespace nnlab::ui {

SlowMotion::SlowMotion(MainWindow* window, QSettings* settings)
    : QWidgetAction(window), m_session(window->session()), m_scheduler(window->scheduler()),
      m_heatmaps(window->heatmaps()), m_inspector(window->inspector()), m_settings(settings),
      m_control(new SpeedControl)
{
    setText(tr("Speed"));
    setDefaultWidget(m_control); // the action's widget in the toolbar
    const double remembered = settings->value(QLatin1String(kSettingsKey), 0.0).toDouble();
    m_control->setImagesPerSecond(app::Pace::isValidRate(remembered) ? remembered : 0.0);
    apply(m_control->imagesPerSecond(), false);
    connect(m_control, &SpeedControl::imagesPerSecondChanged, this, [this](double r) { apply(r, true); });

    app::TrainingController* controller = m_session->controller();
    connect(controller, &app::TrainingController::sampleLearned, this, &SlowMotion::showLearned);
    connect(controller, &app::TrainingController::stateChanged, this, &SlowMotion::updateFollowing);
    connect(m_session, &app::LabSession::dataChanged, this, [this] { m_lastLearned.reset(); });
}

void SlowMotion::apply(double imagesPerSecond, bool chosen)
{
    m_session->controller()->setImagesPerSecond(imagesPerSecond);
    m_settings->setValue(QLatin1String(kSettingsKey), imagesPerSecond);
    const bool everyStep = app::Pace::showsEveryStep(imagesPerSecond);
    m_heatmaps->setEverySnapshot(everyStep);
    if (chosen && everyStep) {
        // The inspector's tab to the front (unless its dock was closed): it shows each image.
        for (QWidget* w = m_inspector; w; w = w->parentWidget())
            if (auto* dock = qobject_cast<QDockWidget*>(w)) {
                if (dock->isVisible())
                    dock->raise();
                break;
            }
    }
    updateFollowing();
}

void SlowMotion::updateFollowing()
{
    app::TrainingController* controller = m_session->controller();
    const bool following = controller->isRunning() && app::Pace::showsEveryStep(controller->imagesPerSecond());
    if (following == m_inspector->followsTraining())
        return;
    m_inspector->setFollowingTraining(following);
    // Stopped following: the image learned last stays, traced now with the weights it left
    // (Step on this image trains on it again); else the image picked before.
    if (!following && m_lastLearned)
        m_scheduler->inspect(false, *m_lastLearned);
    else if (!following)
        m_scheduler->refreshInspector();
    m_lastLearned.reset();
}

void SlowMotion::showLearned(const app::SampleStep& step)
{
    const app::DataPair& data = m_session->data();
    if (!data.train || step.index >= data.train->size() || m_session->awaitsNewNetwork())
        return;
    const engine::Dataset& set = *data.train;
    if (!m_inspector->followsTraining()) {
        // A Step while paused: that image, traced with the weights it left, and its update.
        m_scheduler->inspect(false, step.index);
        if (step.before && step.after && isOnScreen(m_inspector))
            m_inspector->setWeightChange(*step.before, *step.after, set.rows, set.cols);
        return;
    }
    m_lastLearned = step.index;
    if (!isOnScreen(m_inspector))
        return; // out of sight costs nothing; it shows the next image when it comes into view
    const QString of = step.batchSize > 1 ? tr(", the first of a batch of %1").arg(step.batchSize) : QString();
    m_inspector->showLearned(step.trace, digitImage(set.image(step.index), set.rows, set.cols),
                             tr("Learning training image %1%2 (run %4: %3 images learned)")
                                 .arg(step.index)
                                 .arg(of)
                                 .arg(step.samplesSeen)
                                 .arg(step.run));
    if (step.before && step.after)
        m_inspector->setWeightChange(*step.before, *step.after, set.rows, set.cols);
}

} // namespace nnlab::ui
