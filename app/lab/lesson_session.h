// The lesson walked in the lab (issue 14): the current step, the answers given and the checks
// passed (remembered in QSettings), and each step set up and run through the lab's own classes
// (LabSession's setup and controller, SweepSession); the check is evaluated when the run ends.
// Widgets read it and call it; it knows none.
#pragma once

#include "app/lab/lesson_path.h"

#include "engine/model_file.h"

#include <QByteArray>
#include <QObject>
#include <QTemporaryDir>

#include <functional>
#include <map>
#include <memory>
#include <optional>

class QSettings;

namespace nnlab::app {

class LabSession;
class SweepSession;

// Threads: all on the GUI thread. Feed-forwards and single steps are computed at once (one
// image, a few microseconds); sweeps and training end with their sessions' signals.
class LessonSession : public QObject
{
    Q_OBJECT

public:
    // settings: where progress is remembered ("lesson/..."); not owned, may be null.
    LessonSession(LabSession* lab, SweepSession* sweeps, QSettings* settings, QObject* parent = nullptr);
    ~LessonSession() override;

    const std::vector<LessonStep>& steps() const { return lessonSteps(); }
    int count() const { return int(steps().size()); }
    int currentIndex() const { return m_current; }
    const LessonStep& current() const { return steps()[std::size_t(m_current)]; }
    void setCurrent(int index); // clamped to the steps; remembered
    void next() { setCurrent(m_current + 1); }
    void back() { setCurrent(m_current - 1); }

    // The learner's choice for step `index`'s question, if given.
    std::optional<int> answer(int index) const;
    void answerCurrent(int choice);
    // The last check of step `index`, if it was run.
    std::optional<LessonCheck> verdict(int index) const;
    bool passed(int index) const { return verdict(index).value_or(LessonCheck{}).passed; }
    int passedCount() const;
    // Forgets every answer and verdict and goes back to the first step.
    void restart();

    // How Set up applies a preset: the window's Presets menu path (it asks before discarding
    // trained weights and shows the setup in the controls). By default the lab is configured
    // directly.
    void setPresetApplier(std::function<void(const QString& preset)> apply) { m_applyPreset = std::move(apply); }
    // What nnlab-serve answers a JSON body {"pixels": [...]} with, for `model` (the Serve step);
    // the window gives app::PredictionService's POST /predict. Without one the step cannot run.
    using ServeHandler = std::function<QByteArray(const engine::Model& model, const QByteArray& body)>;
    void setServeHandler(ServeHandler handler) { m_serve = std::move(handler); }

    // The current step's setup: its preset through the applier; then setUpDone (the panel shows
    // the step's view).
    void setUp();
    bool isSetUp() const { return m_setUp == m_current; }
    // Runs the current step (setting it up first if it was not): false, with failed(why), if
    // its question is unanswered, a run is under way, or there is no data. checked() follows.
    bool run();
    bool isRunning() const { return m_running; }
    // The newest run's result (of the step checked last).
    const LessonResult& lastResult() const { return m_result; }

signals:
    void currentChanged(int index);
    void answered(int index, int choice);
    void setUpDone(int index);
    void runStarted(int index);
    void checked(int index, const nnlab::app::LessonCheck& check);
    void failed(const QString& why);

private:
    void feedForward(const LessonStep& step);
    void oneStep(const LessonStep& step);
    void showDigit();
    void startNextSweep();
    void afterTraining();
    void finish(const LessonResult& result);
    void fail(const QString& why);
    // The preset's setup fitted to the data (the lesson's 784 inputs and 10 classes).
    std::optional<engine::Preset> fittedPreset(const QString& name) const;
    void remember();

    LabSession* m_lab;
    SweepSession* m_sweeps;
    QSettings* m_settings;
    std::function<void(const QString&)> m_applyPreset;
    ServeHandler m_serve;
    int m_current = 0;
    int m_setUp = -1; // the step last set up
    std::map<QString, int> m_answers;          // by step id
    std::map<QString, LessonCheck> m_verdicts; // by step id
    bool m_running = false;
    int m_runningIndex = -1;
    std::size_t m_nextSweep = 0;  // the step's sweep to start next
    bool m_awaitsSweep = false;   // a sweep of ours runs in m_sweeps
    bool m_awaitsTraining = false; // the window's controller trains for us
    LessonResult m_result;
    std::unique_ptr<QTemporaryDir> m_files; // the Save and load step's model file
};

} // namespace nnlab::app
