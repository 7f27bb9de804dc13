// Fuzzes nnlab-serve's request handling (PredictionService::answer, app/prediction_service.h)
// with requests written as HTTP/1.1: "METHOD TARGET HTTP/1.1", header lines, a blank line, the
// body. The request line and headers are split here as Qt HttpServer hands them over (the
// path of the URL, the Content-Type trimmed and lower-cased as model_server.cpp passes it);
// HTTP parsing itself is Qt's. Any exception from answer() is a crash: the service answers
// every request with JSON.
#include "app/server/prediction_service.h"

#include "engine/network.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QImageReader>
#include <QJsonDocument>
#include <QUrl>

#include <memory>

using namespace nnlab::engine;
using namespace nnlab::app;

namespace {

constexpr int kFuzzSide = 64;
std::unique_ptr<PredictionService> service;

// The lesson's network, smaller: 784-16-10, sigmoid, no biases, fixed random weights.
Model smallLessonModel()
{
    Architecture a;
    a.hidden = {16};
    Model model;
    model.network = Network(a);
    model.network.initialize(Init::Lesson, 1);
    model.info.note = "fuzz";
    return model;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication app(*argc, *argv); // as nnlab-serve: Qt finds its image plugins
    service = std::make_unique<PredictionService>(smallLessonModel(), "fuzz.nnlab");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray request(reinterpret_cast<const char*>(data), qsizetype(size));
    const qsizetype headEnd = request.indexOf("\r\n\r\n");
    const QByteArray head = headEnd < 0 ? request : request.first(headEnd);
    const QByteArray body = headEnd < 0 ? QByteArray() : request.sliced(headEnd + 4);
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QByteArray method = requestLine.value(0);
    const QString path = QUrl::fromEncoded(requestLine.value(1)).path();
    QByteArray contentType;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0 && lines[i].first(colon).trimmed().toLower() == "content-type")
            contentType = lines[i].sliced(colon + 1).trimmed().toLower();
    }

    // An image takes ~1 us per pixel in the instrumented preprocessing, up to 4096 x 4096 here:
    // larger than 64 a side it is fuzz_image's (which shrinks it), to keep this fuzzer fast.
    if (contentType.startsWith("image/")) {
        QBuffer buffer;
        buffer.setData(body);
        buffer.open(QIODevice::ReadOnly);
        const QSize size = QImageReader(&buffer).size();
        if (size.width() > kFuzzSide || size.height() > kFuzzSide)
            return 0;
    }

    const HttpAnswer a = service->answer(method, path, contentType, body);
    if (a.status < 200 || a.status > 599 || a.body.isEmpty())
        __builtin_trap();
    if (!QJsonDocument::fromJson(a.body).isObject())
        __builtin_trap(); // every answer is a JSON object
    if ((a.status == 405) != !a.allow.isEmpty())
        __builtin_trap(); // Allow exactly with a 405
    return 0;
}
