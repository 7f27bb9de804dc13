#include "model_json.h"

#include <QString>

namespace nnlab::app {

using namespace nnlab::engine;

namespace {

QString qstring(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

} // namespace

QJsonObject modelJson(const Model& model)
{
    const Architecture& a = model.network.architecture();
    QJsonArray sizes;
    for (const int s : a.layerSizes())
        sizes.append(s);
    QJsonObject o;
    o["architecture"] = qstring(a.describe());
    o["layer_sizes"] = sizes;
    o["activation"] = qstring(toString(a.hiddenActivation));
    o["output"] = qstring(toString(a.output));
    o["loss"] = qstring(toString(a.loss));
    o["biases"] = a.biases;
    o["scaling"] = qstring(toString(a.scaling));
    o["targets"] = qstring(toString(a.targets));
    o["parameters"] = qint64(a.parameterCount());
    o["test_accuracy"] = model.info.testAccuracy ? QJsonValue(double(*model.info.testAccuracy))
                                                 : QJsonValue(QJsonValue::Null);
    o["samples_seen"] = qint64(model.info.samplesSeen);
    o["note"] = qstring(model.info.note);
    return o;
}

QJsonArray floatsJson(const float* values, int n)
{
    QJsonArray out;
    for (int i = 0; i < n; ++i)
        out.append(double(values[i]));
    return out;
}

} // namespace nnlab::app
