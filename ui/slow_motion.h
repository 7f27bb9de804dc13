// Slow motion's wiring (issue 14): the toolbar's speed control -> TrainingController's images
// per second, remembered in the settings; and, while training shows every step (Pace::
// kShownEveryStep or slower), each image learned to the step inspector and every snapshot to the
// weight tiles. The curves need nothing: the worker sends progress after every step then.
#pragma once

#include <QObject>

#include <cstddef>
#include <optional>

class QSettings;
class QToolBar;

namespace nnlab::app {
class LabSession;
class PredictionScheduler;
struct SampleStep;
}

namespace nnlab::ui {

class SpeedControl;
class StepInspector;
class WeightHeatmaps;

class SlowMotion : public QObject
{
    Q_OBJECT

public:
    static constexpr const char* kSettingsKey = "training/imagesPerSecond";

    // Adds the speed control to `bar` at the speed `settings` remember (as fast as it goes the
    // first time).
    SlowMotion(QToolBar* bar, app::LabSession* session, app::PredictionScheduler* scheduler,
               WeightHeatmaps* heatmaps, StepInspector* inspector, QSettings* settings, QObject* parent);

    SpeedControl* control() const { return m_control; }

private:
    void apply(double imagesPerSecond, bool chosen);
    void showLearned(const app::SampleStep& step);
    void updateFollowing();

    app::LabSession* m_session;
    app::PredictionScheduler* m_scheduler;
    WeightHeatmaps* m_heatmaps;
    StepInspector* m_inspector;
    QSettings* m_settings;
    SpeedControl* m_control;
    std::optional<std::size_t> m_lastLearned; // the training image learned last, while following
};

} // namespace nnlab::ui
