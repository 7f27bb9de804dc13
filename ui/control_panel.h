// The lesson's knobs: the network's shape, the learning settings and the data. Shows a
// TrainingSetup and says what the user changed; it does no training itself.
#pragma once

#include "app/bridge/training_setup.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace nnlab::ui {

class CountSlider;
class LogSlider;

class ControlPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMaxHiddenLayers = 8;
    static constexpr int kMaxHiddenNodes = 1024;
    static constexpr int kMaxBatch = 2048;
    static constexpr int kMaxEpochs = 1000;
    // Where the sliders end (the spin boxes beside them take up to the maxima above): the values
    // a learner sweeps by hand.
    static constexpr int kSliderMaxEpochs = 100;
    static constexpr int kSliderMaxBatch = 1000;
    static constexpr int kMinTrainingSize = 100;

    explicit ControlPanel(QWidget* parent = nullptr);

    // Shows `setup` without emitting any change signal.
    void setSetup(const app::TrainingSetup& setup);
    app::TrainingSetup setup() const;

    // The data choices ("MNIST", "Fashion-MNIST", "Open files…") and which one is shown.
    void setDatasets(const QStringList& names, int current);
    int datasetIndex() const;
    // The training-set size control's maximum (the loaded training set's size).
    void setTrainingSetMaximum(int images);

    // The widgets, for tests and keyboard focus. Hidden nodes, batch size, epochs and training
    // images are sliders with a spin box beside them: hiddenNodes() and the like are the boxes,
    // hiddenNodesSlider() and the like the pairs.
    LogSlider* learningRate() const { return m_learningRate; }
    QSpinBox* hiddenLayers() const { return m_layers; }
    QSpinBox* hiddenNodes(int layer) const;
    QComboBox* activation() const { return m_activation; }
    QComboBox* outputLoss() const { return m_outputLoss; }
    QComboBox* optimizer() const { return m_optimizer; }
    QSpinBox* batchSize() const;
    QSpinBox* epochs() const;
    QSpinBox* trainingSize() const;
    QComboBox* dataset() const { return m_dataset; }
    CountSlider* hiddenNodesSlider(int layer) const { return m_nodes[std::size_t(layer)]; }
    CountSlider* batchSizeSlider() const { return m_batch; }
    CountSlider* epochsSlider() const { return m_epochs; }
    CountSlider* trainingSizeSlider() const { return m_trainingSize; }

signals:
    // Live while training (the worker takes them at the next batch).
    void learningRateChanged(float learningRate);
    void optimizerChanged(const nnlab::engine::OptimizerSettings& settings);
    void batchSizeChanged(int batchSize);
    void epochsChanged(int epochs);
    void learningRateDecayChanged(float decay);
    // The network's shape changed: it needs new weights.
    void shapeChanged();
    // A setting that applies to the next run (training-set size, shuffling, initialiser...).
    void runSettingsChanged();
    void datasetChosen(int index);

private:
    void showLayerRows(int layers);
    void showOptimizerRows();
    engine::OptimizerSettings optimizerSettings() const;

    QFormLayout* m_networkForm = nullptr;
    QFormLayout* m_learningForm = nullptr;
    QSpinBox* m_layers = nullptr;
    std::vector<CountSlider*> m_nodes;
    QComboBox* m_activation = nullptr;
    QComboBox* m_outputLoss = nullptr;
    QCheckBox* m_biases = nullptr;
    QComboBox* m_init = nullptr;
    QComboBox* m_scaling = nullptr;
    QSpinBox* m_seed = nullptr;
    LogSlider* m_learningRate = nullptr;
    QComboBox* m_optimizer = nullptr;
    QDoubleSpinBox* m_momentum = nullptr;
    QDoubleSpinBox* m_rho = nullptr;
    QDoubleSpinBox* m_beta1 = nullptr;
    QDoubleSpinBox* m_beta2 = nullptr;
    QCheckBox* m_lessonErrors = nullptr;
    CountSlider* m_batch = nullptr;
    CountSlider* m_epochs = nullptr;
    QDoubleSpinBox* m_decay = nullptr;
    CountSlider* m_trainingSize = nullptr;
    QCheckBox* m_shuffle = nullptr;
    QComboBox* m_dataset = nullptr;
    bool m_updating = false;
};

} // namespace nnlab::ui
