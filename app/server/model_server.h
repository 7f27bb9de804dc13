// nnlab-serve's HTTP side: Qt HttpServer routes in front of a PredictionService, on a TCP server
// that never holds more than 1 MiB (plus headers) of one request and closes idle connections.
#pragma once

#include "prediction_service.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>

namespace nnlab::app {

class LimitedTcpServer;

inline constexpr int kDefaultIdleMs = 30000;

class ModelServer : public QObject
{
    Q_OBJECT

public:
    // idleMs: how long a connection may stay quiet, within a request or between requests.
    explicit ModelServer(PredictionService service, int idleMs = kDefaultIdleMs,
                         QObject* parent = nullptr);

    // Starts listening; port 0 picks a free one. Returns the port, or 0 (see errorString()).
    quint16 listen(const QHostAddress& address, quint16 port);
    QString errorString() const { return m_error; }

private:
    PredictionService m_service;
    int m_idleMs;
    QHttpServer m_http;
    QString m_error;
};

} // namespace nnlab::app
