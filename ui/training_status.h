// The status bar's training read-outs: epoch, progress through it, images per second, time
// left and the last test accuracy; after File ▸ Open, the opened model's stored and measured
// test accuracy. Shows the newest progress at most 4 times a second (a RedrawCoalescer).
#pragma once

#include "app/bridge/training_worker.h"
#include "app/lab/redraw_coalescer.h"

#include <QObject>

#include <optional>

class QLabel;
class QProgressBar;
class QStatusBar;

namespace nnlab::app {
struct AccuracyCheck;
}

namespace nnlab::ui {

class TrainingStatus : public QObject
{
    Q_OBJECT

public:
    static constexpr app::RedrawCoalescer::ms kInterval{250};

    // Adds its widgets to `bar` as permanent widgets.
    explicit TrainingStatus(QStatusBar* bar);

    // The newest report: drawn at the next turn of the event loop, or kInterval after the
    // last drawing (QProgressBar repaints the window at once on every change, and each paint is
    // GUI time the training threads wait for).
    void showProgress(const app::ProgressReport& report);
    // Training stopped or paused: where it stopped, at the next turn, without a time left.
    void showStopped();
    void clearTimeLeft();
    void clearEpoch(); // a new trainer: no progress through an epoch yet
    void showTestAccuracy(double accuracy); // 0..1 (the opened model's figures then go)
    // The opened model's test accuracy, stored and measured again: "stored 0.9596 · measured
    // 0.9596 on these 10,000 test images" (while measuring, "measuring on ..."). Until the
    // network is replaced or its next epoch is tested.
    void showModelAccuracy(const app::AccuracyCheck& check);
    QLabel* modelAccuracyLabel() const { return m_modelLabel; }
    // The network was replaced: its epoch, progress and test accuracy are no longer shown.
    void clearMeasurements();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // a larger font: wider labels

private:
    void draw();
    void fitLabels();

    QProgressBar* m_epochBar;
    QLabel* m_epochLabel;
    QLabel* m_speedLabel;
    QLabel* m_etaLabel;
    QLabel* m_testLabel;
    QLabel* m_modelLabel; // hidden but after File ▸ Open
    app::RedrawCoalescer* m_redraws;
    std::optional<app::ProgressReport> m_latest;
};

} // namespace nnlab::ui
