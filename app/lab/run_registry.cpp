#include "run_registry.h"

#include "app/bridge/training_controller.h"
#include "app/common/counted.h"

#include "engine/presets.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <climits>
#include <cmath>
#include <set>

namespace nnlab::app {

namespace engine = nnlab::engine;

bool sameSetup(const TrainingSetup& a, const TrainingSetup& b);

namespace {

constexpr char kFormat[] = "nnlab-runs";
constexpr qint64 kMaxWorkspaceBytes = qint64(512) << 20;
constexpr int kMaxEpochs = 100000;   // per run
constexpr int kMaxMarkers = 100000;  // per run
constexpr int kMaxText = 4096;       // characters of any one string
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53: a JSON number holds it exactly

const char* const kOrigins[] = {"new", "restart", "same-start", "branch"};

QString fromStd(const std::string& s) { return QString::fromStdString(s); }

QString optimizerName(engine::OptimizerKind kind) { return fromStd(std::string(engine::toString(kind))); }

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

// Halves a series by averaging neighbouring points, as LearningCurves::thin does, so that the
// restored curves have the very points the window drew.
void thin(CurveSeries& s)
{
    const int n = int(s.x.size()) / 2;
    for (int i = 0; i < n; ++i) {
        s.x[i] = (s.x[2 * i] + s.x[2 * i + 1]) / 2;
        s.loss[i] = (s.loss[2 * i] + s.loss[2 * i + 1]) / 2;
        s.accuracy[i] = (s.accuracy[2 * i] + s.accuracy[2 * i + 1]) / 2;
    }
    if (s.x.size() % 2) {
        s.x[n] = s.x.back();
        s.loss[n] = s.loss.back();
        s.accuracy[n] = s.accuracy.back();
    }
    const int kept = n + int(s.x.size() % 2);
    s.x.resize(kept);
    s.loss.resize(kept);
    s.accuracy.resize(kept);
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

// --- The workspace's JSON ---------------------------------------------------------------------

QJsonArray numbers(const QVector<double>& v)
{
    QJsonArray a;
    for (const double d : v)
        a.append(d);
    return a;
}

QJsonObject setupJson(const TrainingSetup& s)
{
    const auto& a = s.architecture;
    QJsonArray hidden;
    for (const int n : a.hidden)
        hidden.append(n);
    const auto& o = s.training.optimizer;
    return QJsonObject{
        {"inputs", a.inputs},
        {"hidden", hidden},
        {"outputs", a.outputs},
        {"activation", fromStd(std::string(engine::toString(a.hiddenActivation)))},
        {"output", fromStd(std::string(engine::toString(a.output)))},
        {"loss", fromStd(std::string(engine::toString(a.loss)))},
        {"biases", a.biases},
        {"scaling", fromStd(std::string(engine::toString(a.scaling)))},
        {"init", fromStd(std::string(engine::toString(s.init)))},
        {"weightSeed", QString::number(s.weightSeed)},
        {"optimizer", optimizerName(o.kind)},
        {"learningRate", double(o.learningRate)},
        {"momentum", double(o.momentum)},
        {"rho", double(o.rho)},
        {"beta1", double(o.beta1)},
        {"beta2", double(o.beta2)},
        {"epsilon", double(o.epsilon)},
        {"batch", s.training.batchSize},
        {"shuffle", s.training.shuffle},
        {"shuffleSeed", QString::number(s.training.seed)},
        {"threads", s.training.threads},
        {"trainingSize", s.training.trainingSize == SIZE_MAX ? QString() : QString::number(s.training.trainingSize)},
        {"lessonErrors", s.training.lessonErrors},
        {"inputPath", int(s.training.inputPath)},
        {"epochs", s.epochs},
        {"learningRateDecay", double(s.learningRateDecay)},
    };
}

QJsonObject seriesJson(const CurveSeries& s)
{
    return QJsonObject{{"x", numbers(s.x)}, {"loss", numbers(s.loss)}, {"accuracy", numbers(s.accuracy)}};
}

QJsonObject runJson(const RunRecord& r)
{
    QJsonArray files;
    for (const auto& f : r.dataFiles)
        files.append(QJsonObject{{"name", fromStd(f.name)}, {"sha256", fromStd(f.sha256)}, {"bytes", double(f.bytes)}});
    QJsonArray epochs;
    for (const RunEpoch& e : r.epochs)
        epochs.append(QJsonObject{{"epoch", e.epoch}, {"x", e.epochFraction}, {"samples", double(e.samplesSeen)},
                                  {"trainLoss", e.trainLoss}, {"trainAccuracy", e.trainAccuracy},
                                  {"testLoss", e.testLoss}, {"testAccuracy", e.testAccuracy}, {"seconds", e.seconds}});
    QJsonArray markers;
    for (const RunMarker& m : r.markers) {
        QJsonArray knobs;
        for (const auto& k : m.knobs)
            knobs.append(QJsonObject{{"samples", double(k.samplesSeen)}, {"knob", fromStd(k.knob)},
                                     {"from", fromStd(k.from)}, {"to", fromStd(k.to)}});
        markers.append(QJsonObject{{"x", m.epochFraction}, {"samples", double(m.samplesSeen)}, {"text", m.text}, {"knobs", knobs}});
    }
    return QJsonObject{
        {"key", r.id},
        {"number", r.number},
        {"name", r.name},
        {"colour", r.colorIndex},
        {"visible", r.visible},
        {"setup", setupJson(r.setup)},
        {"data", QJsonObject{{"name", r.dataName}, {"files", files}}},
        {"legend", r.legend},
        {"preset", r.preset},
        {"origin", QLatin1String(kOrigins[int(r.origin)])},
        {"parent", r.parent},
        {"startX", r.startEpochFraction},
        {"startSamples", double(r.startSamples)},
        {"samples", double(r.lastSamples)},
        {"epochs", epochs},
        {"markers", markers},
        {"curves", QJsonObject{{"running", seriesJson(r.running)}, {"test", seriesJson(r.test)}, {"quick", seriesJson(r.quick)}}},
    };
}

// Reads the workspace's values, each checked; the first fault is kept as one sentence.
class Reader
{
public:
    QString fault;

    bool ok() const { return fault.isEmpty(); }
    void fail(const QString& where, const QString& what)
    {
        if (fault.isEmpty())
            fault = where.isEmpty() ? what : QStringLiteral("%1: %2").arg(where, what);
    }

    QJsonValue field(const QJsonObject& o, const char* key, const QString& where)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined())
            fail(where, QStringLiteral("“%1” is missing").arg(QLatin1String(key)));
        return v;
    }
    QJsonObject object(const QJsonObject& o, const char* key, const QString& where)
    {
        const QJsonValue v = field(o, key, where);
        if (ok() && !v.isObject())
            fail(where, QStringLiteral("“%1” is not an object").arg(QLatin1String(key)));
        return v.toObject();
    }
    QJsonArray array(const QJsonObject& o, const char* key, const QString& where, int maxSize)
    {
        const QJsonValue v = field(o, key, where);
        if (ok() && !v.isArray())
            fail(where, QStringLiteral("“%1” is not a list").arg(QLatin1String(key)));
        const QJsonArray a = v.toArray();
        if (ok() && a.size() > maxSize)
            fail(where, QStringLiteral("“%1” has %2 entries, more than %3").arg(QLatin1String(key)).arg(a.size()).arg(maxSize));
        return a;
    }
    double number(const QJsonValue& v, const QString& where, const char* key, double lo, double hi)
    {
        if (ok() && (!v.isDouble() || !std::isfinite(v.toDouble())))
            fail(where, QStringLiteral("“%1” is not a finite number").arg(QLatin1String(key)));
        else if (ok() && (v.toDouble() < lo || v.toDouble() > hi))
            fail(where, QStringLiteral("“%1” is %2, outside %3..%4").arg(QLatin1String(key)).arg(v.toDouble()).arg(lo).arg(hi));
        return ok() ? v.toDouble() : 0;
    }
    double number(const QJsonObject& o, const char* key, const QString& where, double lo, double hi)
    {
        return number(field(o, key, where), where, key, lo, hi);
    }
    int integer(const QJsonObject& o, const char* key, const QString& where, int lo, int hi)
    {
        const double d = number(o, key, where, lo, hi);
        if (ok() && d != std::floor(d))
            fail(where, QStringLiteral("“%1” is not a whole number").arg(QLatin1String(key)));
        return int(d);
    }
    std::uint64_t count(const QJsonObject& o, const char* key, const QString& where)
    {
        const double d = number(o, key, where, 0, kMaxExactInteger);
        if (ok() && d != std::floor(d))
            fail(where, QStringLiteral("“%1” is not a whole number").arg(QLatin1String(key)));
        return std::uint64_t(d);
    }
    QString text(const QJsonObject& o, const char* key, const QString& where)
    {
        const QJsonValue v = field(o, key, where);
        if (ok() && !v.isString())
            fail(where, QStringLiteral("“%1” is not text").arg(QLatin1String(key)));
        else if (ok() && v.toString().size() > kMaxText)
            fail(where, QStringLiteral("“%1” is longer than %2 characters").arg(QLatin1String(key)).arg(kMaxText));
        return v.toString();
    }
    bool boolean(const QJsonObject& o, const char* key, const QString& where)
    {
        const QJsonValue v = field(o, key, where);
        if (ok() && !v.isBool())
            fail(where, QStringLiteral("“%1” is not true or false").arg(QLatin1String(key)));
        return v.toBool();
    }
    std::uint64_t seed(const QJsonObject& o, const char* key, const QString& where)
    {
        bool good = false;
        const std::uint64_t s = text(o, key, where).toULongLong(&good);
        if (ok() && !good)
            fail(where, QStringLiteral("“%1” is not a seed").arg(QLatin1String(key)));
        return s;
    }
    template <typename T>
    T named(const QJsonObject& o, const char* key, const QString& where, std::optional<T> (*parse)(std::string_view))
    {
        const QString s = text(o, key, where);
        const std::optional<T> v = ok() ? parse(s.toStdString()) : std::nullopt;
        if (ok() && !v)
            fail(where, QStringLiteral("“%1” is not a known %1: %2").arg(QLatin1String(key), s));
        return v.value_or(T{});
    }

    TrainingSetup setup(const QJsonObject& o, const QString& where)
    {
        TrainingSetup s;
        auto& a = s.architecture;
        a.inputs = integer(o, "inputs", where, 1, engine::kMaxLayerSize);
        a.hidden.clear();
        for (const QJsonValue& v : array(o, "hidden", where, engine::kMaxHiddenLayers)) {
            const double n = number(v, where, "hidden", 1, engine::kMaxLayerSize);
            a.hidden.push_back(int(n));
        }
        a.outputs = integer(o, "outputs", where, 1, engine::kMaxLayerSize);
        a.hiddenActivation = named<engine::Activation>(o, "activation", where, engine::parseActivation);
        a.output = named<engine::Output>(o, "output", where, engine::parseOutput);
        a.loss = named<engine::Loss>(o, "loss", where, engine::parseLoss);
        a.biases = boolean(o, "biases", where);
        a.scaling = named<engine::Scaling>(o, "scaling", where, engine::parseScaling);
        s.init = named<engine::Init>(o, "init", where, engine::parseInit);
        s.weightSeed = seed(o, "weightSeed", where);
        auto& op = s.training.optimizer;
        op.kind = named<engine::OptimizerKind>(o, "optimizer", where, engine::parseOptimizer);
        op.learningRate = float(number(o, "learningRate", where, 0, 1e6));
        op.momentum = float(number(o, "momentum", where, 0, 1));
        op.rho = float(number(o, "rho", where, 0, 1));
        op.beta1 = float(number(o, "beta1", where, 0, 1));
        op.beta2 = float(number(o, "beta2", where, 0, 1));
        op.epsilon = float(number(o, "epsilon", where, 0, 1));
        s.training.batchSize = integer(o, "batch", where, 1, 1 << 20);
        s.training.shuffle = boolean(o, "shuffle", where);
        s.training.seed = seed(o, "shuffleSeed", where);
        s.training.threads = integer(o, "threads", where, 0, 4096);
        const QString size = text(o, "trainingSize", where);
        bool good = true;
        s.training.trainingSize = size.isEmpty() ? SIZE_MAX : std::size_t(size.toULongLong(&good));
        if (ok() && !good)
            fail(where, QStringLiteral("“trainingSize” is not a number of images"));
        s.training.lessonErrors = boolean(o, "lessonErrors", where);
        s.training.inputPath = engine::InputPath(integer(o, "inputPath", where, 0, 2));
        s.epochs = integer(o, "epochs", where, 1, 1000000);
        s.learningRateDecay = float(number(o, "learningRateDecay", where, 0, 1));
        if (ok())
            if (const QString why = s.validate(SIZE_MAX); !why.isEmpty())
                fail(where, QStringLiteral("the settings cannot train (%1)").arg(why));
        return s;
    }

    CurveSeries series(const QJsonObject& o, const char* key, const QString& where)
    {
        const QString here = QStringLiteral("%1's %2 curve").arg(where, QLatin1String(key));
        const QJsonObject s = object(o, key, where);
        CurveSeries out;
        const QJsonArray x = array(s, "x", here, RunRegistry::kMaxPoints - 1);
        const QJsonArray loss = array(s, "loss", here, RunRegistry::kMaxPoints - 1);
        const QJsonArray accuracy = array(s, "accuracy", here, RunRegistry::kMaxPoints - 1);
        if (ok() && (loss.size() != x.size() || accuracy.size() != x.size()))
            fail(here, QStringLiteral("%1 epochs, %2 losses and %3 accuracies").arg(x.size()).arg(loss.size()).arg(accuracy.size()));
        for (int i = 0; ok() && i < x.size(); ++i) {
            out.x.append(number(x[i], here, "x", -1e9, 1e9));
            out.loss.append(number(loss[i], here, "loss", -1e30, 1e30));
            out.accuracy.append(number(accuracy[i], here, "accuracy", 0, 1));
            if (ok() && i > 0 && out.x[i] < out.x[i - 1])
                fail(here, QStringLiteral("its epochs go back at point %1").arg(i + 1));
        }
        return out;
    }
};

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
        thin(s);
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

void RunRegistry::rowChanged(int id)
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
    rowChanged(id);
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
    rowChanged(id);
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
    QJsonArray runs;
    for (const RunRecord& r : m_runs)
        runs.append(runJson(r));
    return QJsonDocument(QJsonObject{{"format", QLatin1String(kFormat)},
                                     {"version", kWorkspaceVersion},
                                     {"nnlab", QCoreApplication::applicationVersion()},
                                     {"runs", runs}})
        .toJson(QJsonDocument::Indented);
}

bool RunRegistry::fromWorkspace(const QByteArray& bytes, QString* why)
{
    auto refuse = [why](const QString& text) {
        if (why)
            *why = text;
        return false;
    };
    if (bytes.size() > kMaxWorkspaceBytes)
        return refuse(tr("This runs file is %1 MB, more than nnlab opens (%2 MB).")
                          .arg(bytes.size() >> 20).arg(kMaxWorkspaceBytes >> 20));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return refuse(tr("This is not an nnlab runs file: it is not JSON (%1 at byte %2).")
                          .arg(error.errorString()).arg(error.offset));
    const QJsonObject top = doc.object();
    if (!doc.isObject() || top.value(QLatin1String("format")).toString() != QLatin1String(kFormat))
        return refuse(tr("This is not an nnlab runs file: its “format” is not “%1”.").arg(QLatin1String(kFormat)));
    if (top.value(QLatin1String("version")).toInt(-1) != kWorkspaceVersion)
        return refuse(tr("This runs file has version %1; this nnlab reads version %2.")
                          .arg(top.value(QLatin1String("version")).toVariant().toString())
                          .arg(kWorkspaceVersion));

    Reader in;
    std::vector<RunRecord> runs;
    const QJsonArray list = in.array(top, "runs", QString(), kMaxRuns);
    std::set<int> keys;
    for (int i = 0; in.ok() && i < list.size(); ++i) {
        const QString where = tr("run %1").arg(i + 1);
        if (!list[i].isObject()) {
            in.fail(where, tr("it is not an object"));
            break;
        }
        const QJsonObject o = list[i].toObject();
        RunRecord r;
        r.id = in.integer(o, "key", where, 1, INT_MAX);
        if (in.ok() && !keys.insert(r.id).second)
            in.fail(where, tr("its key %1 is used twice").arg(r.id));
        r.number = in.integer(o, "number", where, 1, INT_MAX);
        r.name = in.text(o, "name", where);
        r.colorIndex = in.integer(o, "colour", where, 0, kColorCount - 1);
        r.visible = in.boolean(o, "visible", where);
        r.setup = in.setup(in.object(o, "setup", where), where + tr("'s settings"));
        const QJsonObject data = in.object(o, "data", where);
        r.dataName = in.text(data, "name", where);
        for (const QJsonValue& v : in.array(data, "files", where, 64)) {
            const QJsonObject f = v.toObject();
            engine::FileDigest d;
            d.name = in.text(f, "name", where + tr("'s data file")).toStdString();
            d.sha256 = in.text(f, "sha256", where + tr("'s data file")).toStdString();
            d.bytes = in.count(f, "bytes", where + tr("'s data file"));
            r.dataFiles.push_back(d);
        }
        r.legend = in.text(o, "legend", where);
        r.preset = in.text(o, "preset", where);
        const QString origin = in.text(o, "origin", where);
        const auto known = std::find(std::begin(kOrigins), std::end(kOrigins), origin.toStdString());
        if (in.ok() && known == std::end(kOrigins))
            in.fail(where, tr("its origin “%1” is not new, restart, same-start or branch").arg(origin));
        r.origin = RunOrigin(known - std::begin(kOrigins));
        r.parent = in.integer(o, "parent", where, 0, INT_MAX);
        r.startEpochFraction = in.number(o, "startX", where, 0, 1e9);
        r.startSamples = in.count(o, "startSamples", where);
        r.lastSamples = in.count(o, "samples", where);
        for (const QJsonValue& v : in.array(o, "epochs", where, kMaxEpochs)) {
            const QJsonObject e = v.toObject();
            const QString here = where + tr("'s epoch");
            RunEpoch epoch;
            epoch.epoch = in.integer(e, "epoch", here, 0, INT_MAX);
            epoch.epochFraction = in.number(e, "x", here, 0, 1e9);
            epoch.samplesSeen = in.count(e, "samples", here);
            epoch.trainLoss = in.number(e, "trainLoss", here, -1e30, 1e30);
            epoch.trainAccuracy = in.number(e, "trainAccuracy", here, 0, 1);
            epoch.testLoss = in.number(e, "testLoss", here, -1e30, 1e30);
            epoch.testAccuracy = in.number(e, "testAccuracy", here, 0, 1);
            epoch.seconds = in.number(e, "seconds", here, 0, 1e9);
            r.epochs.push_back(epoch);
        }
        for (const QJsonValue& v : in.array(o, "markers", where, kMaxMarkers)) {
            const QJsonObject m = v.toObject();
            const QString here = where + tr("'s marker");
            RunMarker marker;
            marker.epochFraction = in.number(m, "x", here, 0, 1e9);
            marker.samplesSeen = in.count(m, "samples", here);
            marker.text = in.text(m, "text", here);
            for (const QJsonValue& k : in.array(m, "knobs", here, 64)) {
                const QJsonObject ko = k.toObject();
                engine::KnobChange knob;
                knob.samplesSeen = in.count(ko, "samples", here);
                knob.knob = in.text(ko, "knob", here).toStdString();
                knob.from = in.text(ko, "from", here).toStdString();
                knob.to = in.text(ko, "to", here).toStdString();
                marker.knobs.push_back(knob);
            }
            r.markers.push_back(marker);
        }
        const QJsonObject curves = in.object(o, "curves", where);
        r.running = in.series(curves, "running", where);
        r.test = in.series(curves, "test", where);
        r.quick = in.series(curves, "quick", where);
        runs.push_back(std::move(r));
    }
    if (!in.ok())
        return refuse(tr("This runs file cannot be opened: %1.").arg(in.fault));

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
