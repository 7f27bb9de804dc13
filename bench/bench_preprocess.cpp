// How well the preprocessing carries MNIST's test digits drawn anywhere, at any size, on a 280x280
// canvas to the default model, and how long one canvas takes from pixels to probabilities.
// Usage: bench_preprocess [--model FILE] [--data-dir DIR] [--seed N] [--runs N]
#include "engine/file_error.h"
#include "engine/idx_reader.h"
#include "engine/model_file.h"
#include "engine/preprocess.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <random>
#include <string>
#include <vector>

using namespace nnlab::engine;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kCanvas = 280;        // the GUI canvas: 10x MNIST
constexpr double kMinHeight = 0.40; // ink height as a share of the canvas height
constexpr double kMaxHeight = 0.95;
constexpr double kTinyMin = 0.05;   // drawn tiny: 14-20 pixels tall, enlarged to fit 20x20
constexpr double kTinyMax = 0.07;
constexpr int kBatch = 1000; // images per predict() call when scoring

// The ink's bounding box in a 28x28 digit: [x0, x1) x [y0, y1), nonzero pixels.
struct Box
{
    int x0 = 28, y0 = 28, x1 = 0, y1 = 0;
};

Box inkBox(const std::uint8_t* digit)
{
    Box b;
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x)
            if (digit[y * 28 + x]) {
                b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x + 1);
                b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y + 1);
            }
    return b;
}

// Draws a 28x28 digit on a blank 8-bit canvas, scaled by `scale` (bilinear, pixel centres at
// i + 0.5) with its ink box's top-left corner at (left, top) on the canvas.
void drawDigit(const std::uint8_t* digit, const Box& box, double scale, double left, double top,
               std::vector<std::uint8_t>& canvas)
{
    std::fill(canvas.begin(), canvas.end(), std::uint8_t(0));
    const auto px = [&](int x, int y) {
        return x < 0 || y < 0 || x > 27 || y > 27 ? 0.0 : double(digit[y * 28 + x]);
    };
    const int xa = std::max(0, int(left) - 1 - int(scale));
    const int xb = std::min(kCanvas, int(left + (box.x1 - box.x0) * scale) + 2 + int(scale));
    const int ya = std::max(0, int(top) - 1 - int(scale));
    const int yb = std::min(kCanvas, int(top + (box.y1 - box.y0) * scale) + 2 + int(scale));
    for (int y = ya; y < yb; ++y)
        for (int x = xa; x < xb; ++x) {
            const double sx = (x + 0.5 - left) / scale + box.x0 - 0.5;
            const double sy = (y + 0.5 - top) / scale + box.y0 - 0.5;
            const int ix = int(std::floor(sx)), iy = int(std::floor(sy));
            const double tx = sx - ix, ty = sy - iy;
            const double v = (px(ix, iy) * (1 - tx) + px(ix + 1, iy) * tx) * (1 - ty) +
                             (px(ix, iy + 1) * (1 - tx) + px(ix + 1, iy + 1) * tx) * ty;
            canvas[std::size_t(y) * kCanvas + std::size_t(x)] = std::uint8_t(std::lround(v));
        }
}

// Share of images whose most probable class is the label; `images` holds 784 bytes each.
double accuracy(const Network& net, const std::vector<std::uint8_t>& images,
                const std::vector<std::uint8_t>& labels)
{
    const std::size_t n = labels.size();
    std::size_t correct = 0;
    Batch x(kMnistPixels, kBatch);
    for (std::size_t start = 0; start < n; start += kBatch) {
        const int count = int(std::min<std::size_t>(kBatch, n - start));
        x.resize(kMnistPixels, count);
        for (int j = 0; j < count; ++j)
            net.scaleInput(images.data() + (start + std::size_t(j)) * kMnistPixels,
                           x.col(j).data());
        const Batch out = net.predict(x);
        for (int j = 0; j < count; ++j) {
            Eigen::Index best = 0;
            out.col(j).maxCoeff(&best);
            correct += std::size_t(best) == labels[start + std::size_t(j)];
        }
    }
    return double(correct) / double(n);
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const std::size_t i = std::min(v.size() - 1, std::size_t(std::ceil(p * double(v.size()))) - 1);
    return v[i];
}

double microseconds(Clock::duration d)
{
    return std::chrono::duration<double, std::micro>(d).count();
}

int run(int argc, char** argv)
{
    std::string model = NNLAB_SOURCE_DIR "/resources/models/default.nnlab";
    std::string dataDir = NNLAB_SOURCE_DIR "/data/mnist";
    std::uint64_t seed = 1;
    int runs = 5000;
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (!std::strcmp(argv[i], "--model") && hasValue)
            model = argv[++i];
        else if (!std::strcmp(argv[i], "--data-dir") && hasValue)
            dataDir = argv[++i];
        else if (!std::strcmp(argv[i], "--seed") && hasValue)
            seed = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--runs") && hasValue)
            runs = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: bench_preprocess [--model FILE] [--data-dir DIR] "
                                 "[--seed N] [--runs N]\n");
            return 2;
        }
    }

    const Network net = loadModel(model).network;
    const Dataset test = loadIdxDataset(dataDir + "/t10k-images-idx3-ubyte.gz",
                                        dataDir + "/t10k-labels-idx1-ubyte.gz", digitClassNames(),
                                        "MNIST test");
    const std::size_t n = test.size();
    std::printf("model %s (%s)\n%zu MNIST test digits, canvas %dx%d, seed %llu\n", model.c_str(),
                net.architecture().describe().c_str(), n, kCanvas, kCanvas,
                static_cast<unsigned long long>(seed));

    // (a) Robustness: clean, blown up 10x in place, and drawn at random sizes and places.
    const double clean = accuracy(net, test.pixels, test.labels);
    std::vector<std::uint8_t> canvas(std::size_t(kCanvas) * kCanvas);
    std::vector<std::uint8_t> centred(n * kMnistPixels), drawn(n * kMnistPixels),
        tiny(n * kMnistPixels);
    std::mt19937_64 rng(seed), tinyRng(seed + 1);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    // As a person would draw it: ink heightMin-heightMax of the canvas height, anywhere on it.
    const auto drawAnywhere = [&](const std::uint8_t* digit, double heightMin, double heightMax,
                                  std::mt19937_64& random) {
        const Box box = inkBox(digit);
        const double w = box.x1 - box.x0, h = box.y1 - box.y0;
        double scale = (heightMin + (heightMax - heightMin) * unit(random)) * kCanvas / h;
        scale = std::min(scale, kMaxHeight * kCanvas / w); // a wide digit still fits
        const double left = unit(random) * (kCanvas - w * scale);
        const double top = unit(random) * (kCanvas - h * scale);
        drawDigit(digit, box, scale, left, top, canvas);
    };
    std::size_t noInk = 0;
    const auto preprocess = [&](std::size_t i, std::vector<std::uint8_t>& into) {
        const std::optional<MnistImage> image =
            toMnist(inkFromBytes(kCanvas, kCanvas, canvas.data(), kCanvas));
        if (image)
            std::copy(image->begin(), image->end(),
                      into.begin() + std::ptrdiff_t(i * kMnistPixels));
        else
            ++noInk; // scored as a miss: its 784 zeros are whatever the model makes of nothing
    };
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t* digit = test.image(i);
        drawDigit(digit, Box{0, 0, 28, 28}, 10.0, 0.0, 0.0, canvas);
        preprocess(i, centred);

        drawAnywhere(digit, kMinHeight, kMaxHeight, rng);
        preprocess(i, drawn);
        drawAnywhere(digit, kTinyMin, kTinyMax, tinyRng);
        preprocess(i, tiny);
    }
    const double upscaled = accuracy(net, centred, test.labels);
    const double anywhere = accuracy(net, drawn, test.labels);
    const double small = accuracy(net, tiny, test.labels);
    std::printf("\naccuracy  clean 28x28                       %.4f\n", clean);
    std::printf("          10x, in place                     %.4f  (%+.2f points)\n", upscaled,
                100 * (upscaled - clean));
    std::printf("          drawn anywhere, 40-95%% tall       %.4f  (%+.2f points)\n", anywhere,
                100 * (anywhere - clean));
    std::printf("          drawn tiny, 14-20 pixels tall     %.4f  (%+.2f points)\n", small,
                100 * (small - clean));
    if (noInk)
        std::printf("          %zu canvases had no ink (scored as misses)\n", noInk);

    // (b) Latency: one canvas from its 8-bit pixels to ten probabilities, one sample at a time.
    const Box box = inkBox(test.image(0));
    drawDigit(test.image(0), box, 200.0 / (box.y1 - box.y0), 50, 30, canvas);
    Batch x(kMnistPixels, 1);
    std::vector<double> total, prep, infer;
    Eigen::Index digit = -1; // what the timed canvas is read as, printed so the work is observable
    for (int r = -100; r < runs; ++r) { // 100 warm-up runs
        const auto t0 = Clock::now();
        const std::optional<MnistImage> image =
            toMnist(inkFromBytes(kCanvas, kCanvas, canvas.data(), kCanvas));
        const auto t1 = Clock::now();
        net.scaleInput(image->data(), x.data());
        const Batch out = net.predict(x);
        const auto t2 = Clock::now();
        out.col(0).maxCoeff(&digit);
        if (r < 0)
            continue;
        prep.push_back(microseconds(t1 - t0));
        infer.push_back(microseconds(t2 - t1));
        total.push_back(microseconds(t2 - t0));
    }
    std::printf("\nlatency of one %dx%d canvas (a %d, read as %d) over %d runs, microseconds\n",
                kCanvas, kCanvas, int(test.labels[0]), int(digit), runs);
    std::printf("          median    p99\n");
    std::printf("preprocess %7.1f %7.1f\n", percentile(prep, 0.5), percentile(prep, 0.99));
    std::printf("inference  %7.1f %7.1f\n", percentile(infer, 0.5), percentile(infer, 0.99));
    std::printf("total      %7.1f %7.1f\n", percentile(total, 0.5), percentile(total, 0.99));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_preprocess: %s\n", e.what());
        return 1;
    }
}
