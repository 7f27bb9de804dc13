#include "saliency.h"

#include "activation.h"

#include <stdexcept>

namespace nnlab::engine {

std::vector<float> gradientTimesInput(const Network& net, const Vector& x, int outputClass)
{
    const Architecture& a = net.architecture();
    if (outputClass < 0 || outputClass >= a.outputs)
        throw std::invalid_argument("the class is outside the network's outputs");
    if (x.size() != a.inputs)
        throw std::invalid_argument("the input has the wrong number of values");
    const Network::Trace t = net.trace(x);
    // Backwards from o_input[class]: g = e_class; through each layer g = W^T g, times the slope.
    Vector g = net.weights(net.layerCount() - 1).row(outputClass).transpose();
    for (int l = net.layerCount() - 2; l >= 0; --l) {
        Eigen::ArrayXf slopeTimesG = g.array();
        multiplyBySlope(kernelActivation(a.hiddenActivation), slopeTimesG,
                        t.activations[std::size_t(l + 1)].array());
        g = net.weights(l).transpose() * slopeTimesG.matrix();
    }
    std::vector<float> out(std::size_t(a.inputs));
    for (int i = 0; i < a.inputs; ++i)
        out[std::size_t(i)] = g[i] * x[i];
    return out;
}

} // namespace nnlab::engine
