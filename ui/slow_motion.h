// Slow motion's wiring (issue 14): the toolbar's speed control (an action whose widget is a
// SpeedControl) -> TrainingController's images per second, remembered in the settings; and, while
// training shows every step (Pace::kShownEveryStep or slower), each image learned to the step
// inspector and every snapshot to the weight tiles. The curves need nothing: the worker sends
// progress after every step then.
#pragma once

#include <QWidgetAction>

#include <cstddef>
#include <optional>

class QSettings;

namespace nnlab::app {
class LabSession;
class PredictionScheduler;
struct SampleStep;
}

namespace nnlab::ui {

class MainWindow;
class SpeedControl;
class StepInspector;
class WeightHeatmaps;

class SlowMotion : public QWidgetAction
{
    Q_OBJECT

public:
    static constexpr const char* kSettingsKey = "training/imagesPerSecond";

    // For `window`'s toolbar (its session, scheduler, weights and step inspector), at the speed
    // `settings` remember (as fast as it goes the first time).
    SlowMotion(MainWindow* window, QSettings* settings);

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
