#include "network_view.h"

#include "draw_panel.h"
#include "main_window.h"
#include "on_screen.h"
#include "view_options.h"

#include "engine/worked_example.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <memory>

namespace nnlab::ui {

using app::LinkRef;
using app::NetworkPhase;
using app::NodeRef;
using Model = app::NetworkViewModel;

namespace {

constexpr double kMargin = 28;
const QColor kPositive(38, 110, 210); // a positive weight or error
const QColor kNegative(214, 69, 43);

QColor mix(const QColor& a, const QColor& b, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t), float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

QString shortNumber(double v)
{
    return QString::number(v, 'g', 3);
}

double distanceToSegment(QPointF p, QPointF a, QPointF b)
{
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    const QPointF d = p - (a + t * ab);
    return std::hypot(d.x(), d.y());
}

} // namespace

// ---- the diagram ----

NetworkDiagram::NetworkDiagram(Model* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_editor(new QLineEdit(this))
{
    setObjectName(QStringLiteral("networkDiagram"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("The network: each circle a node, each line a link coloured by its weight (blue positive, "
                  "red negative; wider is stronger). Click a node to see its sum."));
    m_editor->hide();
    m_editor->setFixedWidth(90);
    connect(m_model, &Model::changed, this, &NetworkDiagram::onChanged);
}

void NetworkDiagram::onChanged()
{
    const auto& t = m_model->trace();
    const std::vector<int> sizes = m_model->ready() ? m_model->layerSizes() : std::vector<int>{};
    if (!sizes.empty() && sizes[0] == 784 && t.input.size() == 784) { // the digit, as the net sees it
        if (m_digit.isNull())
            m_digit = QImage(28, 28, QImage::Format_Grayscale8);
        for (int r = 0; r < 28; ++r) {
            uchar* line = m_digit.scanLine(r);
            for (int c = 0; c < 28; ++c)
                line[c] = uchar(255 - std::clamp(int(t.input[r * 28 + c] * 255.0f), 0, 255));
        }
    }
    layOut();
    update();
}

void NetworkDiagram::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    layOut();
}

void NetworkDiagram::layOut()
{
    m_columns.clear();
    m_slot.clear();
    m_largest.clear();
    m_largestWeight.clear();
    if (!m_model->ready())
        return;
    const std::vector<int> sizes = m_model->layerSizes();
    const int n = int(sizes.size());
    const double w = width() - 2 * kMargin - 60; // room for the outputs' labels on the right
    const double h = height() - 2 * kMargin;
    const double step = w / std::max(1, n - 1);
    for (int k = 0; k < n; ++k) {
        Column c;
        const double colWidth = k == 0 || k == n - 1 ? std::min(step * 0.8, h) : step * 0.6;
        const double x = kMargin + k * step;
        const double left = k == 0 ? x : k == n - 1 ? x - 20 : x - colWidth / 2;
        const std::vector<int>& shown = m_model->shownNodes(k);
        const int m = int(shown.size());
        if (k == 0 && sizes[0] == 784) {
            c.image = true;
            const double side = std::min(colWidth, h);
            c.rect = QRectF(x, kMargin + (h - side) / 2, side, side);
            c.cell = side / 28;
        } else if (m <= engine::kToyMaxNodes) {
            c.cell = std::min(h / m, 64.0);
            c.radius = std::min(c.cell * 0.36, 24.0);
            c.rect = QRectF(k == n - 1 ? x - c.cell : k == 0 ? x : x - c.cell / 2, kMargin + (h - c.cell * m) / 2, c.cell,
                            c.cell * m);
        } else { // a grid of nodes
            const double cellGuess = std::sqrt(colWidth * h / m);
            c.gridColumns = std::max(1, int(colWidth / cellGuess));
            const int rows = (m + c.gridColumns - 1) / c.gridColumns;
            c.cell = std::min(colWidth / c.gridColumns, h / rows);
            c.radius = c.cell * 0.38;
            const double gw = c.cell * c.gridColumns, gh = c.cell * rows;
            c.rect = QRectF(left + (colWidth - gw) / 2, kMargin + (h - gh) / 2, gw, gh);
        }
        m_columns.push_back(c);
        std::vector<int> slot(std::size_t(sizes[std::size_t(k)]), -1);
        for (int s = 0; s < m; ++s)
            slot[std::size_t(shown[std::size_t(s)])] = s;
        m_slot.push_back(std::move(slot));
        float largest = 1e-6f;
        if (!c.image)
            for (int node : shown)
                largest = std::max(largest, std::abs(m_model->nodeValue({k, node})));
        m_largest.push_back(largest);
    }
    m_largestWeight.assign(std::size_t(n - 1), 1e-6f);
    for (const LinkRef& l : m_model->shownLinks())
        m_largestWeight[std::size_t(l.layer)] = std::max(m_largestWeight[std::size_t(l.layer)], std::abs(m_model->weight(l)));
}

QPointF NetworkDiagram::nodeCentre(NodeRef node) const
{
    if (node.layer < 0 || node.layer >= int(m_columns.size()))
        return {};
    const Column& c = m_columns[std::size_t(node.layer)];
    if (c.image)
        return c.rect.topLeft() + QPointF((node.node % 28 + 0.5) * c.cell, (node.node / 28 + 0.5) * c.cell);
    const int slot = m_slot[std::size_t(node.layer)][std::size_t(node.node)];
    if (slot < 0)
        return {};
    return c.rect.topLeft() + QPointF((slot % c.gridColumns + 0.5) * c.cell, (slot / c.gridColumns + 0.5) * c.cell);
}

QPointF NetworkDiagram::linkPoint(LinkRef link) const
{
    // Along the link, nearer its receiving end for the first receiving nodes, so labels of the
    // links into different nodes do not sit on one another.
    const int receivers = std::max(1, int(m_model->shownNodes(link.layer + 1).size()));
    const double t = 0.25 + 0.5 * (receivers > 1 ? double(link.to) / (receivers - 1) : 0.5);
    const QPointF a = nodeCentre({link.layer, link.from}), b = nodeCentre({link.layer + 1, link.to});
    return b + t * (a - b);
}

std::optional<NodeRef> NetworkDiagram::nodeAt(QPointF p) const
{
    for (int k = 0; k < int(m_columns.size()); ++k) {
        const Column& c = m_columns[std::size_t(k)];
        if (!c.rect.adjusted(-2, -2, 2, 2).contains(p))
            continue;
        if (c.image) {
            const int col = std::clamp(int((p.x() - c.rect.left()) / c.cell), 0, 27);
            const int row = std::clamp(int((p.y() - c.rect.top()) / c.cell), 0, 27);
            return NodeRef{k, row * 28 + col};
        }
        for (int node : m_model->shownNodes(k)) {
            const QPointF d = p - nodeCentre({k, node});
            if (std::hypot(d.x(), d.y()) <= std::max(c.radius, 4.0) + 1)
                return NodeRef{k, node};
        }
    }
    return std::nullopt;
}

std::optional<LinkRef> NetworkDiagram::linkAt(QPointF p) const
{
    double best = 4;
    std::optional<LinkRef> found;
    for (const LinkRef& l : m_model->shownLinks()) {
        const double d = distanceToSegment(p, nodeCentre({l.layer, l.from}), nodeCentre({l.layer + 1, l.to}));
        if (d < best) {
            best = d;
            found = l;
        }
    }
    return found;
}

QColor NetworkDiagram::nodeColour(NodeRef n, float value, float largest) const
{
    const bool sums = m_model->nodeValues() == Model::NodeValues::Sums && n.layer > 0;
    if (sums) // diverging: red below 0, blue above
        return mix(palette().base().color(), value < 0 ? kNegative : kPositive, std::abs(value) / largest);
    return mix(palette().base().color(), QColor(20, 60, 140), value); // 0..1: pale to dark
}

void NetworkDiagram::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    p.setRenderHint(QPainter::Antialiasing);
    const QColor text = palette().text().color();
    if (!m_model->ready()) {
        p.setPen(text);
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_model->whyNotReady());
        return;
    }
    const NetworkPhase phase = m_model->phase();
    const int n = int(m_columns.size());
    const bool small = m_model->isSmall();
    QFont small8 = font();
    small8.setPointSizeF(font().pointSizeF() * 0.85);

    // Links: the weight's sign and size; while errors go back, what they carry; after, the new weight.
    // Wide antialiased lines cost about 0.15 ms each in the raster engine (4 ms for the 784-90-10
    // view's 24): a big net's links are drawn without, a toy net's with.
    p.setRenderHint(QPainter::Antialiasing, small);
    const auto& links = m_model->shownLinks();
    std::vector<float> largestCarried(std::size_t(std::max(0, n - 1)), 1e-6f);
    if (phase >= NetworkPhase::Carried && phase < NetworkPhase::Update)
        for (const LinkRef& l : links)
            if (const auto c = m_model->carried(l))
                largestCarried[std::size_t(l.layer)] = std::max(largestCarried[std::size_t(l.layer)], std::abs(*c));
    for (const LinkRef& l : links) {
        float v = m_model->weight(l);
        float largest = m_largestWeight[std::size_t(l.layer)];
        const auto carried = m_model->carried(l);
        if (phase >= NetworkPhase::Carried && phase < NetworkPhase::Update && carried) {
            v = *carried;
            largest = largestCarried[std::size_t(l.layer)];
        } else if (phase == NetworkPhase::Update) {
            v = m_model->after(l);
        }
        QColor c = v < 0 ? kNegative : kPositive;
        const double strength = std::min(1.0, double(std::abs(v) / largest));
        c.setAlphaF(float(0.25 + 0.75 * strength));
        p.setPen(QPen(c, 0.6 + 3.4 * strength));
        p.drawLine(nodeCentre({l.layer, l.from}), nodeCentre({l.layer + 1, l.to}));
    }
    // Link labels: every link of a small net, the strongest few of a big one.
    p.setRenderHint(QPainter::Antialiasing, true);
    const bool labelCarried = phase >= NetworkPhase::Carried && phase < NetworkPhase::Update;
    if (labelCarried || phase == NetworkPhase::Update || (small && links.size() <= 40)) {
        p.setFont(small8);
        int labelled = 0;
        for (const LinkRef& l : links) {
            if (!small && ++labelled > 6)
                break;
            QString label;
            if (labelCarried && m_model->carried(l))
                label = shortNumber(*m_model->carried(l));
            else if (phase == NetworkPhase::Update)
                label = shortNumber(m_model->weight(l)) + QStringLiteral("→") + shortNumber(m_model->after(l));
            else if (!labelCarried)
                label = shortNumber(m_model->weight(l));
            if (label.isEmpty() || (!small && !labelCarried && phase != NetworkPhase::Update))
                continue;
            const QPointF at = linkPoint(l);
            const QRectF box = p.fontMetrics().boundingRect(label).toRectF().translated(at).adjusted(-2, -1, 2, 1);
            QColor back = palette().base().color();
            back.setAlphaF(0.8f);
            p.fillRect(box.translated(-box.width() / 2 + 2, box.height() / 2), back);
            p.setPen(text);
            p.drawText(box.translated(-box.width() / 2 + 2, box.height() / 2), Qt::AlignCenter, label);
        }
    }

    // Nodes.
    const NodeRef selected = m_model->selected();
    for (int k = 0; k < n; ++k) {
        const Column& c = m_columns[std::size_t(k)];
        if (c.image) {
            p.drawImage(c.rect, m_digit);
            p.setPen(QPen(palette().mid().color(), 1));
            p.drawRect(c.rect);
            continue;
        }
        const bool output = k == n - 1;
        const bool errorsShown = output ? phase >= NetworkPhase::OutputErrors : k > 0 && phase >= NetworkPhase::HiddenErrors;
        for (int node : m_model->shownNodes(k)) {
            const NodeRef ref{k, node};
            const QPointF centre = nodeCentre(ref);
            const float value = m_model->nodeValue(ref);
            p.setBrush(nodeColour(ref, value, m_largest[std::size_t(k)]));
            QPen pen(palette().mid().color(), 1);
            if (errorsShown) { // the ring: the node's error, red or blue
                const float e = *m_model->nodeError(ref);
                pen = QPen(e < 0 ? kNegative : kPositive, std::max(1.5, c.radius * 0.25));
            }
            if (ref == selected)
                pen = QPen(palette().highlight().color(), std::max(2.5, c.radius * 0.3));
            p.setPen(pen);
            p.drawEllipse(centre, c.radius, c.radius);
            if (c.radius >= 12) { // its value inside
                p.setFont(small8);
                p.setPen(std::abs(value) > 0.55f * m_largest[std::size_t(k)] && value > 0 ? Qt::white : text);
                p.drawText(QRectF(centre.x() - c.radius, centre.y() - c.radius, 2 * c.radius, 2 * c.radius),
                           Qt::AlignCenter, shortNumber(value));
            }
            if (output || (small && k > 0 && errorsShown)) { // beside it: digit, target, error
                QStringList parts;
                if (output && m_model->mode() == Model::Mode::Digits)
                    parts << QString::number(node);
                if (output && phase >= NetworkPhase::Targets)
                    parts << QStringLiteral("t %1").arg(shortNumber(m_model->target(node)));
                if (errorsShown)
                    parts << QStringLiteral("e %1").arg(shortNumber(*m_model->nodeError(ref)));
                p.setFont(output && m_model->mode() == Model::Mode::Digits ? font() : small8);
                p.setPen(text);
                const QPointF at = centre + QPointF(c.radius + 4, 0);
                p.drawText(QRectF(at.x(), at.y() - 20, 140, 40), Qt::AlignVCenter | Qt::AlignLeft, parts.join(QStringLiteral("  ")));
            }
        }
    }
    // The selected pixel of the digit image.
    if (selected.isValid() && m_columns[std::size_t(selected.layer)].image) {
        const Column& c = m_columns[std::size_t(selected.layer)];
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(palette().highlight().color(), 2));
        const QPointF centre = nodeCentre(selected);
        p.drawRect(QRectF(centre.x() - c.cell / 2, centre.y() - c.cell / 2, c.cell, c.cell));
    }
    // Layer names along the bottom, in the lesson's words.
    p.setFont(small8);
    p.setPen(palette().placeholderText().color());
    for (int k = 0; k < n; ++k) {
        const QString name = k == 0 ? tr("input") : k == n - 1 ? tr("output") : n == 3 ? tr("hidden") : tr("hidden %1").arg(k);
        const QRectF& r = m_columns[std::size_t(k)].rect;
        p.drawText(QRectF(r.center().x() - 60, height() - kMargin + 4, 120, kMargin - 6), Qt::AlignCenter,
                   QStringLiteral("%1 (%2)").arg(name).arg(m_model->layerSizes()[std::size_t(k)]));
    }
}

void NetworkDiagram::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    if (const auto node = nodeAt(event->position()))
        m_model->selectNode(*node);
}

void NetworkDiagram::mouseMoveEvent(QMouseEvent* event)
{
    QString text;
    if (const auto node = nodeAt(event->position()))
        text = m_model->nodeText(*node);
    else if (const auto link = linkAt(event->position()))
        text = m_model->linkText(*link);
    if (text != m_hover) {
        m_hover = text;
        setToolTip(text);
        emit hovered(text);
    }
    QWidget::mouseMoveEvent(event);
}

void NetworkDiagram::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (m_model->mode() != Model::Mode::Toy || !m_model->ready())
        return QWidget::mouseDoubleClickEvent(event);
    const QPointF at = event->position();
    const int last = m_model->layerCount() - 1;
    if (const auto node = nodeAt(at)) {
        if (node->layer == 0)
            edit(at, m_model->toyInput()[node->node], [this, i = node->node](float v) { m_model->setToyInput(i, v); });
        else if (node->layer == last)
            edit(at, m_model->toyTarget()[node->node], [this, j = node->node](float v) { m_model->setToyTarget(j, v); });
    } else if (const auto link = linkAt(at)) {
        edit(at, m_model->weight(*link), [this, l = *link](float v) { m_model->setToyWeight(l, v); });
    }
}

void NetworkDiagram::edit(QPointF at, float value, std::function<void(float)> apply)
{
    m_editor->disconnect(this);
    m_editor->setText(QString::number(double(value), 'g', 6));
    m_editor->move(std::clamp(int(at.x()) - 45, 0, std::max(0, width() - 90)), std::max(0, int(at.y()) - 12));
    m_editor->show();
    m_editor->setFocus();
    m_editor->selectAll();
    connect(m_editor, &QLineEdit::returnPressed, this, [this, apply = std::move(apply)] {
        bool ok = false;
        const double v = m_editor->text().trimmed().replace(QLatin1Char(','), QLatin1Char('.')).toDouble(&ok);
        m_editor->hide();
        if (ok && std::isfinite(v))
            apply(float(v));
    });
    connect(m_editor, &QLineEdit::editingFinished, m_editor, &QLineEdit::hide);
}

// ---- the back-query strip ----

BackQueryStrip::BackQueryStrip(Model* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("backQueryStrip"));
    setToolTip(tr("Back-query: each output's target (0.99 for its digit, 0.01 for the others) run backwards "
                  "through the inverse sigmoid and w^T, rescaled into 0.01..0.99 at every layer: what the "
                  "network thinks each digit looks like. Click one to feed it forward."));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(m_model, &Model::backQueryChanged, this, &BackQueryStrip::onChanged);
}

QSize BackQueryStrip::sizeHint() const
{
    return {11 * 104, 124};
}

void BackQueryStrip::onChanged()
{
    const engine::Batch& images = m_model->backQueryImages();
    m_images.resize(std::size_t(images.cols()));
    if (images.rows() != 784) {
        m_images.clear();
    } else {
        for (int k = 0; k < int(images.cols()); ++k) {
            QImage& img = m_images[std::size_t(k)];
            if (img.isNull())
                img = QImage(28, 28, QImage::Format_Grayscale8);
            for (int r = 0; r < 28; ++r) {
                uchar* line = img.scanLine(r);
                for (int c = 0; c < 28; ++c) // 0.01..0.99 as ink: dark is high
                    line[c] = uchar(255 - std::clamp(int(images(r * 28 + c, k) * 255.0f), 0, 255));
            }
        }
    }
    update();
}

QRect BackQueryStrip::imageRect(int index) const
{
    const int count = std::max(1, imageCount());
    const int side = std::clamp(std::min((width() - 4) / count - 6, height() - 22), 16, 112);
    return {2 + index * (side + 6), 2, side, side};
}

void BackQueryStrip::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const int outputs = m_model->hasCustomTarget() ? imageCount() - 1 : imageCount();
    for (int k = 0; k < imageCount(); ++k) {
        const QRect r = imageRect(k);
        p.drawImage(r, m_images[std::size_t(k)]);
        p.setPen(palette().mid().color());
        p.drawRect(r.adjusted(0, 0, -1, -1));
        p.setPen(palette().text().color());
        p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), 18), Qt::AlignCenter,
                   k < outputs ? QString::number(k) : tr("custom"));
    }
}

void BackQueryStrip::mousePressEvent(QMouseEvent* event)
{
    for (int k = 0; k < imageCount(); ++k)
        if (imageRect(k).contains(event->position().toPoint())) {
            m_model->feedBackQueryImage(k);
            return;
        }
}

// ---- the view ----

NetworkView::NetworkView(Model* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_diagram(new NetworkDiagram(model)), m_strip(new BackQueryStrip(model)),
      m_net(new QComboBox), m_values(new QComboBox), m_errors(new QComboBox), m_reset(new QPushButton(tr("Reset"))),
      m_back(new QPushButton(tr("◀ Back"))), m_step(new QPushButton(tr("Step ▶"))), m_play(new QPushButton(tr("Play"))),
      m_worked(new QPushButton(tr("Worked example"))), m_keep(new QPushButton(tr("Keep the update"))),
      m_fromDrawing(new QPushButton(tr("Use the drawing"))), m_toyRow(new QWidget), m_toyRate(new QDoubleSpinBox),
      m_backQueryBox(new QWidget), m_custom(new QLineEdit), m_problem(new QLabel), m_unavailable(new QLabel),
      m_phase(new QLabel), m_text(new QPlainTextEdit), m_info(new QLabel)
{
    setObjectName(QStringLiteral("networkView"));
    m_net->addItems({tr("The digit net"), tr("Lesson's toy net")});
    m_net->setToolTip(tr("The window's network on a digit, or the lesson's toy net (3 inputs, 3 hidden, 3 outputs as in "
                         "its figures) whose every number you can type: double-click an input, a target or a link"));
    m_values->addItems({tr("h_output, o_output"), tr("h_input, o_input")});
    m_values->setToolTip(tr("What the nodes' colours show: each node's output (the sigmoid of its sum) or its sum, "
                            "h_input = w_i_h . input"));
    m_errors->addItems({tr("the lesson's shortcut"), tr("the exact gradient")});
    m_errors->setToolTip(tr("What the outputs send back: the lesson's o_errors, or the exact gradient's o_errors x "
                            "o_output x (1 - o_output). The text says where they differ."));
    m_reset->setToolTip(tr("Back to the feed-forward"));
    m_back->setToolTip(tr("The previous phase of back-propagation"));
    m_step->setToolTip(tr("The next phase: targets, o_errors, errors carried back, h_errors, the update"));
    m_play->setToolTip(tr("Play back-propagation phase by phase"));
    m_worked->setToolTip(tr("The lesson's worked example: output 1 should be 0.01 but says 0.8, so o_errors is -0.79; "
                            "its links of weight 0.6 and 0.4 carry -0.79 x 0.6 and -0.79 x 0.4 back"));
    m_keep->setToolTip(tr("The weights after the update become the toy net's: feed forward again and see the error shrink"));
    m_fromDrawing->setToolTip(tr("Feed the Draw view's drawing forward (as the network sees it: 28 x 28)"));
    m_custom->setPlaceholderText(tr("custom target: digits that say 0.99 (“4 9”) or 10 values"));
    m_custom->setToolTip(tr("Back-query a blend: the digits whose output should say 0.99 (the others 0.01), or ten "
                            "values strictly between 0 and 1"));
    m_problem->setWordWrap(true);
    m_unavailable->setWordWrap(true);
    m_text->setReadOnly(true);
    m_text->setObjectName(QStringLiteral("networkText"));
    m_text->setMinimumWidth(220);
    m_info->setWordWrap(true);
    m_info->setMinimumHeight(m_info->fontMetrics().height() * 2);
    m_phase->setWordWrap(false);

    auto* top = new QHBoxLayout;
    top->addWidget(m_net);
    top->addWidget(new QLabel(tr("Nodes:")));
    top->addWidget(m_values);
    top->addWidget(new QLabel(tr("Errors:")));
    top->addWidget(m_errors);
    top->addWidget(m_fromDrawing);
    top->addStretch();
    auto* phases = new QHBoxLayout;
    for (QPushButton* b : {m_reset, m_back, m_step, m_play})
        phases->addWidget(b);
    phases->addWidget(m_phase, 1);

    auto* toy = new QHBoxLayout(m_toyRow);
    toy->setContentsMargins(0, 0, 0, 0);
    toy->addWidget(m_worked);
    const QString names[3] = {tr("inputs"), tr("hidden"), tr("outputs")};
    for (int k = 0; k < 3; ++k) {
        m_sizes[k] = new QSpinBox;
        m_sizes[k]->setRange(1, engine::kToyMaxNodes);
        m_sizes[k]->setValue(3);
        m_sizes[k]->setToolTip(tr("The toy net's %1 nodes (up to %2)").arg(names[k]).arg(engine::kToyMaxNodes));
        toy->addWidget(new QLabel(names[k]));
        toy->addWidget(m_sizes[k]);
        connect(m_sizes[k], &QSpinBox::valueChanged, this,
                [this] { m_model->setToySize(m_sizes[0]->value(), m_sizes[1]->value(), m_sizes[2]->value()); });
    }
    m_toyRate->setRange(0.0001, 10);
    m_toyRate->setDecimals(4);
    m_toyRate->setValue(double(engine::kToyLearningRate));
    m_toyRate->setToolTip(tr("l_r, the learning rate of the toy net's update"));
    toy->addWidget(new QLabel(tr("l_r")));
    toy->addWidget(m_toyRate);
    toy->addWidget(m_keep);
    toy->addStretch();

    auto* split = new QSplitter;
    split->addWidget(m_diagram);
    split->addWidget(m_text);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto* bq = new QVBoxLayout(m_backQueryBox);
    bq->setContentsMargins(0, 0, 0, 0);
    auto* bqTop = new QHBoxLayout;
    bqTop->addWidget(new QLabel(tr("Back-query:")));
    bqTop->addWidget(m_custom, 1);
    bq->addLayout(bqTop);
    bq->addWidget(m_problem);
    bq->addWidget(m_unavailable);
    bq->addWidget(m_strip);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(phases);
    layout->addWidget(m_toyRow);
    layout->addWidget(split, 1);
    layout->addWidget(m_info);
    layout->addWidget(m_backQueryBox);

    connect(m_net, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_model->setMode(i == 1 ? Model::Mode::Toy : Model::Mode::Digits); });
    connect(m_values, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_model->setNodeValues(i == 1 ? Model::NodeValues::Sums : Model::NodeValues::Outputs); });
    connect(m_errors, &QComboBox::currentIndexChanged, this, [this](int i) { m_model->setLessonErrors(i == 0); });
    connect(m_reset, &QPushButton::clicked, m_model, &Model::resetPhase);
    connect(m_back, &QPushButton::clicked, m_model, &Model::stepBack);
    connect(m_step, &QPushButton::clicked, m_model, &Model::stepForward);
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (m_model->isPlaying())
            m_model->pause();
        else
            m_model->play();
        showState();
    });
    connect(m_worked, &QPushButton::clicked, m_model, &Model::loadWorkedExample);
    connect(m_keep, &QPushButton::clicked, m_model, &Model::applyToyUpdate);
    connect(m_toyRate, &QDoubleSpinBox::valueChanged, this, [this](double v) { m_model->setToyLearningRate(float(v)); });
    connect(m_fromDrawing, &QPushButton::clicked, this, &NetworkView::drawingWanted);
    connect(m_custom, &QLineEdit::editingFinished, this, [this] {
        m_problem->setText(m_model->setCustomTarget(m_custom->text()));
        m_problem->setVisible(!m_problem->text().isEmpty());
    });
    connect(m_diagram, &NetworkDiagram::hovered, m_info, &QLabel::setText);
    connect(m_model, &Model::changed, this, &NetworkView::showState);
    connect(m_model, &Model::phaseChanged, this, &NetworkView::showState);
    connect(m_model, &Model::backQueryChanged, this, &NetworkView::showState);
    m_problem->hide();
    showState();
}

void NetworkView::showState()
{
    const bool toy = m_model->mode() == Model::Mode::Toy;
    if (m_net->currentIndex() != (toy ? 1 : 0)) {
        const QSignalBlocker block(m_net);
        m_net->setCurrentIndex(toy ? 1 : 0);
    }
    const std::vector<int> sizes = m_model->layerSizes();
    if (toy && sizes.size() == 3)
        for (int k = 0; k < 3; ++k) {
            const QSignalBlocker block(m_sizes[k]);
            m_sizes[k]->setValue(sizes[std::size_t(k)]);
        }
    if (toy) {
        const QSignalBlocker block(m_toyRate);
        m_toyRate->setValue(double(m_model->learningRate()));
    }
    m_toyRow->setVisible(toy);
    m_fromDrawing->setVisible(!toy);
    m_backQueryBox->setVisible(!toy);
    const QString unavailable = m_model->backQueryUnavailable();
    m_unavailable->setText(unavailable);
    m_unavailable->setVisible(!unavailable.isEmpty());
    m_strip->setVisible(unavailable.isEmpty());
    m_custom->setEnabled(unavailable.isEmpty());
    const NetworkPhase phase = m_model->phase();
    m_back->setEnabled(phase != NetworkPhase::Forward);
    m_step->setEnabled(phase != NetworkPhase::Update);
    m_play->setText(m_model->isPlaying() ? tr("Pause") : tr("Play"));
    m_keep->setEnabled(phase == NetworkPhase::Update);
    m_phase->setText(Model::phaseTitle(phase));

    QStringList parts;
    if (m_model->ready()) {
        parts << tr("Fed forward: %1.").arg(m_model->source());
        parts << m_model->caption();
        if (const QString d = m_model->differenceText(); !d.isEmpty())
            parts << d;
        parts << m_model->sumText();
        if (const QString note = m_model->thinnedNote(); !note.isEmpty())
            parts << note;
    } else {
        parts << m_model->whyNotReady();
    }
    const QString text = parts.join(QStringLiteral("\n\n"));
    if (m_text->toPlainText() != text)
        m_text->setPlainText(text);
}

bool NetworkView::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Move || event->type() == QEvent::Resize || event->type() == QEvent::Show)
        emit mayHaveMoved();
    return QWidget::eventFilter(watched, event);
}

QDockWidget* NetworkView::install(MainWindow* window)
{
    auto* model = new Model(window);
    auto* view = new NetworkView(model);
    auto* dock = new QDockWidget(tr("Network"), window);
    dock->setObjectName(QStringLiteral("networkDock"));
    dock->setWidget(ViewOptions::scrollable(view));
    setViewShortcut(dock, QKeySequence(Qt::CTRL | Qt::Key_0));
    dock->toggleViewAction()->setToolTip(tr("The network as nodes and links: values forward, errors back (Ctrl+0)"));
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    if (QDockWidget* gallery = window->dock(QStringLiteral("galleryDock"))) {
        window->tabifyDockWidget(gallery, dock);
        gallery->raise();
    }

    app::LabSession* session = window->session();
    model->setRedraws(session->redraws()); // traced at most 20 times a second while training
    connect(session, &app::LabSession::snapshotChanged, model,
            [model](const app::NetworkSnapshot& s) { model->setNetwork(s.network); });
    connect(session, &app::LabSession::setupChanged, model, &Model::setSetup);
    connect(window->scheduler(), &app::PredictionScheduler::inspected, model, [model](const app::InspectedSample& s) {
        const std::uint8_t* pixels = s.set->image(s.index);
        const int label = s.set->labels[s.index];
        model->setImage({pixels, pixels + s.set->pixelsPerImage()}, label,
                        tr("%1 image %2 (a %3)").arg(s.test ? tr("Test") : tr("Training")).arg(s.index).arg(label));
    });
    connect(window, &MainWindow::dataReady, model, [window, model] {
        model->setSetup(window->setup());
        model->setNetwork(window->snapshot().network);
        const auto& train = window->data().train;
        if (!model->ready() && model->mode() == Model::Mode::Digits && train && train->size() > 0)
            model->setImage({train->image(0), train->image(0) + train->pixelsPerImage()}, train->labels[0],
                            tr("Training image 0 (a %1)").arg(train->labels[0]));
    });
    connect(view, &NetworkView::drawingWanted, model, [window, model] {
        const app::DrawingResult& r = window->drawPanel()->result();
        if (r.seen)
            model->setImage({r.seen->begin(), r.seen->end()}, std::max(0, r.digit), tr("your drawing"));
    });
    // Work only while on screen (not closed, not a tab behind another); queued, so that the
    // dock is back on the window first.
    const auto recheck = [model, view] {
        QMetaObject::invokeMethod(model, [model, view] { model->setOnScreen(isOnScreen(view)); },
                                  Qt::QueuedConnection);
    };
    connect(dock, &QDockWidget::visibilityChanged, model, [model, recheck](bool visible) {
        if (!visible)
            model->setOnScreen(false);
        recheck();
    });
    // Moved out of a tab group (or into one), a dock may come into sight without a word.
    dock->installEventFilter(view);
    connect(view, &NetworkView::mayHaveMoved, model, recheck);
    return dock;
}

} // namespace nnlab::ui
