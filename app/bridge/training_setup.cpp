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
    if (training.trainingSize < SIZE_MAX)
        text += QStringLiteral(" · %1 images").arg(training.trainingSize);
    return text;
}

QString describeChange(const engine::TrainingConfig& before, const engine::TrainingConfig& after)
{
    QStringList parts;
    const auto& a = before.optimizer;
    const auto& b = after.optimizer;
    if (a.kind != b.kind)
        parts << QStringLiteral("%1 → %2").arg(QLatin1String(kOptimizerNames[int(a.kind)]),
                                                QLatin1String(kOptimizerNames[int(b.kind)]));
    const QString lrBefore = QString::number(double(a.learningRate), 'g', 3);
    const QString lrAfter = QString::number(double(b.learningRate), 'g', 3);
    if (lrBefore != lrAfter)
        parts << QStringLiteral("l_r %1 → %2").arg(lrBefore, lrAfter);
    if (before.batchSize != after.batchSize)
        parts << QStringLiteral("batch %1 → %2").arg(before.batchSize).arg(after.batchSize);
    return parts.join(QStringLiteral(" · "));
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
