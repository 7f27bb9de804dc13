// bench_serve: load test of nnlab-serve on loopback. Starts the server on a free port, then N
// clients, each on its own keep-alive connection, POST the lesson's ten test images to /predict
// back to back for a fixed time. Every answer must be a 200 with the right digit; prints
// requests/s and the latency percentiles. The clients are bare sockets that write a ready-made
// request and read the answer by its Content-Length, so the figures measure the server rather
// than an HTTP client library (QNetworkAccessManager costs the client twice the server's CPU).
//
// Usage: bench_serve [--clients 50] [--seconds 10] [--server PATH] [--model FILE] [--csv FILE]
// Exit status: 0 no errors, 1 any error (or no request answered), 2 bad flags.
#include "app/common/bundled_files.h"
#include "engine/csv_reader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace nnlab::engine;
using nnlab::app::Bundled;
using nnlab::app::findBundled;

namespace {

struct Options
{
    int clients = 50;
    double seconds = 10;
    QString server; // nnlab-serve, next to this program's folder by default
    QString model;  // nnlab-serve's default unless given
    QString csv;    // data/mnist_test_10.csv of the source tree by default
};

bool parse(const QStringList& args, Options& o)
{
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        const bool hasValue = i + 1 < args.size();
        bool ok = true;
        if (a == "--clients" && hasValue)
            o.clients = args[++i].toInt(&ok);
        else if (a == "--seconds" && hasValue)
            o.seconds = args[++i].toDouble(&ok);
        else if (a == "--server" && hasValue)
            o.server = args[++i];
        else if (a == "--model" && hasValue)
            o.model = args[++i];
        else if (a == "--csv" && hasValue)
            o.csv = args[++i];
        else
            ok = false;
        if (!ok || o.clients < 1 || o.clients > 1000 || !(o.seconds > 0 && o.seconds <= 3600)) {
            std::fprintf(stderr, "bench_serve: bad flag or value at \"%s\"\nusage: bench_serve "
                                 "[--clients 1..1000] [--seconds S] [--server PATH] [--model FILE] "
                                 "[--csv FILE]\n",
                         qPrintable(a));
            return false;
        }
    }
    if (o.server.isEmpty())
        o.server = QCoreApplication::applicationDirPath() + "/../app/nnlab-serve";
    return true;
}

class LoadTest : public QObject
{
public:
    LoadTest(const Options& o, const Dataset& images, quint16 port) : m_images(images)
    {
        for (std::size_t i = 0; i < images.size(); ++i) {
            QByteArray body = "{\"pixels\": [";
            for (int p = 0; p < images.pixelsPerImage(); ++p)
                body += (p ? "," : "") + QByteArray::number(images.image(i)[p]);
            body += "]}";
            m_requests.push_back("POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "Content-Type: application/json\r\nContent-Length: " +
                                 QByteArray::number(body.size()) + "\r\n\r\n" + body);
        }
        for (int c = 0; c < o.clients; ++c) {
            Client& client = m_clients.emplace_back();
            client.socket = std::make_unique<QTcpSocket>();
            client.socket->setProxy(QNetworkProxy::NoProxy);
            client.image = std::size_t(c) % m_requests.size();
            QTcpSocket* s = client.socket.get();
            connect(s, &QTcpSocket::connected, this, [this, c] { send(std::size_t(c)); });
            connect(s, &QTcpSocket::readyRead, this, [this, c] { receive(std::size_t(c)); });
            connect(s, &QTcpSocket::errorOccurred, this, [this, c] { fail(std::size_t(c)); });
            s->connectToHost(QHostAddress::LocalHost, port);
        }
        m_deadlineNs = qint64(o.seconds * 1e9);
        m_clock.start();
    }

    bool done() const
    {
        return std::none_of(m_clients.begin(), m_clients.end(), [](const Client& c) { return c.busy; }) &&
               m_clock.nsecsElapsed() >= m_deadlineNs;
    }

    void report() const
    {
        std::vector<qint64> sorted = m_latenciesNs;
        std::sort(sorted.begin(), sorted.end());
        const auto ms = [&](double p) {
            return sorted.empty() ? 0.0
                                  : double(sorted[std::min(sorted.size() - 1, std::size_t(p * double(sorted.size())))]) / 1e6;
        };
        const double seconds = double(m_lastAnswerNs) / 1e9;
        std::printf("bench_serve: %zu clients, %.1f s: %zu requests, %zu errors, %.0f requests/s, "
                    "latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                    m_clients.size(), seconds, m_latenciesNs.size() + errors(), errors(),
                    double(m_latenciesNs.size()) / std::max(seconds, 1e-9), ms(0.50), ms(0.99),
                    sorted.empty() ? 0.0 : double(sorted.back()) / 1e6);
        if (!m_firstError.isEmpty())
            std::printf("bench_serve: first error: %s\n", qPrintable(m_firstError));
    }

    std::size_t errors() const { return m_errors + stuck(); }
    std::size_t stuck() const
    {
        return std::size_t(std::count_if(m_clients.begin(), m_clients.end(), [](const Client& c) { return c.busy; }));
    }
    std::size_t answered() const { return m_latenciesNs.size(); }

private:
    struct Client
    {
        std::unique_ptr<QTcpSocket> socket;
        std::size_t image = 0; // the image of the request in flight
        qint64 sentNs = 0;
        QByteArray buffer;     // the answer so far
        bool busy = true;      // connecting, or a request in flight
    };

    void send(std::size_t c)
    {
        Client& client = m_clients[c];
        client.busy = true;
        client.buffer.clear();
        client.sentNs = m_clock.nsecsElapsed();
        client.socket->write(m_requests[client.image]);
    }

    // Reads the answer: the headers up to the blank line, then Content-Length bytes of JSON.
    void receive(std::size_t c)
    {
        Client& client = m_clients[c];
        client.buffer += client.socket->readAll();
        const qsizetype headerEnd = client.buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        static const QRegularExpression length("\r\ncontent-length: *(\\d+)", QRegularExpression::CaseInsensitiveOption);
        const auto m = length.match(QString::fromLatin1(client.buffer.left(headerEnd + 2)));
        if (!m.hasMatch())
            return error(c, "an answer without Content-Length: " + client.buffer.left(200));
        const qsizetype total = headerEnd + 4 + m.captured(1).toLongLong();
        if (client.buffer.size() < total)
            return;
        const qint64 now = m_clock.nsecsElapsed();
        const QByteArray body = client.buffer.mid(headerEnd + 4, total - headerEnd - 4);
        const int digit = QJsonDocument::fromJson(body).object()["digit"].toInt(-1);
        if (!client.buffer.startsWith("HTTP/1.1 200 ") || digit != m_images.labels[client.image])
            return error(c, client.buffer.left(total));
        if (client.buffer.size() > total)
            return error(c, "more bytes than one answer");
        m_latenciesNs.push_back(now - client.sentNs);
        m_lastAnswerNs = now;
        client.busy = false;
        client.image = (client.image + m_clients.size()) % m_requests.size();
        if (now < m_deadlineNs)
            send(c);
    }

    void fail(std::size_t c) { error(c, m_clients[c].socket->errorString().toUtf8()); }

    void error(std::size_t c, const QByteArray& what)
    {
        ++m_errors;
        if (m_firstError.isEmpty())
            m_firstError = QString::fromUtf8(what);
        m_clients[c].busy = false;
        m_clients[c].socket->abort();
    }

    const Dataset& m_images;
    std::vector<QByteArray> m_requests;
    std::vector<Client> m_clients;
    QElapsedTimer m_clock;
    qint64 m_deadlineNs = 0;
    qint64 m_lastAnswerNs = 0;
    std::vector<qint64> m_latenciesNs;
    std::size_t m_errors = 0;
    QString m_firstError;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    Options o;
    if (!parse(app.arguments(), o))
        return 2;
    Dataset images;
    try {
        const std::string csv =
            o.csv.isEmpty() ? findBundled(Bundled::LessonTestCsv).require() : o.csv.toStdString();
        images = loadCsvDataset(csv, digitClassNames());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_serve: %s\n", e.what());
        return 1;
    }

    // The server on a free loopback port; its first line says which.
    QProcess server;
    QStringList args{"--host", "127.0.0.1", "--port", "0"};
    if (!o.model.isEmpty())
        args << "--model" << o.model;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(o.server, args);
    static const QRegularExpression listening("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    QByteArray banner;
    quint16 port = 0;
    QElapsedTimer startup;
    startup.start();
    while (port == 0 && startup.elapsed() < 30000 && server.state() != QProcess::NotRunning) {
        server.waitForReadyRead(100);
        banner += server.readAllStandardOutput();
        if (const auto m = listening.match(QString::fromUtf8(banner)); m.hasMatch())
            port = quint16(m.captured(1).toUInt());
    }
    if (port == 0) {
        std::fprintf(stderr, "bench_serve: %s did not start listening: %s\n", qPrintable(o.server),
                     banner.constData());
        server.kill();
        server.waitForFinished();
        return 1;
    }
    std::printf("%s", banner.constData());

    LoadTest test(o, images, port);
    // Done when the time is up and every client has its last answer; a client still waiting
    // 30 s later is an error.
    QTimer poll;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&poll, &QTimer::timeout, &app, [&] {
        if (test.done() || double(clock.elapsed()) > 1000 * (o.seconds + 30))
            app.quit();
    });
    poll.start(20);
    app.exec();
    test.report();

    server.terminate(); // SIGTERM: nnlab-serve stops cleanly
    if (!server.waitForFinished(10000)) {
        std::fprintf(stderr, "bench_serve: nnlab-serve did not stop on SIGTERM\n");
        server.kill();
        server.waitForFinished();
        return 1;
    }
    if (server.exitStatus() != QProcess::NormalExit || server.exitCode() != 0) {
        std::fprintf(stderr, "bench_serve: nnlab-serve exited with %d\n", server.exitCode());
        return 1;
    }
    return test.errors() == 0 && test.answered() > 0 ? 0 : 1;
}
