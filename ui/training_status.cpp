#include "training_status.h"

#include "app/lab/model_document.h"

#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QProgressBar>
#include <QStatusBar>

#include <algorithm>
#include <cmath>

namespace nnlab::ui {

namespace {

QString formatDuration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("–");
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 1 : 0);
    const int s = int(std::lround(seconds));
    if (s < 3600)
        return QStringLiteral("%1:%2 min").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// The epoch's progress, drawn flat: the style's progress bar (gradients, rounded ends) took a
// millisecond or more to paint, several times a second, on the thread the trainer shares
// the cores with.
class FlatProgressBar : public QProgressBar
{
public:
    using QProgressBar::QProgressBar;

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        const QRect frame = rect().adjusted(0, 3, -1, -4);
        p.fillRect(frame, palette().base());
        const double share = maximum() > minimum() ? double(value() - minimum()) / double(maximum() - minimum()) : 0.0;
        const int filled = int(std::lround(std::clamp(share, 0.0, 1.0) * (frame.width() - 1)));
        if (filled > 0)
            p.fillRect(QRect(frame.left() + 1, frame.top() + 1, filled, frame.height() - 1), palette().highlight());
        p.setPen(palette().mid().color());
        p.drawRect(frame);
    }
};

} // namespace

TrainingStatus::TrainingStatus(QStatusBar* bar)
    : QObject(bar), m_epochBar(new FlatProgressBar), m_epochLabel(new QLabel), m_speedLabel(new QLabel),
      m_etaLabel(new QLabel), m_testLabel(new QLabel), m_modelLabel(new QLabel),
      m_redraws(new app::RedrawCoalescer(kInterval, this))
{
    connect(m_redraws, &app::RedrawCoalescer::redraw, this, &TrainingStatus::draw);
    m_modelLabel->setObjectName(QStringLiteral("modelAccuracyLabel"));
    m_modelLabel->setToolTip(tr("The opened model's test accuracy: as its file stores it (measured "
                                "when it was trained), and measured again now on the test images "
                                "that are open. The two agree when the test set is the one it was "
                                "measured on."));
    m_modelLabel->hide();
    m_testLabel->setObjectName(QStringLiteral("testAccuracyLabel"));
    m_epochLabel->setObjectName(QStringLiteral("epochLabel"));
    m_epochBar->setRange(0, 1000);
    m_epochBar->setTextVisible(false);
    m_epochBar->setToolTip(tr("Progress through the current epoch"));
    m_speedLabel->setToolTip(tr("Training images per second"));
    m_etaLabel->setToolTip(tr("Time left until the last epoch of this Start ends"));
    m_testLabel->setToolTip(tr("Accuracy on the 10,000 test images the network never trains on, "
                               "at the last epoch end"));
    fitLabels();
    m_epochLabel->installEventFilter(this);
    bar->addPermanentWidget(m_epochLabel);
    bar->addPermanentWidget(m_epochBar);
    bar->addPermanentWidget(m_speedLabel);
    bar->addPermanentWidget(m_etaLabel);
    bar->addPermanentWidget(m_testLabel);
    bar->addPermanentWidget(m_modelLabel);
}

// Fixed sizes, wide enough for the longest text each shows: a label whose width follows its
// text would re-lay out the status bar, and with it the whole window and its docks, every time
// the numbers change while training. Again when the font changes (presentation mode).
void TrainingStatus::fitLabels()
{
    const auto fixWidth = [](QLabel* label, const QString& widest) {
        label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        label->setFixedSize(label->fontMetrics().horizontalAdvance(widest) + 8, label->sizeHint().height());
    };
    fixWidth(m_epochLabel, tr("epoch %1").arg(88888));
    fixWidth(m_speedLabel, tr("%1 images/s").arg(QLocale().toString(8888888)));
    fixWidth(m_etaLabel, tr("%1 left").arg(tr("%1 h %2 min").arg(8888).arg(88)));
    fixWidth(m_testLabel, tr("test accuracy %1%").arg(100.0, 0, 'f', 2));
    m_epochBar->setFixedSize(160, m_epochLabel->height());
}

bool TrainingStatus::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_epochLabel && event->type() == QEvent::FontChange) // queued: after QLabel's own
        QMetaObject::invokeMethod(this, &TrainingStatus::fitLabels, Qt::QueuedConnection);
    return QObject::eventFilter(watched, event);
}

void TrainingStatus::showProgress(const app::ProgressReport& report)
{
    m_latest = report;
    m_redraws->request();
}

void TrainingStatus::showStopped()
{
    clearTimeLeft();
    m_redraws->request();
    m_redraws->flush();
}

void TrainingStatus::clearTimeLeft()
{
    if (m_latest)
        m_latest->etaSeconds = -1;
    m_etaLabel->clear();
}

void TrainingStatus::clearEpoch()
{
    m_epochBar->setValue(0);
}

void TrainingStatus::clearMeasurements()
{
    m_latest.reset();
    m_epochBar->setValue(0);
    m_epochLabel->clear();
    m_etaLabel->clear();
    m_testLabel->clear();
    m_modelLabel->hide();
    m_modelLabel->clear();
}

void TrainingStatus::showTestAccuracy(double accuracy)
{
    m_testLabel->setText(tr("test accuracy %1%").arg(100 * accuracy, 0, 'f', 2));
    m_modelLabel->hide(); // the opened model's figures are of weights trained since
}

void TrainingStatus::showModelAccuracy(const app::AccuracyCheck& check)
{
    const QLocale locale;
    const QString stored = check.stored ? tr("stored %1").arg(double(*check.stored), 0, 'f', 4)
                                        : tr("no stored test accuracy");
    QString measured;
    if (check.images == 0)
        measured = tr("no test images open to measure it on");
    else if (check.measured)
        measured = tr("measured %1 on these %2 test images")
                       .arg(*check.measured, 0, 'f', 4)
                       .arg(locale.toString(qulonglong(check.images)));
    else
        measured = tr("measuring on these %1 test images…").arg(locale.toString(qulonglong(check.images)));
    m_modelLabel->setText(stored + QStringLiteral(" · ") + measured);
    m_modelLabel->show();
}

void TrainingStatus::draw()
{
    if (!m_latest)
        return;
    const app::ProgressReport& r = *m_latest;
    const auto& p = r.progress;
    m_epochBar->setValue(p.epochSize ? int(1000 * p.cursor / p.epochSize) : 0);
    m_epochLabel->setText(tr("epoch %1").arg(p.epoch + 1));
    if (p.samplesPerSecond > 0)
        m_speedLabel->setText(tr("%1 images/s").arg(QLocale().toString(qlonglong(std::llround(p.samplesPerSecond)))));
    m_etaLabel->setText(r.etaSeconds >= 0 ? tr("%1 left").arg(formatDuration(r.etaSeconds)) : QString());
}

} // namespace nnlab::ui
