// Draw a digit and watch the network read it: the canvas, what the network sees (the 28x28 the
// MNIST preprocessing makes of the drawing), the ten outputs as bars, the answer, an explanation
// overlay, "add to training set" for the learner's handwriting (app::MyDigits) with how many of
// them the training set holds, and "train on my digits" to fine-tune on them mixed with MNIST.
#pragma once

#include "app/bridge/drawing_classifier.h"
#include "app/bridge/training_setup.h"
#include "app/lab/my_digits.h"

#include <QElapsedTimer>
#include <QWidget>

class QCheckBox;
class QCPBars;
class QCustomPlot;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace nnlab::ui {

class DigitCanvas;

class DrawPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMinIntervalMs = 16; // at most ~60 classifications a second

    explicit DrawPanel(QWidget* parent = nullptr);

    // The network that reads the drawing: the one training now, or a loaded model.
    void setNetwork(app::NetworkPtr network);
    // Where "Add to training set" appends (the lesson's CSV format); default: the user's data
    // folder, my-digits.csv.
    void setUserDatasetPath(const QString& path);
    // The learner's digits to add to (the session's, which joins them onto the training set);
    // by default the panel keeps its own.
    void setMyDigits(app::MyDigits* digits);
    // Classifies again if a network arrived while the panel was out of sight (hidden, or a
    // dock tab behind another); the main window calls it when the panel's tab is chosen.
    void catchUp();
    QString userDatasetPath() const { return m_myDigits->path(); }

    DigitCanvas* canvas() const { return m_canvas; }
    QPushButton* clearButton() const { return m_clear; }
    QCheckBox* explainBox() const { return m_explain; }
    QSpinBox* labelBox() const { return m_label; }
    QPushButton* addButton() const { return m_add; }
    QPushButton* trainButton() const { return m_train; }
    QSpinBox* trainEpochsBox() const { return m_trainEpochs; }
    QLabel* myDigitsNote() const { return m_mine; }
    const app::DrawingResult& result() const { return m_result; }
    int classifications() const { return m_classifications; }
    // A classification is due within kMinIntervalMs (tests: when false, none will follow).
    bool classificationPending() const;
    // The bars' values now shown.
    std::vector<double> bars() const;
    QLabel* answer() const { return m_answer; }

signals:
    void digitAdded(const QString& path, int count);
    // Train on MNIST and the learner's digits for `epochs`, from the current weights.
    void trainOnMyDigitsRequested(int epochs);
    void failed(const QString& why);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void schedule();
    void classifyNow();
    void addToTrainingSet();
    void showMyDigits();

    DigitCanvas* m_canvas;
    QPushButton* m_clear;
    QPushButton* m_undo;
    QSlider* m_brush;
    QCheckBox* m_explain;
    QLabel* m_seen;
    QLabel* m_answer;
    QLabel* m_detail;
    QCustomPlot* m_plot;
    QCPBars* m_bars = nullptr;
    QCPBars* m_top = nullptr;
    QSpinBox* m_label;
    QPushButton* m_add;
    QLabel* m_addStatus;
    QLabel* m_mine;
    QPushButton* m_train;
    QSpinBox* m_trainEpochs;
    app::MyDigits* m_myDigits;
    QMetaObject::Connection m_myDigitsChanged;
    QTimer* m_timer;
    QElapsedTimer m_sinceLast;
    bool m_stale = false; // a new network arrived out of sight: classify again when seen
    // "This is a" follows the network's answer for each new drawing until the learner sets it.
    bool m_labelChosen = false;
    bool m_labelFollowsAnswer = false; // the panel itself is setting the label
    app::NetworkPtr m_network;
    app::DrawingResult m_result;
    int m_classifications = 0;
};

} // namespace nnlab::ui
