// What the network has learned, as pictures: every first-layer neuron's incoming weights as a
// tile, the later weight matrices (w_h_o, hidden -> hidden) as colour maps with labelled axes,
// and the outgoing weights of a clicked neuron. Redrawn from snapshots at most 4 times a second,
// or, in slow motion, on every snapshot (each image's update).
#pragma once

#include "app/bridge/training_setup.h"
#include "app/lab/redraw_coalescer.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QCPColorMap;
class QCPBars;
class QLabel;

namespace nnlab::ui {

class WeightTiles;

class WeightHeatmaps : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 250; // <= 4 Hz: live, yet light on the GUI thread

    explicit WeightHeatmaps(QWidget* parent = nullptr);

    // The network to show and its input image's shape; drawn within kRefreshMs (or at once
    // when `now`), and only while the widget can be seen (isOnScreen).
    void setNetwork(app::NetworkPtr network, int imageRows, int imageCols, bool now = false);
    // Slow motion: every network drawn as it comes (on screen), not within kRefreshMs.
    void setEverySnapshot(bool every);
    bool drawsEverySnapshot() const { return m_everySnapshot; }
    // Draws the newest network if it arrived while out of sight; the main window calls it when
    // the view's dock tab is chosen.
    void catchUp() { redraw(); }
    WeightTiles* tiles() const { return m_tiles; }
    QCustomPlot* plot() const { return m_plot; }
    QCheckBox* perTileScale() const { return m_perTile; }
    int redraws() const { return m_redraws; }
    // A redraw is due within kRefreshMs (tests: when false, nothing more will be drawn).
    bool refreshPending() const;
    // The refreshes' pace; the window has it follow the session's (flushed when training
    // pauses or ends: the last weights at once).
    app::RedrawCoalescer* refreshes() const { return m_refreshes; }
    // As clicking tile `neuron` does: highlights it and shows its outgoing weights.
    void selectNeuron(int neuron);
    // The outgoing weights now shown (of the selected first-layer neuron).
    std::vector<double> outgoing() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    void redraw();
    void drawMatrix();
    void drawOutgoing();

    WeightTiles* m_tiles;
    QCheckBox* m_perTile;
    QComboBox* m_layer;
    QLabel* m_caption;
    QCustomPlot* m_plot;
    QCPColorMap* m_map = nullptr;
    QCPBars* m_bars = nullptr;
    app::RedrawCoalescer* m_refreshes; // <= 4 a second, the newest network
    app::NetworkPtr m_network, m_shown;
    int m_imageRows = 28, m_imageCols = 28;
    int m_redraws = 0;
    bool m_everySnapshot = false;
};

} // namespace nnlab::ui
