// A slider on a logarithmic scale with a spin box beside it, for values spanning decades such as
// the learning rate (1e-4 .. 1).
#pragma once

#include <QWidget>

class QSlider;
class QDoubleSpinBox;

namespace nnlab::ui {

class LogSlider : public QWidget
{
    Q_OBJECT

public:
    LogSlider(double minimum, double maximum, QWidget* parent = nullptr);

    double value() const;
    void setValue(double value); // clamped into range; emits valueChanged if it changed
    double minimum() const { return m_min; }
    double maximum() const { return m_max; }
    QSlider* slider() const { return m_slider; }
    QDoubleSpinBox* spinBox() const { return m_spin; }
    void setToolTip(const QString& text);

signals:
    void valueChanged(double value);

private:
    int toSlider(double value) const;
    double fromSlider(int position) const;

    double m_min, m_max;
    QSlider* m_slider;
    QDoubleSpinBox* m_spin;
};

} // namespace nnlab::ui
