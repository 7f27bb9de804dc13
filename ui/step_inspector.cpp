#include "step_inspector.h"

#include "pictures.h"
#include "plot_style.h"
#include "weight_tiles.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>

namespace nnlab::ui {

namespace {

constexpr int kDigitScale = 4;
const QColor kRightAnswer(44, 160, 44);        // green: correct, as in every view
const QColor kOtherOutput(31, 119, 180, 170);  // the other outputs' bars

QVector<double> keysFor(Eigen::Index n)
{
    QVector<double> k(n);
    for (Eigen::Index i = 0; i < n; ++i)
        k[i] = double(i);
    return k;
}

QVector<double> valuesOf(const engine::Vector& v)
{
    QVector<double> out(v.size());
    for (Eigen::Index i = 0; i < v.size(); ++i)
        out[i] = v[i];
    return out;
}

QCPBars* bars(QCPAxisRect* rect, const QColor& color)
{
    auto* b = new QCPBars(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    b->setBrush(color);
    b->setPen(Qt::NoPen);
    b->setWidthType(QCPBars::wtPlotCoords);
    b->setWidth(0.8);
    return b;
}

void fitRange(QCPAxisRect* rect, double n, std::initializer_list<const QVector<double>*> series,
              bool fromZero = false)
{
    double lo = 0, hi = 0;
    for (const auto* s : series)
        for (double v : *s) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    const double pad = std::max(1e-3, (hi - lo) * 0.08);
    rect->axis(QCPAxis::atBottom)->setRange(-0.7, n - 0.3);
    rect->axis(QCPAxis::atLeft)->setRange(fromZero ? std::min(0.0, lo) : lo - pad, hi + pad);
}

// Widens one axis's range below or above zero so that both axes put 0 at the same height:
// h_input's zero line is h_output's, whatever their scales.
void alignZeros(QCPAxis* a, QCPAxis* b)
{
    QCPRange ra = a->range(), rb = b->range();
    ra.lower = std::min(ra.lower, 0.0);
    ra.upper = std::max(ra.upper, 0.0);
    rb.lower = std::min(rb.lower, 0.0);
    rb.upper = std::max(rb.upper, 0.0);
    // The share of each axis's height below zero; the larger one sets both.
    const auto below = [](const QCPRange& r) { return r.size() > 0 ? -r.lower / r.size() : 0.0; };
    const double f = std::max(below(ra), below(rb));
    for (QCPRange* r : {&ra, &rb}) {
        if (f < 1.0 && below(*r) < f) // reach further down: -lower / (upper - lower) = f
            r->lower = -f * r->upper / (1.0 - f);
    }
    a->setRange(ra);
    b->setRange(rb);
}

} // namespace

StepInspector::StepInspector(QWidget* parent)
    : QWidget(parent), m_digit(new QLabel), m_caption(new QLabel), m_step(new QPushButton(tr("&Step on this image"))),
      m_layer(new QComboBox), m_change(new WeightTiles), m_changeText(new QLabel), m_plot(new QCustomPlot)
{
    m_digit->setFixedSize(28 * kDigitScale, 28 * kDigitScale);
    m_digit->setFrameShape(QFrame::Box);
    m_digit->setAlignment(Qt::AlignCenter);
    m_digit->setText(tr("Click a digit\nin the gallery"));
    m_caption->setWordWrap(true);
    m_step->setEnabled(false);
    m_stepTip = tr("Train on exactly this image, once, as the lesson's train() does: forward, "
                   "errors, then w += l_r · errors · slope · input^T. The tiles below then show "
                   "which weights moved.");
    m_step->setToolTip(m_stepTip);
    m_layer->setToolTip(tr("Which hidden layer's values to show"));
    m_changeText->setWordWrap(true);
    m_changeText->setText(tr("The change of w_i_h made by one step shows here."));
    m_change->setPlaceholder(tr("Pick a training image in the\ngallery and press Step"));

    // Hidden layer on the left, outputs on the right; values above, errors below.
    m_plot->plotLayout()->clear();
    const char* const names[] = {"h_input ●", "h_errors", "o_output ▮  target ✕", "o_errors"};
    for (int r = 0; r < 4; ++r) {
        auto* rect = new QCPAxisRect(m_plot);
        m_plot->plotLayout()->addElement(r % 2, r / 2, rect);
        rect->axis(QCPAxis::atLeft)->setLabel(QString::fromUtf8(names[r]));
        rect->axis(QCPAxis::atBottom)->setLabel(r < 2 ? tr("hidden node") : tr("output node (class)"));
        m_rects.push_back(rect);
    }
    auto* left = new QCPMarginGroup(m_plot);
    auto* right = new QCPMarginGroup(m_plot);
    for (int r = 0; r < 4; ++r)
        m_rects[std::size_t(r)]->setMarginGroup(QCP::msLeft | QCP::msRight, r < 2 ? left : right);
    m_plot->plotLayout()->setColumnStretchFactor(0, 3);
    m_plot->plotLayout()->setColumnStretchFactor(1, 2);
    m_plot->setToolTip(tr("Left: the hidden layer's input sums h_input = w_i_h · x (dots) and "
                          "outputs h_output = sigmoid(h_input) (bars), and the errors sent back "
                          "to it, h_errors = w_h_oᵀ · o_errors. Right: the outputs o_output "
                          "(the network's answer outlined; green when it is right) against the "
                          "target (✕), and "
                          "o_errors = target − o_output."));
    // h_output (0..1 for sigmoid) on its own right-hand axis, beside h_input's larger sums.
    m_rects[0]->axis(QCPAxis::atRight)->setVisible(true);
    m_rects[0]->axis(QCPAxis::atRight)->setLabel(QStringLiteral("h_output ▮"));
    m_hOutput = new QCPBars(m_rects[0]->axis(QCPAxis::atBottom), m_rects[0]->axis(QCPAxis::atRight));
    m_hOutput->setBrush(QColor(31, 119, 180, 150));
    m_hOutput->setPen(Qt::NoPen);
    m_hOutput->setWidthType(QCPBars::wtPlotCoords);
    m_hOutput->setWidth(0.8);
    m_hInput = m_plot->addGraph(m_rects[0]->axis(QCPAxis::atBottom), m_rects[0]->axis(QCPAxis::atLeft));
    m_hInput->setPen(QPen(QColor(120, 120, 120), 1));
    m_hInput->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 3));
    m_hErrors = bars(m_rects[1], QColor(214, 39, 40, 170));
    m_oOutput = bars(m_rects[2], kOtherOutput);
    m_predicted = bars(m_rects[2], kRightAnswer); // recoloured for each trace
    m_target = m_plot->addGraph(m_rects[2]->axis(QCPAxis::atBottom), m_rects[2]->axis(QCPAxis::atLeft));
    m_target->setLineStyle(QCPGraph::lsNone);
    m_target->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(m_plot->palette().color(QPalette::Text), 2), Qt::NoBrush, 9));
    m_oErrors = bars(m_rects[3], QColor(214, 39, 40, 170));
    m_plot->setMinimumSize(420, 220);
    followPalette(m_plot);

    auto* digitColumn = new QVBoxLayout;
    digitColumn->addWidget(m_digit);
    digitColumn->addWidget(m_caption);
    digitColumn->addWidget(m_step);
    auto* layerRow = new QHBoxLayout;
    layerRow->addWidget(new QLabel(tr("Hidden layer:")));
    layerRow->addWidget(m_layer, 1);
    digitColumn->addLayout(layerRow);
    digitColumn->addStretch(1);
    auto* changeScroll = new QScrollArea;
    changeScroll->setWidget(m_change);
    changeScroll->setWidgetResizable(true);
    changeScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* changeColumn = new QVBoxLayout;
    changeColumn->addWidget(m_changeText);
    changeColumn->addWidget(changeScroll, 1);
    auto* changeBox = new QWidget;
    changeBox->setLayout(changeColumn);
    changeBox->setMinimumWidth(260);
    m_caption->setMaximumWidth(28 * kDigitScale + 20);
    m_changeText->setMaximumWidth(360);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(2, 2, 2, 2);
    row->addLayout(digitColumn, 0);
    row->addWidget(m_plot, 3);
    row->addWidget(changeBox, 1);

    connect(m_step, &QPushButton::clicked, this, &StepInspector::stepRequested);
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] { drawLayer(); });
}

void StepInspector::setTrace(const engine::LessonTrace& trace, const QImage& digit,
                             const QString& caption, bool canStep, const QString& whyNot)
{
    if (m_following)
        return; // the images training learns take its place
    const double answerOutput = trace.outputOutput.size() ? trace.outputOutput[trace.predicted] : 0;
    display(trace, digit,
            tr("%1\nlabel %2, the network says %3 (o_output %4)")
                .arg(caption)
                .arg(trace.label)
                .arg(trace.predicted)
                .arg(answerOutput, 0, 'f', 3),
            canStep, whyNot);
}

void StepInspector::setFollowingTraining(bool following)
{
    m_following = following;
    // Up to 100 images a second: square bars without antialiasing take half the time to draw
    // (3 instead of 6 ms a replot here), and the event loop stays responsive.
    m_plot->setNotAntialiasedElements(following ? QCP::aeAll : QCP::aeNone);
}

void StepInspector::showLearned(const engine::LessonTrace& trace, const QImage& digit, const QString& caption)
{
    const double answerOutput = trace.outputOutput.size() ? trace.outputOutput[trace.predicted] : 0;
    display(trace, digit,
            tr("%1\nlabel %2; before this update the network said %3 (o_output %4)")
                .arg(caption)
                .arg(trace.label)
                .arg(trace.predicted)
                .arg(answerOutput, 0, 'f', 3),
            false, tr("Training is running: pause it to step on an image yourself."));
}

QString StepInspector::caption() const
{
    return m_caption->text();
}

void StepInspector::display(const engine::LessonTrace& trace, const QImage& digit, const QString& text, bool canStep,
                            const QString& whyNot)
{
    m_trace = trace;
    m_hasTrace = true;
    m_digit->setPixmap(pixelPixmap(digit, kDigitScale, m_digit->devicePixelRatioF()));
    m_caption->setText(text);
    m_step->setEnabled(canStep);
    m_step->setToolTip(canStep ? m_stepTip : m_stepTip + QStringLiteral("\n\n") + whyNot);
    const int layers = int(trace.hiddenOutputs.size());
    if (m_layer->count() != layers) {
        const QSignalBlocker block(m_layer);
        m_layer->clear();
        for (int l = 0; l < layers; ++l)
            m_layer->addItem(tr("layer %1").arg(l + 1));
    }
    m_layer->setEnabled(layers > 1);

    const Eigen::Index outputs = trace.outputOutput.size();
    const QVector<double> keys = keysFor(outputs), o = valuesOf(trace.outputOutput),
                          t = valuesOf(trace.target), e = valuesOf(trace.outputErrors);
    QVector<double> others = o, predictedKey, predicted; // the answer's bar alone
    if (outputs) {
        predictedKey << double(trace.predicted);
        predicted << o[trace.predicted];
        others[trace.predicted] = 0;
    }
    // The network's answer: green when it is the label, else outlined (green means "correct").
    const bool right = trace.predicted == trace.label;
    m_predicted->setBrush(right ? kRightAnswer : QColor(kOtherOutput.rgb()));
    m_predicted->setPen(right ? QPen(Qt::NoPen) : QPen(m_plot->palette().color(QPalette::Text), 2.5));
    m_oOutput->setData(keys, others);
    m_predicted->setData(predictedKey, predicted);
    m_target->setData(keys, t);
    m_oErrors->setData(keys, e);
    fitRange(m_rects[2], double(outputs), {&o, &t}, true);
    fitRange(m_rects[3], double(outputs), {&e});
    drawLayer();
}

void StepInspector::drawLayer()
{
    const int l = std::max(0, m_layer->currentIndex());
    if (!m_hasTrace || l >= int(m_trace.hiddenOutputs.size())) {
        for (auto* b : {m_hOutput, m_hErrors})
            b->data()->clear();
        m_hInput->data()->clear();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const Eigen::Index n = m_trace.hiddenOutputs[std::size_t(l)].size();
    const QVector<double> keys = keysFor(n), in = valuesOf(m_trace.hiddenInputs[std::size_t(l)]),
                          out = valuesOf(m_trace.hiddenOutputs[std::size_t(l)]),
                          err = valuesOf(m_trace.hiddenErrors[std::size_t(l)]);
    m_hOutput->setData(keys, out);
    m_hInput->setData(keys, in);
    m_hErrors->setData(keys, err);
    fitRange(m_rects[0], double(n), {&in});
    double top = 1e-3, bottom = 0;
    for (double v : out) {
        top = std::max(top, v);
        bottom = std::min(bottom, v);
    }
    m_rects[0]->axis(QCPAxis::atRight)->setRange(bottom, top * 1.05);
    alignZeros(m_rects[0]->axis(QCPAxis::atLeft), m_rects[0]->axis(QCPAxis::atRight));
    fitRange(m_rects[1], double(n), {&err});
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

std::vector<double> StepInspector::shown(const QString& name) const
{
    auto read = [](const QCPBars* b) {
        std::vector<double> v;
        for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it)
            v.push_back(it->value);
        return v;
    };
    if (name == QLatin1String("o_output")) {
        std::vector<double> a = read(m_oOutput);
        const auto& answer = *m_predicted->data();
        for (auto it = answer.constBegin(); it != answer.constEnd(); ++it)
            if (it->key >= 0 && std::size_t(it->key) < a.size())
                a[std::size_t(it->key)] += it->value;
        return a;
    }
    if (name == QLatin1String("o_errors"))
        return read(m_oErrors);
    if (name == QLatin1String("h_output"))
        return read(m_hOutput);
    if (name == QLatin1String("h_errors"))
        return read(m_hErrors);
    if (name == QLatin1String("h_input") || name == QLatin1String("target")) {
        const QCPGraph* g = name == QLatin1String("target") ? m_target : m_hInput;
        std::vector<double> v;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            v.push_back(it->value);
        return v;
    }
    return {};
}

void StepInspector::setWeightChange(const engine::Network& before, const engine::Network& after,
                                    int imageRows, int imageCols)
{
    if (before.layerCount() == 0 || !(before.architecture() == after.architecture()))
        return;
    const engine::Matrix delta = after.weights(0) - before.weights(0);
    m_change->setWeights(delta, imageRows, imageCols, false);
    Eigen::Index neuron = 0;
    const float largest = delta.rowwise().lpNorm<1>().maxCoeff(&neuron);
    const float total = delta.cwiseAbs().sum();
    m_changeText->setText(tr("Δ w_i_h from this one step (red grew, blue shrank, one scale): the "
                             "total change is %1, the most in neuron %2 (%3). Pixels that were "
                             "near 0 barely change their weights: the update is proportional to "
                             "the input.")
                              .arg(double(total), 0, 'g', 3)
                              .arg(neuron)
                              .arg(double(largest), 0, 'g', 3));
}

} // namespace nnlab::ui
