// Every run since the window opened, as the runs table shows it and the workspace file keeps it:
// settings, name, colour, epochs, curve points and knob changes, and each run's provenance.
#pragma once

#include "app/bridge/training_worker.h"
#include "app/lab/redraw_coalescer.h"

#include "engine/provenance.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace nnlab::app {

class TrainingController;

// The curve points of one series of a run, as LearningCurves draws them (x in epochs, loss in
// the run's loss units, accuracy 0..1), thinned the same way.
struct CurveSeries
{
    QVector<double> x, loss, accuracy;
    int size() const { return int(x.size()); }
    bool operator==(const CurveSeries&) const = default;
};

struct RunEpoch
{
    int epoch = 0;                 // over the run's lineage: round(epochFraction)
    double epochFraction = 0;
    std::uint64_t samplesSeen = 0; // the trainer's count at the epoch's end
    double trainLoss = 0, trainAccuracy = 0, testLoss = 0, testAccuracy = 0;
    double seconds = 0;            // training-loop time of the epoch
    bool operator==(const RunEpoch&) const = default;
};

// A setting changed while the run trained: the curve's marker.
struct RunMarker
{
    double epochFraction = 0;
    std::uint64_t samplesSeen = 0;
    QString text;                         // "l_r 0.3 → 0.03"
    std::vector<engine::KnobChange> knobs;
    bool operator==(const RunMarker&) const = default;
};

struct RunRecord
{
    int id = 0;          // the curves' key: the worker's run number, or a restored run's key
    int number = 0;      // "Run N"
    QString name;        // "Run N" until renamed
    int colorIndex = 0;  // RunRegistry::colorIndexFor(number), kept when restored
    bool visible = true;
    TrainingSetup setup; // the settings at the run's first batch
    QString dataName;
    QString legend;      // the curves' legend after "Run N: " (setupText() until the window says it)
    std::vector<engine::FileDigest> dataFiles;
    QString preset;      // the preset the setup equals, else empty
    RunOrigin origin = RunOrigin::New;
    int parent = 0;      // the parent's id
    double startEpochFraction = 0;
    std::uint64_t startSamples = 0;
    std::uint64_t lastSamples = 0; // the trainer's count at the newest report
    std::vector<RunEpoch> epochs;
    std::vector<RunMarker> markers;
    CurveSeries running, test, quick;

    QString setupText() const; // the legend's: "784-90-10 sigmoid · SGD l_r 0.1 · batch 1 · MNIST"
    std::optional<double> bestTestAccuracy() const;
    std::optional<double> lastTestAccuracy() const;
    double trainingSeconds() const; // the finished epochs' training-loop time
    std::uint64_t imagesSeen() const { return lastSamples > startSamples ? lastSamples - startSamples : 0; }
    bool operator==(const RunRecord& o) const; // every field, the setup's included

};

// Every setting the workspace keeps (TrainingSetup has no operator==).
bool sameSetup(const TrainingSetup& a, const TrainingSetup& b);

// One setting of a run, as the comparison shows it.
struct SettingRow
{
    QString setting, a, b;
    bool differs = false;
};

class RunRegistry : public QAbstractTableModel
{
    Q_OBJECT

public:
    // Points per series, as LearningCurves::kMaxPoints: at this count neighbouring pairs are averaged.
    static constexpr int kMaxPoints = 2000;
    static constexpr int kColorCount = 8; // LearningCurves' palette
    static constexpr int kMaxRuns = 10000; // a workspace holding more is refused
    static int colorIndexFor(int number) { return ((number - 1) % kColorCount + kColorCount) % kColorCount; }

    enum Column { ShowColumn, NameColumn, SettingsColumn, BestColumn, LastColumn, TimeColumn, ImagesColumn, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, ColorIndexRole, SettingsHtmlRole };

    // Follows `controller`'s runs; `data` gives the data in use at a run's start (its files).
    RunRegistry(TrainingController* controller, std::function<const DataPair&()> data, QObject* parent = nullptr);
    explicit RunRegistry(QObject* parent = nullptr); // fed by the on* calls (tests)
    // The running run's cells change at every epoch's end and progress report: with a pace (the
    // session's), the table hears of it (dataChanged) at the pace's redraws, each changed row
    // once. The values change at once. Without one, at once.
    void setRedraws(RedrawCoalescer* redraws);

    // The controller's signals, as connected.
    void onRunStarted(const RunInfo& info);
    void onRunChanged(const RunChange& change);
    void onProgressed(const ProgressReport& report);
    void onEpochEnded(const EpochReport& report);
    void onTestEstimated(const TestEstimate& estimate);

    const std::vector<RunRecord>& runs() const { return m_runs; } // in the table's order
    const RunRecord* run(int id) const;
    int rowOf(int id) const; // -1 if none
    int currentRun() const { return m_current; } // the id of the newest run of the worker, or 0
    // The settings that differ from the previous row's run ("l_r", "batch"...).
    QStringList differencesFromPrevious(int id) const;
    // The two runs' settings side by side; rows that differ marked.
    std::vector<SettingRow> compare(int idA, int idB) const;
    static std::vector<std::pair<QString, QString>> settingsOf(const RunRecord& run);

    void setVisible(int id, bool visible);
    void setLegend(int id, const QString& legend); // as the curves wrote it
    void rename(int id, const QString& name); // empty: back to "Run N"
    // Removes a run (the current run of a training worker cannot be); false if it was not removed.
    // Its history stays for its branches' provenance.
    bool remove(int id);
    bool canRemove(int id) const;

    // How run `id`'s weights were trained, for a model file: for a branch (or a same start of
    // one) its parent's epochs and changes up to the branch point come first.
    engine::Provenance provenance(int id) const;

    // The workspace file (.nnlab-runs, run_workspace.h): JSON, {"format": "nnlab-runs", "version": 1, "runs": [...]}.
    static constexpr int kWorkspaceVersion = 1;
    QByteArray toWorkspace() const;
    // Adds the workspace's runs after those here (restored keys never meet a worker's run numbers);
    // on a bad workspace returns false with one sentence in `why` and changes nothing.
    bool fromWorkspace(const QByteArray& bytes, QString* why);
    // QSaveFile: an old file survives a failed save.
    bool saveWorkspace(const QString& path, QString* why) const;
    bool openWorkspace(const QString& path, QString* why);

    // QAbstractTableModel
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

signals:
    void runAdded(int id);
    void runRemoved(int id);
    void runVisibilityChanged(int id, bool visible);
    void runRenamed(int id, const QString& name);
    // Runs read from a workspace: their curves are to be drawn from their points and markers.
    void runsRestored(const QList<int>& ids);

private:
    RunRecord* find(int id);
    const RunRecord* findAny(int id) const; // also a removed run (provenance)
    void rowChanged(int id);
    void announceRow(int id); // dataChanged for the run's row (and the differences of the next)
    void addPoint(int id, CurveSeries RunRecord::*series, double x, double loss, double accuracy);
    void history(int id, std::uint64_t upToSamples, engine::Provenance& p, int depth) const;

    std::vector<RunRecord> m_runs;
    std::map<int, RunRecord> m_removed;
    std::function<const DataPair&()> m_data;
    int m_current = 0;
    RedrawCoalescer* m_redraws = nullptr;
    std::set<int> m_changedRows; // runs whose rows changed since the pace's last redraw
    int m_nextRestoredKey = kRestoredKeyBase;
    static constexpr int kRestoredKeyBase = 1 << 24; // above any worker's run number
};

} // namespace nnlab::app
