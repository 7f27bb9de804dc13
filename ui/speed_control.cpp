#include "speed_control.h"

#include "app/common/counted.h"
#include "app/lab/pace.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace nnlab::ui {

namespace {

using app::Pace;

constexpr int kStopCount = int(std::size(Pace::kStops));

// What each stop lets a learner see, in the lesson's words.
QString stopTip(int stop)
{
    switch (stop) {
    case 0:
        return SpeedControl::tr("1 image a second, one image at a time: watch each one move the weights. "
                                "The step inspector shows the image being learned, its h_output, "
                                "o_output and o_errors = target − o_output; the weight tiles change "
                                "after every image.");
    case 1:
        return SpeedControl::tr("10 images a second: the first hundred images shape w_i_h in ten "
                                "seconds, and every update still shows in the weights, the step "
                                "inspector and the curves.");
    case 2:
        return SpeedControl::tr("100 images a second: the lesson's first 100 training images in a "
                                "second; every update still shows.");
    case 3:
        return SpeedControl::tr("1,000 images a second: the weights and curves follow a few times a "
                                "second, as at full speed.");
    case 4:
        return SpeedControl::tr("10,000 images a second: an epoch of 60,000 images in six seconds.");
    default:
        return SpeedControl::tr("As fast as it goes: no waiting between images; the views follow a "
                                "few times a second.");
    }
}

int nearestStop(double imagesPerSecond)
{
    if (!(imagesPerSecond > 0) || !std::isfinite(imagesPerSecond))
        return kStopCount - 1;
    int best = 0;
    for (int i = 1; i < kStopCount - 1; ++i)
        if (std::abs(std::log10(Pace::kStops[i]) - std::log10(imagesPerSecond)) <
            std::abs(std::log10(Pace::kStops[best]) - std::log10(imagesPerSecond)))
            best = i;
    return best;
}

} // namespace

SpeedControl::SpeedControl(QWidget* parent)
    : QWidget(parent), m_slider(new QSlider(Qt::Horizontal)), m_value(new QLabel),
      m_slower(new QAction(tr("Slower"), this)), m_faster(new QAction(tr("Faster"), this))
{
    m_slider->setRange(0, kStopCount - 1);
    m_slider->setSingleStep(1);
    m_slider->setPageStep(1);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(1);
    m_slider->setFocusPolicy(Qt::StrongFocus);
    m_slider->setFixedWidth(110);
    m_slider->setValue(kStopCount - 1);
    m_slider->setAccessibleName(tr("Training speed"));
    // As wide as the widest value, so that the toolbar does not move as the speed changes.
    int widest = 0;
    for (int i = 0; i < kStopCount; ++i)
        widest = std::max(widest, m_value->fontMetrics().horizontalAdvance(describe(Pace::kStops[i])));
    m_value->setMinimumWidth(widest + 4);

    auto* title = new QLabel(tr("Speed:"));
    title->setBuddy(m_slider);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(12, 0, 4, 0); // apart from the actions before it
    row->addWidget(title);
    row->addWidget(m_slider);
    row->addWidget(m_value);

    // Window-wide: Ctrl+[ and Ctrl+] as a video player's [ and ] change its speed.
    m_slower->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_BracketLeft));
    m_faster->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_BracketRight));
    for (QAction* a : {m_slower, m_faster}) {
        a->setShortcutContext(Qt::WindowShortcut);
        addAction(a);
    }
    connect(m_slower, &QAction::triggered, this, [this] { m_slider->setValue(m_slider->value() - 1); });
    connect(m_faster, &QAction::triggered, this, [this] { m_slider->setValue(m_slider->value() + 1); });
    connect(m_slider, &QSlider::valueChanged, this, [this](int stop) {
        showStop(stop);
        emit imagesPerSecondChanged(Pace::kStops[stop]);
    });
    showStop(m_slider->value());
}

double SpeedControl::imagesPerSecond() const
{
    return Pace::kStops[m_slider->value()];
}

void SpeedControl::setImagesPerSecond(double imagesPerSecond)
{
    const QSignalBlocker block(m_slider);
    m_slider->setValue(nearestStop(imagesPerSecond));
    showStop(m_slider->value());
}

QString SpeedControl::describe(double imagesPerSecond)
{
    if (!(imagesPerSecond > 0))
        return tr("as fast as it goes");
    return app::counted(qint64(std::llround(imagesPerSecond)), tr("image/s"), tr("images/s"));
}

void SpeedControl::showStop(int stop)
{
    m_value->setText(describe(Pace::kStops[stop]));
    const QString tip = tr("Slow motion: how many training images a second (Ctrl+[ slower, Ctrl+] "
                           "faster), while training runs too. Up to 100 a second every image "
                           "shows.\n\nNow: %1")
                            .arg(stopTip(stop));
    for (QWidget* w : {static_cast<QWidget*>(this), static_cast<QWidget*>(m_slider)})
        w->setToolTip(tip);
    m_slower->setEnabled(stop > 0);
    m_faster->setEnabled(stop < kStopCount - 1);
}

} // namespace nnlab::ui
