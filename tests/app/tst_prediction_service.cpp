// nnlab-serve's answers without sockets: every status code and error, image bodies of either
// polarity (tests/data), and predictions checked against the network's own trace.
#include "app/server/prediction_service.h"

#include "engine/csv_reader.h"
#include "engine/model_file.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace nnlab::app;
using namespace nnlab::engine;

namespace {

const std::string kSourceDir = NNLAB_SOURCE_DIR;

Dataset testImages() { return loadCsvDataset(kSourceDir + "/data/mnist_test_10.csv", digitClassNames()); }

// {"pixels": [...]} for one image, the values written as given.
QByteArray pixelsBody(const std::vector<QString>& values)
{
    QByteArray body = "{\"pixels\": [";
    for (std::size_t i = 0; i < values.size(); ++i)
        body += (i ? "," : "") + values[i].toUtf8();
    return body + "]}";
}

QByteArray imageFile(const char* name)
{
    QFile f(QString::fromStdString(kSourceDir + "/tests/data/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read tests/data/%s", name);
    return f.readAll();
}

QByteArray pngOf(const QImage& image)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return buffer.data();
}

std::vector<QString> imageValues(const Dataset& d, std::size_t i)
{
    std::vector<QString> v;
    for (int p = 0; p < d.pixelsPerImage(); ++p)
        v.push_back(QString::number(d.image(i)[p]));
    return v;
}

QJsonObject parse(const HttpAnswer& a)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(a.body, &e);
    if (e.error != QJsonParseError::NoError || !doc.isObject())
        qWarning("not a JSON object: %s", a.body.constData());
    return doc.object();
}

} // namespace

class TestPredictionService : public QObject
{
    Q_OBJECT

private:
    std::optional<PredictionService> m_service;
    Dataset m_images;

private slots:
    void initTestCase()
    {
        m_service.emplace(loadModel(kSourceDir + "/resources/models/default.nnlab"), "default.nnlab");
        m_images = testImages();
    }

    void answers_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error"); // a part of {"error": ...}, or empty for success
        QTest::addColumn<QByteArray>("allow");
        QTest::addColumn<int>("digit"); // the answer's digit, or -1
        const Dataset images = testImages();
        const QByteArray seven = pixelsBody(imageValues(images, 0));
        auto spoiled = [&](int at, const QString& value) {
            std::vector<QString> v = imageValues(images, 0);
            v[std::size_t(at)] = value;
            return pixelsBody(v);
        };
        std::vector<QString> short783 = imageValues(images, 0);
        short783.pop_back();
        const QByteArray json = "application/json";
        QTest::newRow("health") << QByteArray("GET") << "/health" << QByteArray() << QByteArray() << 200 << "" << QByteArray() << -1;
        QTest::newRow("model") << QByteArray("GET") << "/model" << QByteArray() << QByteArray() << 200 << "" << QByteArray() << -1;
        QTest::newRow("predict") << QByteArray("POST") << "/predict" << json << seven << 200 << "" << QByteArray() << 7;
        QTest::newRow("predict, no content type") << QByteArray("POST") << "/predict" << QByteArray() << seven << 200 << "" << QByteArray() << -1;
        QTest::newRow("predict, fractions") << QByteArray("POST") << "/predict" << json << spoiled(300, "127.5") << 200 << "" << QByteArray() << -1;
        QTest::newRow("unknown path") << QByteArray("GET") << "/weights" << QByteArray() << QByteArray() << 404
                                      << "there is no /weights here: GET /health, GET /model or POST /predict" << QByteArray() << -1;
        QTest::newRow("path with a trailing slash") << QByteArray("POST") << "/predict/" << json << seven << 404 << "there is no /predict/" << QByteArray() << -1;
        QTest::newRow("GET /predict") << QByteArray("GET") << "/predict" << QByteArray() << QByteArray() << 405 << "/predict answers POST only, not GET" << QByteArray("POST") << -1;
        QTest::newRow("POST /health") << QByteArray("POST") << "/health" << json << seven << 405 << "/health answers GET only, not POST" << QByteArray("GET") << -1;
        QTest::newRow("DELETE /model") << QByteArray("DELETE") << "/model" << QByteArray() << QByteArray() << 405 << "/model answers GET only" << QByteArray("GET") << -1;
        QTest::newRow("a method Qt does not know") << QByteArray() << "/predict" << json << seven << 405 << "/predict answers POST only" << QByteArray("POST") << -1;
        QTest::newRow("body over 1 MiB") << QByteArray("POST") << "/predict" << json << QByteArray(kMaxBodyBytes + 1, ' ') << 413
                                         << "the body is 1,048,577 bytes; at most 1,048,576 (1 MiB)" << QByteArray() << -1;
        QTest::newRow("empty body") << QByteArray("POST") << "/predict" << json << QByteArray() << 400 << "the body is empty" << QByteArray() << -1;
        QTest::newRow("bad JSON") << QByteArray("POST") << "/predict" << json << QByteArray("{\"pixels\": [0, 1,") << 400 << "the body is not valid JSON" << QByteArray() << -1;
        QTest::newRow("JSON array") << QByteArray("POST") << "/predict" << json << QByteArray("[0, 1]") << 400 << "must be a JSON object" << QByteArray() << -1;
        QTest::newRow("no pixels") << QByteArray("POST") << "/predict" << json << QByteArray("{\"image\": [0]}") << 400 << "the body has no \"pixels\"" << QByteArray() << -1;
        QTest::newRow("pixels not an array") << QByteArray("POST") << "/predict" << json << QByteArray("{\"pixels\": \"0,0\"}") << 400
                                             << "\"pixels\" must be an array of 784 numbers 0..255, not a string" << QByteArray() << -1;
        QTest::newRow("783 pixels") << QByteArray("POST") << "/predict" << json << pixelsBody(short783) << 400
                                    << "\"pixels\" has 783 values; the network needs 784" << QByteArray() << -1;
        QTest::newRow("no pixels at all") << QByteArray("POST") << "/predict" << json << QByteArray("{\"pixels\": []}") << 400 << "\"pixels\" has 0 values" << QByteArray() << -1;
        QTest::newRow("pixel above 255") << QByteArray("POST") << "/predict" << json << spoiled(5, "256") << 400
                                         << "pixels[5] is 256; a pixel is 0 (background) to 255 (ink)" << QByteArray() << -1;
        QTest::newRow("negative pixel") << QByteArray("POST") << "/predict" << json << spoiled(783, "-0.5") << 400 << "pixels[783] is -0.5" << QByteArray() << -1;
        QTest::newRow("huge number") << QByteArray("POST") << "/predict" << json << spoiled(7, "1e999") << 400 << "the body is not valid JSON: illegal number" << QByteArray() << -1;
        QTest::newRow("string pixel") << QByteArray("POST") << "/predict" << json << spoiled(10, "\"12\"") << 400
                                      << "pixels[10] is a string, not a number 0..255" << QByteArray() << -1;
        QTest::newRow("null pixel") << QByteArray("POST") << "/predict" << json << spoiled(11, "null") << 400 << "pixels[11] is null" << QByteArray() << -1;
        QTest::newRow("nested pixel") << QByteArray("POST") << "/predict" << json << spoiled(12, "[1]") << 400 << "pixels[12] is an array" << QByteArray() << -1;
        // Image files, prepared as MNIST's digits were.
        const QByteArray png = "image/png";
        QTest::newRow("PNG, light ink on dark") << QByteArray("POST") << "/predict" << png << imageFile("digit-7-light-on-dark.png") << 200 << "" << QByteArray() << 7;
        QTest::newRow("PNG, dark ink on light") << QByteArray("POST") << "/predict" << png << imageFile("digit-2-dark-on-light.png") << 200 << "" << QByteArray() << 2;
        QTest::newRow("JPEG, gray paper") << QByteArray("POST") << "/predict" << QByteArray("image/jpeg") << imageFile("digit-1-gray-paper.jpg") << 200 << "" << QByteArray() << 1;
        QTest::newRow("transparent PNG, parameters") << QByteArray("POST") << "/predict" << QByteArray("image/png; name=0.png") << imageFile("digit-0-transparent.png") << 200 << "" << QByteArray() << 0;
        QTest::newRow("blank image") << QByteArray("POST") << "/predict" << png << imageFile("blank.png") << 400 << "the image has no ink: nothing to read" << QByteArray() << -1;
        QTest::newRow("not an image") << QByteArray("POST") << "/predict" << png << imageFile("not-an-image.png") << 400 << "the body is not an image nnlab-serve can read" << QByteArray() << -1;
        QTest::newRow("empty image") << QByteArray("POST") << "/predict" << png << QByteArray() << 400 << "the body is empty: send an image of one digit" << QByteArray() << -1;
        QTest::newRow("SVG") << QByteArray("POST") << "/predict" << QByteArray("image/svg+xml") << QByteArray("<svg/>") << 415
                             << "image/svg+xml is not an image format nnlab-serve reads" << QByteArray() << -1;
        QImage wide(5000, 2, QImage::Format_Grayscale8);
        wide.fill(0);
        QTest::newRow("image wider than 4096") << QByteArray("POST") << "/predict" << png << pngOf(wide) << 400
                                               << "the image is 5000 x 2 pixels; at most 4096 on either side" << QByteArray() << -1;
        QTest::newRow("boolean pixel") << QByteArray("POST") << "/predict" << json << spoiled(13, "true") << 400 << "pixels[13] is true" << QByteArray() << -1;
    }

    void answers()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, error);
        QFETCH(QByteArray, allow);
        QFETCH(int, digit);
        const HttpAnswer a = m_service->answer(method, path, contentType, body);
        QCOMPARE(a.status, status);
        QCOMPARE(a.allow, allow);
        const QJsonObject o = parse(a);
        QVERIFY2(!o.isEmpty(), a.body.constData());
        if (digit >= 0)
            QCOMPARE(o["digit"].toInt(), digit);
        if (contentType.startsWith("image/") && status == 200) {
            const QJsonArray seen = o["pixels"].toArray(); // the 28x28 the network saw
            QCOMPARE(seen.size(), 784);
            QCOMPARE(*std::max_element(seen.begin(), seen.end(), [](auto x, auto y) { return x.toInt() < y.toInt(); }), QJsonValue(255));
        }
        if (error.isEmpty()) {
            QVERIFY2(!o.contains("error"), a.body.constData());
        } else {
            QCOMPARE(o.keys(), QStringList{"error"});
            QVERIFY2(o["error"].toString().contains(error), a.body.constData());
        }
    }

    // The first test image is a 7; the answer is the network's own output for it, computed here
    // through Network::trace (plain Eigen, not the kernels predict() uses).
    void predictsTheNetworksOutput()
    {
        for (std::size_t i = 0; i < m_images.size(); ++i) {
            const HttpAnswer a = m_service->answer("POST", u"/predict", "application/json",
                                                   pixelsBody(imageValues(m_images, i)));
            QCOMPARE(a.status, 200);
            const QJsonObject o = parse(a);
            const Network& net = m_service->model().network;
            Vector x(784);
            for (int p = 0; p < 784; ++p)
                x[p] = scalePixel(net.architecture().scaling, m_images.image(i)[p]);
            const Vector expected = net.trace(x).activations.back();
            const QJsonArray outputs = o["outputs"].toArray(), probabilities = o["probabilities"].toArray();
            QCOMPARE(outputs.size(), 10);
            double sum = 0;
            for (int k = 0; k < 10; ++k) {
                QVERIFY(std::abs(outputs[k].toDouble() - expected[k]) < 1e-6);
                QCOMPARE(probabilities[k].toDouble(), outputs[k].toDouble()); // softmax already
                sum += probabilities[k].toDouble();
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
            Eigen::Index best = 0;
            expected.maxCoeff(&best);
            QCOMPARE(o["digit"].toInt(), int(best));
        }
        // The default model gets the lesson's ten test images right: 7 2 1 0 4 1 4 9 5 9.
        const HttpAnswer first = m_service->answer("POST", u"/predict", "", pixelsBody(imageValues(m_images, 0)));
        QCOMPARE(parse(first)["digit"].toInt(), 7);
    }

    // The lesson's sigmoid outputs are shared out to sum to 1; "outputs" keeps them as they are.
    void sigmoidOutputsAsProbabilities()
    {
        Architecture a; // the lesson's 784-90-10 sigmoid net
        Model m{Network(a), {}};
        m.network.initialize(Init::Lesson, 3);
        const PredictionService lesson(std::move(m), "lesson.nnlab");
        const HttpAnswer answer = lesson.answer("POST", u"/predict", "application/json",
                                                pixelsBody(imageValues(m_images, 1)));
        QCOMPARE(answer.status, 200);
        const QJsonObject o = parse(answer);
        double outputSum = 0;
        for (const QJsonValue v : o["outputs"].toArray())
            outputSum += v.toDouble();
        QVERIFY(outputSum > 1.5); // ten sigmoids, not probabilities
        for (int k = 0; k < 10; ++k)
            QVERIFY(std::abs(o["probabilities"].toArray()[k].toDouble() -
                             o["outputs"].toArray()[k].toDouble() / outputSum) < 1e-6);
    }

    void describesTheModel()
    {
        const QJsonObject o = parse(m_service->answer("GET", u"/model", "", {}));
        QCOMPARE(o["architecture"].toString(), "784-256-10 relu, softmax output, cross-entropy, biases");
        QCOMPARE(o["layer_sizes"].toArray(), (QJsonArray{784, 256, 10}));
        QCOMPARE(o["parameters"].toInteger(), qint64(784 * 256 + 256 + 256 * 10 + 10));
        QVERIFY(std::abs(o["test_accuracy"].toDouble() - 0.9817) < 1e-4);
        QCOMPARE(o["file"].toString(), "default.nnlab");
        QCOMPARE(o["scaling"].toString(), "lesson");
    }

    void refusesANetworkForOtherImages()
    {
        Architecture a;
        a.inputs = 3;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PredictionService(Model{Network(a), {}}, "x"));
    }
};

QTEST_APPLESS_MAIN(TestPredictionService)
#include "tst_prediction_service.moc"
