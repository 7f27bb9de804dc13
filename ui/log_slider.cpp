#include "log_slider.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QSlider>

#include <algorithm>
#include <cmath>

namespace nnlab::ui {

namespace {
constexpr int kStepsPerDecade = 100;
}

LogSlider::LogSlider(double minimum, double maximum, QWidget* parent)
    : QWidget(parent), m_min(minimum), m_max(maximum), m_slider(new QSlider(Qt::Horizontal)),
      m_spin(new QDoubleSpinBox)
{
    m_slider->setRange(0, toSlider(maximum));
    m_slider->setPageStep(kStepsPerDecade / 4);
    m_spin->setRange(minimum, maximum);
    m_spin->setDecimals(int(std::ceil(-std::log10(minimum))) + 2);
    m_spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_spin->setKeyboardTracking(false);
    m_spin->setMinimumWidth(m_spin->fontMetrics().horizontalAdvance(QStringLiteral("0.000000")) + 24);

    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_slider, 1);
    row->addWidget(m_spin);

    connect(m_slider, &QSlider::valueChanged, this, [this](int position) {
        const double v = fromSlider(position);
        const QSignalBlocker block(m_spin);
        m_spin->setValue(v);
        emit valueChanged(v);
    });
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(toSlider(v));
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

void LogSlider::setToolTip(const QString& text)
{
    QWidget::setToolTip(text);
    m_slider->setToolTip(text);
    m_spin->setToolTip(text);
}

int LogSlider::toSlider(double value) const
{
    return int(std::lround(std::log10(std::clamp(value, m_min, m_max) / m_min) * kStepsPerDecade));
}

double LogSlider::fromSlider(int position) const
{
    // Rounded to 3 significant digits so the spin box shows 0.0316, not 0.031622777.
    const double v = m_min * std::pow(10.0, double(position) / kStepsPerDecade);
    const double scale = std::pow(10.0, 2 - std::floor(std::log10(v)));
    return std::clamp(std::round(v * scale) / scale, m_min, m_max);
}

} // namespace nnlab::ui
