#include "drawing_classifier.h"

#include "engine/saliency.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace nnlab::app {

namespace engine = nnlab::engine;

DrawingResult classifyDrawing(const engine::Network& net, const engine::InkImage& ink, bool explain)
{
    if (net.architecture().inputs != engine::kMnistPixels)
        throw std::invalid_argument("this network does not take 28x28 images");
    DrawingResult r;
    const auto start = std::chrono::steady_clock::now();
    r.seen = engine::toMnist(ink);
    if (!r.seen)
        return r; // an empty canvas is not a digit: no guess
    engine::Batch x(engine::kMnistPixels, 1);
    net.scaleInput(r.seen->data(), x.data());
    const engine::Batch o = net.predict(x);
    r.microseconds = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    r.outputs.assign(o.data(), o.data() + o.rows());
    r.digit = int(std::max_element(r.outputs.begin(), r.outputs.end()) - r.outputs.begin());
    r.confidence = r.outputs[std::size_t(r.digit)];
    if (explain)
        r.saliency = engine::gradientTimesInput(net, x.col(0), r.digit);
    return r;
}

} // namespace nnlab::app
