// Preprocessing: any drawing lands in the 28x28 field as MNIST's digits do (20-pixel long side,
// centre of mass at 14,14, ink kept in proportion); empty input is "no ink"; real MNIST digits
// blown up 10x come back as themselves.
#include "engine/idx_reader.h"
#include "engine/preprocess.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

using namespace nnlab::engine;

namespace {

// A stroke from (x0, y0) to (x1, y1), in pixels of the drawing.
struct Segment
{
    double x0, y0, x1, y1;
};

// A pen drawing: every pixel whose centre lies within thickness/2 of a segment is full ink.
InkImage drawStrokes(int width, int height, const std::vector<Segment>& strokes, double thickness)
{
    InkImage image(width, height);
    const double r = thickness / 2;
    for (const Segment& s : strokes) {
        const int xa = std::max(0, int(std::floor(std::min(s.x0, s.x1) - r)));
        const int xb = std::min(width - 1, int(std::ceil(std::max(s.x0, s.x1) + r)));
        const int ya = std::max(0, int(std::floor(std::min(s.y0, s.y1) - r)));
        const int yb = std::min(height - 1, int(std::ceil(std::max(s.y0, s.y1) + r)));
        const double dx = s.x1 - s.x0, dy = s.y1 - s.y0, len2 = dx * dx + dy * dy;
        for (int y = ya; y <= yb; ++y)
            for (int x = xa; x <= xb; ++x) {
                const double px = x + 0.5 - s.x0, py = y + 0.5 - s.y0;
                const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0;
                const double ex = px - t * dx, ey = py - t * dy;
                if (ex * ex + ey * ey <= r * r)
                    image.at(x, y) = 1.0f;
            }
    }
    return image;
}

// A ring (a zero) centred at (cx, cy): pixel centres between the two radii.
InkImage drawRing(int width, int height, double cx, double cy, double outer, double inner)
{
    InkImage image(width, height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
            if (d <= outer && d >= inner)
                image.at(x, y) = 1.0f;
        }
    return image;
}

// Measurements made here, independently of the code under test.
struct Measure
{
    double mass = 0;   // sum of ink (0..1 per pixel)
    double cx = 0;     // centre of mass, pixel index coordinates
    double cy = 0;
    int x0 = 0, y0 = 0, x1 = -1, y1 = -1; // inclusive bounding box of nonzero pixels
    int boxWidth() const { return x1 - x0 + 1; }
    int boxHeight() const { return y1 - y0 + 1; }
};

template <typename PixelAt>
Measure measure(int width, int height, PixelAt at)
{
    Measure m;
    m.x0 = width, m.y0 = height;
    double mx = 0, my = 0;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double v = at(x, y);
            if (v <= 0)
                continue;
            m.mass += v;
            mx += v * x;
            my += v * y;
            m.x0 = std::min(m.x0, x), m.x1 = std::max(m.x1, x);
            m.y0 = std::min(m.y0, y), m.y1 = std::max(m.y1, y);
        }
    if (m.mass > 0)
        m.cx = mx / m.mass, m.cy = my / m.mass;
    return m;
}

Measure measure(const InkImage& image)
{
    return measure(image.width, image.height, [&](int x, int y) { return double(image.at(x, y)); });
}

// On the 0..255 values themselves, so a centre of mass exactly half a pixel off is exactly 0.5;
// the mass is then given in ink units (0..1 per pixel) like the drawings'.
Measure measure(const MnistImage& image)
{
    Measure m =
        measure(28, 28, [&](int x, int y) { return double(image[std::size_t(y * 28 + x)]); });
    m.mass /= 255;
    return m;
}

// The pixels a side of `length` pixels (fractional) covers at some offset: up to one more at each
// end than its whole part, one fewer if a faint end rounds to nothing.
bool coversAbout(int pixels, double length)
{
    return pixels >= std::floor(length) - 1 && pixels <= std::ceil(length) + 1;
}

double correlation(const std::uint8_t* a, const std::uint8_t* b, int n)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < n; ++i) {
        sa += a[i], sb += b[i];
        saa += double(a[i]) * a[i], sbb += double(b[i]) * b[i], sab += double(a[i]) * b[i];
    }
    const double cov = sab - sa * sb / n;
    return cov / std::sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
}

// A 28x28 digit blown up `factor` times with bilinear interpolation (pixel centres at i + 0.5,
// edges clamped), as a drawing of it on a big canvas would look: 8-bit, 0 = background.
std::vector<std::uint8_t> upscale(const std::uint8_t* digit, int factor)
{
    const int side = 28 * factor;
    std::vector<std::uint8_t> out(std::size_t(side) * side);
    const auto px = [&](int x, int y) {
        return double(digit[std::clamp(y, 0, 27) * 28 + std::clamp(x, 0, 27)]);
    };
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const double sx = (x + 0.5) / factor - 0.5, sy = (y + 0.5) / factor - 0.5;
            const int ix = int(std::floor(sx)), iy = int(std::floor(sy));
            const double tx = sx - ix, ty = sy - iy;
            const double v = (px(ix, iy) * (1 - tx) + px(ix + 1, iy) * tx) * (1 - ty) +
                             (px(ix, iy + 1) * (1 - tx) + px(ix + 1, iy + 1) * tx) * ty;
            out[std::size_t(y) * side + std::size_t(x)] = std::uint8_t(std::lround(v));
        }
    return out;
}

const IdxImages& mnistTestImages()
{
    static const IdxImages images =
        readIdxImages(NNLAB_SOURCE_DIR "/data/mnist/t10k-images-idx3-ubyte.gz");
    return images;
}

// A gray image: background level everywhere, a ring of the ink level.
std::vector<std::uint8_t> grayRing(int side, int background, int ink)
{
    const InkImage ring = drawRing(side, side, side / 2.0, side / 2.0, side * 0.35, side * 0.2);
    std::vector<std::uint8_t> gray(std::size_t(side) * side);
    for (std::size_t i = 0; i < gray.size(); ++i)
        gray[i] = std::uint8_t(ring.ink[i] > 0 ? ink : background);
    return gray;
}

} // namespace

Q_DECLARE_METATYPE(InkImage)

class TestPreprocess : public QObject
{
    Q_OBJECT

private slots:
    // Whatever its size or place on the canvas, a digit comes out as MNIST's do: long side 20
    // pixels, aspect ratio kept, centre of mass at pixel (14, 14), ink mass scaled by s^2.
    void digitLandsCentred_data()
    {
        QTest::addColumn<InkImage>("drawing");
        QTest::addColumn<double>("massTolerance"); // relative

        QTest::newRow("large ring, shrunk 30x")
            << drawRing(1000, 800, 500, 400, 300, 200) << 0.01;
        QTest::newRow("small ring, enlarged")
            << drawRing(40, 40, 20, 20, 6, 3) << 0.10;
        QTest::newRow("off-centre seven in a corner")
            << drawStrokes(280, 280, {{20, 20, 110, 20}, {110, 20, 50, 150}}, 18) << 0.01;
        QTest::newRow("thick one, far right")
            << drawStrokes(280, 280, {{250, 40, 250, 250}}, 30) << 0.01;
        QTest::newRow("wide dash, bottom")
            << drawStrokes(600, 300, {{50, 250, 550, 250}}, 80) << 0.01;
        QTest::newRow("six: mass low in its box")
            << drawStrokes(280, 280,
                           {{180, 10, 90, 170}, {90, 170, 100, 240}, {100, 240, 160, 260},
                            {160, 260, 200, 210}, {200, 210, 160, 160}, {160, 160, 95, 175}},
                           34)
            << 0.01;
        QTest::newRow("tiny seven, enlarged 2x")
            << drawStrokes(30, 30, {{5, 5, 14, 5}, {14, 5, 8, 14}}, 2.5) << 0.10;
    }

    void digitLandsCentred()
    {
        QFETCH(InkImage, drawing);
        QFETCH(double, massTolerance);
        const Measure in = measure(drawing);
        const std::optional<MnistImage> out = toMnist(drawing);
        QVERIFY(out.has_value());
        const Measure m = measure(*out);

        QVERIFY2(std::abs(m.cx - 14) <= 0.5 && std::abs(m.cy - 14) <= 0.5,
                 qPrintable(QString("centre of mass at (%1, %2)").arg(m.cx).arg(m.cy)));
        const int longIn = std::max(in.boxWidth(), in.boxHeight());
        const int shortIn = std::min(in.boxWidth(), in.boxHeight());
        const int longOut = std::max(m.boxWidth(), m.boxHeight());
        const int shortOut = std::min(m.boxWidth(), m.boxHeight());
        QVERIFY2(longOut >= 19 && longOut <= 20, qPrintable(QString("long side %1").arg(longOut)));
        QVERIFY2(m.boxWidth() <= 20 && m.boxHeight() <= 20, "the ink does not fit 20x20");
        // The short side as the aspect ratio says (the antialiased ends may add a pixel).
        const double shortExpected = 20.0 * shortIn / longIn;
        QVERIFY2(coversAbout(shortOut, shortExpected),
                 qPrintable(QString("short side %1, expected %2")
                                .arg(shortOut)
                                .arg(shortExpected)));
        // Ink mass in proportion: these pens are thick enough to saturate, so no stretching.
        const double s = 20.0 / longIn;
        const double expected = in.mass * s * s;
        QVERIFY2(std::abs(m.mass - expected) <= massTolerance * expected,
                 qPrintable(QString("ink mass %1, expected %2").arg(m.mass).arg(expected)));
        // And the ink keeps its shape's orientation: more ink left of centre stays left.
        const double inLeft = (in.cx - in.x0) / std::max(1, in.boxWidth() - 1);
        const double outLeft = (m.cx - m.x0) / std::max(1, m.boxWidth() - 1);
        QVERIFY2(std::abs(inLeft - outLeft) <= 0.1,
                 qPrintable(QString("centre of mass at %1 of the width, drawn at %2")
                                .arg(outLeft)
                                .arg(inLeft)));
    }

    // Moving or faintly drawing the same digit changes nothing; noise below the threshold neither.
    void sameDigitSameImage()
    {
        const std::vector<Segment> seven{{20, 20, 110, 20}, {110, 20, 50, 150}};
        const std::optional<MnistImage> reference = toMnist(drawStrokes(280, 280, seven, 18));
        QVERIFY(reference.has_value());

        std::vector<Segment> moved = seven;
        for (Segment& s : moved)
            s.x0 += 120, s.x1 += 120, s.y0 += 100, s.y1 += 100;
        QVERIFY(toMnist(drawStrokes(280, 280, moved, 18)) == reference);

        InkImage faint = drawStrokes(280, 280, seven, 18);
        for (float& v : faint.ink)
            v *= 0.5f;
        QVERIFY2(toMnist(faint) == reference, "faint ink is not stretched to full ink");

        InkImage noisy = drawStrokes(280, 280, seven, 18);
        std::mt19937 rng(5);
        std::uniform_real_distribution<float> noise(0.0f, kInkThreshold * 0.99f);
        for (float& v : noisy.ink)
            if (v == 0.0f)
                v = noise(rng);
        QVERIFY2(toMnist(noisy) == reference, "faint noise moved or widened the digit");

        // Ink just above the threshold does count: a speck far away widens the box.
        InkImage speck = drawStrokes(280, 280, seven, 18);
        speck.at(270, 270) = kInkThreshold * 1.5f;
        QVERIFY(toMnist(speck) != reference);
    }

    void noInk_data()
    {
        QTest::addColumn<InkImage>("drawing");
        QTest::newRow("0x0") << InkImage();
        QTest::newRow("0x100") << InkImage(0, 100);
        QTest::newRow("1x1 blank") << InkImage(1, 1);
        QTest::newRow("280x280 blank") << InkImage(280, 280);
        InkImage noise(280, 280);
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> faint(0.0f, kInkThreshold * 0.99f);
        for (float& v : noise.ink)
            v = faint(rng);
        QTest::newRow("faint noise only") << noise;
        InkImage negative(50, 50);
        std::fill(negative.ink.begin(), negative.ink.end(), -1.0f);
        negative.at(3, 3) = std::nanf("");
        QTest::newRow("negative values and a NaN") << negative;
    }

    void noInk()
    {
        QFETCH(InkImage, drawing);
        QVERIFY(!toMnist(drawing).has_value());
    }

    void badSizeThrows()
    {
        InkImage wrong(10, 10);
        wrong.ink.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toMnist(wrong));
        InkImage negative;
        negative.width = -2;
        negative.height = -3;
        negative.ink.resize(6);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toMnist(negative));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toMnist(InkImage(-5, 4)));
    }

    // Degenerate drawings: no crash, some ink, all of it on the field, centred where it can be.
    void extremes_data()
    {
        QTest::addColumn<InkImage>("drawing");
        QTest::addColumn<bool>("centred"); // false: the clamp to the field may win

        InkImage dot(1, 1);
        dot.at(0, 0) = 1.0f;
        QTest::newRow("1x1 ink") << dot << true;
        InkImage lone(280, 280);
        lone.at(137, 52) = 1.0f;
        QTest::newRow("one dot on a canvas") << lone << true;
        InkImage corner(280, 280);
        corner.at(279, 279) = 0.2f;
        QTest::newRow("faint dot in the corner") << corner << true;
        InkImage across(4000, 9);
        for (int x = 0; x < 4000; ++x)
            across.at(x, 4) = 1.0f;
        QTest::newRow("1-pixel line across 4000 pixels") << across << true;
        InkImage down(3, 4000);
        for (int y = 0; y < 4000; ++y)
            down.at(1, y) = 1.0f;
        QTest::newRow("1-pixel line down 4000 pixels") << down << true;
        InkImage row(4000, 1);
        std::fill(row.ink.begin(), row.ink.end(), 1.0f);
        QTest::newRow("4000x1 image, all ink") << row << true;
        InkImage diagonal(1000, 1000);
        for (int i = 0; i < 1000; ++i)
            diagonal.at(i, i) = 1.0f;
        QTest::newRow("1-pixel diagonal") << diagonal << true;
        InkImage corners(500, 500);
        corners.at(0, 0) = 1.0f;
        corners.at(499, 0) = 1.0f;
        corners.at(0, 499) = 1.0f;
        QTest::newRow("three corner dots") << corners << true;
        // Nearly all the mass in one corner of its box: centring it would push ink off the field.
        InkImage heavy = drawStrokes(200, 200, {{10, 10, 40, 10}}, 20);
        heavy.at(190, 190) = 1.0f;
        QTest::newRow("heavy corner, one far dot") << heavy << false;
    }

    void extremes()
    {
        QFETCH(InkImage, drawing);
        QFETCH(bool, centred);
        const std::optional<MnistImage> out = toMnist(drawing);
        QVERIFY(out.has_value());
        const Measure m = measure(*out);
        QVERIFY(m.mass > 0);
        QVERIFY2(m.boxWidth() <= 20 && m.boxHeight() <= 20,
                 qPrintable(QString("ink spans %1x%2").arg(m.boxWidth()).arg(m.boxHeight())));
        QCOMPARE(int(*std::max_element(out->begin(), out->end())), 255);
        if (centred)
            QVERIFY2(std::abs(m.cx - 14) <= 0.5 && std::abs(m.cy - 14) <= 0.5,
                     qPrintable(QString("centre of mass at (%1, %2)").arg(m.cx).arg(m.cy)));
        else // as close as the field allows: the ink touches the edge it was pulled towards
            QVERIFY(m.x1 == 27 || m.y1 == 27);
    }

    // A 4000x4000 photo: linear in its pixels (two passes), well under a second in a release
    // build; the bound here is loose for sanitizer builds and only catches a blow-up.
    void hugeInputIsFast()
    {
        InkImage huge(4000, 4000);
        std::mt19937 rng(9);
        std::uniform_real_distribution<float> any(0.0f, 1.0f);
        for (int y = 500; y < 3600; ++y)
            for (int x = 1200; x < 2800; ++x)
                huge.at(x, y) = any(rng);
        QElapsedTimer timer;
        timer.start();
        const std::optional<MnistImage> out = toMnist(huge);
        const qint64 ms = timer.elapsed();
        QVERIFY(out.has_value());
        QVERIFY2(ms < 5000, qPrintable(QString("%1 ms for 4000x4000").arg(ms)));
        const Measure m = measure(*out);
        QCOMPARE(m.boxHeight(), 20);
        QVERIFY(coversAbout(m.boxWidth(), 20.0 * 1600 / 3100));
        qInfo("4000x4000: %lld ms", ms);
    }

    void polarity_data()
    {
        QTest::addColumn<int>("background");
        QTest::addColumn<int>("ink");
        QTest::addColumn<bool>("darkInk");
        QTest::addColumn<double>("strokeInk"); // what inkFromGray makes of a stroke pixel

        QTest::newRow("black pen on white paper") << 255 << 0 << true << 1.0;
        QTest::newRow("white chalk on black") << 0 << 255 << false << 1.0;
        QTest::newRow("pencil on gray paper") << 200 << 90 << true << 110.0 / 200;
        QTest::newRow("dark board, gray chalk") << 40 << 180 << false << 140.0 / 215;
        QTest::newRow("mid-gray paper, dark ink") << 128 << 20 << true << 108.0 / 128;
        QTest::newRow("mid-gray board, light ink") << 128 << 240 << false << 112.0 / 127;
        QTest::newRow("blank white") << 255 << 255 << true << 0.0;
        QTest::newRow("blank black") << 0 << 0 << false << 0.0;
    }

    void polarity()
    {
        QFETCH(int, background);
        QFETCH(int, ink);
        QFETCH(bool, darkInk);
        QFETCH(double, strokeInk);
        const int side = 60;
        const std::vector<std::uint8_t> gray = grayRing(side, background, ink);
        const Background bg = detectBackground(side, side, gray.data(), side);
        QCOMPARE(bg.polarity == Polarity::DarkInkOnLight, darkInk);
        QCOMPARE(int(bg.level), background);

        const InkImage image = inkFromGray(side, side, gray.data(), side);
        QCOMPARE(image.width, side);
        QCOMPARE(image.height, side);
        QCOMPARE(image.at(0, 0), 0.0f);                            // background
        QVERIFY(std::abs(image.at(side / 2, side / 2 - 16) - strokeInk) < 1e-5); // on the ring
        QCOMPARE(toMnist(image).has_value(), ink != background);
    }

    // Rows `stride` bytes apart: only the first `width` bytes of each row are pixels.
    void strideIsHonoured()
    {
        const int width = 5, height = 4, stride = 8;
        std::vector<std::uint8_t> gray(std::size_t(stride) * height, 0);
        for (int y = 0; y < height; ++y)
            for (int x = width; x < stride; ++x)
                gray[std::size_t(y * stride + x)] = 255; // padding must be ignored
        gray[std::size_t(2 * stride + 3)] = 255;
        const InkImage fromBytes = inkFromBytes(width, height, gray.data(), stride);
        QCOMPARE(fromBytes.width, width);
        QCOMPARE(fromBytes.at(3, 2), 1.0f);
        QCOMPARE(fromBytes.at(4, 2), 0.0f);
        QCOMPARE(measure(fromBytes).mass, 1.0);
        const InkImage fromGray = inkFromGray(width, height, gray.data(), stride);
        QCOMPARE(measure(fromGray).mass, 1.0);
        QCOMPARE(fromGray.at(3, 2), 1.0f);
    }

    // The real check: MNIST's own digits, blown up 10x to a 280x280 canvas (as if drawn there),
    // come back as the original 28x28 images, and so does the inverted (dark-on-light) version.
    void mnistRoundTrip()
    {
        const IdxImages& mnist = mnistTestImages();
        QVERIFY(mnist.count >= 100);
        constexpr int kDigits = 100;
        double sum = 0, worst = 1;
        int worstIndex = -1;
        for (int i = 0; i < kDigits; ++i) {
            const std::uint8_t* digit = mnist.pixels.data() + std::size_t(i) * 784;
            std::vector<std::uint8_t> big = upscale(digit, 10);
            const std::optional<MnistImage> out = toMnist(inkFromBytes(280, 280, big.data(), 280));
            QVERIFY(out.has_value());
            const double r = correlation(out->data(), digit, 784);
            sum += r;
            if (r < worst)
                worst = r, worstIndex = i;
            if (i < 10) { // the inverted drawing, read as an image file of unknown polarity
                for (std::uint8_t& p : big)
                    p = std::uint8_t(255 - p);
                QCOMPARE(toMnist(inkFromGray(280, 280, big.data(), 280)), out);
            }
        }
        const double mean = sum / kDigits;
        qInfo("round trip of %d MNIST digits: mean correlation %.4f, worst %.4f (digit %d)",
              kDigits, mean, worst, worstIndex);
        // For scale, roundTripYardstick: a digit against itself one pixel off correlates about
        // 0.77 on average. The worst digits are thin ones, where the whole-pixel shift of MNIST's
        // own recipe lands half a pixel from where the original happened to sit.
        QVERIFY2(mean >= 0.93, qPrintable(QString("mean correlation %1").arg(mean)));
        QVERIFY2(worst >= 0.6, qPrintable(QString("digit %1 correlates only %2")
                                              .arg(worstIndex)
                                              .arg(worst)));
    }

    // The yardstick above must be able to fail: a digit one pixel off correlates far less.
    void roundTripYardstick()
    {
        const IdxImages& mnist = mnistTestImages();
        double sum = 0;
        for (int i = 0; i < 100; ++i) {
            const std::uint8_t* digit = mnist.pixels.data() + std::size_t(i) * 784;
            MnistImage shifted{};
            for (int y = 0; y < 28; ++y)
                for (int x = 1; x < 28; ++x)
                    shifted[std::size_t(y * 28 + x)] = digit[y * 28 + x - 1];
            sum += correlation(shifted.data(), digit, 784);
        }
        qInfo("a digit against itself one pixel to the right: mean correlation %.4f", sum / 100);
        QVERIFY2(sum / 100 < 0.9, qPrintable(QString("%1").arg(sum / 100)));
    }
};

QTEST_APPLESS_MAIN(TestPreprocess)
#include "tst_preprocess.moc"
