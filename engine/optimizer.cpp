#include "optimizer.h"

#include "kernels.h"

#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace nnlab::engine {

namespace {
constexpr std::array kNames{std::pair{OptimizerKind::SGD, std::string_view("sgd")},
                            std::pair{OptimizerKind::Momentum, std::string_view("momentum")},
                            std::pair{OptimizerKind::RMSprop, std::string_view("rmsprop")},
                            std::pair{OptimizerKind::Adam, std::string_view("adam")}};

bool inUnitInterval(float x) { return std::isfinite(x) && x >= 0.0f && x < 1.0f; }
} // namespace

std::string OptimizerSettings::validate() const
{
    if (!std::isfinite(learningRate) || learningRate <= 0.0f || learningRate > 100.0f)
        return "the learning rate must be a number above 0 and at most 100";
    if (!inUnitInterval(momentum))
        return "momentum must be at least 0 and below 1";
    if (!inUnitInterval(rho))
        return "rho must be at least 0 and below 1";
    if (!inUnitInterval(beta1) || !inUnitInterval(beta2))
        return "beta1 and beta2 must be at least 0 and below 1";
    if (!std::isfinite(epsilon) || epsilon <= 0.0f || epsilon > 1.0f)
        return "epsilon must be above 0 and at most 1";
    return {};
}

std::string_view toString(OptimizerKind k)
{
    for (const auto& [kind, name] : kNames)
        if (kind == k)
            return name;
    return "unknown";
}

std::optional<OptimizerKind> parseOptimizer(std::string_view s)
{
    for (const auto& [kind, name] : kNames)
        if (name == s)
            return kind;
    return std::nullopt;
}

Optimizer::Optimizer(OptimizerSettings settings, std::vector<std::int64_t> tensorSizes)
    : m_settings(settings), m_sizes(std::move(tensorSizes))
{
    if (const std::string why = m_settings.validate(); !why.empty())
        throw std::invalid_argument(why);
    resetState();
}

void Optimizer::setSettings(const OptimizerSettings& settings)
{
    if (const std::string why = settings.validate(); !why.empty())
        throw std::invalid_argument(why);
    const bool kindChanged = settings.kind != m_settings.kind;
    m_settings = settings;
    if (kindChanged)
        resetState();
}

void Optimizer::resetState()
{
    m_step = 0;
    m_first.assign(m_sizes.size(), {});
    m_second.assign(m_sizes.size(), {});
    const bool needsFirst =
        m_settings.kind == OptimizerKind::Momentum || m_settings.kind == OptimizerKind::Adam;
    const bool needsSecond =
        m_settings.kind == OptimizerKind::RMSprop || m_settings.kind == OptimizerKind::Adam;
    for (std::size_t t = 0; t < m_sizes.size(); ++t) {
        if (needsFirst)
            m_first[t].assign(std::size_t(m_sizes[t]), 0.0f);
        if (needsSecond)
            m_second[t].assign(std::size_t(m_sizes[t]), 0.0f);
    }
}

void Optimizer::apply(int tensor, float* w, const float* g, std::int64_t begin, std::int64_t end)
{
    const auto& k = kernels();
    const auto t = std::size_t(tensor);
    const std::int64_t n = end - begin;
    const OptimizerSettings& s = m_settings;
    switch (s.kind) {
    case OptimizerKind::SGD: k.sgd(w + begin, g + begin, n, s.learningRate); break;
    case OptimizerKind::Momentum:
        k.momentum(w + begin, m_first[t].data() + begin, g + begin, n, s.learningRate,
                   s.momentum);
        break;
    case OptimizerKind::RMSprop:
        k.rmsprop(w + begin, m_second[t].data() + begin, g + begin, n, s.learningRate, s.rho,
                  s.epsilon);
        break;
    case OptimizerKind::Adam: {
        // Bias corrections 1 - beta^t for the step being taken (t counts from 1).
        const double step = double(m_step + 1);
        const float c1 = float(1.0 - std::pow(double(s.beta1), step));
        const float c2 = float(1.0 - std::pow(double(s.beta2), step));
        k.adam(w + begin, m_first[t].data() + begin, m_second[t].data() + begin, g + begin, n,
               s.learningRate, s.beta1, s.beta2, s.epsilon, c1, c2);
        break;
    }
    }
}

} // namespace nnlab::engine
