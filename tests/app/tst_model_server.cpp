// nnlab-serve over real sockets: the server on a free loopback port (port 0), every valid and
// invalid request through QNetworkAccessManager, then malformed and random bytes through raw
// sockets; the server must answer each with the right status and JSON, and never fall over.
#include "app/server/model_server.h"

#include "engine/csv_reader.h"
#include "engine/model_file.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QtTest>

#include <memory>
#include <random>

using namespace nnlab::app;
using namespace nnlab::engine;

namespace {

const std::string kSourceDir = NNLAB_SOURCE_DIR;
constexpr int kTimeoutMs = 10000;
constexpr int kIdleMs = 250; // the server under test closes a connection quiet for this long

struct Reply
{
    int status = 0;
    QJsonObject json;
    QByteArray allow;
    QByteArray contentType;
    QString networkError; // empty unless the exchange itself failed
};

QByteArray pixelsBody(const Dataset& d, std::size_t i)
{
    QByteArray body = "{\"pixels\": [";
    for (int p = 0; p < d.pixelsPerImage(); ++p)
        body += (p ? "," : "") + QByteArray::number(d.image(i)[p]);
    return body + "]}";
}

QByteArray postRequest(const QByteArray& body, const QByteArray& contentType = "application/json")
{
    return "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType +
           "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestModelServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ModelServer> m_server;
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;
    Dataset m_images;

    Reply send(const QByteArray& method, const QString& path, const QByteArray& body = {},
               const QByteArray& contentType = {})
    {
        QNetworkRequest request(QUrl(QString("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
        if (!contentType.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
        Reply r;
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, kTimeoutMs)) {
            r.networkError = "no answer in 10 s";
            return r;
        }
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (r.status == 0)
            r.networkError = reply->errorString();
        r.allow = reply->rawHeader("Allow");
        r.contentType = reply->rawHeader("Content-Type");
        r.json = QJsonDocument::fromJson(reply->readAll()).object();
        return r;
    }

    // Writes each input on a connection of its own, all at once, and returns all the server
    // writes back on each until it closes it: at once for bytes that are not HTTP, else once the
    // connection has been quiet for kIdleMs. A connection left open is reported as such.
    QList<QByteArray> exchange(const QList<QByteArray>& inputs)
    {
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        QList<QByteArray> received(inputs.size());
        for (qsizetype i = 0; i < inputs.size(); ++i) {
            auto& socket = sockets.emplace_back(std::make_unique<QTcpSocket>());
            socket->setProxy(QNetworkProxy::NoProxy);
            connect(socket.get(), &QTcpSocket::connected, socket.get(),
                    [s = socket.get(), bytes = inputs[i]] { s->write(bytes); });
            connect(socket.get(), &QTcpSocket::readyRead, socket.get(),
                    [s = socket.get(), &out = received[i]] { out += s->readAll(); });
            socket->connectToHost(QHostAddress::LocalHost, m_port);
        }
        const auto closed = [](const auto& s) { return s->state() == QAbstractSocket::UnconnectedState; };
        [[maybe_unused]] const bool allClosed = QTest::qWaitFor(
            [&] { return std::all_of(sockets.begin(), sockets.end(), closed); }, kTimeoutMs);
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            received[qsizetype(i)] += sockets[i]->readAll();
            if (!closed(sockets[i]))
                received[qsizetype(i)] = "the server kept the connection open";
        }
        return received;
    }

    QByteArray exchange(const QByteArray& input) { return exchange(QList<QByteArray>{input}).front(); }

    // The status codes of every answer in a raw exchange.
    static QList<int> statuses(const QByteArray& received)
    {
        QList<int> codes;
        static const QRegularExpression statusLine("HTTP/1\\.1 (\\d{3}) ");
        for (auto it = statusLine.globalMatch(QString::fromLatin1(received)); it.hasNext();)
            codes << it.next().captured(1).toInt();
        return codes;
    }

private slots:
    void initTestCase()
    {
        m_nam.setProxy(QNetworkProxy::NoProxy);
        m_images = loadCsvDataset(kSourceDir + "/data/mnist_test_10.csv", digitClassNames());
        m_server = std::make_unique<ModelServer>(
            PredictionService(loadModel(kSourceDir + "/resources/models/default.nnlab"), "default.nnlab"),
            kIdleMs);
        m_port = m_server->listen(QHostAddress::LocalHost, 0);
        QVERIFY2(m_port != 0, qPrintable(m_server->errorString()));
    }

    void requests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error"); // a part of {"error": ...}; empty for success
        QTest::addColumn<QByteArray>("allow");
        const Dataset images = loadCsvDataset(kSourceDir + "/data/mnist_test_10.csv", digitClassNames());
        const QByteArray seven = pixelsBody(images, 0);
        QByteArray outOfRange = seven, notNumeric = seven;
        outOfRange.replace("[0,", "[300,");
        notNumeric.replace("[0,", "[\"zero\",");
        QByteArray tooLong = seven;
        tooLong.replace("[0,", "[0,0,");
        QTest::newRow("GET /health") << QByteArray("GET") << "/health" << QByteArray() << 200 << "" << QByteArray();
        QTest::newRow("GET /model") << QByteArray("GET") << "/model" << QByteArray() << 200 << "" << QByteArray();
        QTest::newRow("POST /predict") << QByteArray("POST") << "/predict" << seven << 200 << "" << QByteArray();
        QTest::newRow("query string") << QByteArray("GET") << "/health?verbose=1" << QByteArray() << 200 << "" << QByteArray();
        QTest::newRow("bad JSON") << QByteArray("POST") << "/predict" << QByteArray("{\"pixels\": [1, 2,") << 400
                                  << "the body is not valid JSON" << QByteArray();
        QTest::newRow("785 pixels") << QByteArray("POST") << "/predict" << tooLong << 400
                                    << "\"pixels\" has 785 values; the network needs 784" << QByteArray();
        QTest::newRow("pixel 300") << QByteArray("POST") << "/predict" << outOfRange << 400
                                   << "pixels[0] is 300; a pixel is 0 (background) to 255 (ink)" << QByteArray();
        QTest::newRow("pixel not a number") << QByteArray("POST") << "/predict" << notNumeric << 400
                                            << "pixels[0] is a string, not a number" << QByteArray();
        QTest::newRow("body of 1 MiB + 1") << QByteArray("POST") << "/predict" << QByteArray(kMaxBodyBytes + 1, ' ') << 413
                                           << "the body is 1,048,577 bytes; at most 1,048,576" << QByteArray();
        QTest::newRow("body of 3 MiB") << QByteArray("POST") << "/predict" << QByteArray(3 * kMaxBodyBytes, 'x') << 413
                                       << "the request is larger than nnlab-serve takes" << QByteArray();
        QTest::newRow("unknown path") << QByteArray("GET") << "/index.html" << QByteArray() << 404 << "there is no /index.html here" << QByteArray();
        QTest::newRow("GET /predict") << QByteArray("GET") << "/predict" << QByteArray() << 405 << "/predict answers POST only, not GET" << QByteArray("POST");
        QTest::newRow("PUT /predict") << QByteArray("PUT") << "/predict" << seven << 405 << "/predict answers POST only, not PUT" << QByteArray("POST");
        QTest::newRow("DELETE /health") << QByteArray("DELETE") << "/health" << QByteArray() << 405 << "/health answers GET only, not DELETE" << QByteArray("GET");
        QTest::newRow("POST /model") << QByteArray("POST") << "/model" << seven << 405 << "/model answers GET only, not POST" << QByteArray("GET");
        QTest::newRow("a made-up method") << QByteArray("BREW") << "/predict" << seven << 405 << "/predict answers POST only" << QByteArray("POST");
    }

    void requests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, error);
        QFETCH(QByteArray, allow);
        const Reply r = send(method, path, body, "application/json");
        QVERIFY2(r.networkError.isEmpty(), qPrintable(r.networkError));
        QCOMPARE(r.status, status);
        QCOMPARE(r.contentType, QByteArray("application/json"));
        QCOMPARE(r.allow, allow);
        if (error.isEmpty()) {
            QVERIFY(!r.json.isEmpty());
            QVERIFY(!r.json.contains("error"));
        } else {
            QCOMPARE(r.json.keys(), QStringList{"error"});
            QVERIFY2(r.json["error"].toString().contains(error), qPrintable(r.json["error"].toString()));
        }
    }

    void answersOverHttp()
    {
        const Reply health = send("GET", "/health");
        QCOMPARE(health.json, (QJsonObject{{"status", "ok"}}));
        const Reply model = send("GET", "/model");
        QCOMPARE(model.json["parameters"].toInteger(), qint64(203530));
        QCOMPARE(model.json["layer_sizes"].toArray(), (QJsonArray{784, 256, 10}));
        QVERIFY(std::abs(model.json["test_accuracy"].toDouble() - 0.9817) < 1e-4);
        // The lesson's ten test images: 7 2 1 0 4 1 4 9 5 9, all right for the default model.
        for (std::size_t i = 0; i < m_images.size(); ++i) {
            const Reply r = send("POST", "/predict", pixelsBody(m_images, i), "application/json");
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json["digit"].toInt(), int(m_images.labels[i]));
            QCOMPARE(r.json["probabilities"].toArray().size(), 10);
        }
    }

    // Image files go through the MNIST preprocessing (tests/data: made from MNIST test digits).
    void imageBodies_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("digit");
        QTest::addColumn<QString>("error"); // the start of the error, or empty
        QTest::newRow("PNG") << "digit-7-light-on-dark.png" << QByteArray("image/png") << 200 << 7 << "";
        QTest::newRow("JPEG") << "digit-1-gray-paper.jpg" << QByteArray("image/jpeg") << 200 << 1 << "";
        QTest::newRow("blank") << "blank.png" << QByteArray("image/png") << 400 << -1 << "the image has no ink";
        QTest::newRow("text as PNG") << "not-an-image.png" << QByteArray("image/png") << 400 << -1 << "the body is not an image";
        QTest::newRow("WebP") << "digit-7-light-on-dark.png" << QByteArray("image/webp") << 415 << -1 << "image/webp is not an image format";
    }

    void imageBodies()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, contentType);
        QFETCH(int, status);
        QFETCH(int, digit);
        QFETCH(QString, error);
        QFile f(QString::fromStdString(kSourceDir + "/tests/data/") + file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const Reply r = send("POST", "/predict", f.readAll(), contentType);
        QCOMPARE(r.status, status);
        if (error.isEmpty())
            QCOMPARE(r.json["digit"].toInt(), digit);
        else
            QVERIFY2(r.json["error"].toString().startsWith(error), qPrintable(r.json["error"].toString()));
    }

    void manyClientsAtOnce()
    {
        const QByteArray body = pixelsBody(m_images, 2);
        std::vector<std::unique_ptr<QNetworkReply>> replies;
        for (int i = 0; i < 40; ++i) {
            QNetworkRequest request(QUrl(QString("http://127.0.0.1:%1/predict").arg(m_port)));
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            replies.emplace_back(m_nam.post(request, body));
        }
        QVERIFY(QTest::qWaitFor([&] {
            return std::all_of(replies.begin(), replies.end(), [](const auto& r) { return r->isFinished(); });
        }, kTimeoutMs));
        for (const auto& r : replies) {
            QCOMPARE(r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            QCOMPARE(QJsonDocument::fromJson(r->readAll()).object()["digit"].toInt(), 1);
        }
    }

    // HTTP/1.1 on one connection: two requests written at once get two answers, in order.
    void pipelinedRequests()
    {
        const QByteArray received = exchange("GET /health HTTP/1.1\r\nHost: x\r\n\r\n" + postRequest(pixelsBody(m_images, 3)));
        QVERIFY2(statuses(received) == (QList<int>{200, 200}), received.left(400).constData());
        QVERIFY(received.contains("{\"status\":\"ok\"}"));
        QVERIFY(received.contains("\"digit\":0"));
    }

    // Larger than 1 MiB without a Content-Length (chunked), or all in the headers: the size
    // limit still answers 413 before the server has buffered it all.
    void oversizedWithoutContentLength_data()
    {
        QTest::addColumn<QByteArray>("request");
        QByteArray chunked = "POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 40; ++i)
            chunked += "10000\r\n" + QByteArray(0x10000, 'x') + "\r\n";
        QTest::newRow("2.5 MiB chunked") << chunked + "0\r\n\r\n";
        QByteArray headers = "GET /health HTTP/1.1\r\n";
        for (int i = 0; i < 20000; ++i)
            headers += "X-Padding-" + QByteArray::number(i) + ": " + QByteArray(100, 'p') + "\r\n";
        QTest::newRow("2 MiB of headers") << headers + "\r\n";
    }

    void oversizedWithoutContentLength()
    {
        QFETCH(QByteArray, request);
        const QByteArray received = exchange(request);
        QCOMPARE(statuses(received), QList<int>{413});
        QVERIFY(received.contains("{\"error\":\"the request is larger than nnlab-serve takes"));
    }

    // A client that starts a request and goes quiet, or keeps an idle connection, is cut off.
    void quietConnectionsAreClosed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("half a request") << QByteArray("POST /predict HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"pix");
        QTest::newRow("half a request line") << QByteArray("GET /hea");
        QTest::newRow("nothing at all") << QByteArray();
    }

    void quietConnectionsAreClosed()
    {
        QFETCH(QByteArray, bytes);
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(exchange(bytes), QByteArray());
        QVERIFY(clock.elapsed() >= kIdleMs - 10);
    }

    // Malformed requests and random bytes: any answer is a well-formed 4xx, the connection is
    // closed, and the server keeps answering.
    void neverFallsOver()
    {
        QList<QByteArray> inputs{
            "", "\r\n\r\n", "\0\0\0\0", "GET\r\n\r\n", "GET /health\r\n\r\n",
            "GET /health HTTP/9.9\r\n\r\n", "GET /health HTTP/1.1\r\nNo colon here\r\n\r\n",
            "GET /%ZZ%00 HTTP/1.1\r\n\r\n", "GET " + QByteArray(100000, 'a') + " HTTP/1.1\r\n\r\n",
            "POST /predict HTTP/1.1\r\nContent-Length: -5\r\n\r\n{}",
            "POST /predict HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
            "POST /predict HTTP/1.1\r\nContent-Length: 5000\r\n\r\n{\"pixels\": [1, 2]}",
            "POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
            "POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc\r\n",
            "POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\n",
            postRequest(QByteArray(5000, '[') + QByteArray(5000, ']')),
            postRequest("{\"pixels\": [\xff\xfe\xfd]}"),
            postRequest("{\"pixels\": [1e999999, -1e999999]}"),
            postRequest("{\"pixels\": " + QByteArray(200000, ' ') + "[]}"),
            "GET /health HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        };
        // Valid requests damaged at random places, and plain random bytes (fixed seed).
        std::mt19937 rng(20240611);
        const QByteArray valid = postRequest(pixelsBody(m_images, 0));
        for (int i = 0; i < 120; ++i) {
            QByteArray b = valid;
            switch (i % 3) {
            case 0:
                for (int k = 0; k < 1 + i % 5; ++k)
                    b[qsizetype(rng() % std::uint32_t(b.size()))] = char(rng());
                break;
            case 1: b.truncate(qsizetype(rng() % std::uint32_t(b.size()))); break;
            case 2: b.insert(qsizetype(rng() % 120), QByteArray(int(1 + rng() % 40), char(rng()))); break;
            }
            inputs << b;
        }
        // Damaged image files: a PNG and a JPEG with random bytes changed.
        for (const char* name : {"digit-7-light-on-dark.png", "digit-1-gray-paper.jpg"}) {
            QFile f(QString::fromStdString(kSourceDir + "/tests/data/") + name);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray image = f.readAll();
            for (int i = 0; i < 30; ++i) {
                QByteArray b = image;
                for (int k = 0; k < 1 + i % 8; ++k)
                    b[qsizetype(rng() % std::uint32_t(b.size()))] = char(rng());
                inputs << postRequest(b, "image/png");
            }
        }
        for (int i = 0; i < 60; ++i) {
            QByteArray b(qsizetype(1 + rng() % 3000), '\0');
            for (char& c : b)
                c = char(rng());
            inputs << b;
        }
        QTest::ignoreMessage(QtWarningMsg, "WebSocket received but no slots connected to "
                                           "QWebSocketServer::newConnection or request not handled");
        inputs << valid; // and one undamaged, among them
        const QList<QByteArray> answers = exchange(inputs);
        int answered = 0;
        for (const QByteArray& received : answers) {
            const QList<int> codes = statuses(received);
            QVERIFY2(received.isEmpty() || !codes.isEmpty(), received.left(200).constData());
            for (const int code : codes)
                QVERIFY2(code >= 200 && code < 500, received.left(300).constData());
            answered += !codes.isEmpty();
        }
        QCOMPARE(statuses(answers.back()), QList<int>{200});
        QVERIFY2(answered >= 40, qPrintable(QString::number(answered))); // not all turned away unread
        const Reply health = send("GET", "/health");
        QCOMPARE(health.status, 200);
        QCOMPARE(send("POST", "/predict", pixelsBody(m_images, 0), "application/json").json["digit"].toInt(), 7);
    }
};

QTEST_GUILESS_MAIN(TestModelServer)
#include "tst_model_server.moc"
