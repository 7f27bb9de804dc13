// The lab's training state on the GUI thread: the setup (one copy of each setting), the data
// (loaded off the GUI thread), the newest network, the default model, and the training
// controller that commands the worker thread. Widgets read it and call it; it knows none.
#pragma once

#include "app/bridge/data_loading.h"
#include "app/bridge/training_controller.h"
#include "app/lab/my_digits.h"
#include "app/lab/redraw_coalescer.h"
#include "app/lab/run_registry.h"

#include "engine/model_file.h"

#include <QObject>
#include <QThreadPool>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace nnlab::app {

class LabSession : public QObject
{
    Q_OBJECT

public:
    explicit LabSession(QObject* parent = nullptr);
    ~LabSession() override;

    TrainingController* controller() const { return m_controller; }
    // Every run since the session began (the runs table, the workspace file, provenance).
    RunRegistry* runs() const { return m_runs; }
    // The pace of the views that follow training (RedrawCoalescer): they redraw at most every
    // RedrawCoalescer::kInterval however fast epochs end, and at once when training pauses or
    // ends (flushed on the controller's state), so that the end state is drawn.
    RedrawCoalescer* redraws() const { return m_redraws; }

    // --- Data: the sources offered (Files last), the one in use, loading -----------------
    const std::vector<DataSource>& dataSources() const { return m_dataSources; }
    int dataIndex() const { return m_dataIndex; }
    const DataPair& data() const { return m_data; }
    bool hasData() const { return m_data.isValid(); }
    QStringList classNames() const; // the test set's, "0".."9" for digits
    // Loads source `index` (with `files` for DataSource::Files) off the GUI thread; a newer
    // call replaces an older one still loading. Then: dataChanged, a configure, dataReady; or
    // dataFailed (the current data stays; with none yet, the bundled MNIST is loaded instead).
    void loadData(int index, const QStringList& files = {});
    // The learner's digits (my-digits.csv, read at construction): on MNIST they join the
    // training set after its 60,000 images, marked ImageOrigin::Mine; a digit added while idle
    // joins at once (the trainer is rebuilt on the same weights), during a run when it ends.
    MyDigits* myDigits() const { return m_myDigits; }
    // One run of `epochs` on all of MNIST and the learner's digits from the current weights
    // (the lesson's "other training set", to fine-tune): returns why not (no digits of theirs,
    // other data, a run under way), or empty once the run is asked to start.
    QString trainOnMyDigits(int epochs);
    // Where the next configure after loaded data takes its settings from (the controls).
    void setSetupSource(std::function<TrainingSetup()> source) { m_setupSource = std::move(source); }

    // --- The default model (NNLAB_MODEL, or the bundled one) -----------------------------
    // Reads it; returns why not if it is there but unreadable (empty otherwise).
    QString loadDefaultModel();
    NetworkPtr defaultModel() const { return m_defaultModel; }
    std::optional<float> defaultModelAccuracy() const { return m_defaultModelAccuracy; }
    // The newest weights are the default model's, untrained (the worker sends them as a copy).
    bool showsDefaultModel() const
    {
        return m_snapshot.network && m_defaultModel &&
               (m_snapshot.network == m_defaultModel ||
                (m_snapshot.samplesSeen == 0 && *m_snapshot.network == *m_defaultModel));
    }
    // The default model when it fits `setup` on MNIST, else null (fresh random weights).
    NetworkPtr initialNetworkFor(const TrainingSetup& setup) const;

    // --- The setup and the network -------------------------------------------------------
    const TrainingSetup& setup() const { return m_setup; }
    // `setup` with the data's inputs and classes.
    TrainingSetup fitToData(TrainingSetup setup) const;
    // The first setup and data source (loadData follows): those remembered, else the default
    // model's preset (the lesson's without it) and MNIST; user files are not reopened without
    // asking. Shows the default model if it fits.
    void begin(std::optional<TrainingSetup> remembered, int rememberedDataIndex);
    // Why a network of architecture `a` (from file `name`) cannot work on this data; empty if it can.
    QString whyNotFit(const engine::Architecture& a, const QString& name) const;
    const NetworkSnapshot& snapshot() const { return m_snapshot; }
    bool hasFreshWeights() const { return m_freshWeights; }
    // The weights run `run` started from (a Start after a run ended starts from them again);
    // null for a run not seen, or older than the run before the newest.
    NetworkPtr runInitialWeights(int run) const;
    // Test accuracy at the last epoch end on this data (0..1), if any.
    std::optional<double> lastTestAccuracy() const { return m_lastTestAccuracy; }
    // The newest weights with what is known about them, for a model file.
    std::optional<engine::Model> currentModel() const;

    // A new trainer for `setup` from `initial` (null: fresh random weights). False, with
    // setupRefused(why), if the setup cannot train on this data.
    bool configure(const TrainingSetup& setup, NetworkPtr initial);
    // A model read from a file becomes the network (the setup takes its architecture).
    void adopt(NetworkPtr network, const TrainingSetup& setup);
    // Fresh random weights from setup.init and setup.weightSeed.
    void resetWeights(const TrainingSetup& setup);
    // Shuffling, training-set size, the error shortcut, initialiser and seed. While training
    // they wait (returned false; seed and initialiser are kept for Reset); otherwise the
    // trainer is rebuilt, keeping the weights unless new fresh ones are asked for.
    enum class RunSettings { Applied, UsedByReset, FromNextRun };
    RunSettings changeRunSettings(const TrainingSetup& next);

    // --- What was learned since the weights were kept: the one rule before replacing them --
    // Samples trained into the current weights since they were last kept: fresh random weights,
    // a model opened, the default model, or a save (markKept). Counted from the worker's
    // snapshots (its trainer's samplesSeen) and from one-image steps.
    std::uint64_t samplesSinceKept() const { return m_samplesSinceKept; }
    void markKept() { m_samplesSinceKept = 0; } // the weights were saved
    // Below this, what was learned is not worth a question: a thousand images (or one epoch of a
    // smaller training set, as Lesson: 100 samples has) take the lesson's network a second or
    // two to learn again, while a question every time a few Steps were tried would only teach
    // the learner to click it away.
    static constexpr std::uint64_t kWorthKeepingSamples = 1000;
    bool hasWorkWorthKeeping() const;
    // THE rule for every action that replaces the weights (a new shape, a preset, other data,
    // Reset weights, New network, Open model, Quit): ask first (Save / Discard / Cancel) when
    // work worth keeping would be lost, unless the learner chose "Don't ask again".
    bool needsAskingBeforeDiscard() const { return m_askBeforeDiscard && hasWorkWorthKeeping(); }
    bool asksBeforeDiscard() const { return m_askBeforeDiscard; }
    void setAskBeforeDiscard(bool ask) { m_askBeforeDiscard = ask; }
    // Other weights were asked of the worker and have not arrived yet: snapshots and epoch
    // reports meanwhile are about the replaced network (the views ignore them).
    bool awaitsNewNetwork() const { return m_pendingReplacements > 0; }

    // Live settings: the setup's one copy, then one command to the worker.
    void setLearningRate(float learningRate);
    void setOptimizer(const engine::OptimizerSettings& settings);
    void setBatchSize(int batchSize);
    void setEpochs(int epochs);
    void setLearningRateDecay(float decay);

signals:
    void dataLoading();
    void dataChanged(const nnlab::app::DataPair& data); // new sets: views forget the old ones
    void dataReady();                                   // ... and the worker is configured
    void dataFailed(const QString& why);
    void dataWarning(const QString& why); // the data loaded, but teaches little (smallSetWarning)
    void dataIndexChanged(int index); // the source in use (after a load, or kept after a failure)
    void configured();
    void setupRefused(const QString& why);
    void snapshotChanged(const nnlab::app::NetworkSnapshot& snapshot);
    // Other weights replace the network (a new shape, a preset, other data, Reset weights, a
    // model opened): what was measured on the old one (its test accuracy, its answers) is void.
    void networkReplaced();
    void setupChanged(const nnlab::app::TrainingSetup& setup);

private:
    void onLoaded(const DataPair& data);
    void onSnapshot(const NetworkSnapshot& snapshot);
    void setSetup(const TrainingSetup& setup);
    void joinMyDigits(); // m_data.train: m_ownTrain, plus the learner's digits on MNIST
    void rejoinMyDigits(); // ... and the trainer rebuilt on the same weights

    bool configure(const TrainingSetup& setup, NetworkPtr initial, bool replacing);
    void replacingNetwork(); // a new trainer was asked for: snapshots until its first are ignored
    // What was learned since the last save is gone (new weights, or Start after an ended run
    // went back to its initial ones): nothing to keep, no test accuracy.
    void forgetLearned();

    TrainingController* m_controller;
    // A burst's first change waits for the rest: a Start's weights (those already shown, under
    // a new run's number) are not drawn again while its first epochs test on both cores.
    RedrawCoalescer* m_redraws = new RedrawCoalescer(RedrawCoalescer::kInterval, this, RedrawCoalescer::First::AfterInterval);
    RunRegistry* m_runs = new RunRegistry(m_controller, [this]() -> const DataPair& { return m_data; }, this);
    TrainingSetup m_setup; // what the worker was last configured with, plus live settings
    std::function<TrainingSetup()> m_setupSource;
    DataPair m_data;
    std::shared_ptr<const engine::Dataset> m_ownTrain; // the training set as loaded
    MyDigits* m_myDigits;
    bool m_joinPending = false; // digits added during a run join when it ends
    std::vector<DataSource> m_dataSources;
    int m_dataIndex = 0;
    int m_loadGeneration = 0;
    QThreadPool m_loaders; // not the global pool: Qt's raster engine draws with it
    NetworkPtr m_defaultModel;
    std::optional<float> m_defaultModelAccuracy;
    NetworkSnapshot m_snapshot;
    bool m_freshWeights = true; // untrained since the last configure or reset
    std::optional<double> m_lastTestAccuracy;
    std::map<int, NetworkPtr> m_runInitialWeights;
    std::uint64_t m_samplesSinceKept = 0;
    std::uint64_t m_samplesCounted = 0; // the current trainer's samplesSeen, as counted
    int m_pendingReplacements = 0;      // new weights asked of the worker, not arrived yet
    NetworkPtr m_comingInitial;         // ... and what they start from (null: fresh from the seed)
    bool m_askBeforeDiscard = true;
};

} // namespace nnlab::app
