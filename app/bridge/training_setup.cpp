#include "training_setup.h"

#include <QStringList>

namespace nnlab::app {

namespace engine = nnlab::engine;

TrainingSetup TrainingSetup::fromPreset(const engine::Preset& preset)
{
    TrainingSetup s;
    s.architecture = preset.architecture;
    s.init = preset.init;
    s.weightSeed = preset.weightSeed;
    s.training = preset.training;
    s.epochs = preset.epochs;
    s.learningRateDecay = preset.learningRateDecay;
    return s;
}

engine::Preset TrainingSetup::toPreset(const QString& name) const
{
    engine::Preset p;
    p.name = name.toStdString();
    p.description = describe().toStdString();
    p.architecture = architecture;
    p.init = init;
    p.weightSeed = weightSeed;
    p.training = training;
    p.epochs = epochs;
    p.learningRateDecay = learningRateDecay;
    return p;
}

namespace {
const char* const kOptimizerNames[] = {"SGD", "momentum", "RMSprop", "Adam"};
} // namespace

QString TrainingSetup::describe() const
{
    const auto& o = training.optimizer;
    QString text = QString::fromStdString(architecture.describe(engine::Detail::Brief));
    text += QStringLiteral(" · %1 l_r %2 · batch %3")
                .arg(QLatin1String(kOptimizerNames[int(o.kind)]))
                .arg(double(o.learningRate), 0, 'g', 3)
                .arg(training.batchSize);
    // The lesson's first attempt, named so its runs are told apart from the lesson's.
    if (init == engine::Init::Rand || init == engine::Init::RandCentered)
        text += QStringLiteral(" · init ") + QString::fromStdString(std::string(engine::toString(init)));
    if (architecture.scaling == engine::Scaling::Raw)
        text += QStringLiteral(" · raw pixels 0-255");
    if (architecture.loss == engine::Loss::SquaredError && architecture.targets == engine::Targets::ZeroOne)
        text += QStringLiteral(" · targets 0 and 1");
    if (training.trainingSize < SIZE_MAX)
        text += QStringLiteral(" · %1 images").arg(training.trainingSize);
    return text;
}

std::vector<engine::KnobChange> knobChanges(const engine::TrainingConfig& before, float decayBefore,
                                            const engine::TrainingConfig& after, float decayAfter,
                                            std::uint64_t samplesSeen)
{
    std::vector<engine::KnobChange> knobs;
    const auto add = [&](const char* knob, const QString& from, const QString& to) {
        if (from != to)
            knobs.push_back(engine::KnobChange{samplesSeen, knob, from.toStdString(), to.toStdString()});
    };
    const auto number = [](float v) { return QString::number(double(v), 'g', 3); };
    const auto& a = before.optimizer;
    const auto& b = after.optimizer;
    add("optimizer", QLatin1String(kOptimizerNames[int(a.kind)]), QLatin1String(kOptimizerNames[int(b.kind)]));
    add("l_r", number(a.learningRate), number(b.learningRate));
    add("batch", QString::number(before.batchSize), QString::number(after.batchSize));
    add("decay", number(decayBefore), number(decayAfter));
    return knobs;
}

QString describeChange(const std::vector<engine::KnobChange>& knobs)
{
    QStringList parts;
    for (const engine::KnobChange& k : knobs) {
        const QString arrow = QStringLiteral("%1 → %2").arg(QString::fromStdString(k.from), QString::fromStdString(k.to));
        // The optimizer's names say what they are: "SGD → Adam".
        parts << (k.knob == "optimizer" ? arrow : QString::fromStdString(k.knob) + QLatin1Char(' ') + arrow);
    }
    return parts.join(QStringLiteral(" · "));
}

QString describeChange(const engine::TrainingConfig& before, const engine::TrainingConfig& after)
{
    return describeChange(knobChanges(before, 1.0f, after, 1.0f, 0));
}

QString TrainingSetup::validate(std::size_t trainingSamples) const
{
    if (const std::string why = architecture.validate(); !why.empty())
        return QString::fromStdString(why);
    if (const std::string why = training.validate(); !why.empty())
        return QString::fromStdString(why);
    if (trainingSamples == 0)
        return QStringLiteral("the training set is empty");
    if (epochs < 1)
        return QStringLiteral("train for at least one epoch");
    if (!(learningRateDecay > 0.0f && learningRateDecay <= 1.0f))
        return QStringLiteral("the learning-rate decay must be in (0, 1]");
    return {};
}

} // namespace nnlab::app
