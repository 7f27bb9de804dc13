// The Sweep view: one knob, its values and the seeds, the setup they start from, Start / Pause /
// Cancel with the sweep's progress, and the chart filling in as runs end. It shows an
// app::SweepSession and sends it the learner's commands; the values are checked as they are typed.
#pragma once

#include "app/lab/sweep_session.h"

#include <QWidget>

#include <functional>
#include <string>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QToolButton;

namespace nnlab::ui {

class SweepChart;

class SweepPanel : public QWidget
{
    Q_OBJECT

public:
    // `controls`: the window's controls as a setup fitted to the data (the base "the controls
    // now"); `data`: the data a sweep trains and tests on. The fields start as the session
    // remembers them.
    SweepPanel(app::SweepSession* session, std::function<app::TrainingSetup()> controls,
               std::function<app::DataPair()> data, QWidget* parent = nullptr);

    QComboBox* knobBox() const { return m_knob; }
    QLineEdit* valuesEdit() const { return m_values; }
    QLineEdit* seedsEdit() const { return m_seeds; }
    QComboBox* baseBox() const { return m_base; }
    QLabel* messageLabel() const { return m_message; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* progressLabel() const { return m_progressText; }
    SweepChart* chart() const { return m_chart; }
    QToolButton* startButton() const { return m_startButton; }
    QToolButton* pauseButton() const { return m_pauseButton; }
    QToolButton* cancelButton() const { return m_cancelButton; }
    // Experiments ▸ Start sweep, Pause sweep (Resume sweep while paused), Cancel sweep.
    QAction* startAction() const { return m_start; }
    QAction* pauseAction() const { return m_pause; }
    QAction* cancelAction() const { return m_cancel; }

    // Empty when the fields make a sweep that can start, else why not in one sentence.
    QString whyNot() const { return m_whyNot; }
    // The fields as typed (what the session remembers).
    app::SweepSession::Settings settings() const;
    void setSettings(const app::SweepSession::Settings& settings);
    // Starts the sweep the fields describe (what Start does); false, saying why, if it cannot.
    bool start();

public slots:
    void check(); // the fields again (the data or the controls changed)

signals:
    void failed(const QString& why); // the session's message, for the window's dialog

private:
    void onKnobChosen();
    void onStateChanged(app::SweepSession::State state);
    void onProgressed(int runsDone, int runCount, double secondsLeft, double samplesPerSecond);
    void showSweep(); // the session's sweep (started or opened): axis and caption
    void scheduleChart(); // one chart update for the results that arrived meanwhile
    void updateChart();
    void showMessage(const QString& text, bool error);
    // The base field's entry for a sweep from the preset `presetName`: the preset if listed,
    // else the field as it is.
    QString baseFieldFor(const std::string& presetName) const;
    engine::Preset basePreset() const;
    QString baseName() const; // the base as the chart's caption says it

    app::SweepSession* m_session;
    std::function<app::TrainingSetup()> m_controls;
    std::function<app::DataPair()> m_data;
    QComboBox* m_knob;
    QLineEdit* m_values;
    QLineEdit* m_seeds;
    QComboBox* m_base;
    QLabel* m_message;
    QProgressBar* m_progress;
    QLabel* m_progressText;
    SweepChart* m_chart;
    QAction* m_start;
    QAction* m_pause;
    QAction* m_cancel;
    QToolButton* m_startButton;
    QToolButton* m_pauseButton;
    QToolButton* m_cancelButton;
    QString m_whyNot;
    bool m_chartPending = false;
    bool m_startingFromFields = false; // in start(): a sweep from elsewhere refills the fields
};

} // namespace nnlab::ui
