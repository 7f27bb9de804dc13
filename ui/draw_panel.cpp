#include "draw_panel.h"

#include "digit_canvas.h"
#include "on_screen.h"
#include "pictures.h"
#include "plot_style.h"
#include "wording.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QDir>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace nnlab::ui {

namespace engine = nnlab::engine;

namespace {
constexpr int kSeenScale = 5; // the 28x28 preview at 140 px
}

DrawPanel::DrawPanel(QWidget* parent)
    : QWidget(parent), m_canvas(new DigitCanvas), m_clear(new QPushButton(tr("C&lear"))),
      m_undo(new QPushButton(tr("&Undo"))), m_brush(new QSlider(Qt::Horizontal)),
      m_explain(new QCheckBox(tr("&Explain"))), m_seen(new QLabel), m_answer(new QLabel),
      m_detail(new QLabel), m_plot(new QCustomPlot), m_label(new QSpinBox),
      m_add(new QPushButton(tr("&Add to training set"))), m_addStatus(new QLabel),
      m_mine(new QLabel),
      m_train(new QPushButton(tr("Train on my digits"))), m_trainEpochs(new QSpinBox),
      m_myDigits(new app::MyDigits({}, this)), m_timer(new QTimer(this))
{
    m_clear->setToolTip(tr("Wipe the canvas (Esc; Ctrl+Z brings it back)"));
    m_undo->setToolTip(tr("Take back the last stroke, or the last Clear (Ctrl+Z)"));
    m_brush->setRange(3, 20);
    m_brush->setValue(8);
    m_brush->setToolTip(tr("Brush width. MNIST's digits were written with a pen about a tenth of "
                           "the digit's height wide."));
    m_explain->setToolTip(tr("Colour the pixels by how much they pushed the answer: red towards "
                             "the predicted digit, blue against it (gradient × input)."));
    m_seen->setFixedSize(28 * kSeenScale + 2, 28 * kSeenScale + 2);
    m_seen->setFrameShape(QFrame::Box);
    m_seen->setAlignment(Qt::AlignCenter);
    m_seen->setToolTip(tr("What the network sees: your drawing cropped, scaled into a 20×20 box "
                          "and centred by its centre of mass in 28×28 pixels, as MNIST's digits "
                          "were made."));
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 4);
    big.setBold(true);
    m_answer->setFont(big);
    m_answer->setAlignment(Qt::AlignCenter);
    m_answer->setMinimumWidth(90);
    m_detail->setWordWrap(true);
    m_label->setRange(0, 9);
    m_label->setToolTip(tr("What digit you drew: the label it is saved with. It starts at the "
                           "network's answer; if the network is wrong, set it to the right digit."));
    m_add->setToolTip(tr("Save the 28×28 image with this label to your own digits (my-digits.csv, "
                         "the lesson's CSV format). They join MNIST's training images, now and at "
                         "every start."));
    m_addStatus->setWordWrap(true);
    m_mine->setWordWrap(true);
    m_trainEpochs->setRange(1, 20);
    const auto suffix = [this](int n) { m_trainEpochs->setSuffix(n == 1 ? tr(" epoch") : tr(" epochs")); };
    suffix(m_trainEpochs->value());
    connect(m_trainEpochs, &QSpinBox::valueChanged, this, suffix);
    m_trainEpochs->setToolTip(tr("How many epochs Train on my digits walks through MNIST's "
                                 "training images and yours"));
    m_train->setToolTip(tr("Go on training this network, from its current weights, on MNIST's "
                           "60,000 training images mixed with your digits (the lesson's \"other "
                           "training set\"): a new run on the curves."));

    auto* rect = m_plot->axisRect();
    m_bars = new QCPBars(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    m_bars->setBrush(QColor(31, 119, 180, 170));
    m_bars->setPen(Qt::NoPen);
    m_top = new QCPBars(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    // The answer: outlined, not green (nobody has said what the drawing is; green means "correct").
    m_top->setBrush(QColor(31, 119, 180));
    m_top->setPen(QPen(m_plot->palette().color(QPalette::Text), 2.5)); // follows the palette
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1);
    rect->axis(QCPAxis::atBottom)->setTicker(ticker);
    rect->axis(QCPAxis::atBottom)->setRange(-0.6, 9.6);
    rect->axis(QCPAxis::atBottom)->setLabel(tr("digit"));
    rect->axis(QCPAxis::atLeft)->setRange(0, 1);
    rect->axis(QCPAxis::atLeft)->setLabel(tr("network output"));
    m_plot->setMinimumSize(260, 180);
    followPalette(m_plot);

    auto* tools = new QHBoxLayout;
    tools->addWidget(m_clear);
    tools->addWidget(m_undo);
    tools->addWidget(new QLabel(tr("Brush")));
    tools->addWidget(m_brush, 1);
    tools->addWidget(m_explain);
    auto* left = new QVBoxLayout;
    left->addWidget(m_canvas, 1);
    left->addLayout(tools);

    auto* answerRow = new QHBoxLayout;
    auto* seenColumn = new QVBoxLayout;
    seenColumn->addWidget(new QLabel(tr("What the network sees")));
    seenColumn->addWidget(m_seen);
    answerRow->addLayout(seenColumn);
    answerRow->addWidget(m_answer, 1);
    auto* addRow = new QHBoxLayout;
    auto* thisIs =
        new QLabel(tr("This is %1").arg(indefiniteArticle(QString::number(m_label->value()))));
    connect(m_label, &QSpinBox::valueChanged, thisIs, [thisIs](int digit) {
        thisIs->setText(tr("This is %1").arg(indefiniteArticle(QString::number(digit)))); // an 8
    });
    addRow->addWidget(thisIs);
    addRow->addWidget(m_label);
    addRow->addWidget(m_add, 1);
    auto* right = new QVBoxLayout;
    right->addLayout(answerRow);
    right->addWidget(m_detail);
    right->addWidget(m_plot, 1);
    right->addLayout(addRow);
    right->addWidget(m_addStatus);
    auto* trainRow = new QHBoxLayout;
    trainRow->addWidget(m_train, 1);
    trainRow->addWidget(m_trainEpochs);
    right->addWidget(m_mine);
    right->addLayout(trainRow);

    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(2, 2, 2, 2);
    row->addLayout(left, 3);
    row->addLayout(right, 2);

    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &DrawPanel::classifyNow);
    connect(m_canvas, &DigitCanvas::drawingChanged, this, &DrawPanel::schedule);
    connect(m_canvas, &DigitCanvas::drawingChanged, this, [this] {
        if (m_canvas->isEmpty())
            m_labelChosen = false; // the next drawing's label starts at its answer again
    });
    connect(m_label, &QSpinBox::valueChanged, this, [this] {
        if (!m_labelFollowsAnswer)
            m_labelChosen = true; // the learner's say: the answer no longer moves it
    });
    connect(m_clear, &QPushButton::clicked, m_canvas, &DigitCanvas::clear);
    connect(m_undo, &QPushButton::clicked, m_canvas, &DigitCanvas::undo);
    auto* esc = new QShortcut(QKeySequence(Qt::Key_Escape), this, m_canvas, &DigitCanvas::clear);
    esc->setContext(Qt::WidgetWithChildrenShortcut);
    auto* undo = new QShortcut(QKeySequence::Undo, this, m_canvas, &DigitCanvas::undo);
    undo->setContext(Qt::WidgetWithChildrenShortcut);
    connect(m_brush, &QSlider::valueChanged, this, [this](int v) { m_canvas->setBrushWidth(v / 100.0); });
    m_canvas->setBrushWidth(m_brush->value() / 100.0);
    connect(m_explain, &QCheckBox::toggled, this, &DrawPanel::classifyNow);
    connect(m_add, &QPushButton::clicked, this, &DrawPanel::addToTrainingSet);
    connect(m_train, &QPushButton::clicked, this,
            [this] { emit trainOnMyDigitsRequested(m_trainEpochs->value()); });
    setMyDigits(m_myDigits);
    classifyNow();
}

void DrawPanel::setUserDatasetPath(const QString& path)
{
    m_myDigits->setPath(path);
}

void DrawPanel::setMyDigits(app::MyDigits* digits)
{
    disconnect(m_myDigitsChanged);
    m_myDigits = digits;
    m_myDigitsChanged =
        connect(m_myDigits, &app::MyDigits::changed, this, &DrawPanel::showMyDigits);
    showMyDigits();
}

void DrawPanel::showMyDigits()
{
    const int count = m_myDigits->count();
    const int joined = m_myDigits->inTrainingSet();
    const QString file = QDir::toNativeSeparators(m_myDigits->path());
    m_train->setEnabled(count > 0);
    if (count == 0)
        m_mine->setText(tr("None of your digits yet: they are saved in %1 and join MNIST's "
                           "training images.").arg(file));
    else if (joined == count)
        m_mine->setText(tr("%n of your digits in the training set, after MNIST's 60,000 "
                           "(\"Mine only\" in the Digits view shows them). Saved in %1, they join "
                           "it again at every start.", nullptr, count).arg(file));
    else
        m_mine->setText(tr("%n of your digits saved in %1; %2 in the training set now. They "
                           "join it when MNIST is the data and no run is under way.", nullptr, count)
                            .arg(file)
                            .arg(joined));
}

void DrawPanel::setNetwork(app::NetworkPtr network)
{
    m_network = std::move(network);
    if (!isOnScreen(this)) {
        m_stale = true; // a panel out of sight costs nothing while training
        return;
    }
    schedule(); // the answer follows the network as it learns
}

void DrawPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    catchUp();
}

void DrawPanel::catchUp()
{
    if (m_stale) {
        m_stale = false;
        schedule();
    }
}

bool DrawPanel::classificationPending() const
{
    return m_timer->isActive();
}

void DrawPanel::schedule()
{
    if (m_timer->isActive())
        return;
    const qint64 since = m_sinceLast.isValid() ? m_sinceLast.elapsed() : kMinIntervalMs;
    m_timer->start(int(std::max<qint64>(0, kMinIntervalMs - since)));
}

void DrawPanel::classifyNow()
{
    m_sinceLast.start();
    const bool canRead = m_network && m_network->architecture().inputs == engine::kMnistPixels;
    m_result = {};
    if (canRead && !m_canvas->isEmpty()) {
        try {
            m_result = app::classifyDrawing(*m_network, m_canvas->ink(), m_explain->isChecked());
            ++m_classifications;
        } catch (const std::exception& e) {
            emit failed(QString::fromUtf8(e.what()));
        }
    }
    QVector<double> keys, values, topKey, top; // the answer's bar alone, so only it is outlined
    const int n = int(m_result.outputs.size());
    for (int k = 0; k < (n ? n : 10); ++k) {
        keys << k;
        const double v = k < n ? m_result.outputs[std::size_t(k)] : 0.0;
        values << (k == m_result.digit && n ? 0.0 : v);
        if (k == m_result.digit && n) {
            topKey << k;
            top << v;
        }
    }
    m_bars->setData(keys, values);
    m_top->setData(topKey, top);
    m_plot->replot(QCustomPlot::rpQueuedReplot);

    if (!m_result.seen) {
        m_seen->setPixmap(QPixmap());
        m_seen->setText(QString());
        m_answer->setText(QStringLiteral("–"));
        m_detail->setText(!canRead ? tr("This network does not read 28×28 digits.")
                                   : tr("Draw a digit on the canvas: the network answers as you "
                                        "draw. (An empty canvas is not a digit, so no guess.)"));
        m_canvas->setOverlay({}, {});
        return;
    }
    if (!m_labelChosen && m_result.digit >= m_label->minimum() && m_result.digit <= m_label->maximum()) {
        m_labelFollowsAnswer = true; // "This is a 7": the network's answer, until the learner says otherwise
        m_label->setValue(m_result.digit);
        m_labelFollowsAnswer = false;
    }
    const QImage seen = digitImage(m_result.seen->data(), 28, 28);
    m_seen->setPixmap(pixelPixmap(seen, kSeenScale, m_seen->devicePixelRatioF()));
    m_answer->setText(QString::number(m_result.digit));
    const bool softmax = m_network->architecture().output == engine::Output::Softmax;
    m_detail->setText((softmax ? tr("%1% probability (softmax output)").arg(100.0 * m_result.confidence, 0, 'f', 1)
                               : tr("its largest o_output is %1 (sigmoid outputs are each "
                                    "0..1, not probabilities)").arg(double(m_result.confidence), 0, 'f', 3)) +
                      tr("; read in %1 ms, preprocessing included").arg(m_result.microseconds / 1000.0, 0, 'f', 2));
    if (m_result.saliency.size() == std::size_t(engine::kMnistPixels)) {
        float largest = 1e-9f;
        for (float v : m_result.saliency)
            largest = std::max(largest, std::abs(v));
        QImage overlay(28, 28, QImage::Format_ARGB32);
        for (int i = 0; i < engine::kMnistPixels; ++i) {
            const float v = m_result.saliency[std::size_t(i)] / largest;
            QColor c = QColor::fromRgb(divergingColor(v));
            c.setAlphaF(std::min(1.0f, std::abs(v) * 1.5f));
            overlay.setPixelColor(i % 28, i / 28, c);
        }
        // Where the ink is in the 28x28, to lay the overlay onto the drawing's ink on the canvas.
        int left = 28, top2 = 28, right = -1, bottom = -1;
        for (int i = 0; i < engine::kMnistPixels; ++i)
            if ((*m_result.seen)[std::size_t(i)] >= 26) {
                left = std::min(left, i % 28);
                right = std::max(right, i % 28);
                top2 = std::min(top2, i / 28);
                bottom = std::max(bottom, i / 28);
            }
        m_canvas->setOverlay(overlay, QRectF(left, top2, right - left + 1, bottom - top2 + 1));
    } else {
        m_canvas->setOverlay({}, {});
    }
}

std::vector<double> DrawPanel::bars() const
{
    std::vector<double> out;
    for (auto a = m_bars->data()->constBegin(); a != m_bars->data()->constEnd(); ++a) {
        double v = a->value;
        for (auto b = m_top->data()->constBegin(); b != m_top->data()->constEnd(); ++b)
            if (b->key == a->key)
                v += b->value;
        out.push_back(v);
    }
    return out;
}

void DrawPanel::addToTrainingSet()
{
    if (!m_result.seen) {
        m_addStatus->setText(tr("Draw a digit first."));
        return;
    }
    if (const QString why = m_myDigits->add(m_label->value(), *m_result.seen); !why.isEmpty()) {
        emit failed(why);
        return;
    }
    m_addStatus->setText(tr("Saved as %1 in %2.")
                             .arg(withArticle(QString::number(m_label->value())),
                                  QDir::toNativeSeparators(m_myDigits->path())));
    emit digitAdded(m_myDigits->path(), m_myDigits->count());
    m_canvas->clear();
}

} // namespace nnlab::ui
