#include "run_registry.h"

#include "app/bridge/training_controller.h"
#include "app/common/counted.h"
#include "app/lab/curve_thinning.h"
#include "app/lab/run_workspace.h"

#include "engine/presets.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include <algorithm>
#include <utility>
#include <cmath>

namespace nnlab::app {

namespace engine = nnlab::engine;

bool sameSetup(const TrainingSetup& a, const TrainingSetup& b);

namespace {

QString fromStd(const std::string& s) { return QString::fromStdString(s); }

// As the legend says it (TrainingSetup::describe).
QString optimizerTitle(engine::OptimizerKind kind)
{
    const char* const names[] = {"SGD", "momentum", "RMSprop", "Adam"};
    return QLatin1String(names[std::min<std::size_t>(std::size_t(kind), std::size(names) - 1)]);
}

// The preset `setup` equals (inputs, outputs and threads aside, which follow the data and machine).
QString presetOf(const TrainingSetup& setup)
{
    for (const engine::Preset& p : engine::presets()) {
        TrainingSetup s = TrainingSetup::fromPreset(p);
        s.architecture.inputs = setup.architecture.inputs;
        s.architecture.outputs = setup.architecture.outputs;
        s.training.threads = setup.training.threads;
        if (sameSetup(s, setup))
            return fromStd(p.name);
    }
    return {};
}

QString percent(std::optional<double> accuracy)
{
    return accuracy ? QStringLiteral("%1 %").arg(100 * *accuracy, 0, 'f', 1) : QString();
}

QString duration(double seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 1 : 0);
    const int s = int(std::lround(seconds));
    if (s < 3600)
        return QStringLiteral("%1:%2 min").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2 h").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

// --- RunRecord ---------------------------------------------------------------------------------

bool sameSetup(const TrainingSetup& x, const TrainingSetup& y)
{
    const auto& a = x.training;
    const auto& b = y.training;
    return x.architecture == y.architecture && x.init == y.init && x.weightSeed == y.weightSeed &&
           a.optimizer == b.optimizer && a.batchSize == b.batchSize && a.shuffle == b.shuffle && a.seed == b.seed &&
           a.threads == b.threads && a.trainingSize == b.trainingSize && a.lessonErrors == b.lessonErrors &&
           a.inputPath == b.inputPath && x.epochs == y.epochs && x.learningRateDecay == y.learningRateDecay;
}

bool RunRecord::operator==(const RunRecord& o) const
{
    return id == o.id && number == o.number && name == o.name && colorIndex == o.colorIndex &&
           visible == o.visible && sameSetup(setup, o.setup) && dataName == o.dataName && legend == o.legend &&
           dataFiles == o.dataFiles && preset == o.preset && origin == o.origin && parent == o.parent &&
           startEpochFraction == o.startEpochFraction && startSamples == o.startSamples &&
           lastSamples == o.lastSamples && epochs == o.epochs && markers == o.markers &&
           running == o.running && test == o.test && quick == o.quick;
}

QString RunRecord::setupText() const
{
    return dataName.isEmpty() ? setup.describe() : setup.describe() + QStringLiteral(" · ") + dataName;
}

std::optional<double> RunRecord::bestTestAccuracy() const
{
    std::optional<double> best;
    for (const RunEpoch& e : epochs)
        best = std::max(best.value_or(e.testAccuracy), e.testAccuracy);
    return best;
}

std::optional<double> RunRecord::lastTestAccuracy() const
{
    return epochs.empty() ? std::nullopt : std::optional<double>(epochs.back().testAccuracy);
}

double RunRecord::trainingSeconds() const
{
    double s = 0;
    for (const RunEpoch& e : epochs)
        s += e.seconds;
    return s;
}

// --- RunRegistry ---------------------------------------------------------------------------------

RunRegistry::RunRegistry(QObject* parent) : QAbstractTableModel(parent) {}

RunRegistry::RunRegistry(TrainingController* controller, std::function<const DataPair&()> data, QObject* parent)
    : QAbstractTableModel(parent), m_data(std::move(data))
{
    using C = TrainingController;
    connect(controller, &C::runStarted, this, &RunRegistry::onRunStarted);
    connect(controller, &C::runChanged, this, &RunRegistry::onRunChanged);
    connect(controller, &C::progressed, this, &RunRegistry::onProgressed);
    connect(controller, &C::epochEnded, this, &RunRegistry::onEpochEnded);
    connect(controller, &C::testEstimated, this, &RunRegistry::onTestEstimated);
}

void RunRegistry::onRunStarted(const RunInfo& info)
{
    m_current = info.run;
    if (find(info.run))
        return;
    RunRecord r;
    r.id = info.run;
    r.number = info.run;
    r.name = tr("Run %1").arg(info.run);
    r.colorIndex = colorIndexFor(info.run);
    r.setup = info.setup;
    r.dataName = info.dataName;
    r.legend = r.setupText();
    if (m_data)
        r.dataFiles = m_data().files;
    r.preset = presetOf(info.setup);
    r.origin = info.origin;
    r.parent = info.parent;
    r.startEpochFraction = info.startEpochFraction;
    r.startSamples = info.startSamples;
    r.lastSamples = info.startSamples;
    // As LearningCurves::beginRun: a run from its parent's position begins its running curve at
    // the parent's last running value at or before that position.
    if (const RunRecord* parent = find(info.parent); parent && info.startEpochFraction > 0) {
        const CurveSeries& s = parent->running;
        for (int i = s.size() - 1; i >= 0; --i)
            if (s.x[i] <= info.startEpochFraction) {
                r.running.x = {info.startEpochFraction};
                r.running.loss = {s.loss[i]};
                r.running.accuracy = {s.accuracy[i]};
                break;
            }
    }
    const int row = int(m_runs.size());
    beginInsertRows({}, row, row);
    m_runs.push_back(std::move(r));
    endInsertRows();
    emit runAdded(info.run);
}

void RunRegistry::onRunChanged(const RunChange& change)
{
    RunRecord* r = find(change.run);
    if (!r || change.change.isEmpty())
        return;
    r->markers.push_back(RunMarker{change.epochFraction, change.samplesSeen, change.change, change.knobs});
    rowChanged(r->id);
}

void RunRegistry::onProgressed(const ProgressReport& report)
{
    RunRecord* r = find(report.run);
    if (!r)
        return;
    r->lastSamples = std::max(r->lastSamples, report.progress.samplesSeen);
    addPoint(report.run, &RunRecord::running, report.progress.epochFraction, report.smoothedLoss,
             report.smoothedAccuracy);
}

void RunRegistry::onEpochEnded(const EpochReport& report)
{
    RunRecord* r = find(report.run);
    if (!r)
        return;
    RunEpoch e;
    e.epoch = report.epochFraction > 0 ? int(std::lround(report.epochFraction)) : report.epoch;
    e.epochFraction = report.epochFraction;
    e.samplesSeen = r->lastSamples;
    e.trainLoss = report.trainLoss;
    e.trainAccuracy = report.trainAccuracy;
    e.testLoss = report.testLoss;
    e.testAccuracy = report.testAccuracy;
    e.seconds = report.seconds;
    r->epochs.push_back(e);
    addPoint(report.run, &RunRecord::test, report.epochFraction, report.testLoss, report.testAccuracy);
    rowChanged(report.run);
}

void RunRegistry::onTestEstimated(const TestEstimate& estimate)
{
    addPoint(estimate.run, &RunRecord::quick, estimate.epochFraction, estimate.loss, estimate.accuracy);
}

void RunRegistry::addPoint(int id, CurveSeries RunRecord::*series, double x, double loss, double accuracy)
{
    // As LearningCurves::add: finite points only, keys only grow, thinned at kMaxPoints.
    RunRecord* r = find(id);
    if (!r || !std::isfinite(x) || !std::isfinite(loss) || !std::isfinite(accuracy))
        return;
    CurveSeries& s = r->*series;
    if (!s.x.isEmpty() && x < s.x.back())
        return;
    s.x.append(x);
    s.loss.append(loss);
    s.accuracy.append(accuracy);
    if (s.x.size() >= kMaxPoints)
        halveByAveraging(s.x, s.loss, s.accuracy);
    if (series == &RunRecord::running)
        rowChanged(id); // images seen
}

RunRecord* RunRegistry::find(int id)
{
    const auto it = std::find_if(m_runs.begin(), m_runs.end(), [id](const RunRecord& r) { return r.id == id; });
    return it == m_runs.end() ? nullptr : &*it;
}

const RunRecord* RunRegistry::run(int id) const
{
    return const_cast<RunRegistry*>(this)->find(id);
}

const RunRecord* RunRegistry::findAny(int id) const
{
    if (const RunRecord* r = run(id))
        return r;
    const auto it = m_removed.find(id);
    return it == m_removed.end() ? nullptr : &it->second;
}

int RunRegistry::rowOf(int id) const
{
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].id == id)
            return int(i);
    return -1;
}

void RunRegistry::setRedraws(RedrawCoalescer* redraws)
{
    m_redraws = redraws;
    connect(redraws, &RedrawCoalescer::redraw, this, [this] {
        for (const int id : std::exchange(m_changedRows, {}))
            announceRow(id);
    });
}

void RunRegistry::rowChanged(int id)
{
    if (!m_redraws) {
        announceRow(id);
        return;
    }
    m_changedRows.insert(id);
    m_redraws->request();
}

void RunRegistry::announceRow(int id)
{
    const int row = rowOf(id);
    if (row >= 0)
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    if (row + 1 > 0 && row + 1 < int(m_runs.size())) // the next run's differences may change
        emit dataChanged(index(row + 1, SettingsColumn), index(row + 1, SettingsColumn));
}

std::vector<std::pair<QString, QString>> RunRegistry::settingsOf(const RunRecord& r)
{
    const TrainingSetup& s = r.setup;
    const auto& o = s.training.optimizer;
    QString optimizer = optimizerTitle(o.kind);
    if (o.kind == engine::OptimizerKind::Momentum)
        optimizer += tr(" (momentum %1)").arg(double(o.momentum));
    else if (o.kind == engine::OptimizerKind::RMSprop)
        optimizer += tr(" (rho %1)").arg(double(o.rho));
    else if (o.kind == engine::OptimizerKind::Adam)
        optimizer += tr(" (beta1 %1, beta2 %2)").arg(double(o.beta1)).arg(double(o.beta2));
    return {
        {tr("network"), fromStd(s.architecture.describe(engine::Detail::Full))},
        {tr("initial weights"), tr("%1, seed %2").arg(fromStd(std::string(engine::toString(s.init)))).arg(s.weightSeed)},
        {tr("optimizer"), optimizer},
        {tr("l_r"), QString::number(double(o.learningRate), 'g', 3)},
        {tr("batch"), QString::number(s.training.batchSize)},
        {tr("epochs"), QString::number(s.epochs)},
        {tr("l_r decay"), s.learningRateDecay == 1.0f ? tr("none") : tr("× %1 per epoch").arg(double(s.learningRateDecay))},
        {tr("data order"), s.training.shuffle ? tr("shuffled, seed %1").arg(s.training.seed) : tr("file order (the lesson's)")},
        {tr("training images"), s.training.trainingSize == SIZE_MAX ? tr("all") : QString::number(s.training.trainingSize)},
        {tr("errors passed back"), s.training.lessonErrors ? tr("the lesson's o_errors") : tr("exact gradient")},
        {tr("data"), r.dataName},
        {tr("start"), r.origin == RunOrigin::New       ? tr("new weights")
                      : r.origin == RunOrigin::Restart ? tr("the start of run %1").arg(r.parent)
                      : r.origin == RunOrigin::SameStart ? tr("the same start as run %1").arg(r.parent)
                                                         : tr("branch of run %1 at epoch %2").arg(r.parent).arg(r.startEpochFraction, 0, 'g', 3)},
    };
}

QStringList RunRegistry::differencesFromPrevious(int id) const
{
    const int row = rowOf(id);
    if (row <= 0)
        return {};
    const auto a = settingsOf(m_runs[std::size_t(row) - 1]);
    const auto b = settingsOf(m_runs[std::size_t(row)]);
    QStringList names;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].second != b[i].second && a[i].first != tr("start"))
            names << a[i].first;
    return names;
}

std::vector<SettingRow> RunRegistry::compare(int idA, int idB) const
{
    const RunRecord* a = run(idA);
    const RunRecord* b = run(idB);
    if (!a || !b)
        return {};
    const auto sa = settingsOf(*a);
    const auto sb = settingsOf(*b);
    std::vector<SettingRow> rows;
    for (std::size_t i = 0; i < sa.size(); ++i)
        rows.push_back({sa[i].first, sa[i].second, sb[i].second, sa[i].second != sb[i].second});
    auto changes = [](const RunRecord& r) {
        QStringList texts;
        for (const RunMarker& m : r.markers)
            texts << tr("epoch %1: %2").arg(m.epochFraction, 0, 'g', 3).arg(m.text);
        return texts.isEmpty() ? tr("none") : texts.join(QStringLiteral("; "));
    };
    rows.push_back({tr("changes while training"), changes(*a), changes(*b), changes(*a) != changes(*b)});
    return rows;
}

void RunRegistry::setVisible(int id, bool visible)
{
    RunRecord* r = find(id);
    if (!r || r->visible == visible)
        return;
    r->visible = visible;
    announceRow(id); // the user's own change: at once
    emit runVisibilityChanged(id, visible);
}

void RunRegistry::setLegend(int id, const QString& legend)
{
    if (RunRecord* r = find(id))
        r->legend = legend;
}

void RunRegistry::rename(int id, const QString& name)
{
    RunRecord* r = find(id);
    const QString n = name.trimmed().isEmpty() ? tr("Run %1").arg(r ? r->number : 0) : name.trimmed().left(200);
    if (!r || r->name == n)
        return;
    r->name = n;
    announceRow(id);
    emit runRenamed(id, n);
}

bool RunRegistry::canRemove(int id) const
{
    return run(id) && !(id == m_current && id < kRestoredKeyBase);
}

bool RunRegistry::remove(int id)
{
    if (!canRemove(id))
        return false;
    const int row = rowOf(id);
    beginRemoveRows({}, row, row);
    m_removed[id] = std::move(m_runs[std::size_t(row)]);
    m_runs.erase(m_runs.begin() + row);
    endRemoveRows();
    if (row < int(m_runs.size()))
        emit dataChanged(index(row, SettingsColumn), index(row, SettingsColumn));
    emit runRemoved(id);
    return true;
}

// --- Provenance ------------------------------------------------------------------------------------

void RunRegistry::history(int id, std::uint64_t upTo, engine::Provenance& p, int depth) const
{
    const RunRecord* r = findAny(id);
    if (!r || depth > 1000)
        return;
    if (r->origin == RunOrigin::Branch)
        history(r->parent, r->startSamples, p, depth + 1);
    else if (r->origin != RunOrigin::New && r->parent != id) // the parent's start, and what led there
        if (const RunRecord* parent = findAny(r->parent); parent && parent->origin == RunOrigin::Branch)
            history(parent->parent, parent->startSamples, p, depth + 1);
    for (const RunEpoch& e : r->epochs)
        if (e.samplesSeen <= upTo)
            p.epochs.push_back({e.epoch, e.samplesSeen, float(e.testAccuracy)});
    for (const RunMarker& m : r->markers)
        for (const engine::KnobChange& k : m.knobs)
            if (k.samplesSeen < upTo || upTo == UINT64_MAX) // at the branch point: the branch's own
                p.changes.push_back(k);
}

engine::Provenance RunRegistry::provenance(int id) const
{
    engine::Provenance p;
    const RunRecord* r = findAny(id);
    if (!r)
        return p;
    QString version = QCoreApplication::applicationVersion();
#ifdef NNLAB_VERSION
    if (version.isEmpty())
        version = QStringLiteral(NNLAB_VERSION);
#endif
    p.nnlabVersion = version.toStdString();
    p.preset = r->preset.toStdString();
    p.setup = r->setup.describe().toStdString();
    p.weightSeed = r->setup.weightSeed;
    p.shuffleSeed = r->setup.training.seed;
    p.shuffled = r->setup.training.shuffle;
    p.dataName = r->dataName.toStdString();
    p.dataFiles = r->dataFiles;
    history(id, UINT64_MAX, p, 0);
    return p;
}

// --- The table -----------------------------------------------------------------------------------

int RunRegistry::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunRegistry::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunRegistry::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_runs.size()))
        return {};
    const RunRecord& r = m_runs[std::size_t(index.row())];
    if (role == IdRole)
        return r.id;
    if (role == ColorIndexRole)
        return r.colorIndex;
    switch (index.column()) {
    case ShowColumn:
        if (role == Qt::CheckStateRole)
            return r.visible ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole)
            return tr("Show or hide %1's curves (Space). Hiding the others lets one run's curve "
                      "stand out; hidden runs do not set the plot's scale.").arg(r.name);
        break;
    case NameColumn:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return r.name;
        if (role == Qt::ToolTipRole)
            return tr("Double-click or F2 to rename: the legend says the new name.");
        break;
    case SettingsColumn: {
        if (role == Qt::DisplayRole)
            return r.setupText();
        const QStringList differ = differencesFromPrevious(r.id);
        if (role == SettingsHtmlRole) {
            QStringList parts;
            for (const auto& [name, value] : settingsOf(r)) {
                const bool changed = differ.contains(name);
                const bool main = name == tr("network") || name == tr("optimizer") || name == tr("l_r") ||
                                  name == tr("batch") || name == tr("data");
                if (!main && !changed)
                    continue; // the cell shows the main knobs and whatever changed
                const bool plain = name == tr("network") || name == tr("data") || name == tr("optimizer");
                const QString shown = name == tr("network") ? fromStd(r.setup.architecture.describe(engine::Detail::Brief)) : value;
                const QString part = (plain ? shown : QStringLiteral("%1 %2").arg(name, shown)).toHtmlEscaped();
                parts << (changed ? QStringLiteral("<b>%1</b>").arg(part) : part);
            }
            for (const RunMarker& m : r.markers)
                parts << QStringLiteral("<i>%1</i>").arg(tr("then %1").arg(m.text).toHtmlEscaped());
            return parts.join(QStringLiteral(" · "));
        }
        if (role == Qt::ToolTipRole) {
            QString tip = differ.isEmpty()
                              ? tr("The settings of this run.")
                              : tr("Bold: what differs from the run above (%1).").arg(differ.join(QStringLiteral(", ")));
            return tip + QLatin1Char(' ') +
                   tr("Change one knob at a time, as the lesson does, so a difference between two "
                      "curves has one cause. Select two runs and press Compare to see all their settings side by side.");
        }
        break;
    }
    case BestColumn:
    case LastColumn: {
        const auto accuracy = index.column() == BestColumn ? r.bestTestAccuracy() : r.lastTestAccuracy();
        if (role == Qt::DisplayRole)
            return accuracy ? percent(accuracy) : QStringLiteral("–");
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole)
            return index.column() == BestColumn
                       ? tr("The highest test accuracy at an epoch's end: how well the network answers digits it never trained on.")
                       : tr("The test accuracy at the last epoch's end. Below the best? The network began to overfit, or l_r is too large.");
        break;
    }
    case TimeColumn:
        if (role == Qt::DisplayRole)
            return r.epochs.empty() ? QStringLiteral("–") : duration(r.trainingSeconds());
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole)
            return tr("Training time of the finished epochs");
        break;
    case ImagesColumn:
        if (role == Qt::DisplayRole)
            return QLocale().toString(qulonglong(r.imagesSeen()));
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::ToolTipRole)
            return tr("Training images this run learned from (an image seen twice counts twice)");
        break;
    default:
        break;
    }
    return {};
}

QVariant RunRegistry::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        const QString names[] = {tr("Show"), tr("Name"), tr("Settings"), tr("Best test"), tr("Last test"), tr("Time"), tr("Images")};
        return section >= 0 && section < ColumnCount ? names[section] : QString();
    }
    return {};
}

Qt::ItemFlags RunRegistry::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == ShowColumn)
        f |= Qt::ItemIsUserCheckable;
    if (index.column() == NameColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

bool RunRegistry::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.row() >= int(m_runs.size()))
        return false;
    const int id = m_runs[std::size_t(index.row())].id;
    if (index.column() == ShowColumn && role == Qt::CheckStateRole) {
        setVisible(id, value.toInt() == Qt::Checked);
        return true;
    }
    if (index.column() == NameColumn && role == Qt::EditRole) {
        rename(id, value.toString());
        return true;
    }
    return false;
}

// --- The workspace ---------------------------------------------------------------------------------

QByteArray RunRegistry::toWorkspace() const
{
    return workspaceJson(m_runs);
}

bool RunRegistry::fromWorkspace(const QByteArray& bytes, QString* why)
{
    std::optional<std::vector<RunRecord>> read = readWorkspace(bytes, why);
    if (!read)
        return false;
    std::vector<RunRecord>& runs = *read;

    // New keys above any worker's run number; parents follow their runs.
    std::map<int, int> keyOf;
    for (RunRecord& r : runs) {
        keyOf[r.id] = m_nextRestoredKey;
        r.id = m_nextRestoredKey++;
    }
    QList<int> ids;
    for (RunRecord& r : runs) {
        const auto parent = keyOf.find(r.parent);
        r.parent = parent == keyOf.end() ? 0 : parent->second;
        ids << r.id;
    }
    if (!runs.empty()) {
        const int first = int(m_runs.size());
        beginInsertRows({}, first, first + int(runs.size()) - 1);
        for (RunRecord& r : runs)
            m_runs.push_back(std::move(r));
        endInsertRows();
    }
    emit runsRestored(ids);
    return true;
}

bool RunRegistry::saveWorkspace(const QString& path, QString* why) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toWorkspace()) < 0 || !file.commit()) {
        if (why)
            *why = tr("%1 could not be written: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool RunRegistry::openWorkspace(const QString& path, QString* why)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (why)
            *why = tr("%1 could not be read: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxWorkspaceBytes) {
        if (why)
            *why = tr("%1 is %2 MB, more than nnlab opens as a runs file.").arg(path).arg(file.size() >> 20);
        return false;
    }
    return fromWorkspace(file.readAll(), why);
}

} // namespace nnlab::app
