#include "prediction_service.h"

#include "app/common/image_ink.h"
#include "app/common/model_json.h"

#include "engine/file_error.h"
#include "engine/preprocess.h"

#include <QBuffer>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <array>
#include <stdexcept>
#include <vector>

namespace nnlab::app {

using namespace nnlab::engine;

namespace {

constexpr int kPixels = 784; // 28 x 28, row by row, 0 = background, 255 = ink
constexpr const char* kPixelsExample = "{\"pixels\": [784 numbers 0..255]}";

struct Route
{
    QStringView path;
    QByteArrayView method;
};
constexpr std::array kRoutes{Route{u"/health", "GET"}, Route{u"/model", "GET"},
                             Route{u"/predict", "POST"}};

HttpAnswer json(int status, const QJsonObject& o)
{
    return {status, QJsonDocument(o).toJson(QJsonDocument::Compact), {}};
}

HttpAnswer error(int status, const QString& message)
{
    return json(status, QJsonObject{{"error", message}});
}

QString kindOf(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null: return "null";
    case QJsonValue::Bool: return v.toBool() ? "true" : "false";
    case QJsonValue::Double: return "a number";
    case QJsonValue::String: return "a string";
    case QJsonValue::Array: return "an array";
    case QJsonValue::Object: return "an object";
    case QJsonValue::Undefined: break;
    }
    return "undefined";
}

QString bytes(qsizetype n) { return QString::fromStdString(withThousands(std::uint64_t(n))); }

} // namespace

PredictionService::PredictionService(Model model, QString modelPath)
    : m_model(std::move(model)), m_modelPath(std::move(modelPath))
{
    const int inputs = m_model.network.architecture().inputs;
    if (inputs != kPixels)
        throw std::invalid_argument("the network has " + std::to_string(inputs) +
                                    " inputs; nnlab-serve needs 784, one per pixel of a 28 x 28 "
                                    "image");
}

HttpAnswer PredictionService::answer(QByteArrayView method, QStringView path,
                                     QByteArrayView contentType, const QByteArray& body) const
{
    const Route* route = nullptr;
    for (const Route& r : kRoutes)
        if (r.path == path)
            route = &r;
    if (!route)
        return error(404, "there is no " + path.left(200).toString() +
                              " here: GET /health, GET /model or POST /predict");
    if (body.size() > kMaxBodyBytes)
        return error(413, "the body is " + bytes(body.size()) + " bytes; at most " +
                              bytes(kMaxBodyBytes) + " (1 MiB)");
    if (method != route->method) {
        const QString asked = QString::fromLatin1(method).left(20);
        HttpAnswer a = error(405, route->path.toString() + " answers " +
                                      QString::fromLatin1(route->method) + " only" +
                                      (asked.isEmpty() ? "" : ", not " + asked));
        a.allow = route->method.toByteArray();
        return a;
    }
    if (route->path == u"/health")
        return health();
    if (route->path == u"/model")
        return describeModel();
    return predict(contentType, body);
}

HttpAnswer PredictionService::health() const { return json(200, {{"status", "ok"}}); }

HttpAnswer PredictionService::describeModel() const
{
    QJsonObject o = modelJson(m_model);
    o["file"] = m_modelPath;
    return json(200, o);
}

HttpAnswer PredictionService::predict(QByteArrayView contentType, const QByteArray& body) const
{
    if (contentType.startsWith("image/"))
        return predictImage(contentType, body);
    if (body.trimmed().isEmpty())
        return error(400, "the body is empty: send " + QString(kPixelsExample));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return error(400, "the body is not valid JSON: " + parseError.errorString() +
                              " at character " + QString::number(parseError.offset) +
                              "; send " + kPixelsExample);
    if (!doc.isObject())
        return error(400, "the body must be a JSON object " + QString(kPixelsExample) +
                              ", not " + (doc.isArray() ? "an array" : "a single value"));
    const QJsonValue pixels = doc.object().value("pixels");
    if (pixels.isUndefined())
        return error(400, "the body has no \"pixels\": send " + QString(kPixelsExample));
    if (!pixels.isArray())
        return error(400, "\"pixels\" must be an array of 784 numbers 0..255, not " +
                              kindOf(pixels));
    const QJsonArray values = pixels.toArray();
    if (values.size() != kPixels)
        return error(400, "\"pixels\" has " + QString::number(values.size()) +
                              " values; the network needs 784 (28 x 28, row by row)");
    std::vector<float> image(kPixels);
    for (int i = 0; i < kPixels; ++i) {
        const QJsonValue v = values.at(i);
        if (!v.isDouble())
            return error(400, "pixels[" + QString::number(i) + "] is " + kindOf(v) +
                                  ", not a number 0..255");
        const double x = v.toDouble();
        if (!(x >= 0.0 && x <= 255.0))
            return error(400, "pixels[" + QString::number(i) + "] is " + QString::number(x) +
                                  "; a pixel is 0 (background) to 255 (ink)");
        image[std::size_t(i)] = float(x);
    }
    return json(200, predictPixels(image.data()));
}

// An image file: decoded by Qt's image readers, then cropped, scaled and centred as MNIST's
// digits were (engine::toMnist), whichever way round its ink is.
HttpAnswer PredictionService::predictImage(QByteArrayView contentType, const QByteArray& body) const
{
    const qsizetype semicolon = contentType.indexOf(';'); // "image/png; charset=..." -> image/png
    const QByteArray mimeType =
        (semicolon < 0 ? contentType : contentType.first(semicolon)).toByteArray().trimmed();
    if (!QImageReader::supportedMimeTypes().contains(mimeType))
        return error(415, QString::fromLatin1(mimeType.left(60)) +
                              " is not an image format nnlab-serve reads: send PNG, JPEG, BMP or "
                              "GIF, or " + kPixelsExample + " as application/json");
    if (body.isEmpty())
        return error(400, "the body is empty: send an image of one digit");
    QBuffer buffer;
    buffer.setData(body);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setAllocationLimit(64); // MiB: an image no larger than 4096 x 4096
    const QSize size = reader.size();
    if (size.width() > kMaxImageSide || size.height() > kMaxImageSide)
        return error(400, "the image is " + QString::number(size.width()) + " x " +
                              QString::number(size.height()) + " pixels; at most " +
                              QString::number(kMaxImageSide) + " on either side");
    const QImage image = reader.read();
    if (image.isNull())
        return error(400, "the body is not an image nnlab-serve can read (" +
                              reader.errorString() + ")");
    const std::optional<MnistImage> digit = toMnist(inkFromImage(image));
    if (!digit)
        return error(400, "the image has no ink: nothing to read");
    std::vector<float> pixels(digit->begin(), digit->end());
    QJsonObject answer = predictPixels(pixels.data());
    QJsonArray seen;
    for (const std::uint8_t p : *digit)
        seen.append(int(p));
    answer["pixels"] = seen;
    return json(200, answer);
}

QJsonObject PredictionService::predictPixels(const float* pixels) const
{
    const Network& net = m_model.network;
    const Architecture& a = net.architecture();
    Batch x(a.inputs, 1);
    for (int i = 0; i < a.inputs; ++i)
        x(i, 0) = scalePixelValue(a.scaling, pixels[i]);
    const Batch out = net.predict(x);
    Eigen::Index digit = 0;
    out.col(0).maxCoeff(&digit);
    // Softmax outputs are probabilities; the lesson's sigmoid outputs are each 0..1 on their
    // own, so they are shared out in proportion to sum to 1.
    Vector probabilities = out.col(0);
    if (a.output == Output::Sigmoid)
        probabilities /= probabilities.sum();
    return {{"digit", int(digit)},
            {"probabilities", floatsJson(probabilities.data(), int(probabilities.size()))},
            {"outputs", floatsJson(out.data(), int(out.rows()))}};
}

} // namespace nnlab::app
