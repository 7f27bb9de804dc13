#include "setup_settings.h"

#include <QSettings>
#include <QStringList>

#include <cmath>

namespace nnlab::app {

namespace engine = nnlab::engine;

namespace {
const QString kGroup = QStringLiteral("setup");
}

void saveSetup(QSettings& s, const TrainingSetup& setup)
{
    s.beginGroup(kGroup);
    const auto& a = setup.architecture;
    QStringList hidden;
    for (const int n : a.hidden)
        hidden << QString::number(n);
    s.setValue("hidden", hidden.join(QLatin1Char(',')));
    s.setValue("activation", int(a.hiddenActivation));
    s.setValue("output", int(a.output));
    s.setValue("loss", int(a.loss));
    s.setValue("biases", a.biases);
    s.setValue("scaling", int(a.scaling));
    s.setValue("targets", int(a.targets));
    s.setValue("init", int(setup.init));
    s.setValue("seed", qulonglong(setup.weightSeed));
    const auto& o = setup.training.optimizer;
    s.setValue("optimizer", int(o.kind));
    s.setValue("learningRate", double(o.learningRate));
    s.setValue("momentum", double(o.momentum));
    s.setValue("rho", double(o.rho));
    s.setValue("beta1", double(o.beta1));
    s.setValue("beta2", double(o.beta2));
    s.setValue("batch", setup.training.batchSize);
    s.setValue("shuffle", setup.training.shuffle);
    s.setValue("lessonErrors", setup.training.lessonErrors);
    s.setValue("trainingSize", setup.training.trainingSize == SIZE_MAX
                                   ? qulonglong(0)
                                   : qulonglong(setup.training.trainingSize));
    s.setValue("epochs", setup.epochs);
    s.setValue("learningRateDecay", double(setup.learningRateDecay));
    s.endGroup();
}

std::optional<TrainingSetup> loadSetup(const QSettings& s)
{
    const auto get = [&](const char* key) { return s.value(kGroup + QLatin1Char('/') + QLatin1String(key)); };
    if (!get("hidden").isValid())
        return std::nullopt;
    bool ok = true;
    const auto integer = [&](const char* key, int lo, int hi) {
        bool good = false;
        const int v = get(key).toInt(&good);
        ok = ok && good && v >= lo && v <= hi;
        return v;
    };
    const auto real = [&](const char* key, double lo, double hi) {
        bool good = false;
        const double v = get(key).toDouble(&good);
        ok = ok && good && std::isfinite(v) && v >= lo && v <= hi;
        return float(v);
    };
    TrainingSetup setup;
    auto& a = setup.architecture;
    a.hidden.clear();
    const QString hidden = get("hidden").toString();
    if (!hidden.isEmpty())
        for (const QString& part : hidden.split(QLatin1Char(','))) {
            bool good = false;
            const int n = part.toInt(&good);
            ok = ok && good && n >= 1 && n <= 1024;
            a.hidden.push_back(n);
        }
    ok = ok && a.hidden.size() <= 8;
    a.hiddenActivation = engine::Activation(integer("activation", 0, 2));
    a.output = engine::Output(integer("output", 0, 1));
    a.loss = engine::Loss(integer("loss", 0, 1));
    a.biases = get("biases").toBool();
    a.scaling = engine::Scaling(integer("scaling", 0, int(engine::Scaling::Raw)));
    // Settings saved before issue 14 have no targets: the lesson's.
    a.targets = get("targets").isValid()
                    ? engine::Targets(integer("targets", 0, int(engine::Targets::ZeroOne)))
                    : engine::Targets::Lesson;
    setup.init = engine::Init(integer("init", 0, int(engine::Init::RandCentered)));
    bool seedOk = false;
    setup.weightSeed = get("seed").toULongLong(&seedOk);
    ok = ok && seedOk && setup.weightSeed >= 1;
    auto& o = setup.training.optimizer;
    o.kind = engine::OptimizerKind(integer("optimizer", 0, 3));
    o.learningRate = real("learningRate", 1e-4, 1.0);
    o.momentum = real("momentum", 0, 0.999);
    o.rho = real("rho", 0, 0.999);
    o.beta1 = real("beta1", 0, 0.999);
    o.beta2 = real("beta2", 0, 0.9999);
    setup.training.batchSize = integer("batch", 1, 2048);
    setup.training.shuffle = get("shuffle").toBool();
    setup.training.lessonErrors = get("lessonErrors").toBool();
    const qulonglong size = get("trainingSize").toULongLong();
    setup.training.trainingSize = size == 0 ? SIZE_MAX : std::size_t(size);
    setup.epochs = integer("epochs", 1, 1000);
    setup.learningRateDecay = real("learningRateDecay", 0.05, 1.0);
    if (!ok || !setup.validate(60000).isEmpty())
        return std::nullopt;
    return setup;
}

} // namespace nnlab::app
