// What nnlab-serve answers, without sockets: a request (method, path, content type, body) in, a
// status and a JSON body out. model_server.h puts it behind Qt HttpServer.
//
//   GET  /health   {"status": "ok"}
//   GET  /model    the architecture, parameter count and test accuracy (model_json.h)
//   POST /predict  {"pixels": [784 numbers 0..255]} -> {"digit": 7, "probabilities": [10],
//                  "outputs": [10]}; or an image file (Content-Type image/png, image/jpeg, ...)
//                  of one digit, prepared as MNIST was (engine/preprocess.h), which also answers
//                  the 28x28 "pixels" the network saw
// Every error is {"error": "<one sentence>"}: 400 bad JSON, pixels or image, 404 unknown path,
// 405 wrong method (with Allow), 413 a body over 1 MiB, 415 an image format Qt cannot read.
#pragma once

#include "engine/model_file.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

namespace nnlab::app {

inline constexpr qsizetype kMaxBodyBytes = 1 << 20; // 1 MiB: 784 pixels as JSON need ~4 KiB
inline constexpr int kMaxImageSide = 4096;          // pixels, either way

struct HttpAnswer
{
    int status = 200;
    QByteArray body;  // JSON
    QByteArray allow; // the Allow header of a 405, else empty
};

class PredictionService
{
public:
    // modelPath is what GET /model reports; the network must have 784 inputs (28 x 28 pixels).
    PredictionService(engine::Model model, QString modelPath);

    // method as on the request line ("GET", "POST"; empty for one Qt does not know).
    HttpAnswer answer(QByteArrayView method, QStringView path, QByteArrayView contentType,
                      const QByteArray& body) const;

    const engine::Model& model() const { return m_model; }

private:
    HttpAnswer health() const;
    HttpAnswer describeModel() const;
    HttpAnswer predict(QByteArrayView contentType, const QByteArray& body) const;
    HttpAnswer predictImage(QByteArrayView contentType, const QByteArray& body) const;
    // {"digit", "probabilities", "outputs"} for one image of 784 values 0..255.
    QJsonObject predictPixels(const float* pixels) const;

    engine::Model m_model;
    QString m_modelPath;
};

} // namespace nnlab::app
