#include "preprocess.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnlab::engine {

namespace {

// The 20x20 box, one spare row and column so a span's second slot may land just past the edge
// (always with weight 0) without a branch in the inner loop.
constexpr int kBoxStride = kMnistBox + 1;
using BoxImage = std::array<float, std::size_t(kBoxStride) * kBoxStride>;

// Ink as the pipeline counts it: faint noise is background, values clamp to 0..1 (NaN -> 0).
float countedInk(float v) { return v >= kInkThreshold ? std::min(v, 1.0f) : 0.0f; }

struct Rect
{
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0; // [x0, x1) x [y0, y1)
    int width() const { return x1 - x0; }
    int height() const { return y1 - y0; }
};

// Bounding box of the counted ink, or nothing.
std::optional<Rect> inkBounds(const InkImage& image)
{
    Rect r{image.width, image.height, -1, -1};
    for (int y = 0; y < image.height; ++y) {
        const float* row = image.ink.data() + std::size_t(y) * std::size_t(image.width);
        int first = 0;
        while (first < image.width && countedInk(row[first]) == 0.0f)
            ++first;
        if (first == image.width)
            continue;
        int last = image.width - 1;
        while (countedInk(row[last]) == 0.0f)
            --last;
        r.x0 = std::min(r.x0, first);
        r.x1 = std::max(r.x1, last + 1);
        r.y0 = std::min(r.y0, y);
        r.y1 = y + 1;
    }
    if (r.x1 < 0)
        return std::nullopt;
    return r;
}

// Where one source pixel's extent [a, a + s) falls in the box when shrinking (s <= 1): on one box
// pixel or split across two, weighted by the length of each overlap (area averaging).
struct Span
{
    int first = 0;
    float w0 = 0; // overlap with box pixel `first`
    float w1 = 0; // overlap with box pixel `first + 1`
};

std::vector<Span> shrinkSpans(int n, double offset, double s)
{
    std::vector<Span> spans(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double a = offset + i * s, b = a + s;
        const int first = std::clamp(int(std::floor(a)), 0, kMnistBox - 1);
        const double boundary = first + 1;
        Span& span = spans[std::size_t(i)];
        span.first = first;
        if (b > boundary && first + 1 < kMnistBox) {
            span.w0 = float(boundary - a);
            span.w1 = float(b - boundary);
        } else {
            span.w0 = float(s);
        }
    }
    return spans;
}

// Area averaging, separable: each source row is binned into the box columns, then the row is
// added into the (at most two) box rows it overlaps. Every box pixel ends up holding the mean ink
// over the source area it covers, so the ink mass shrinks by exactly s^2.
void shrinkInto(BoxImage& box, const InkImage& image, const Rect& r, double s, double offX,
                double offY)
{
    const std::vector<Span> cols = shrinkSpans(r.width(), offX, s);
    const std::vector<Span> rows = shrinkSpans(r.height(), offY, s);
    std::array<float, kBoxStride> line{};
    for (int y = 0; y < r.height(); ++y) {
        const float* src = image.ink.data() + std::size_t(r.y0 + y) * std::size_t(image.width) +
                           std::size_t(r.x0);
        line.fill(0.0f);
        bool any = false;
        for (int x = 0; x < r.width(); ++x) {
            const float v = countedInk(src[x]);
            if (v == 0.0f)
                continue;
            const Span& c = cols[std::size_t(x)];
            line[std::size_t(c.first)] += c.w0 * v;
            line[std::size_t(c.first) + 1] += c.w1 * v;
            any = true;
        }
        if (!any)
            continue;
        const Span& row = rows[std::size_t(y)];
        float* top = box.data() + std::size_t(row.first) * kBoxStride;
        float* below = top + kBoxStride;
        for (int c = 0; c < kMnistBox; ++c) {
            top[c] += row.w0 * line[std::size_t(c)];
            below[c] += row.w1 * line[std::size_t(c)];
        }
    }
}

// For enlarging (s > 1), per box column or row: the source coordinate its centre samples
// (clamped to the content, as image resizing does at the edges) and how much of the box pixel the
// content covers (the short side's ends fall between pixels).
struct Sample
{
    int i0 = 0;
    int i1 = 0;
    float t = 0;        // weight of i1
    float coverage = 0; // 0..1
};

std::array<Sample, kMnistBox> enlargeSamples(int n, double offset, double s)
{
    std::array<Sample, kMnistBox> samples{};
    const double end = offset + n * s;
    for (int u = 0; u < kMnistBox; ++u) {
        Sample& p = samples[std::size_t(u)];
        p.coverage =
            float(std::max(0.0, std::min<double>(u + 1, end) - std::max<double>(u, offset)));
        if (p.coverage <= 0.0f)
            continue;
        // Pixel centres: box u + 0.5 <-> source (u + 0.5 - offset) / s, source i at i + 0.5.
        const double centre = std::clamp(u + 0.5, offset, end);
        const double x = std::clamp((centre - offset) / s - 0.5, 0.0, double(n - 1));
        p.i0 = int(std::floor(x));
        p.i1 = std::min(p.i0 + 1, n - 1);
        p.t = float(x - p.i0);
    }
    return samples;
}

// Bilinear interpolation when enlarging a small drawing: area averaging would only copy pixels
// into blocks, and MNIST's digits have smooth edges.
void enlargeInto(BoxImage& box, const InkImage& image, const Rect& r, double s, double offX,
                 double offY)
{
    const auto cols = enlargeSamples(r.width(), offX, s);
    const auto rows = enlargeSamples(r.height(), offY, s);
    const auto src = [&](int x, int y) { return countedInk(image.at(r.x0 + x, r.y0 + y)); };
    for (int v = 0; v < kMnistBox; ++v) {
        const Sample& row = rows[std::size_t(v)];
        if (row.coverage <= 0.0f)
            continue;
        for (int u = 0; u < kMnistBox; ++u) {
            const Sample& col = cols[std::size_t(u)];
            if (col.coverage <= 0.0f)
                continue;
            const float top = src(col.i0, row.i0) * (1 - col.t) + src(col.i1, row.i0) * col.t;
            const float bottom = src(col.i0, row.i1) * (1 - col.t) + src(col.i1, row.i1) * col.t;
            box[std::size_t(v) * kBoxStride + std::size_t(u)] =
                (top * (1 - row.t) + bottom * row.t) * col.coverage * row.coverage;
        }
    }
}

} // namespace

std::optional<MnistImage> toMnist(const InkImage& image)
{
    if (image.width < 0 || image.height < 0 ||
        image.ink.size() != std::size_t(image.width) * std::size_t(image.height))
        throw std::invalid_argument("toMnist: the ink does not hold width x height values");
    // 1. Crop to the ink. MNIST normalised the digit itself, not the page it was written on.
    const std::optional<Rect> bounds = inkBounds(image);
    if (!bounds)
        return std::nullopt;
    const Rect& r = *bounds;

    // 2. The long side becomes 20 pixels; the short side keeps the aspect ratio, centred in the
    // box: MNIST's digits are three times as often an even number of pixels wide as an odd one,
    // the mark of a short side centred in an even-sized box.
    const double s = double(kMnistBox) / std::max(r.width(), r.height());
    const double offX = (kMnistBox - r.width() * s) / 2;
    const double offY = (kMnistBox - r.height() * s) / 2;
    BoxImage box{};
    if (s <= 1.0)
        shrinkInto(box, image, r, s, offX, offY);
    else
        enlargeInto(box, image, r, s, offX, offY);

    // 3. Every MNIST digit reaches full ink (254 or 255 in all 10,000 test digits): a thin pen on
    // a big canvas, shrunk, would otherwise come out faint.
    float peak = 0;
    for (int v = 0; v < kMnistBox; ++v)
        for (int u = 0; u < kMnistBox; ++u)
            peak = std::max(peak, box[std::size_t(v) * kBoxStride + std::size_t(u)]);
    if (!(peak > 0.0f))
        return std::nullopt; // a safeguard: counted ink always leaves some in the box
    std::array<std::uint8_t, kMnistBox * kMnistBox> quantised{};
    double mass = 0, momentX = 0, momentY = 0;
    int minX = kMnistBox, maxX = -1, minY = kMnistBox, maxY = -1;
    for (int v = 0; v < kMnistBox; ++v)
        for (int u = 0; u < kMnistBox; ++u) {
            const float value = box[std::size_t(v) * kBoxStride + std::size_t(u)] / peak;
            const auto q = std::uint8_t(std::lround(std::clamp(value, 0.0f, 1.0f) * 255.0f));
            quantised[std::size_t(v * kMnistBox + u)] = q;
            if (q == 0)
                continue;
            mass += q;
            momentX += double(q) * u;
            momentY += double(q) * v;
            minX = std::min(minX, u), maxX = std::max(maxX, u);
            minY = std::min(minY, v), maxY = std::max(maxY, v);
        }

    // 4. MNIST moved its digits by whole pixels: the centres of mass of its test digits spread
    // evenly over 13.5..14.5 (sd 0.29). Measured on the quantised pixels, so the final image's
    // centre of mass is within half a pixel of 14 unless the ink would leave the field.
    const int dx = std::clamp(int(std::lround(kMnistCentre - momentX / mass)), -minX,
                              kMnistSide - 1 - maxX);
    const int dy = std::clamp(int(std::lround(kMnistCentre - momentY / mass)), -minY,
                              kMnistSide - 1 - maxY);
    MnistImage out{};
    for (int v = minY; v <= maxY; ++v)
        for (int u = minX; u <= maxX; ++u)
            out[std::size_t((v + dy) * kMnistSide + u + dx)] =
                quantised[std::size_t(v * kMnistBox + u)];
    return out;
}

InkImage inkFromBytes(int width, int height, const std::uint8_t* pixels, std::ptrdiff_t stride)
{
    InkImage image(std::max(width, 0), std::max(height, 0));
    for (int y = 0; y < image.height; ++y) {
        const std::uint8_t* row = pixels + y * stride;
        for (int x = 0; x < image.width; ++x)
            image.at(x, y) = float(row[x]) / 255.0f;
    }
    return image;
}

Background detectBackground(int width, int height, const std::uint8_t* gray, std::ptrdiff_t stride)
{
    if (width <= 0 || height <= 0)
        return {};
    // Histogram of the outermost ring of pixels, and the whole image's sum.
    std::array<std::uint64_t, 256> border{};
    std::uint64_t borderCount = 0;
    double sum = 0;
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* row = gray + y * stride;
        const bool edgeRow = y == 0 || y == height - 1;
        for (int x = 0; x < width; ++x) {
            sum += row[x];
            if (edgeRow || x == 0 || x == width - 1) {
                ++border[row[x]];
                ++borderCount;
            }
        }
    }
    int median = 0;
    for (std::uint64_t seen = 0; median < 255; ++median) {
        seen += border[std::size_t(median)];
        if (2 * seen >= borderCount)
            break;
    }
    // Clearly dark or clearly light paper decides at once; in between, the ink is on the side the
    // image's mean brightness leans to.
    constexpr int kDarkBelow = 96, kLightAbove = 159;
    const double mean = sum / (double(width) * double(height));
    bool darkInk = median > kLightAbove;
    if (median >= kDarkBelow && median <= kLightAbove)
        darkInk = mean < median || (mean == median && median >= 128);
    return {darkInk ? Polarity::DarkInkOnLight : Polarity::LightInkOnDark,
            std::uint8_t(median)};
}

InkImage inkFromGray(int width, int height, const std::uint8_t* gray, std::ptrdiff_t stride)
{
    const Background bg = detectBackground(width, height, gray, stride);
    const bool dark = bg.polarity == Polarity::DarkInkOnLight;
    // Full ink at black (dark ink) or white (light ink); the background itself is 0.
    const float range = dark ? float(bg.level) : float(255 - bg.level);
    const float scale = range > 0 ? 1.0f / range : 0.0f;
    std::array<float, 256> ink{};
    for (int g = 0; g < 256; ++g)
        ink[std::size_t(g)] =
            std::clamp((dark ? float(bg.level - g) : float(g - bg.level)) * scale, 0.0f, 1.0f);
    InkImage image(std::max(width, 0), std::max(height, 0));
    for (int y = 0; y < image.height; ++y) {
        const std::uint8_t* row = gray + y * stride;
        for (int x = 0; x < image.width; ++x)
            image.at(x, y) = ink[row[x]];
    }
    return image;
}

} // namespace nnlab::engine
