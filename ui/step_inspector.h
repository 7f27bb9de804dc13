// The step inspector: the lesson's arithmetic for one digit, live. The input image, each
// hidden layer's h_input and h_output, o_output against the target, o_errors and h_errors, with
// the lesson's names; and after "Step on this image", which weights that one update changed.
// In slow motion it follows the training: each image as it is learned, and its update.
#pragma once

#include "engine/network.h"
#include "engine/step_trace.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QCPAxisRect;
class QCPBars;
class QCPGraph;
class QLabel;
class QPushButton;

namespace nnlab::ui {

class WeightTiles;

class StepInspector : public QWidget
{
    Q_OBJECT

public:
    explicit StepInspector(QWidget* parent = nullptr);

    // Shows one digit's trace. canStep: a training image and the lesson's per-sample mode.
    // Ignored while the inspector follows the training.
    void setTrace(const engine::LessonTrace& trace, const QImage& digit, const QString& caption,
                  bool canStep, const QString& whyNot = {});
    // Slow motion: while following, the inspector shows the images training learns
    // (showLearned) instead of a digit picked in the gallery.
    void setFollowingTraining(bool following);
    bool followsTraining() const { return m_following; }
    // The image just learned, with its trace from before the update (the errors that moved the
    // weights) and its place in the run (caption).
    void showLearned(const engine::LessonTrace& trace, const QImage& digit, const QString& caption);
    QString caption() const;
    // The weights before and after one step: the first layer's change as tiles, in words.
    void setWeightChange(const engine::Network& before, const engine::Network& after,
                         int imageRows, int imageCols);
    bool hasTrace() const { return m_hasTrace; }
    const engine::LessonTrace& trace() const { return m_trace; }
    QPushButton* stepButton() const { return m_step; }
    WeightTiles* changeTiles() const { return m_change; }
    QLabel* changeText() const { return m_changeText; }
    QCustomPlot* plot() const { return m_plot; }
    // The values a plot shows now, by the lesson's name ("o_output", "h_errors"...).
    std::vector<double> shown(const QString& name) const;

signals:
    void stepRequested();

private:
    void display(const engine::LessonTrace& trace, const QImage& digit, const QString& text, bool canStep,
                 const QString& whyNot);
    void drawLayer();

    QLabel* m_digit;
    QLabel* m_caption;
    QPushButton* m_step;
    QComboBox* m_layer;
    WeightTiles* m_change;
    QLabel* m_changeText;
    QCustomPlot* m_plot;
    QCPBars* m_hOutput = nullptr;
    QCPGraph* m_hInput = nullptr;
    QCPBars* m_hErrors = nullptr;
    QCPBars* m_oOutput = nullptr;
    QCPBars* m_predicted = nullptr;
    QCPGraph* m_target = nullptr;
    QCPBars* m_oErrors = nullptr;
    std::vector<QCPAxisRect*> m_rects;
    QString m_stepTip;
    engine::LessonTrace m_trace;
    bool m_hasTrace = false;
    bool m_following = false;
};

} // namespace nnlab::ui
