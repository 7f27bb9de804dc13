#include "limited_tcp_server.h"

#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace nnlab::app {

namespace {

// After a 413 the client may still be sending its body: reading it, rather than closing at once,
// lets the client read the answer instead of a reset connection. Within limits.
constexpr int kDrainMilliseconds = 5000;
constexpr qint64 kMaxDrainBytes = qint64(64) << 20;

} // namespace

LimitedTcpServer::LimitedTcpServer(qint64 maxRequestBytes, QByteArray tooLargeJson, int idleMs,
                                   QObject* parent)
    : QTcpServer(parent), m_maxRequestBytes(maxRequestBytes),
      m_tooLargeJson(std::move(tooLargeJson)), m_idleMs(idleMs)
{
}

void LimitedTcpServer::incomingConnection(qintptr descriptor)
{
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    // Connected before the HTTP server connects its own reader, so this runs first on every
    // readyRead and sees each byte before the server buffers it.
    auto connection = std::make_shared<Connection>();
    auto* idle = new QTimer(socket);
    idle->setSingleShot(true);
    idle->setInterval(m_idleMs);
    connect(idle, &QTimer::timeout, socket, &QTcpSocket::disconnectFromHost);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket, connection, idle] {
        idle->start();
        checkSize(socket, *connection);
    });
    connect(socket, &QTcpSocket::bytesWritten, idle, qOverload<>(&QTimer::start));
    idle->start();
    addPendingConnection(socket);
}

void LimitedTcpServer::checkSize(QTcpSocket* socket, Connection& c)
{
    if (c.rejected) {
        // Inside the HTTP server's read transaction: commit it so the dropped bytes are freed.
        if (socket->isTransactionStarted())
            socket->commitTransaction();
        c.dropped += socket->skip(socket->bytesAvailable());
        if (c.dropped > kMaxDrainBytes)
            socket->abort();
        return;
    }
    // The HTTP server reads all it is given while a request is incomplete, and commits its read
    // transaction when the request is complete: outside a transaction a new request begins with
    // the bytes waiting now; inside one, the bytes waiting now are new.
    if (!socket->isTransactionStarted())
        c.received = 0;
    c.received += socket->bytesAvailable();
    if (c.received > m_maxRequestBytes)
        reject(socket, c);
}

void LimitedTcpServer::reject(QTcpSocket* socket, Connection& c)
{
    c.rejected = true;
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->skip(socket->bytesAvailable());
    // The HTTP server never sees this request complete, so the answer is written here.
    socket->write("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                  "Content-Length: " + QByteArray::number(m_tooLargeJson.size()) +
                  "\r\nConnection: close\r\n\r\n" + m_tooLargeJson);
    QTimer::singleShot(kDrainMilliseconds, socket, [socket] { socket->disconnectFromHost(); });
}

} // namespace nnlab::app
