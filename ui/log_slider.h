// Sliders with a spin box beside them, kept in step both ways: LogSlider for decimals spanning
// decades (the learning rate, 1e-4 .. 1) and CountSlider for whole numbers (hidden nodes,
// epochs, batch size, training images) on a logarithmic or linear track. Typed text that is not
// a value the box takes (5,000 hidden nodes, 0 epochs, "abc") is refused: the box keeps its
// value and a line under it says why.
#pragma once

#include <QString>
#include <QWidget>

class QAbstractSpinBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace nnlab::ui {

// What both sliders share: the row (slider, spin box) and the refusal line under it.
class SliderBox : public QWidget
{
    Q_OBJECT

public:
    QSlider* slider() const { return m_slider; }
    // Why the last typed text was refused; hidden until then, and again once a value is taken.
    QLabel* refusal() const { return m_refusal; }
    void setToolTip(const QString& text); // the slider's and the spin box's too

signals:
    void refused(const QString& why);

protected:
    SliderBox(QAbstractSpinBox* box, QWidget* parent); // box: the spin box beside the slider
    QAbstractSpinBox* box() const { return m_box; }
    // The sentence for refused text `typed` (the box still holds the value it keeps).
    virtual QString whyRefused(const QString& typed) const = 0;
    void valueTaken(); // a value was taken: the refusal line goes
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

    QSlider* m_slider;

private:
    void colourRefusal();

    QAbstractSpinBox* m_box;
    QLabel* m_refusal;
};

class LogSlider : public SliderBox
{
    Q_OBJECT

public:
    // name: what the value is, for the refusal ("l_r").
    LogSlider(double minimum, double maximum, QWidget* parent = nullptr, const QString& name = QStringLiteral("l_r"));

    double value() const;
    void setValue(double value); // clamped into range; emits valueChanged if it changed
    double minimum() const { return m_min; }
    double maximum() const { return m_max; }
    QDoubleSpinBox* spinBox() const { return m_spin; }

signals:
    void valueChanged(double value);

protected:
    QString whyRefused(const QString& typed) const override;

private:
    int toSlider(double value) const;
    double fromSlider(int position) const;

    double m_min, m_max;
    QString m_name;
    QDoubleSpinBox* m_spin;
};

class CountSlider : public SliderBox
{
    Q_OBJECT

public:
    enum class Scale { Linear, Log };
    // Slider positions per decade on a logarithmic track.
    static constexpr int kStepsPerDecade = 100;

    // The spin box takes minimum..maximum; the slider spans minimum..sliderMaximum (0: to
    // maximum), so a slider can cover the usual values while the box still takes the rest
    // (epochs: the slider 1..100, the box up to 1,000). unit: what is counted, plural
    // ("hidden nodes"), for the refusal. A drag sends valueChanged once, when the slider is let go;
    // keys and the wheel send one per step.
    CountSlider(int minimum, int maximum, Scale scale, const QString& unit, int sliderMaximum = 0,
                QWidget* parent = nullptr);

    int value() const; // the value last sent (while dragged, the box already shows the next)
    void setValue(int value); // clamped into range; emits valueChanged if it changed
    // New bounds for the box; the slider follows (up to its own maximum, if it has one).
    void setRange(int minimum, int maximum);
    int minimum() const;
    int maximum() const;
    int sliderMaximum() const; // the largest value the slider reaches
    QSpinBox* spinBox() const { return m_spin; }

    // The value slider position `position` stands for: on a log track the roundest whole number
    // within half a step of minimum * 10^(position / kStepsPerDecade) (90 and 150, not 89 and
    // 151), so that the value's own position is `position` again.
    int valueAt(int position) const;
    int positionOf(int value) const; // the slider position nearest `value`

signals:
    void valueChanged(int value);

protected:
    QString whyRefused(const QString& typed) const override;
    bool eventFilter(QObject* watched, QEvent* event) override; // the mouse held on the slider

private:
    void layOutSlider(); // the slider's range for the current bounds
    void fromSlider(int position);
    void skipRepeats(int action); // a key or wheel step always changes the value
    void commit(int value);

    Scale m_scale;
    QString m_unit;
    int m_ownSliderMax;
    int m_committed; // the value last sent (a drag shows values in the box before it sends one)
    bool m_mouseHeld = false; // a button is down on the slider: its values are sent when let go
    QSpinBox* m_spin;
};

} // namespace nnlab::ui
