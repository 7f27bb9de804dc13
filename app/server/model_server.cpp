#include "model_server.h"

#include "limited_tcp_server.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>

#include <exception>

namespace nnlab::app {

namespace {

constexpr qint64 kMaxHeaderBytes = 64 * 1024; // request line and headers

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return {}; // a method Qt HttpServer does not know
    }
}

QByteArray errorJson(const QString& message)
{
    return QJsonDocument(QJsonObject{{"error", message}}).toJson(QJsonDocument::Compact);
}

// The service's answer to one request; nothing it throws leaves here (Qt would terminate).
QHttpServerResponse respond(const PredictionService& service, const QHttpServerRequest& request)
{
    HttpAnswer a;
    try {
        a = service.answer(methodName(request.method()), request.url().path(),
                           request.value("content-type").trimmed().toLower(), request.body());
    } catch (const std::exception& e) {
        a = {500, errorJson(QString("internal error: ") + e.what()), {}};
    } catch (...) {
        a = {500, errorJson("internal error"), {}};
    }
    QHttpServerResponse response("application/json", a.body,
                                 static_cast<QHttpServerResponse::StatusCode>(a.status));
    if (!a.allow.isEmpty())
        response.setHeader("Allow", a.allow);
    return response;
}

} // namespace

ModelServer::ModelServer(PredictionService service, int idleMs, QObject* parent)
    : QObject(parent), m_service(std::move(service)), m_idleMs(idleMs), m_http(this)
{
    const auto handler = [this](const QHttpServerRequest& request) {
        return respond(m_service, request);
    };
    for (const char* path : {"/health", "/model", "/predict"})
        m_http.route(path, handler);
    // Unknown paths (404), and known ones asked with a method Qt does not know (405).
    m_http.setMissingHandler([this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
        respond(m_service, request).write(std::move(responder));
    });
}

quint16 ModelServer::listen(const QHostAddress& address, quint16 port)
{
    auto* tcp = new LimitedTcpServer(kMaxBodyBytes + kMaxHeaderBytes,
                                     errorJson("the request is larger than nnlab-serve takes: "
                                               "a body of at most 1 MiB"),
                                     m_idleMs, this);
    if (!tcp->listen(address, port)) {
        m_error = tcp->errorString();
        delete tcp;
        return 0;
    }
    m_http.bind(tcp);
    return tcp->serverPort();
}

} // namespace nnlab::app
