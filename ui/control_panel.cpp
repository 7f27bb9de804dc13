#include "control_panel.h"

#include "log_slider.h"

#include <QAbstractSlider>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <limits>

namespace nnlab::ui {

namespace engine = nnlab::engine;

namespace {

QSpinBox* spinBox(int minimum, int maximum, const QString& tip)
{
    auto* s = new QSpinBox;
    s->setRange(minimum, maximum);
    s->setKeyboardTracking(false); // typing "200" is one change, not three
    s->setGroupSeparatorShown(true);
    s->setToolTip(tip);
    return s;
}

QDoubleSpinBox* decimalBox(double minimum, double maximum, double step, int decimals,
                           const QString& tip)
{
    auto* s = new QDoubleSpinBox;
    s->setRange(minimum, maximum);
    s->setSingleStep(step);
    s->setDecimals(decimals);
    s->setKeyboardTracking(false);
    s->setToolTip(tip);
    return s;
}

// A slider with a spin box beside it (ui/log_slider.h).
CountSlider* countSlider(int minimum, int maximum, CountSlider::Scale scale, const QString& unit,
                         int sliderMaximum, const QString& tip)
{
    auto* s = new CountSlider(minimum, maximum, scale, unit, sliderMaximum);
    s->setToolTip(tip);
    return s;
}

QComboBox* comboBox(const QStringList& items, const QString& tip)
{
    auto* c = new QComboBox;
    c->addItems(items);
    c->setToolTip(tip);
    return c;
}

QCheckBox* checkBox(const QString& text, const QString& tip)
{
    auto* c = new QCheckBox(text);
    c->setToolTip(tip);
    return c;
}

// Spin boxes, combo boxes and sliders take the wheel only when focused (clicked or tabbed into):
// an ignored wheel goes on to the scroll area, so scrolling the panel changes no value.
class WheelOnlyWhenFocused : public QObject
{
public:
    using QObject::QObject;
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() != QEvent::Wheel)
            return false;
        const auto* w = qobject_cast<QWidget*>(watched);
        if (!w || w->hasFocus())
            return false;
        event->ignore();
        return true;
    }
};

} // namespace

ControlPanel::ControlPanel(QWidget* parent) : QWidget(parent)
{
    // --- The network -------------------------------------------------------------------------
    auto* network = new QGroupBox(tr("Network"));
    m_networkForm = new QFormLayout(network);
    m_layers = spinBox(0, kMaxHiddenLayers,
                       tr("How many hidden layers sit between the 784 inputs and the 10 outputs. "
                          "The lesson has one; 0 links the inputs straight to the outputs."));
    m_networkForm->addRow(tr("Hidden &layers"), m_layers);
    for (int l = 0; l < kMaxHiddenLayers; ++l) {
        auto* nodes = countSlider(1, kMaxHiddenNodes, CountSlider::Scale::Log, tr("hidden nodes"), 0,
                                  tr("Nodes in hidden layer %1 (the lesson's h_n = 90): each learns "
                                     "one pattern of its inputs, so more nodes can learn more "
                                     "patterns but train slower. Too many overfit: the lesson's "
                                     "150 hidden nodes on 100 images score well on the images "
                                     "they saw and worse on the test set. The slider runs 1 to "
                                     "1,024 on a log scale.")
                                      .arg(l + 1));
        nodes->setValue(90);
        m_nodes.push_back(nodes);
        m_networkForm->addRow(l == 0 ? tr("Hidden &nodes") : tr("  layer %1 nodes").arg(l + 1),
                              nodes);
        connect(nodes, &CountSlider::valueChanged, this, [this] {
            if (!m_updating)
                emit shapeChanged(); // while training, the window asks before it restarts
        });
    }
    m_activation = comboBox({tr("Sigmoid"), tr("Tanh"), tr("ReLU")},
                            tr("The hidden nodes' activation function: sigmoid squashes h_input "
                               "into 0..1 as in the lesson; tanh into -1..1; ReLU passes positive "
                               "sums and cuts negative ones to 0."));
    m_networkForm->addRow(tr("&Activation"), m_activation);
    m_outputLoss = comboBox({tr("Sigmoid + squared error (lesson)"),
                             tr("Softmax + cross-entropy (modern)")},
                            tr("The lesson: each output is a sigmoid and the error is "
                               "1/2 Σ(target − o_output)² against targets 0.01/0.99. Modern: "
                               "softmax turns the outputs into probabilities, scored by "
                               "cross-entropy."));
    m_networkForm->addRow(tr("&Output, loss"), m_outputLoss);
    m_biases = checkBox(tr("Biases"), tr("Give every node an extra weight from a constant input "
                                         "of 1 (the lesson's network has none; Keras adds them)."));
    m_networkForm->addRow(QString(), m_biases);
    m_init = comboBox({tr("Lesson: N(0, h_n^-0.5)"), tr("Fan-in: N(0, n_in^-0.5)"),
                       tr("Keras normal: N(0, 0.05)"), tr("Glorot uniform"), tr("He normal")},
                      tr("The random starting weights. The lesson draws them from a normal "
                         "distribution with standard deviation 1/√(nodes of the receiving "
                         "layer), so no node starts saturated. Used by Reset."));
    m_networkForm->addRow(tr("&Initial weights"), m_init);
    m_scaling = comboBox({tr("x/255×0.99+0.01 (lesson)"), tr("x/255")},
                         tr("How pixels 0..255 become inputs. The lesson maps them into "
                            "0.01..1.0 so no input is 0, because a 0 input would stop its "
                            "weights from ever changing."));
    m_networkForm->addRow(tr("Input &scaling"), m_scaling);
    m_seed = spinBox(1, std::numeric_limits<int>::max(),
                     tr("The random seed of the initial weights: the same seed gives the same "
                        "starting network, so runs can be compared fairly. Used by Reset."));
    m_networkForm->addRow(tr("S&eed"), m_seed);

    // --- Learning ------------------------------------------------------------------------------
    auto* learning = new QGroupBox(tr("Learning"));
    m_learningForm = new QFormLayout(learning);
    m_learningRate = new LogSlider(1e-4, 1.0);
    m_learningRate->setToolTip(
        tr("The learning rate l_r: how far each update moves the weights down the error's "
           "slope. Too small learns slowly; too large overshoots. The lesson uses 0.1 (0.3 on "
           "100 images). Changes apply from the next batch."));
    m_learningForm->addRow(tr("Learning &rate"), m_learningRate);
    m_optimizer = comboBox({tr("SGD"), tr("Momentum"), tr("RMSprop"), tr("Adam")},
                           tr("How errors become weight changes. SGD is the lesson's "
                              "w += l_r·(errors·slope)·input^T; momentum keeps part of the last "
                              "step; RMSprop and Adam scale each weight's step by its recent "
                              "gradients."));
    m_learningForm->addRow(tr("O&ptimizer"), m_optimizer);
    m_momentum = decimalBox(0.0, 0.999, 0.05, 3,
                            tr("Momentum: the share of the previous step carried into the next, "
                               "like a ball rolling downhill."));
    m_learningForm->addRow(tr("Momentum"), m_momentum);
    m_rho = decimalBox(0.0, 0.999, 0.05, 3,
                       tr("RMSprop's ρ: how slowly the running average of squared gradients "
                          "forgets."));
    m_learningForm->addRow(tr("ρ (rho)"), m_rho);
    m_beta1 = decimalBox(0.0, 0.999, 0.05, 3,
                         tr("Adam's β1: how slowly the running mean of the gradient forgets."));
    m_learningForm->addRow(tr("β1"), m_beta1);
    m_beta2 = decimalBox(0.0, 0.9999, 0.001, 4,
                         tr("Adam's β2: how slowly the running mean of the squared gradient "
                            "forgets."));
    m_learningForm->addRow(tr("β2"), m_beta2);
    m_lessonErrors = checkBox(
        tr("Lesson's error shortcut"),
        tr("Send o_errors = target − o_output back as the lesson's code does "
           "(h_errors = w_h_oᵀ·o_errors), instead of the exact gradient that also multiplies by "
           "the output's slope. Needed to reproduce the lesson's figures."));
    m_learningForm->addRow(QString(), m_lessonErrors);
    m_batch = countSlider(1, kMaxBatch, CountSlider::Scale::Log, tr("images per batch"), kSliderMaxBatch,
                          tr("Images per weight update: 1 is the lesson's one-image-at-a-time "
                             "update; Keras averages the gradient over 200. Changes apply from "
                             "the next batch. The slider runs 1 to 1,000 on a log scale; the box "
                             "takes up to 2,048."));
    m_learningForm->addRow(tr("&Batch size"), m_batch);
    m_epochs = countSlider(1, kMaxEpochs, CountSlider::Scale::Linear, tr("epochs"), kSliderMaxEpochs,
                           tr("Epochs: how many times Start walks through the whole training set "
                              "(the lesson: 5 on 100 images, 2 on 60,000). Many epochs on few "
                              "images overfit: training accuracy climbs while test accuracy "
                              "stalls. The slider runs 1 to 100; the box takes up to 1,000."));
    m_learningForm->addRow(tr("E&pochs"), m_epochs);
    m_decay = decimalBox(0.05, 1.0, 0.05, 2,
                         tr("After every epoch, l_r is multiplied by this: big steps first, then "
                            "smaller, more accurate ones. 1 keeps l_r constant, as the lesson."));
    m_learningForm->addRow(tr("l_r decay / epoch"), m_decay);
    m_trainingSize = countSlider(kMinTrainingSize, 60000, CountSlider::Scale::Log, tr("training images"), 0,
                                 tr("Train on the first N images only. The lesson starts with 100 "
                                    "and reaches about 60%; all 60,000 give about 95%. Few images "
                                    "overfit: the net remembers the images it trains on (training "
                                    "accuracy far above test, the shaded gap on the curves), and "
                                    "more images close the gap. The slider runs from 100 to all "
                                    "on a log scale."));
    m_trainingSize->spinBox()->setSingleStep(100);
    m_learningForm->addRow(tr("&Training images"), m_trainingSize);
    m_shuffle = checkBox(tr("Shuffle every epoch"),
                         tr("Walk the training images in a new random order every epoch (Keras), "
                            "or in the file's order (the lesson)."));
    m_learningForm->addRow(QString(), m_shuffle);

    // --- Data ------------------------------------------------------------------------------------
    auto* data = new QGroupBox(tr("Data"));
    auto* dataForm = new QFormLayout(data);
    m_dataset = comboBox({}, tr("The images to learn from: the bundled MNIST handwritten digits, "
                                "Fashion-MNIST clothes when installed, or your own IDX or CSV "
                                "files."));
    dataForm->addRow(tr("&Dataset"), m_dataset);

    auto* column = new QVBoxLayout(this);
    column->addWidget(network);
    column->addWidget(learning);
    column->addWidget(data);
    column->addStretch(1);

    // --- What changed ------------------------------------------------------------------------
    auto shape = [this] {
        if (!m_updating)
            emit shapeChanged();
    };
    auto runSetting = [this] {
        if (!m_updating)
            emit runSettingsChanged();
    };
    auto optimizer = [this] {
        showOptimizerRows();
        if (!m_updating)
            emit optimizerChanged(optimizerSettings());
    };
    connect(m_layers, &QSpinBox::valueChanged, this, [this, shape](int layers) {
        showLayerRows(layers);
        shape();
    });
    connect(m_activation, &QComboBox::currentIndexChanged, this, shape);
    connect(m_outputLoss, &QComboBox::currentIndexChanged, this, shape);
    connect(m_biases, &QCheckBox::toggled, this, shape);
    connect(m_scaling, &QComboBox::currentIndexChanged, this, shape);
    connect(m_init, &QComboBox::currentIndexChanged, this, runSetting);
    connect(m_seed, &QSpinBox::valueChanged, this, runSetting);
    connect(m_lessonErrors, &QCheckBox::toggled, this, runSetting);
    connect(m_trainingSize, &CountSlider::valueChanged, this, runSetting);
    connect(m_shuffle, &QCheckBox::toggled, this, runSetting);
    connect(m_learningRate, &LogSlider::valueChanged, this, [this](double lr) {
        if (!m_updating)
            emit learningRateChanged(float(lr));
    });
    connect(m_optimizer, &QComboBox::currentIndexChanged, this, optimizer);
    for (QDoubleSpinBox* box : {m_momentum, m_rho, m_beta1, m_beta2})
        connect(box, &QDoubleSpinBox::valueChanged, this, optimizer);
    connect(m_batch, &CountSlider::valueChanged, this, [this](int n) {
        if (!m_updating)
            emit batchSizeChanged(n);
    });
    connect(m_epochs, &CountSlider::valueChanged, this, [this](int n) {
        if (!m_updating)
            emit epochsChanged(n);
    });
    connect(m_decay, &QDoubleSpinBox::valueChanged, this, [this](double d) {
        if (!m_updating)
            emit learningRateDecayChanged(float(d));
    });
    connect(m_dataset, &QComboBox::activated, this, &ControlPanel::datasetChosen);

    auto* wheel = new WheelOnlyWhenFocused(this);
    QList<QWidget*> valueWidgets;
    for (auto* w : findChildren<QAbstractSpinBox*>())
        valueWidgets.append(w);
    for (auto* w : findChildren<QComboBox*>())
        valueWidgets.append(w);
    for (auto* w : findChildren<QAbstractSlider*>())
        valueWidgets.append(w);
    for (QWidget* w : valueWidgets) {
        w->setFocusPolicy(Qt::StrongFocus); // not Qt::WheelFocus: a wheel gives no focus
        w->installEventFilter(wheel);
    }

    setSetup(app::TrainingSetup::fromPreset(engine::presets().front()));
}

QSpinBox* ControlPanel::hiddenNodes(int layer) const
{
    return m_nodes[std::size_t(layer)]->spinBox();
}

QSpinBox* ControlPanel::batchSize() const
{
    return m_batch->spinBox();
}

QSpinBox* ControlPanel::epochs() const
{
    return m_epochs->spinBox();
}

QSpinBox* ControlPanel::trainingSize() const
{
    return m_trainingSize->spinBox();
}

void ControlPanel::showLayerRows(int layers)
{
    for (int l = 0; l < kMaxHiddenLayers; ++l)
        m_networkForm->setRowVisible(m_nodes[std::size_t(l)], l < layers);
    m_networkForm->setRowVisible(m_activation, layers > 0);
}

void ControlPanel::showOptimizerRows()
{
    const int kind = m_optimizer->currentIndex();
    m_learningForm->setRowVisible(m_momentum, kind == int(engine::OptimizerKind::Momentum));
    m_learningForm->setRowVisible(m_rho, kind == int(engine::OptimizerKind::RMSprop));
    m_learningForm->setRowVisible(m_beta1, kind == int(engine::OptimizerKind::Adam));
    m_learningForm->setRowVisible(m_beta2, kind == int(engine::OptimizerKind::Adam));
}

engine::OptimizerSettings ControlPanel::optimizerSettings() const
{
    engine::OptimizerSettings o;
    o.kind = engine::OptimizerKind(std::clamp(m_optimizer->currentIndex(), 0, 3));
    o.learningRate = float(m_learningRate->value());
    o.momentum = float(m_momentum->value());
    o.rho = float(m_rho->value());
    o.beta1 = float(m_beta1->value());
    o.beta2 = float(m_beta2->value());
    return o;
}

void ControlPanel::setSetup(const app::TrainingSetup& s)
{
    m_updating = true;
    const auto& a = s.architecture;
    const int layers = std::min<int>(int(a.hidden.size()), kMaxHiddenLayers);
    m_layers->setValue(layers);
    for (int l = 0; l < layers; ++l)
        m_nodes[std::size_t(l)]->setValue(a.hidden[std::size_t(l)]);
    showLayerRows(layers);
    m_activation->setCurrentIndex(int(a.hiddenActivation));
    m_outputLoss->setCurrentIndex(a.output == engine::Output::Softmax ? 1 : 0);
    m_biases->setChecked(a.biases);
    m_init->setCurrentIndex(int(s.init));
    m_scaling->setCurrentIndex(int(a.scaling));
    m_seed->setValue(int(std::clamp<std::uint64_t>(s.weightSeed, 1, std::numeric_limits<int>::max())));
    const auto& o = s.training.optimizer;
    m_learningRate->setValue(o.learningRate);
    m_optimizer->setCurrentIndex(int(o.kind));
    m_momentum->setValue(o.momentum);
    m_rho->setValue(o.rho);
    m_beta1->setValue(o.beta1);
    m_beta2->setValue(o.beta2);
    showOptimizerRows();
    m_lessonErrors->setChecked(s.training.lessonErrors);
    m_batch->setValue(s.training.batchSize);
    m_epochs->setValue(s.epochs);
    m_decay->setValue(s.learningRateDecay);
    m_trainingSize->setValue(s.training.trainingSize == SIZE_MAX
                                 ? m_trainingSize->maximum()
                                 : int(std::min<std::size_t>(s.training.trainingSize, INT_MAX)));
    m_shuffle->setChecked(s.training.shuffle);
    m_updating = false;
}

app::TrainingSetup ControlPanel::setup() const
{
    app::TrainingSetup s;
    auto& a = s.architecture;
    a.hidden.clear();
    for (int l = 0; l < m_layers->value(); ++l)
        a.hidden.push_back(m_nodes[std::size_t(l)]->value());
    a.hiddenActivation = engine::Activation(m_activation->currentIndex());
    const bool modern = m_outputLoss->currentIndex() == 1;
    a.output = modern ? engine::Output::Softmax : engine::Output::Sigmoid;
    a.loss = modern ? engine::Loss::CrossEntropy : engine::Loss::SquaredError;
    a.biases = m_biases->isChecked();
    a.scaling = engine::Scaling(m_scaling->currentIndex());
    s.init = engine::Init(m_init->currentIndex());
    s.weightSeed = std::uint64_t(m_seed->value());
    s.training.optimizer = optimizerSettings();
    s.training.lessonErrors = m_lessonErrors->isChecked();
    s.training.batchSize = m_batch->value();
    s.training.shuffle = m_shuffle->isChecked();
    s.training.trainingSize = m_trainingSize->value() >= m_trainingSize->maximum()
                                  ? SIZE_MAX
                                  : std::size_t(m_trainingSize->value());
    s.epochs = m_epochs->value();
    s.learningRateDecay = float(m_decay->value());
    return s;
}

void ControlPanel::setDatasets(const QStringList& names, int current)
{
    const QSignalBlocker block(m_dataset);
    m_dataset->clear();
    m_dataset->addItems(names);
    m_dataset->setCurrentIndex(current);
}

int ControlPanel::datasetIndex() const
{
    return m_dataset->currentIndex();
}

void ControlPanel::setTrainingSetMaximum(int images)
{
    const bool all = m_trainingSize->value() >= m_trainingSize->maximum();
    m_updating = true;
    // Never more than the set has: a 1-image set shows 1, MNIST and 3 of yours 60,003.
    m_trainingSize->setRange(std::max(1, std::min(kMinTrainingSize, images)), std::max(1, images));
    if (all)
        m_trainingSize->setValue(m_trainingSize->maximum());
    m_updating = false;
}

} // namespace nnlab::ui
