#include "log_slider.h"

#include "plot_style.h"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <optional>

namespace nnlab::ui {

namespace {

constexpr int kLogStepsPerDecade = 100; // the learning rate's track

// Spin boxes that let any text be typed: what they cannot take (5000 in a box up to 1,024,
// "0" in one from 1, "abc") stays visible until Enter or leaving the box, where the box
// keeps its value and SliderBox says why. Qt's own boxes swallow such keys silently
// (typing 5000 gives 500).
class LenientSpinBox : public QSpinBox
{
public:
    using QSpinBox::QSpinBox;
    QValidator::State validate(QString& text, int& pos) const override
    {
        const QValidator::State s = QSpinBox::validate(text, pos);
        return s == QValidator::Invalid ? QValidator::Intermediate : s;
    }
};

class LenientDoubleSpinBox : public QDoubleSpinBox
{
public:
    using QDoubleSpinBox::QDoubleSpinBox;
    QValidator::State validate(QString& text, int& pos) const override
    {
        const QValidator::State s = QDoubleSpinBox::validate(text, pos);
        return s == QValidator::Invalid ? QValidator::Intermediate : s;
    }
};

// `typed` as a number, in the box's locale or the C locale; nullopt if it is none.
std::optional<double> typedNumber(const QString& typed, const QLocale& locale)
{
    bool ok = false;
    double v = locale.toDouble(typed.trimmed(), &ok);
    if (!ok)
        v = typed.trimmed().toDouble(&ok);
    return ok && std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// The roundest whole number in [low, high): fewest significant digits, nearest `centre`
// among those; nullopt if no whole number lies there.
std::optional<int> roundestIn(double centre, double low, double high)
{
    for (int digits = 1; digits <= 10; ++digits) {
        const double scale = std::pow(10.0, digits - 1 - std::floor(std::log10(centre)));
        const double v = std::round(std::round(centre * scale) / scale);
        if (v >= low && v < high && v >= 1)
            return int(v);
    }
    return std::nullopt;
}

} // namespace

// --- SliderBox -------------------------------------------------------------------------------

SliderBox::SliderBox(QAbstractSpinBox* box, QWidget* parent)
    : QWidget(parent), m_slider(new QSlider(Qt::Horizontal)), m_box(box), m_refusal(new QLabel)
{
    m_box->setKeyboardTracking(false); // typing "200" is one change, not three
    m_refusal->setObjectName(QStringLiteral("refusal"));
    m_refusal->setWordWrap(true);
    m_refusal->hide();
    colourRefusal();

    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* row = new QHBoxLayout;
    row->addWidget(m_slider, 1);
    row->addWidget(m_box);
    column->addLayout(row);
    column->addWidget(m_refusal);
    // Before the box takes Enter or the focus leaves it (and puts its value back): the typed text.
    m_box->installEventFilter(this);
}

void SliderBox::setToolTip(const QString& text)
{
    QWidget::setToolTip(text);
    m_slider->setToolTip(text);
    m_box->setToolTip(text);
}

bool SliderBox::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_box) {
        const bool enter = event->type() == QEvent::KeyPress &&
                           (static_cast<QKeyEvent*>(event)->key() == Qt::Key_Return ||
                            static_cast<QKeyEvent*>(event)->key() == Qt::Key_Enter);
        if ((enter || event->type() == QEvent::FocusOut) && !m_box->hasAcceptableInput() &&
            !m_box->text().trimmed().isEmpty()) {
            const QString why = whyRefused(m_box->text().trimmed());
            m_refusal->setText(why);
            m_refusal->show();
            emit refused(why);
        }
    }
    return QWidget::eventFilter(watched, event);
}

void SliderBox::valueTaken()
{
    m_refusal->hide();
}

void SliderBox::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        colourRefusal(); // Dark colours: a red readable on the dark base
    QWidget::changeEvent(event);
}

void SliderBox::colourRefusal()
{
    QPalette p = m_refusal->palette();
    p.setColor(QPalette::WindowText, answerColor(false, palette()));
    m_refusal->setPalette(p);
}

// --- LogSlider -------------------------------------------------------------------------------

LogSlider::LogSlider(double minimum, double maximum, QWidget* parent, const QString& name)
    : SliderBox(new LenientDoubleSpinBox, parent), m_min(minimum), m_max(maximum), m_name(name),
      m_spin(static_cast<QDoubleSpinBox*>(box()))
{
    m_slider->setRange(0, toSlider(maximum));
    m_slider->setPageStep(kLogStepsPerDecade / 4);
    m_spin->setRange(minimum, maximum);
    m_spin->setDecimals(int(std::ceil(-std::log10(minimum))) + 2);
    m_spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_spin->setMinimumWidth(m_spin->fontMetrics().horizontalAdvance(QStringLiteral("0.000000")) + 24);

    connect(m_slider, &QSlider::valueChanged, this, [this](int position) {
        const double v = fromSlider(position);
        const QSignalBlocker block(m_spin);
        m_spin->setValue(v);
        valueTaken();
        emit valueChanged(v);
    });
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(toSlider(v));
        valueTaken();
        emit valueChanged(v);
    });
}

double LogSlider::value() const
{
    return m_spin->value();
}

void LogSlider::setValue(double value)
{
    if (!std::isfinite(value))
        return;
    m_spin->setValue(std::clamp(value, m_min, m_max)); // moves the slider and emits
}

QString LogSlider::whyRefused(const QString& typed) const
{
    const QLocale l = m_spin->locale();
    const QString range = tr("%1 to %2").arg(l.toString(m_min, 'g', 6), l.toString(m_max, 'g', 6));
    const QString kept = l.toString(m_spin->value(), 'g', 6);
    if (typedNumber(typed, l))
        return tr("%1 is out of range for %2: type %3; the box keeps %4.").arg(typed, m_name, range, kept);
    return tr("“%1” is not a number: type %2 for %3; the box keeps %4.").arg(typed, range, m_name, kept);
}

int LogSlider::toSlider(double value) const
{
    return int(std::lround(std::log10(std::clamp(value, m_min, m_max) / m_min) * kLogStepsPerDecade));
}

double LogSlider::fromSlider(int position) const
{
    // Rounded to 3 significant digits so the spin box shows 0.0316, not 0.031622777.
    const double v = m_min * std::pow(10.0, double(position) / kLogStepsPerDecade);
    const double scale = std::pow(10.0, 2 - std::floor(std::log10(v)));
    return std::clamp(std::round(v * scale) / scale, m_min, m_max);
}

// --- CountSlider -----------------------------------------------------------------------------

CountSlider::CountSlider(int minimum, int maximum, Scale scale, const QString& unit, int sliderMaximum,
                         QWidget* parent)
    : SliderBox(new LenientSpinBox, parent), m_scale(scale), m_unit(unit), m_ownSliderMax(sliderMaximum),
      m_committed(minimum), m_spin(static_cast<QSpinBox*>(box()))
{
    m_spin->setGroupSeparatorShown(true);
    m_spin->setRange(minimum, maximum);
    m_spin->setMinimumWidth(m_spin->fontMetrics().horizontalAdvance(QStringLiteral("60,000")) + 30);
    m_slider->setSingleStep(1);
    layOutSlider();

    m_slider->installEventFilter(this);
    connect(m_slider, &QSlider::actionTriggered, this, &CountSlider::skipRepeats);
    connect(m_slider, &QSlider::valueChanged, this, &CountSlider::fromSlider);
    connect(m_slider, &QSlider::sliderReleased, this, [this] { commit(m_spin->value()); });
    connect(m_spin, &QSpinBox::valueChanged, this, [this](int v) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(positionOf(v));
        commit(v);
    });
}

int CountSlider::value() const
{
    return m_committed; // the box shows a dragged value before it is sent
}

void CountSlider::setValue(int value)
{
    m_spin->setValue(value); // clamped by the box; moves the slider and emits
}

int CountSlider::minimum() const
{
    return m_spin->minimum();
}

int CountSlider::maximum() const
{
    return m_spin->maximum();
}

int CountSlider::sliderMaximum() const
{
    return m_ownSliderMax > 0 ? std::clamp(m_ownSliderMax, minimum(), maximum()) : maximum();
}

void CountSlider::setRange(int minimum, int maximum)
{
    {
        const QSignalBlocker block(m_spin); // a clamped value is sent below, once
        m_spin->setRange(minimum, maximum);
    }
    layOutSlider();
    commit(m_spin->value());
}

void CountSlider::layOutSlider()
{
    const QSignalBlocker block(m_slider);
    const int last = m_scale == Scale::Log
                         ? int(std::lround(std::log10(double(sliderMaximum()) / minimum()) * kStepsPerDecade))
                         : sliderMaximum() - minimum();
    m_slider->setRange(0, last);
    m_slider->setPageStep(m_scale == Scale::Log ? kStepsPerDecade / 10 : 10);
    m_slider->setValue(positionOf(m_spin->value()));
}

int CountSlider::valueAt(int position) const
{
    if (position <= 0)
        return minimum();
    if (position >= m_slider->maximum())
        return sliderMaximum();
    if (m_scale == Scale::Linear)
        return minimum() + position;
    const auto at = [this](double p) { return minimum() * std::pow(10.0, p / kStepsPerDecade); };
    const double centre = at(position);
    const int v = roundestIn(centre, at(position - 0.5), at(position + 0.5)).value_or(int(std::lround(centre)));
    return std::clamp(v, minimum(), sliderMaximum());
}

int CountSlider::positionOf(int value) const
{
    if (value >= sliderMaximum())
        return m_slider->maximum();
    if (value <= minimum())
        return 0;
    if (m_scale == Scale::Linear)
        return value - minimum();
    const int p = int(std::lround(std::log10(double(value) / minimum()) * kStepsPerDecade));
    return std::clamp(p, 0, m_slider->maximum());
}

void CountSlider::skipRepeats(int action)
{
    // Low on a log track several positions stand for one whole number (1 for the first 18
    // of hidden nodes'): a key or the wheel moves on to the next position that changes it.
    // Called while the slider's action runs: the position set here is the one it takes.
    if (action == QAbstractSlider::SliderNoAction || m_slider->isSliderDown())
        return; // a drag goes where the mouse is
    int position = m_slider->sliderPosition();
    const int direction = position > m_slider->value() ? 1 : position < m_slider->value() ? -1 : 0;
    if (direction == 0)
        return;
    const int now = m_spin->value();
    while (valueAt(position) == now && position + direction >= 0 && position + direction <= m_slider->maximum())
        position += direction;
    // ... and to that value's own position, where typing it would put the slider too.
    m_slider->setSliderPosition(positionOf(valueAt(position)));
}

void CountSlider::fromSlider(int position)
{
    const QSignalBlocker block(m_spin);
    m_spin->setValue(valueAt(position));
    if (!m_slider->isSliderDown() && !m_mouseHeld)
        commit(m_spin->value()); // while dragged, the box shows the value; release sends it
}

bool CountSlider::eventFilter(QObject* watched, QEvent* event)
{
    // Seen before the slider's own handling: a press that jumps the handle to the mouse, or a
    // click on the groove that pages, sends its value when the button is let go, as a drag.
    if (watched == m_slider && event->type() == QEvent::MouseButtonPress) {
        m_mouseHeld = true;
    } else if (watched == m_slider && event->type() == QEvent::MouseButtonRelease) {
        m_mouseHeld = false; // the slider's release then sends a dragged value (sliderReleased)
        QMetaObject::invokeMethod(this, [this] { commit(m_spin->value()); }, Qt::QueuedConnection);
    }
    return SliderBox::eventFilter(watched, event);
}

void CountSlider::commit(int value)
{
    valueTaken();
    if (value == m_committed)
        return;
    m_committed = value;
    emit valueChanged(value);
}

QString CountSlider::whyRefused(const QString& typed) const
{
    const QLocale l = m_spin->locale();
    const QString range = tr("%1 to %2 %3").arg(l.toString(minimum()), l.toString(maximum()), m_unit);
    const QString kept = l.toString(m_spin->value());
    const std::optional<double> v = typedNumber(typed, l);
    if (v && *v == std::floor(*v))
        return tr("%1 is out of range: type %2; the box keeps %3.").arg(typed, range, kept);
    return tr("“%1” is not a whole number: type %2; the box keeps %3.").arg(typed, range, kept);
}

} // namespace nnlab::ui
