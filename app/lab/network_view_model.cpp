#include "network_view_model.h"

#include "engine/back_query.h"
#include "engine/number_text.h"
#include "engine/worked_example.h"

#include <QRegularExpression>
#include <QStringList>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nnlab::app {

namespace engine = nnlab::engine;
using P = NetworkPhase;

namespace {

// The sentence the engine gives (lower case, no stop) as the view shows it.
QString sentence(const std::string& text)
{
    QString s = QString::fromStdString(text);
    if (!s.isEmpty()) {
        s[0] = s[0].toUpper();
        if (!s.endsWith(QLatin1Char('.')))
            s += QLatin1Char('.');
    }
    return s;
}

// A back-query image (0.01..0.99) as pixels 0..255, the inverse of the lesson's scaling.
std::uint8_t pixelOf(double v)
{
    const double p = (v - engine::kLessonInputOffset) / engine::kLessonInputRange * engine::kPixelMax;
    return std::uint8_t(std::clamp(std::lround(p), 0L, 255L));
}

// The first k of `from` (input nodes of weight matrix w) by the size of their term in node j's
// sum, |w(j, i) x_i|, largest first: the links drawn into a node and the terms written out.
std::vector<int> strongestTerms(const engine::Matrix& w, const engine::Vector& x, int j,
                                std::vector<int> from, std::size_t k)
{
    k = std::min(k, from.size());
    const auto term = [&](int i) { return std::abs(w(j, i) * x[i]); };
    std::partial_sort(from.begin(), from.begin() + std::ptrdiff_t(k), from.end(),
                      [&](int a, int b) { return term(a) > term(b); });
    from.resize(k);
    return from;
}

} // namespace

NetworkViewModel::NetworkViewModel(QObject* parent)
    : QObject(parent), m_toyLearningRate(engine::kToyLearningRate), m_player(new QTimer(this)),
      m_backQueryLater(new QTimer(this))
{
    engine::ToyExample toy =
        engine::toyExample(engine::kLessonToyInputs, engine::kLessonToyHidden, engine::kLessonToyOutputs);
    m_toy = std::move(toy.net);
    m_toyInput = toy.input;
    m_toyTarget = toy.target;
    m_player->setInterval(kPlayInterval);
    connect(m_player, &QTimer::timeout, this, [this] {
        stepForward();
        if (m_phase == P::Update)
            m_player->stop();
    });
    m_backQueryLater->setSingleShot(true);
    connect(m_backQueryLater, &QTimer::timeout, this, &NetworkViewModel::refreshBackQuery);
}

NetworkViewModel::~NetworkViewModel() = default;

// ---- what the window gives ----

void NetworkViewModel::setNetwork(NetworkPtr network)
{
    if (m_redraws) { // everything drawn stays of one network until the pace's redraw
        m_pendingNetwork = std::move(network);
        m_networkPending = true;
        m_redraws->request();
        return;
    }
    useNetwork(std::move(network));
}

void NetworkViewModel::useNetwork(NetworkPtr network)
{
    m_networkPending = false;
    m_pendingNetwork.reset();
    m_network = std::move(network);
    m_backQueryStale = true;
    if (m_mode == Mode::Digits)
        refresh();
    refreshBackQuery();
}

void NetworkViewModel::setRedraws(RedrawCoalescer* redraws)
{
    m_redraws = redraws;
    connect(redraws, &RedrawCoalescer::redraw, this, [this] {
        if (m_networkPending)
            useNetwork(std::move(m_pendingNetwork)); // the newest
    });
}

void NetworkViewModel::setSetup(const TrainingSetup& setup)
{
    if (m_learningRate == setup.training.optimizer.learningRate)
        return;
    m_learningRate = setup.training.optimizer.learningRate;
    if (m_mode == Mode::Digits)
        refresh();
}

void NetworkViewModel::setImage(std::vector<std::uint8_t> pixels, int label, const QString& source)
{
    if (pixels == m_pixels && label == m_label && source == m_source)
        return;
    m_pixels = std::move(pixels);
    m_label = label;
    m_source = source;
    if (m_mode == Mode::Digits)
        refresh();
}

void NetworkViewModel::setOnScreen(bool onScreen)
{
    m_onScreen = onScreen;
    if (!onScreen) {
        m_player->stop();
        return;
    }
    if (m_stale)
        refresh();
    refreshBackQuery();
}

void NetworkViewModel::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    m_selected = {};
    m_chosen = false;
    m_stale = true;
    refresh();
    refreshBackQuery();
}

void NetworkViewModel::setNodeValues(NodeValues values)
{
    m_nodeValues = values;
    emit changed();
}

void NetworkViewModel::setLessonErrors(bool lessonErrors)
{
    if (lessonErrors == m_lessonErrors)
        return;
    m_lessonErrors = lessonErrors;
    std::swap(m_flow, m_otherFlow); // both are always computed: the difference is shown
    emit changed();
}

// ---- the toy net ----

void NetworkViewModel::resetToy(engine::Vector input, engine::Vector target)
{
    m_toyInput = std::move(input);
    m_toyTarget = std::move(target);
    m_selected = {};
    if (m_mode == Mode::Toy)
        refresh();
}

void NetworkViewModel::setToySize(int inputs, int hidden, int outputs)
{
    const std::vector<int> now = m_toy.architecture().layerSizes();
    if (now == std::vector<int>{inputs, hidden, outputs})
        return;
    engine::ToyExample toy = engine::toyExample(inputs, hidden, outputs);
    // The numbers typed so far stay where the new net has them.
    for (int l = 0; l < 2; ++l) {
        const engine::Matrix& old = m_toy.weights(l);
        engine::Matrix& w = toy.net.weights(l);
        const int rows = int(std::min(old.rows(), w.rows())), cols = int(std::min(old.cols(), w.cols()));
        w.topLeftCorner(rows, cols) = old.topLeftCorner(rows, cols);
    }
    const auto keep = [](engine::Vector& v, const engine::Vector& old) {
        const auto n = std::min(v.size(), old.size());
        v.head(n) = old.head(n);
    };
    keep(toy.input, m_toyInput);
    keep(toy.target, m_toyTarget);
    m_toy = std::move(toy.net);
    resetToy(toy.input, toy.target);
}

void NetworkViewModel::setToyInput(int i, float value)
{
    if (i < 0 || i >= m_toyInput.size())
        return;
    m_toyInput[i] = value;
    if (m_mode == Mode::Toy)
        refresh();
}

void NetworkViewModel::setToyTarget(int j, float value)
{
    if (j < 0 || j >= m_toyTarget.size())
        return;
    m_toyTarget[j] = value;
    if (m_mode == Mode::Toy)
        refresh();
}

void NetworkViewModel::setToyWeight(LinkRef link, float value)
{
    if (link.layer < 0 || link.layer >= m_toy.layerCount())
        return;
    engine::Matrix& w = m_toy.weights(link.layer);
    if (link.to < 0 || link.to >= w.rows() || link.from < 0 || link.from >= w.cols())
        return;
    w(link.to, link.from) = value;
    if (m_mode == Mode::Toy)
        refresh();
}

void NetworkViewModel::setToyLearningRate(float learningRate)
{
    m_toyLearningRate = learningRate;
    if (m_mode == Mode::Toy)
        refresh();
}

void NetworkViewModel::loadWorkedExample()
{
    engine::ToyExample ex = engine::lessonWorkedExample();
    m_toy = std::move(ex.net);
    m_toyLearningRate = engine::kToyLearningRate;
    m_mode = Mode::Toy;
    m_phase = P::Forward;
    resetToy(ex.input, ex.target);
    selectNode({2, 0}); // output 1, the lesson's node that says 0.8
    emit phaseChanged(m_phase);
}

void NetworkViewModel::applyToyUpdate()
{
    if (m_mode != Mode::Toy || !m_ready)
        return;
    for (int l = 0; l < m_toy.layerCount(); ++l)
        m_toy.weights(l) = m_flow.layers[std::size_t(l)].after;
    m_phase = P::Forward;
    refresh();
    emit phaseChanged(m_phase);
}

// ---- phases ----

void NetworkViewModel::setPhase(NetworkPhase phase)
{
    if (phase == m_phase)
        return;
    m_phase = phase;
    emit phaseChanged(m_phase);
    emit changed();
}

void NetworkViewModel::stepForward()
{
    if (m_phase != P::Update)
        setPhase(P(int(m_phase) + 1));
}

void NetworkViewModel::stepBack()
{
    if (m_phase != P::Forward)
        setPhase(P(int(m_phase) - 1));
}

void NetworkViewModel::resetPhase()
{
    m_player->stop();
    setPhase(P::Forward);
}

void NetworkViewModel::play()
{
    if (m_phase == P::Update)
        setPhase(P::Forward);
    m_player->start();
}

void NetworkViewModel::pause()
{
    m_player->stop();
}

bool NetworkViewModel::isPlaying() const
{
    return m_player->isActive();
}

void NetworkViewModel::selectNode(NodeRef node)
{
    const std::vector<int> sizes = layerSizes();
    if (node.isValid() && (node.layer >= int(sizes.size()) || node.node >= sizes[std::size_t(node.layer)]))
        node = {};
    m_selected = node;
    m_chosen = node.isValid();
    chooseShownLinks();
    emit changed();
}

// ---- computing ----

const engine::Network* NetworkViewModel::network() const
{
    if (m_mode == Mode::Toy)
        return &m_toy;
    return m_network.get();
}

std::vector<int> NetworkViewModel::layerSizes() const
{
    const engine::Network* net = network();
    return net ? net->architecture().layerSizes() : std::vector<int>{};
}

bool NetworkViewModel::isSmall() const
{
    const std::vector<int> sizes = layerSizes();
    return std::all_of(sizes.begin(), sizes.end(), [](int n) { return n <= engine::kToyMaxNodes; });
}

float NetworkViewModel::learningRate() const
{
    return m_mode == Mode::Toy ? m_toyLearningRate : m_learningRate;
}

QString NetworkViewModel::whyNotReady() const
{
    return m_why;
}

QString NetworkViewModel::source() const
{
    if (m_mode == Mode::Toy)
        return tr("the toy net's inputs");
    return m_source;
}

void NetworkViewModel::refresh()
{
    if (!m_onScreen) { // traced when shown; nothing old is drawn meanwhile
        m_stale = true;
        m_ready = false;
        return;
    }
    m_stale = false;
    const engine::Network* net = network();
    m_ready = false;
    m_why.clear();
    try {
        if (!net)
            m_why = tr("No network yet.");
        else if (m_mode == Mode::Digits && int(m_pixels.size()) != net->architecture().inputs)
            m_why = tr("Pick a digit: click one in the Digits view, or take the Draw view's drawing.");
        else if (m_mode == Mode::Digits) {
            const int label = std::clamp(m_label, 0, net->architecture().outputs - 1);
            m_trace = engine::traceSample(*net, m_pixels.data(), label, m_lessonErrors);
            m_ready = true;
        } else {
            m_trace = engine::traceValues(*net, m_toyInput, m_toyTarget, m_lessonErrors);
            m_ready = true;
        }
        if (m_ready) {
            // Both choices, so that the difference can be shown; the trace's own hidden errors
            // are of the chosen one, and errorFlow reads only its forward values.
            engine::errorFlow(*net, m_trace, learningRate(), m_lessonErrors, m_flow);
            engine::errorFlow(*net, m_trace, learningRate(), !m_lessonErrors, m_otherFlow);
        }
    } catch (const std::exception& e) {
        m_ready = false;
        m_why = QString::fromUtf8(e.what());
    }
    if (m_ready) {
        const std::vector<int> sizes = layerSizes();
        if (!m_chosen && m_mode == Mode::Digits) // the answer, and the links into it
            m_selected = {int(sizes.size()) - 1, m_trace.predicted};
        if (m_selected.isValid() && (m_selected.layer >= int(sizes.size()) ||
                                     m_selected.node >= sizes[std::size_t(m_selected.layer)]))
            m_selected = {};
        chooseShownNodes();
        chooseShownLinks();
    } else {
        m_shownNodes.clear();
        m_shownLinks.clear();
    }
    emit changed();
}

void NetworkViewModel::chooseShownNodes()
{
    const std::vector<int> sizes = layerSizes();
    const engine::Network& net = *network();
    m_shownNodes.assign(sizes.size(), {});
    for (std::size_t k = 0; k < sizes.size(); ++k) {
        std::vector<int>& shown = m_shownNodes[k];
        shown.resize(std::size_t(sizes[k]));
        std::iota(shown.begin(), shown.end(), 0);
        const bool hidden = k > 0 && k + 1 < sizes.size();
        if (!hidden || sizes[k] <= kMaxNodesDrawn)
            continue;
        // The strongest: the largest sum of |weight| of the links to the next layer.
        const engine::Vector strength = net.weights(int(k)).cwiseAbs().colwise().sum().transpose();
        std::partial_sort(shown.begin(), shown.begin() + kMaxNodesDrawn, shown.end(),
                          [&](int a, int b) { return strength[a] > strength[b]; });
        shown.resize(kMaxNodesDrawn);
        std::sort(shown.begin(), shown.end());
    }
}

void NetworkViewModel::chooseShownLinks()
{
    m_shownLinks.clear();
    if (!m_ready)
        return;
    const std::vector<int> sizes = layerSizes();
    const engine::Network& net = *network();
    const auto small = [&](int k) { return sizes[std::size_t(k)] <= engine::kToyMaxNodes; };
    for (int l = 0; l + 1 < int(sizes.size()); ++l) {
        if (small(l) && small(l + 1))
            for (int j = 0; j < sizes[std::size_t(l + 1)]; ++j)
                for (int i = 0; i < sizes[std::size_t(l)]; ++i)
                    m_shownLinks.push_back({l, j, i});
    }
    if (!m_selected.isValid() || m_selected.layer == 0)
        return;
    const int l = m_selected.layer - 1, j = m_selected.node;
    if (small(l) && small(l + 1))
        return; // drawn already
    // The strongest terms w x x of the selected node's sum, among the nodes drawn below.
    for (const int i : strongestTerms(net.weights(l), m_flow.layers[std::size_t(l)].input, j,
                                      m_shownNodes[std::size_t(l)], kLinksShown))
        m_shownLinks.push_back({l, j, i});
}

bool NetworkViewModel::isThinned(int layer) const
{
    const std::vector<int> sizes = layerSizes();
    return layer >= 0 && layer < int(m_shownNodes.size()) &&
           int(m_shownNodes[std::size_t(layer)].size()) < sizes[std::size_t(layer)];
}

QString NetworkViewModel::thinnedNote() const
{
    QStringList notes;
    const std::vector<int> sizes = layerSizes();
    for (int k = 0; k < int(m_shownNodes.size()); ++k)
        if (isThinned(k))
            notes << tr("%1 of %2 nodes of hidden layer %3 drawn: those with the strongest links to the next layer")
                         .arg(m_shownNodes[std::size_t(k)].size())
                         .arg(sizes[std::size_t(k)])
                         .arg(k);
    return notes.join(QLatin1Char('\n'));
}

// ---- the numbers ----

const engine::LayerFlow& NetworkViewModel::layerFlow(const engine::ErrorFlow& f, int weightLayer) const
{
    return f.layers[std::size_t(weightLayer)];
}

float NetworkViewModel::nodeSum(NodeRef n) const
{
    const int last = layerCount() - 1;
    if (n.layer == 0)
        return m_trace.input[n.node];
    if (n.layer == last)
        return m_trace.outputInput[n.node];
    return m_trace.hiddenInputs[std::size_t(n.layer - 1)][n.node];
}

float NetworkViewModel::nodeOutput(NodeRef n) const
{
    const int last = layerCount() - 1;
    if (n.layer == 0)
        return m_trace.input[n.node];
    if (n.layer == last)
        return m_trace.outputOutput[n.node];
    return m_trace.hiddenOutputs[std::size_t(n.layer - 1)][n.node];
}

float NetworkViewModel::nodeValue(NodeRef n) const
{
    return m_nodeValues == NodeValues::Sums ? nodeSum(n) : nodeOutput(n);
}

std::optional<float> NetworkViewModel::nodeError(NodeRef n) const
{
    if (n.layer <= 0)
        return std::nullopt;
    return layerFlow(m_flow, n.layer - 1).errors[n.node];
}

float NetworkViewModel::target(int output) const
{
    return m_trace.target[output];
}

float NetworkViewModel::weight(LinkRef l) const
{
    return layerFlow(m_flow, l.layer).before(l.to, l.from);
}

std::optional<float> NetworkViewModel::carried(LinkRef l) const
{
    const engine::LayerFlow& f = layerFlow(m_flow, l.layer);
    if (l.layer == 0 || f.carried.size() == 0)
        return std::nullopt;
    return f.carried(l.to, l.from);
}

float NetworkViewModel::update(LinkRef l) const
{
    return layerFlow(m_flow, l.layer).update(l.to, l.from);
}

float NetworkViewModel::after(LinkRef l) const
{
    return layerFlow(m_flow, l.layer).after(l.to, l.from);
}

// ---- the lesson's words ----

QString NetworkViewModel::number(double v) const
{
    return QString::number(v, 'g', 4);
}

QString NetworkViewModel::layerName(int layer) const
{
    const int last = layerCount() - 1;
    if (layer == 0)
        return QStringLiteral("input");
    if (layer == last)
        return QStringLiteral("o");
    return last == 2 ? QStringLiteral("h") : QStringLiteral("h%1").arg(layer);
}

QString NetworkViewModel::weightName(int weightLayer) const
{
    const auto shortName = [this](int k) { return k == 0 ? QStringLiteral("i") : layerName(k); };
    return QStringLiteral("w_%1_%2").arg(shortName(weightLayer), shortName(weightLayer + 1));
}

QString NetworkViewModel::nodeName(NodeRef n) const
{
    const int last = layerCount() - 1;
    if (n.layer == 0) {
        if (m_mode == Mode::Digits && layerSizes()[0] == 784)
            return tr("pixel (row %1, column %2)").arg(n.node / 28).arg(n.node % 28);
        return tr("input %1").arg(n.node + 1);
    }
    if (n.layer == last)
        return m_mode == Mode::Digits ? tr("output %1 (the digit %1)").arg(n.node) : tr("output %1").arg(n.node + 1);
    return last == 2 ? tr("hidden node %1").arg(n.node + 1) : tr("node %1 of hidden layer %2").arg(n.node + 1).arg(n.layer);
}

QString NetworkViewModel::nodeText(NodeRef n) const
{
    if (!m_ready || !n.isValid())
        return {};
    const int last = layerCount() - 1;
    const QString name = layerName(n.layer);
    QString text = nodeName(n) + QStringLiteral(": ");
    if (n.layer == 0)
        return text + tr("input %1").arg(number(nodeOutput(n)));
    text += QStringLiteral("%1_input %2, %1_output %3").arg(name, number(nodeSum(n)), number(nodeOutput(n)));
    if (n.layer == last && m_phase >= P::Targets)
        text += tr(", target %1").arg(number(target(n.node)));
    const bool errorShown = n.layer == last ? m_phase >= P::OutputErrors : m_phase >= P::HiddenErrors;
    if (errorShown)
        text += QStringLiteral(", %1_errors %2").arg(name, number(*nodeError(n)));
    return text;
}

QString NetworkViewModel::linkText(LinkRef l) const
{
    if (!m_ready)
        return {};
    const float w = weight(l);
    QString text = QStringLiteral("%1 → %2: %3 %4")
                       .arg(nodeName({l.layer, l.from}), nodeName({l.layer + 1, l.to}), weightName(l.layer), number(w));
    if (m_phase >= P::Carried && carried(l)) {
        const float sent = layerFlow(m_flow, l.layer).sent[l.to];
        text += tr("; carries %1 x %2 = %3 back").arg(number(sent), number(w), number(*carried(l)));
    }
    if (m_phase == P::Update)
        text += tr("; update %1: %2 → %3").arg(number(update(l)), number(w), number(after(l)));
    return text;
}

QString NetworkViewModel::sumText() const
{
    if (!m_ready || !m_selected.isValid())
        return tr("Click a node to see its sum written out.");
    const NodeRef n = m_selected;
    if (n.layer == 0)
        return nodeText(n);
    const int l = n.layer - 1, j = n.node;
    const engine::Matrix& w = layerFlow(m_flow, l).before;
    const engine::Vector& x = layerFlow(m_flow, l).input;
    const QString below = l == 0 ? QStringLiteral("input") : layerName(l) + QStringLiteral("_output");
    const QString name = layerName(n.layer);
    std::vector<int> all(std::size_t(w.cols()));
    std::iota(all.begin(), all.end(), 0);
    const std::vector<int> strongest = strongestTerms(w, x, j, all, kSumTerms);
    QStringList lines;
    lines << tr("%1, %2_input = %3 . %4:").arg(nodeName(n), name, weightName(l), below);
    double shown = 0;
    for (const int i : strongest) {
        const double term = double(w(j, i)) * double(x[i]);
        shown += term;
        lines << QStringLiteral("  %1 x %2 = %3   (%4)")
                     .arg(number(w(j, i)), number(x[i]), number(term), nodeName({l, i}));
    }
    if (all.size() > strongest.size())
        lines << tr("  + %1 more terms = %2").arg(all.size() - strongest.size()).arg(number(double(nodeSum(n)) - shown));
    lines << tr("%1_input = %2").arg(name, number(nodeSum(n)));
    const engine::Architecture& arch = network()->architecture();
    if (n.layer == layerCount() - 1 && arch.output == engine::Output::Softmax)
        lines << tr("o_output = softmax(o_input)[%1] = %2").arg(j).arg(number(nodeOutput(n)));
    else {
        const engine::Activation f = n.layer == layerCount() - 1 ? engine::Activation::Sigmoid : arch.hiddenActivation;
        const std::string_view fName = engine::toString(f);
        lines << tr("%1_output = %2(%3) = %4")
                     .arg(name, QString::fromLatin1(fName.data(), qsizetype(fName.size())), number(nodeSum(n)),
                          number(nodeOutput(n)));
    }
    if (m_phase >= P::OutputErrors && nodeError(n) && (n.layer == layerCount() - 1 || m_phase >= P::HiddenErrors))
        lines << tr("%1_errors = %2").arg(name, number(*nodeError(n)));
    return lines.join(QLatin1Char('\n'));
}

QString NetworkViewModel::phaseTitle(NetworkPhase phase)
{
    switch (phase) {
    case P::Forward: return tr("1. Feed-forward");
    case P::Targets: return tr("2. The targets");
    case P::OutputErrors: return tr("3. o_errors");
    case P::Carried: return tr("4. Errors carried back");
    case P::HiddenErrors: return tr("5. h_errors");
    case P::Update: return tr("6. The update");
    }
    return {};
}

QString NetworkViewModel::caption() const
{
    QString text;
    switch (m_phase) {
    case P::Forward:
        text = tr("h_input = w_i_h . input, h_output = sigmoid(h_input); then o_input = "
                  "w_h_o . h_output, o_output = sigmoid(o_input). Click a node to see its sum.");
        break;
    case P::Targets:
        text = m_mode == Mode::Toy ? tr("as typed (double-click an output to change one).")
                                   : tr("0.99 for the true digit, 0.01 for the others; a sigmoid "
                                        "never reaches 0 or 1.");
        break;
    case P::OutputErrors:
        text = tr("o_errors = target - o_output: positive where an output should rise, negative where it "
                  "should fall.");
        break;
    case P::Carried:
        text = m_lessonErrors ? tr("Each link carries its output's error times its weight back (the lesson: "
                                   "-0.79 x 0.6 = -0.474).")
                              : tr("The exact gradient: each link carries o_errors x o_output x (1 - o_output) "
                                   "times its weight back.");
        break;
    case P::HiddenErrors:
        text = tr("h_errors = w_h_o^T . o_errors: a hidden node's error is the sum of what its links carry back.");
        break;
    case P::Update:
        text = tr("w += l_r x errors x slope x input, the slope being output x (1 - output); "
                  "l_r = %1. Each link shows its weight before → after.")
                   .arg(number(learningRate()));
        break;
    }
    return phaseTitle(m_phase) + QStringLiteral(": ") + text;
}

QString NetworkViewModel::differenceText() const
{
    if (!m_ready || m_phase < P::Carried || layerCount() < 3)
        return {};
    // The hidden errors differ between the two choices (the output's update never does).
    const engine::Vector& mine = layerFlow(m_flow, layerCount() - 3).errors;
    const engine::Vector& other = layerFlow(m_otherFlow, layerCount() - 3).errors;
    const float largest = (mine - other).cwiseAbs().maxCoeff();
    if (largest < 1e-7f)
        return tr("The lesson's shortcut and the exact gradient agree here.");
    const QString shortcut = m_lessonErrors ? tr("the lesson's shortcut") : tr("the exact gradient");
    const QString exact = m_lessonErrors ? tr("the exact gradient") : tr("the lesson's shortcut");
    int i = 0;
    (mine - other).cwiseAbs().maxCoeff(&i);
    if (m_selected.isValid() && m_selected.layer == layerCount() - 2)
        i = m_selected.node;
    return tr("They differ: %1 gives %2 h_errors %3, %4 %5. The exact gradient sends o_errors x "
              "o_output x (1 - o_output) back, the lesson sends o_errors alone.")
        .arg(shortcut, nodeName({layerCount() - 2, i}), number(mine[i]), exact, number(other[i]));
}

// ---- back-query ----

QString NetworkViewModel::backQueryUnavailable() const
{
    if (!m_network)
        return tr("No network yet.");
    return QString::fromStdString(engine::backQueryUnavailable(m_network->architecture()));
}

void NetworkViewModel::refreshBackQuery()
{
    if (!m_onScreen || m_mode != Mode::Digits || !m_backQueryStale || !m_network)
        return;
    const qint64 since = m_sinceBackQuery.isValid() ? m_sinceBackQuery.elapsed() : kBackQueryInterval.count();
    if (since < kBackQueryInterval.count()) {
        if (!m_backQueryLater->isActive())
            m_backQueryLater->start(int(kBackQueryInterval.count() - since));
        return;
    }
    computeBackQuery();
}

void NetworkViewModel::computeBackQuery()
{
    m_backQueryStale = false;
    m_sinceBackQuery.start();
    m_backQuery.resize(0, 0);
    if (m_network && backQueryUnavailable().isEmpty()) {
        const int outputs = m_network->architecture().outputs;
        engine::Batch targets = engine::backQueryAllTargets(outputs);
        if (hasCustomTarget()) {
            targets.conservativeResize(Eigen::NoChange, outputs + 1);
            targets.col(outputs) = m_customTarget;
        }
        m_backQuery = engine::backQuery(*m_network, targets);
    }
    ++m_backQueryRefreshes;
    emit backQueryChanged();
}

QString NetworkViewModel::setCustomTarget(const QString& text)
{
    const int outputs = m_network ? m_network->architecture().outputs : 10;
    QStringList parts = text.split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts);
    parts.removeIf([](const QString& p) { return p.compare(QLatin1String("and"), Qt::CaseInsensitive) == 0; });
    engine::Vector target;
    QString problem;
    if (parts.isEmpty()) {
        target.resize(0);
    } else if (parts.size() == outputs) { // ten values
        target.resize(outputs);
        for (int o = 0; o < outputs && problem.isEmpty(); ++o)
            if (!engine::parseFinite(parts[o].toStdString(), target[o]))
                problem = tr("“%1” is not a number: type %2 values between 0 and 1, or the digits that should "
                             "say 0.99.").arg(parts[o]).arg(outputs);
        if (problem.isEmpty())
            problem = sentence(engine::backQueryTargetProblem(target, outputs));
    } else { // digits that get 0.99
        target = engine::Vector::Constant(outputs, engine::kLessonTargetLow);
        for (const QString& p : parts) {
            int digit = -1;
            if (!engine::parseWhole(p.toStdString(), digit) || digit < 0 || digit >= outputs) {
                problem = tr("“%1” is not a digit from 0 to %2: type the digits that should say 0.99 (“4 9”), or "
                             "%3 values between 0 and 1.").arg(p).arg(outputs - 1).arg(outputs);
                break;
            }
            target[digit] = engine::kLessonTargetHigh;
        }
    }
    m_customProblem = problem;
    if (problem.isEmpty()) {
        m_customTarget = target;
        m_backQueryStale = true;
        m_sinceBackQuery.invalidate(); // typed: shown at once
        refreshBackQuery();
    }
    return problem;
}

void NetworkViewModel::feedBackQueryImage(int index)
{
    if (index < 0 || index >= m_backQuery.cols())
        return;
    std::vector<std::uint8_t> pixels(std::size_t(m_backQuery.rows()));
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = pixelOf(m_backQuery(Eigen::Index(i), index));
    const int outputs = m_network->architecture().outputs;
    int label = index;
    if (index >= outputs) // the custom target's: its largest value
        m_customTarget.maxCoeff(&label);
    m_mode = Mode::Digits;
    m_selected = {};
    m_chosen = false;
    setImage(std::move(pixels), label,
             index < outputs ? tr("the back-query image of %1").arg(index) : tr("the custom back-query image"));
}

} // namespace nnlab::app
