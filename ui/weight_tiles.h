// A grid of tiles, one per neuron: its incoming weights drawn as a picture the size of the input
// image (28x28 for MNIST), blue negative, white zero, red positive. What each hidden neuron
// "looks for" in a digit.
#pragma once

#include "engine/tensor.h"

#include <QImage>
#include <QWidget>

#include <vector>

namespace nnlab::ui {

class WeightTiles : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kTileScale = 2; // 28 px -> 56 logical pixels

    explicit WeightTiles(QWidget* parent = nullptr);

    // weights: neurons x (imageRows * imageCols), one neuron per row (out x in, as the lesson).
    // perTileScale: each tile scaled to its own largest |w|; else one scale for all.
    void setWeights(const engine::Matrix& weights, int imageRows, int imageCols, bool perTileScale);
    void clear();
    // What an empty grid says.
    void setPlaceholder(const QString& text) { m_placeholder = text; update(); }
    int tileCount() const { return int(m_tiles.size()); }
    // Drawn when first shown or asked for: of 1024 neurons, only the tiles on screen are
    // redrawn each time the weights change.
    const QImage& tile(int neuron) const;
    // The smallest and largest weight of a neuron (for the tooltip and tests).
    std::pair<float, float> range(int neuron) const { return m_ranges[std::size_t(neuron)]; }
    void setSelected(int neuron);
    int selected() const { return m_selected; }
    QRect tileRect(int neuron) const;
    int tileAt(const QPoint& p) const;

    QSize sizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

signals:
    void neuronClicked(int neuron);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    int columns() const;
    QSize cell() const;

    engine::Matrix m_weights;         // the weights the tiles show
    std::vector<float> m_scales;      // the |w| each tile's full colour stands for
    mutable std::vector<QImage> m_tiles;
    mutable std::vector<char> m_stale; // the tile is not drawn from m_weights yet
    std::vector<std::pair<float, float>> m_ranges;
    int m_imageRows = 28, m_imageCols = 28;
    int m_selected = -1;
    QString m_placeholder;
};

} // namespace nnlab::ui
