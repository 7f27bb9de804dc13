#include "weight_heatmaps.h"

#include "on_screen.h"
#include "plot_style.h"
#include "weight_tiles.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace nnlab::ui {

namespace {

QCPColorGradient diverging()
{
    QCPColorGradient g;
    g.setColorStopAt(0.0, QColor(33, 102, 172));
    g.setColorStopAt(0.5, Qt::white);
    g.setColorStopAt(1.0, QColor(178, 24, 43));
    return g;
}

QString layerName(int l, int layers)
{
    if (layers == 2)
        return l == 0 ? QStringLiteral("w_i_h") : QStringLiteral("w_h_o");
    return QStringLiteral("W%1").arg(l + 1);
}

} // namespace

WeightHeatmaps::WeightHeatmaps(QWidget* parent)
    : QWidget(parent), m_tiles(new WeightTiles), m_perTile(new QCheckBox(tr("Scale each tile on its own"))),
      m_layer(new QComboBox), m_caption(new QLabel), m_plot(new QCustomPlot),
      m_refreshes(new app::RedrawCoalescer(app::RedrawCoalescer::ms(kRefreshMs), this,
                                           app::RedrawCoalescer::First::AfterInterval))
{
    m_perTile->setToolTip(tr("Off: one colour scale for every tile, so strong and weak neurons "
                             "compare. On: each tile uses its own range, so faint patterns show."));
    m_layer->setToolTip(tr("The later weight matrices: which node of the layer below (x) feeds "
                           "which node above (y), and how strongly"));
    m_caption->setWordWrap(true);
    m_layer->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    auto* scroll = new QScrollArea;
    scroll->setWidget(m_tiles);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_plot->plotLayout()->clear();
    auto* mapRect = new QCPAxisRect(m_plot);
    auto* barRect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(0, 0, mapRect);
    auto* scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, scale);
    m_plot->plotLayout()->addElement(0, 2, barRect);
    m_plot->plotLayout()->setColumnStretchFactor(0, 3);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.1);
    m_plot->plotLayout()->setColumnStretchFactor(2, 2);
    m_map = new QCPColorMap(mapRect->axis(QCPAxis::atBottom), mapRect->axis(QCPAxis::atLeft));
    m_map->setColorScale(scale);
    m_map->setGradient(diverging());
    m_map->setInterpolate(false);
    scale->setLabel(tr("weight"));
    m_bars = new QCPBars(barRect->axis(QCPAxis::atBottom), barRect->axis(QCPAxis::atLeft));
    m_bars->setBrush(QColor(31, 119, 180, 180));
    m_bars->setPen(Qt::NoPen);
    barRect->axis(QCPAxis::atBottom)->setLabel(tr("output node"));
    // Whole node numbers only (and not crowded: every 1, 2, 5... nodes as room allows).
    auto wholeNodes = QSharedPointer<QCPAxisTickerFixed>::create();
    wholeNodes->setTickStep(1.0);
    wholeNodes->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    barRect->axis(QCPAxis::atBottom)->setTicker(wholeNodes);
    barRect->axis(QCPAxis::atBottom)->ticker()->setTickCount(4);
    barRect->axis(QCPAxis::atLeft)->ticker()->setTickCount(4);
    barRect->axis(QCPAxis::atLeft)->setLabel(tr("outgoing weight"));
    m_plot->setMinimumHeight(180);
    followPalette(m_plot);

    auto* top = new QHBoxLayout;
    auto* title = new QLabel(tr("<b>First layer</b>: each hidden neuron's incoming weights as a picture"));
    title->setWordWrap(true); // two lines in a narrow dock
    top->addWidget(title, 1);
    top->addWidget(m_perTile);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(new QLabel(tr("<b>Later layer:</b>")));
    bottom->addWidget(m_layer);
    bottom->addWidget(m_caption, 1);

    auto* lower = new QWidget;
    auto* lowerColumn = new QVBoxLayout(lower);
    lowerColumn->setContentsMargins(0, 0, 0, 0);
    lowerColumn->addLayout(bottom);
    lowerColumn->addWidget(m_plot, 1);
    auto* upper = new QWidget;
    auto* upperColumn = new QVBoxLayout(upper);
    upperColumn->setContentsMargins(0, 0, 0, 0);
    upperColumn->addLayout(top);
    upperColumn->addWidget(scroll, 1);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(upper);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(2, 2, 2, 2);
    column->addWidget(split);

    connect(m_refreshes, &app::RedrawCoalescer::redraw, this, &WeightHeatmaps::redraw);
    connect(m_perTile, &QCheckBox::toggled, this, [this] {
        m_shown.reset();
        redraw();
    });
    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] { drawMatrix(); });
    connect(m_tiles, &WeightTiles::neuronClicked, this, [this] { drawOutgoing(); });
}

void WeightHeatmaps::setNetwork(app::NetworkPtr network, int imageRows, int imageCols, bool now)
{
    m_network = std::move(network);
    m_imageRows = imageRows;
    m_imageCols = imageCols;
    if (now || m_everySnapshot)
        redraw(); // a pending refresh finds this network shown, and draws nothing
    else
        m_refreshes->request();
}

void WeightHeatmaps::setEverySnapshot(bool every)
{
    m_everySnapshot = every;
}

bool WeightHeatmaps::refreshPending() const
{
    return m_refreshes->isPending();
}

void WeightHeatmaps::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    redraw();
}

void WeightHeatmaps::redraw()
{
    if (!isOnScreen(this) || m_network == m_shown)
        return; // a view out of sight costs nothing while training
    m_shown = m_network;
    ++m_redraws;
    if (!m_network || m_network->layerCount() == 0) {
        m_tiles->clear();
        return;
    }
    const engine::Network& net = *m_network;
    m_tiles->setWeights(net.weights(0), m_imageRows, m_imageCols, m_perTile->isChecked());
    const int layers = net.layerCount();
    QStringList names;
    for (int l = 1; l < layers; ++l)
        names << QStringLiteral("%1  (%2 × %3)")
                     .arg(layerName(l, layers))
                     .arg(net.weights(l).rows())
                     .arg(net.weights(l).cols());
    QStringList shownNames;
    for (int i = 0; i < m_layer->count(); ++i)
        shownNames << m_layer->itemText(i);
    if (names != shownNames) { // a new shape
        const QSignalBlocker block(m_layer);
        m_layer->clear();
        for (int l = 1; l < layers; ++l)
            m_layer->addItem(names[l - 1], l);
        m_layer->setCurrentIndex(layers - 2);
    }
    drawMatrix();
}

void WeightHeatmaps::drawMatrix()
{
    if (!m_shown || m_layer->currentIndex() < 0) {
        m_map->data()->clear();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const int l = m_layer->currentData().toInt();
    const engine::Matrix& w = m_shown->weights(l);
    const int rows = int(w.rows()), cols = int(w.cols());
    m_map->data()->setSize(cols, rows);
    m_map->data()->setRange(QCPRange(0, cols - 1), QCPRange(0, rows - 1));
    float largest = 1e-6f;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            m_map->data()->setCell(c, r, w(r, c));
            largest = std::max(largest, std::abs(w(r, c)));
        }
    m_map->setDataRange(QCPRange(-largest, largest)); // symmetric: white is zero
    const int layers = m_shown->layerCount();
    auto* rect = m_map->keyAxis()->axisRect();
    rect->axis(QCPAxis::atBottom)->setLabel(l == 1 ? tr("hidden node (layer 1)") : tr("node of layer %1").arg(l));
    rect->axis(QCPAxis::atLeft)->setLabel(l + 1 == layers ? tr("output node") : tr("node of layer %1").arg(l + 1));
    rect->axis(QCPAxis::atBottom)->setRange(-0.5, cols - 0.5);
    rect->axis(QCPAxis::atLeft)->setRange(-0.5, rows - 0.5);
    m_caption->setText(tr("%1: row = receiving node, column = sending node; red excites, blue inhibits")
                           .arg(layerName(l, layers)));
    drawOutgoing();
}

void WeightHeatmaps::selectNeuron(int neuron)
{
    m_tiles->setSelected(neuron);
    drawOutgoing();
}

std::vector<double> WeightHeatmaps::outgoing() const
{
    std::vector<double> out;
    const int n = m_tiles->selected();
    if (!m_shown || n < 0 || m_shown->layerCount() < 2 || n >= m_shown->weights(1).cols())
        return out;
    const engine::Matrix& next = m_shown->weights(1);
    for (Eigen::Index r = 0; r < next.rows(); ++r)
        out.push_back(next(r, n));
    return out;
}

void WeightHeatmaps::drawOutgoing()
{
    const std::vector<double> w = outgoing();
    QVector<double> keys, values;
    for (std::size_t i = 0; i < w.size(); ++i) {
        keys << double(i);
        values << w[i];
    }
    m_bars->setData(keys, values);
    auto* rect = m_bars->keyAxis()->axisRect();
    const int n = m_tiles->selected();
    rect->axis(QCPAxis::atBottom)->setLabel(
        n < 0 ? tr("click a tile") : tr("neuron %1 → next layer").arg(n));
    rect->axis(QCPAxis::atBottom)->setRange(-0.7, std::max<double>(1, double(w.size())) - 0.3);
    double largest = 0.1;
    for (double v : w)
        largest = std::max(largest, std::abs(v));
    rect->axis(QCPAxis::atLeft)->setRange(-largest * 1.1, largest * 1.1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace nnlab::ui
