// The speed control (slow motion, issue 14): how many training images a second, on six stops
// from one image at a time to as fast as it goes. A slider with the value beside it; it shows a
// speed and emits the learner's choice, nothing more.
#pragma once

#include <QWidget>

class QAction;
class QLabel;
class QSlider;

namespace nnlab::ui {

class SpeedControl : public QWidget
{
    Q_OBJECT

public:
    explicit SpeedControl(QWidget* parent = nullptr);

    // Images per second, 0 = as fast as it goes (app::Pace::kStops).
    double imagesPerSecond() const;
    // Moves to the stop nearest `imagesPerSecond` (0 or not a number above 0: as fast as it
    // goes), without emitting.
    void setImagesPerSecond(double imagesPerSecond);
    // The words for a speed ("10 images/s", "as fast as it goes").
    static QString describe(double imagesPerSecond);

    QSlider* slider() const { return m_slider; }
    QAction* slowerAction() const { return m_slower; } // Ctrl+[
    QAction* fasterAction() const { return m_faster; } // Ctrl+]

signals:
    void imagesPerSecondChanged(double imagesPerSecond); // the learner chose another speed

private:
    void showStop(int stop);

    QSlider* m_slider;
    QLabel* m_value;
    QAction* m_slower;
    QAction* m_faster;
};

} // namespace nnlab::ui
