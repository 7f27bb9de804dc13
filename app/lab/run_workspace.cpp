#include "run_workspace.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <climits>
#include <cmath>
#include <set>

namespace nnlab::app {

namespace engine = nnlab::engine;

namespace {

constexpr char kFormat[] = "nnlab-runs";
constexpr int kMaxEpochs = 100000;   // per run
constexpr int kMaxMarkers = 100000;  // per run
constexpr int kMaxText = 4096;       // characters of any one string
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53: a JSON number holds it exactly

const char* const kOrigins[] = {"new", "restart", "same-start", "branch"};

// The messages keep the translation context they were written in (RunRegistry's).
QString tr(const char* text) { return QCoreApplication::translate("nnlab::app::RunRegistry", text); }

// An enum's name as the engine spells it ("sigmoid", "sgd").
QString nameOf(std::string_view name) { return QString::fromStdString(std::string(name)); }

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
        {"activation", nameOf(engine::toString(a.hiddenActivation))},
        {"output", nameOf(engine::toString(a.output))},
        {"loss", nameOf(engine::toString(a.loss))},
        {"biases", a.biases},
        {"scaling", nameOf(engine::toString(a.scaling))},
        {"targets", nameOf(engine::toString(a.targets))},
        {"init", nameOf(engine::toString(s.init))},
        {"weightSeed", QString::number(s.weightSeed)},
        {"optimizer", nameOf(engine::toString(o.kind))},
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
        files.append(QJsonObject{{"name", QString::fromStdString(f.name)},
                                 {"sha256", QString::fromStdString(f.sha256)},
                                 {"bytes", double(f.bytes)}});
    QJsonArray epochs;
    for (const RunEpoch& e : r.epochs)
        epochs.append(QJsonObject{{"epoch", e.epoch}, {"x", e.epochFraction}, {"samples", double(e.samplesSeen)},
                                  {"trainLoss", e.trainLoss}, {"trainAccuracy", e.trainAccuracy},
                                  {"testLoss", e.testLoss}, {"testAccuracy", e.testAccuracy}, {"seconds", e.seconds}});
    QJsonArray markers;
    for (const RunMarker& m : r.markers) {
        QJsonArray knobs;
        for (const auto& k : m.knobs)
            knobs.append(QJsonObject{{"samples", double(k.samplesSeen)}, {"knob", QString::fromStdString(k.knob)},
                                     {"from", QString::fromStdString(k.from)}, {"to", QString::fromStdString(k.to)}});
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
        if (o.contains(QLatin1String("targets"))) // runs saved before issue 14: the lesson's
            a.targets = named<engine::Targets>(o, "targets", where, engine::parseTargets);
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

    // One run of the list; `keys` holds the keys of the runs before it (each is used once).
    RunRecord run(const QJsonObject& o, const QString& where, std::set<int>& keys)
    {
        RunRecord r;
        r.id = integer(o, "key", where, 1, INT_MAX);
        if (ok() && !keys.insert(r.id).second)
            fail(where, tr("its key %1 is used twice").arg(r.id));
        r.number = integer(o, "number", where, 1, INT_MAX);
        r.name = text(o, "name", where);
        r.colorIndex = integer(o, "colour", where, 0, RunRegistry::kColorCount - 1);
        r.visible = boolean(o, "visible", where);
        r.setup = setup(object(o, "setup", where), where + tr("'s settings"));
        const QJsonObject data = object(o, "data", where);
        r.dataName = text(data, "name", where);
        for (const QJsonValue& v : array(data, "files", where, 64)) {
            const QJsonObject f = v.toObject();
            engine::FileDigest d;
            d.name = text(f, "name", where + tr("'s data file")).toStdString();
            d.sha256 = text(f, "sha256", where + tr("'s data file")).toStdString();
            d.bytes = count(f, "bytes", where + tr("'s data file"));
            r.dataFiles.push_back(d);
        }
        r.legend = text(o, "legend", where);
        r.preset = text(o, "preset", where);
        const QString origin = text(o, "origin", where);
        const auto known = std::find(std::begin(kOrigins), std::end(kOrigins), origin.toStdString());
        if (ok() && known == std::end(kOrigins))
            fail(where, tr("its origin “%1” is not new, restart, same-start or branch").arg(origin));
        r.origin = RunOrigin(known - std::begin(kOrigins));
        r.parent = integer(o, "parent", where, 0, INT_MAX);
        r.startEpochFraction = number(o, "startX", where, 0, 1e9);
        r.startSamples = count(o, "startSamples", where);
        r.lastSamples = count(o, "samples", where);
        for (const QJsonValue& v : array(o, "epochs", where, kMaxEpochs)) {
            const QJsonObject e = v.toObject();
            const QString here = where + tr("'s epoch");
            RunEpoch epoch;
            epoch.epoch = integer(e, "epoch", here, 0, INT_MAX);
            epoch.epochFraction = number(e, "x", here, 0, 1e9);
            epoch.samplesSeen = count(e, "samples", here);
            epoch.trainLoss = number(e, "trainLoss", here, -1e30, 1e30);
            epoch.trainAccuracy = number(e, "trainAccuracy", here, 0, 1);
            epoch.testLoss = number(e, "testLoss", here, -1e30, 1e30);
            epoch.testAccuracy = number(e, "testAccuracy", here, 0, 1);
            epoch.seconds = number(e, "seconds", here, 0, 1e9);
            r.epochs.push_back(epoch);
        }
        for (const QJsonValue& v : array(o, "markers", where, kMaxMarkers)) {
            const QJsonObject m = v.toObject();
            const QString here = where + tr("'s marker");
            RunMarker marker;
            marker.epochFraction = number(m, "x", here, 0, 1e9);
            marker.samplesSeen = count(m, "samples", here);
            marker.text = text(m, "text", here);
            for (const QJsonValue& k : array(m, "knobs", here, 64)) {
                const QJsonObject ko = k.toObject();
                engine::KnobChange knob;
                knob.samplesSeen = count(ko, "samples", here);
                knob.knob = text(ko, "knob", here).toStdString();
                knob.from = text(ko, "from", here).toStdString();
                knob.to = text(ko, "to", here).toStdString();
                marker.knobs.push_back(knob);
            }
            r.markers.push_back(marker);
        }
        const QJsonObject curves = object(o, "curves", where);
        r.running = series(curves, "running", where);
        r.test = series(curves, "test", where);
        r.quick = series(curves, "quick", where);
        return r;
    }
};

} // namespace

QByteArray workspaceJson(const std::vector<RunRecord>& runs)
{
    QJsonArray list;
    for (const RunRecord& r : runs)
        list.append(runJson(r));
    return QJsonDocument(QJsonObject{{"format", QLatin1String(kFormat)},
                                     {"version", RunRegistry::kWorkspaceVersion},
                                     {"nnlab", QCoreApplication::applicationVersion()},
                                     {"runs", list}})
        .toJson(QJsonDocument::Indented);
}

std::optional<std::vector<RunRecord>> readWorkspace(const QByteArray& bytes, QString* why)
{
    auto refuse = [why](const QString& text) -> std::optional<std::vector<RunRecord>> {
        if (why)
            *why = text;
        return std::nullopt;
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
    if (top.value(QLatin1String("version")).toInt(-1) != RunRegistry::kWorkspaceVersion)
        return refuse(tr("This runs file has version %1; this nnlab reads version %2.")
                          .arg(top.value(QLatin1String("version")).toVariant().toString())
                          .arg(RunRegistry::kWorkspaceVersion));

    Reader in;
    std::vector<RunRecord> runs;
    const QJsonArray list = in.array(top, "runs", QString(), RunRegistry::kMaxRuns);
    std::set<int> keys;
    for (int i = 0; in.ok() && i < list.size(); ++i) {
        const QString where = tr("run %1").arg(i + 1);
        if (!list[i].isObject()) {
            in.fail(where, tr("it is not an object"));
            break;
        }
        runs.push_back(in.run(list[i].toObject(), where, keys));
    }
    if (!in.ok())
        return refuse(tr("This runs file cannot be opened: %1.").arg(in.fault));
    return runs;
}

} // namespace nnlab::app
