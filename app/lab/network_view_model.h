// The network view's state (issue 15): which net it draws (the window's digit net or the
// lesson's toy net), the input it feeds forward, the back-propagation phase by phase, the
// selected node with its sum written out, and the back-query strip. Every number comes from the
// engine (traceSample / traceValues, errorFlow, backQuery); the widget (ui/network_view) paints
// what this class gives and forwards clicks. Work happens only while the view is on screen.
//
// Node layers count from 0 (the inputs) to the outputs; weight layer l links node layer l to
// l + 1 (Network::weights(l), out x in: w_i_h is l = 0, w_h_o is l = 1 on the lesson's net).
#pragma once

#include "app/bridge/training_setup.h"
#include "app/lab/redraw_coalescer.h"

#include "engine/error_flow.h"
#include "engine/step_trace.h"
#include "engine/tensor.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

class QTimer;

namespace nnlab::app {

// The lesson's back-propagation, one phase at a time.
enum class NetworkPhase { Forward, Targets, OutputErrors, Carried, HiddenErrors, Update };
inline constexpr int kNetworkPhaseCount = int(NetworkPhase::Update) + 1;

struct NodeRef
{
    int layer = -1; // node layer: 0 the inputs .. the outputs
    int node = -1;
    bool isValid() const { return layer >= 0 && node >= 0; }
    bool operator==(const NodeRef&) const = default;
};

struct LinkRef
{
    int layer = 0; // weight layer l: from node `from` of layer l to node `to` of layer l + 1
    int to = 0;
    int from = 0;
    bool operator==(const LinkRef&) const = default;
};

class NetworkViewModel : public QObject
{
    Q_OBJECT

public:
    enum class Mode { Digits, Toy };
    enum class NodeValues { Sums, Outputs }; // h_input and o_input, or h_output and o_output

    static constexpr int kMaxNodesDrawn = 300; // a wider hidden layer shows its strongest nodes
    static constexpr int kLinksShown = 24;     // a big layer: the strongest links into the selected node
    static constexpr int kSumTerms = 8;        // the terms of a sum written out
    static constexpr std::chrono::milliseconds kBackQueryInterval{333}; // at most ~3 a second
    static constexpr std::chrono::milliseconds kPlayInterval{1400};     // one phase's time on Play

    explicit NetworkViewModel(QObject* parent = nullptr);
    ~NetworkViewModel() override;

    // What the window gives: its newest weights, its setup (l_r), an image to feed forward
    // (pixels 0..255, as many as the net's inputs; label: its target digit; source: "Test
    // image 3"), and whether the view can be seen (nothing is computed while it cannot).
    void setNetwork(NetworkPtr network);
    // Training's snapshots come faster than a trace is worth drawing: with a pace, the view
    // takes the newest network at the pace's next redraw, not each one as it comes.
    void setRedraws(RedrawCoalescer* redraws);
    void setSetup(const TrainingSetup& setup);
    void setImage(std::vector<std::uint8_t> pixels, int label, const QString& source);
    void setOnScreen(bool onScreen);
    bool isOnScreen() const { return m_onScreen; }

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    void setNodeValues(NodeValues values);
    NodeValues nodeValues() const { return m_nodeValues; }
    // The lesson's shortcut (the output layer sends o_errors back) or the exact gradient.
    void setLessonErrors(bool lessonErrors);
    bool lessonErrors() const { return m_lessonErrors; }

    // The toy net: its sizes (1..12 a layer, the lesson's figures' numbers where they reach),
    // the values typed into it, the worked example, and its update kept.
    void setToySize(int inputs, int hidden, int outputs);
    void setToyInput(int i, float value);
    void setToyTarget(int j, float value);
    void setToyWeight(LinkRef link, float value);
    void setToyLearningRate(float learningRate);
    void loadWorkedExample();
    void applyToyUpdate(); // the weights after the update become the toy net's weights
    const engine::Vector& toyInput() const { return m_toyInput; }
    const engine::Vector& toyTarget() const { return m_toyTarget; }

    // The phases: Step, Back, Reset, Play (one phase every kPlayInterval up to the update).
    void stepForward();
    void stepBack();
    void resetPhase();
    void play();
    void pause();
    bool isPlaying() const;
    NetworkPhase phase() const { return m_phase; }
    void setPhase(NetworkPhase phase);

    void selectNode(NodeRef node);
    NodeRef selected() const { return m_selected; }

    // What is drawn. ready(): a net and an input have been traced (else why not: whyNotReady()).
    bool ready() const { return m_ready; }
    QString whyNotReady() const;
    const engine::Network* network() const; // the toy net or the newest weights
    std::vector<int> layerSizes() const;
    int layerCount() const { return int(layerSizes().size()); }
    bool isSmall() const; // every layer at most engine::kToyMaxNodes: every node and link drawn
    const engine::LessonTrace& trace() const { return m_trace; }
    const engine::ErrorFlow& flow() const { return m_flow; }           // the chosen errors
    const engine::ErrorFlow& otherFlow() const { return m_otherFlow; } // the other choice
    float learningRate() const;
    QString source() const; // what is fed forward: "Test image 3 (a 7)", "the toy net's inputs"

    float nodeSum(NodeRef n) const;    // input, h_input, o_input
    float nodeOutput(NodeRef n) const; // input, h_output, o_output
    float nodeValue(NodeRef n) const;  // per nodeValues()
    std::optional<float> nodeError(NodeRef n) const; // o_errors, h_errors (none for inputs)
    float target(int output) const;
    float weight(LinkRef l) const;
    std::optional<float> carried(LinkRef l) const; // none for weight layer 0
    float update(LinkRef l) const;
    float after(LinkRef l) const;

    // The nodes drawn of a layer (all, or the kMaxNodesDrawn with the strongest links onwards)
    // and the links drawn (all in a small net, else the strongest terms into the selected node).
    const std::vector<int>& shownNodes(int layer) const { return m_shownNodes[std::size_t(layer)]; }
    bool isThinned(int layer) const;
    QString thinnedNote() const; // "300 of 512 hidden nodes: those with the strongest links on"
    const std::vector<LinkRef>& shownLinks() const { return m_shownLinks; }

    // Text in the lesson's words.
    QString nodeName(NodeRef n) const; // "hidden node 2", "output 7", "pixel (3, 14)"
    QString nodeText(NodeRef n) const; // a node's numbers in this phase
    QString linkText(LinkRef l) const; // a link's numbers in this phase
    QString sumText() const;           // the selected node's sum written out
    QString caption() const;           // what this phase shows
    QString differenceText() const;    // the shortcut against the exact gradient, when they differ
    static QString phaseTitle(NetworkPhase phase);

    // Back-query (digit net only): one image per output, then the custom target's if one is set.
    QString backQueryUnavailable() const; // one sentence, or empty
    const engine::Batch& backQueryImages() const { return m_backQuery; }
    int backQueryCount() const { return int(m_backQuery.cols()); }
    int backQueryRefreshes() const { return m_backQueryRefreshes; }
    // A custom target: ten values, or digits that get 0.99 ("4 9", "4, 9"); empty clears it.
    // Returns the problem in one sentence (and keeps the previous target), or empty.
    QString setCustomTarget(const QString& text);
    QString customTargetProblem() const { return m_customProblem; }
    bool hasCustomTarget() const { return m_customTarget.size() > 0; }
    // Back-query image `index` (an output, or the custom one after them) fed forward.
    void feedBackQueryImage(int index);

signals:
    void changed();          // anything drawn: repaint
    void backQueryChanged(); // the strip's images
    void phaseChanged(nnlab::app::NetworkPhase phase);

private:
    void useNetwork(NetworkPtr network); // what setNetwork does without a pace
    void refresh();        // trace, flows, shown nodes and links, if on screen
    void refreshBackQuery(); // if on screen and due
    void computeBackQuery();
    void chooseShownNodes();
    void chooseShownLinks();
    void resetToy(engine::Vector input, engine::Vector target);
    const engine::LayerFlow& layerFlow(const engine::ErrorFlow& f, int weightLayer) const;
    QString layerName(int layer) const; // "input", "h", "o"
    QString weightName(int weightLayer) const; // "w_i_h"
    QString number(double v) const;

    Mode m_mode = Mode::Digits;
    NodeValues m_nodeValues = NodeValues::Outputs;
    bool m_lessonErrors = true;
    bool m_onScreen = false;
    bool m_stale = true;
    bool m_ready = false;
    QString m_why;

    NetworkPtr m_network;
    RedrawCoalescer* m_redraws = nullptr;
    NetworkPtr m_pendingNetwork;   // the newest, waiting for the pace's redraw
    bool m_networkPending = false;
    float m_learningRate = 0.1f;
    std::vector<std::uint8_t> m_pixels;
    int m_label = 0;
    QString m_source;

    engine::Network m_toy;
    engine::Vector m_toyInput, m_toyTarget;
    float m_toyLearningRate;

    engine::LessonTrace m_trace;
    engine::ErrorFlow m_flow, m_otherFlow;
    NetworkPhase m_phase = NetworkPhase::Forward;
    QTimer* m_player;
    NodeRef m_selected;
    bool m_chosen = false; // a node was clicked; until then the digit net's answer is selected
    std::vector<std::vector<int>> m_shownNodes;
    std::vector<LinkRef> m_shownLinks;

    engine::Batch m_backQuery;
    engine::Vector m_customTarget;
    QString m_customProblem;
    bool m_backQueryStale = true;
    int m_backQueryRefreshes = 0;
    QElapsedTimer m_sinceBackQuery;
    QTimer* m_backQueryLater;
};

} // namespace nnlab::app
