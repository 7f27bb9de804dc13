#include "network.h"

#include "activation.h"
#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <utility>

namespace nnlab::engine {

Network::Network(Architecture arch) : m_arch(std::move(arch))
{
    if (const std::string why = m_arch.validate(); !why.empty())
        throw std::invalid_argument("invalid network: " + why);
    const auto sizes = m_arch.layerSizes();
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
        m_weights.emplace_back(Matrix::Zero(sizes[l + 1], sizes[l]));
        m_biases.emplace_back(m_arch.biases ? Vector::Zero(sizes[l + 1]) : Vector());
    }
}

namespace {

// U[0, 1) in float: the top 24 bits of a draw, so the value is exact and never 1 (a double in
// [0, 1) rounded to float can be 1.0f).
float unitUniform(std::mt19937_64& rng)
{
    return float(rng() >> 40) * 0x1.0p-24f;
}

} // namespace

void Network::initialize(Init init, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    if (init == Init::Rand || init == Init::RandCentered) {
        // The lesson's np.random.rand(h_n, i_n) (all positive), or np.random.rand(...) - 0.5,
        // row by row in the lesson's (out x in) order.
        const float shift = init == Init::Rand ? 0.0f : 0.5f;
        for (auto& w : m_weights)
            for (Eigen::Index r = 0; r < w.rows(); ++r)
                for (Eigen::Index c = 0; c < w.cols(); ++c)
                    w(r, c) = unitUniform(rng) - shift;
        for (auto& b : m_biases)
            b.setZero();
        return;
    }
    for (auto& w : m_weights) {
        const double fanIn = double(w.cols());
        const double fanOut = double(w.rows());
        std::normal_distribution<double> normal;
        std::uniform_real_distribution<double> uniform(-1.0, 1.0);
        double scale = 1.0;
        bool useUniform = false;
        switch (init) {
        case Init::Lesson: scale = std::pow(fanOut, -0.5); break; // pow(h_n, -0.5) for w_i_h
        case Init::FanIn: scale = std::pow(fanIn, -0.5); break;
        case Init::KerasNormal: scale = 0.05; break;
        case Init::Glorot:
            scale = std::sqrt(6.0 / (fanIn + fanOut));
            useUniform = true;
            break;
        case Init::He: scale = std::sqrt(2.0 / fanIn); break;
        case Init::Rand:
        case Init::RandCentered: break; // drawn above
        }
        // Row by row, in the lesson's (out x in) order, so a seed means the same net everywhere.
        for (Eigen::Index r = 0; r < w.rows(); ++r)
            for (Eigen::Index c = 0; c < w.cols(); ++c)
                w(r, c) = float(scale * (useUniform ? uniform(rng) : normal(rng)));
    }
    for (auto& b : m_biases)
        b.setZero();
}

namespace {

// Whether no value is infinite or NaN: those are the floats whose exponent bits are all ones.
// The largest exponent field over the whole array, a loop the compiler vectorises, 2.5 times
// as fast as Eigen's allFinite (a worker checks the weights before every 15 ms slice).
bool finiteValues(const float* values, std::size_t count)
{
    constexpr std::uint32_t kExponent = 0x7f800000u;
    std::uint32_t largest = 0;
    for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, values + i, sizeof bits);
        largest = std::max(largest, bits & kExponent);
    }
    return largest != kExponent;
}

} // namespace

bool Network::allFinite() const
{
    for (const auto& w : m_weights)
        if (!finiteValues(w.data(), std::size_t(w.size())))
            return false;
    for (const auto& b : m_biases)
        if (!finiteValues(b.data(), std::size_t(b.size())))
            return false;
    return true;
}

void Network::scaleInput(const std::uint8_t* pixels, float* out) const
{
    kernels().scalePixels(pixels, out, m_arch.inputs, inputScale(m_arch.scaling));
}

Batch Network::predict(const Batch& x) const
{
    if (x.rows() != m_arch.inputs)
        throw std::invalid_argument("predict: input has the wrong number of rows");
    if (layerCount() == 0)
        return x;
    return predictFrom(0, x);
}

Batch Network::predictFrom(int first, const Batch& a) const
{
    if (first < 0 || first >= layerCount())
        throw std::invalid_argument("predictFrom: no such layer");
    if (a.rows() != m_weights[std::size_t(first)].cols())
        throw std::invalid_argument("predictFrom: input has the wrong number of rows");
    const auto& k = kernels();
    // The first layer reads its input where it is (the test's chunks are 1.5 MB: no copy of
    // them); the layers' outputs take turns in two buffers.
    const Batch* in = &a;
    Batch buffers[2];
    for (int l = first; l < layerCount(); ++l) {
        const Matrix& w = m_weights[std::size_t(l)];
        Batch& out = buffers[l % 2];
        out.resize(w.rows(), in->cols());
        k.forward(int(w.rows()), int(in->cols()), int(w.cols()), w.data(),
                  m_arch.biases ? m_biases[std::size_t(l)].data() : nullptr, in->data(),
                  out.data(), layerActivation(m_arch, l));
        if (l + 1 == layerCount() && m_arch.output == Output::Softmax) {
            Eigen::Map<Eigen::ArrayXXf> o(out.data(), out.rows(), out.cols());
            softmaxColumns(o);
        }
        in = &out;
    }
    return std::move(buffers[(layerCount() - 1) % 2]);
}

Network::Trace Network::trace(const Vector& x) const
{
    Trace t;
    t.activations.push_back(x);
    for (int l = 0; l < layerCount(); ++l) {
        const std::size_t i = std::size_t(l);
        // h_input = w_i_h . x (+ b);  h_output = sigmoid(h_input)
        Vector z = m_weights[i] * t.activations.back();
        if (m_arch.biases)
            z += m_biases[i];
        t.preActivations.push_back(z);
        Eigen::ArrayXf a = z.array();
        activate(layerActivation(m_arch, l), a);
        if (l + 1 == layerCount() && m_arch.output == Output::Softmax)
            softmaxColumns(a);
        t.activations.push_back(a.matrix());
    }
    return t;
}

bool Network::operator==(const Network& other) const
{
    if (!(m_arch == other.m_arch))
        return false;
    for (std::size_t l = 0; l < m_weights.size(); ++l) {
        if (m_weights[l] != other.m_weights[l])
            return false;
        if (m_biases[l].size() != other.m_biases[l].size() ||
            (m_biases[l].size() && m_biases[l] != other.m_biases[l]))
            return false;
    }
    return true;
}

} // namespace nnlab::engine
