// A QTcpServer whose connections never hold more than a set number of bytes of one request, nor
// stay open when the client goes quiet. Qt HttpServer 6.4 buffers a whole request, however large,
// before any handler sees it, and keeps any connection forever; this server answers a larger
// request 413 itself, reads and drops the rest of it, and closes a connection idle for too long.
#pragma once

#include <QByteArray>
#include <QTcpServer>

class QTcpSocket;

namespace nnlab::app {

class LimitedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // maxRequestBytes: request line, headers and body together. tooLargeJson: the 413's body.
    // idleMs: a connection that neither sends nor is sent anything for this long is closed.
    LimitedTcpServer(qint64 maxRequestBytes, QByteArray tooLargeJson, int idleMs,
                     QObject* parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Connection
    {
        qint64 received = 0; // bytes of the request being read
        qint64 dropped = 0;  // bytes read and dropped after the 413
        bool rejected = false;
    };
    void checkSize(QTcpSocket* socket, Connection& c);
    void reject(QTcpSocket* socket, Connection& c);

    qint64 m_maxRequestBytes;
    QByteArray m_tooLargeJson;
    int m_idleMs;
};

} // namespace nnlab::app
