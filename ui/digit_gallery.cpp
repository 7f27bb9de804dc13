#include "digit_gallery.h"

#include "pictures.h"
#include "plot_style.h"
#include "wording.h"

#include "app/common/counted.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>
#include <utility>

namespace nnlab::ui {

namespace {

// Every digit has the same size and place whatever the network reads, but QListView lays all
// 60,000 out again (and repaints all it shows) on any dataChanged. New predictions only
// change how digits are drawn: repaint those, and keep the layout.
class DigitListView : public QListView
{
public:
    using QListView::QListView;

protected:
    void dataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                     const QList<int>& roles) override
    {
        const bool drawingOnly = !roles.isEmpty() && std::none_of(roles.begin(), roles.end(), [](int role) {
            return role == Qt::DisplayRole || role == Qt::SizeHintRole || role == DigitListModel::ImageRole;
        });
        if (drawingOnly)
            QAbstractItemView::dataChanged(topLeft, bottomRight, roles); // repaint, no relayout
        else
            QListView::dataChanged(topLeft, bottomRight, roles);
    }
};

} // namespace

// --- The model --------------------------------------------------------------------------------

DigitListModel::DigitListModel(QObject* parent) : QAbstractListModel(parent) {}

void DigitListModel::setDataset(std::shared_ptr<const engine::Dataset> data)
{
    m_data = std::move(data);
    m_predicted.clear();
    m_confidence.clear();
    rebuild();
}

void DigitListModel::setPredictions(std::vector<std::uint8_t> predicted, std::vector<float> confidence)
{
    if (!m_data || predicted.size() != m_data->size() || confidence.size() != m_data->size())
        return; // stale: for another dataset
    const std::vector<std::uint8_t> before = std::exchange(m_predicted, std::move(predicted));
    m_confidence = std::move(confidence);
    if (m_filter.predicted >= 0 || m_filter.wrongOnly || m_filter.leastConfidentFirst) {
        rebuild(); // which digits pass depends on the predictions
        return;
    }
    if (m_rows.empty())
        return;
    // Once the network has learned a little, an epoch changes the reading of a few hundred
    // digits: name each of those alone, so that a view repaints only the ones on screen (a
    // range, even of two rows, repaints all it shows).
    const QList<int> roles{PredictedRole, ConfidenceRole, Qt::ToolTipRole};
    constexpr std::size_t kMaxSingleChanges = 2000;
    std::vector<int> changed;
    if (before.size() == m_predicted.size())
        for (std::size_t r = 0; r < m_rows.size() && changed.size() <= kMaxSingleChanges; ++r)
            if (before[m_rows[r]] != m_predicted[m_rows[r]])
                changed.push_back(int(r));
    if (before.size() != m_predicted.size() || changed.size() > kMaxSingleChanges) {
        emit dataChanged(index(0), index(rowCount() - 1), roles);
        return;
    }
    for (const int r : changed)
        emit dataChanged(index(r), index(r), roles);
}

void DigitListModel::setFilter(const Filter& filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    rebuild();
}

void DigitListModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    if (m_data) {
        const bool known = !m_predicted.empty();
        m_rows.reserve(m_data->size());
        for (std::size_t i = 0; i < m_data->size(); ++i) {
            const int label = m_data->labels[i];
            if (m_filter.trueLabel >= 0 && label != m_filter.trueLabel)
                continue;
            if (m_filter.predicted >= 0 && (!known || m_predicted[i] != m_filter.predicted))
                continue;
            if (m_filter.wrongOnly && (!known || m_predicted[i] == label))
                continue;
            if (m_filter.mineOnly && m_data->origin(i) != engine::ImageOrigin::Mine)
                continue;
            m_rows.push_back(i);
        }
        if (m_filter.leastConfidentFirst && known)
            std::stable_sort(m_rows.begin(), m_rows.end(), [this](std::size_t a, std::size_t b) {
                return m_confidence[a] < m_confidence[b];
            });
    }
    endResetModel();
}

int DigitListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DigitListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || !m_data)
        return {};
    const std::size_t i = m_rows[std::size_t(index.row())];
    const int label = m_data->labels[i];
    const bool known = !m_predicted.empty();
    switch (role) {
    case ImageRole:
        return digitImage(m_data->image(i), m_data->rows, m_data->cols);
    case TrueLabelRole:
        return label;
    case PredictedRole:
        return known ? QVariant(int(m_predicted[i])) : QVariant();
    case ConfidenceRole:
        return known ? QVariant(double(m_confidence[i])) : QVariant();
    case IndexRole:
        return qulonglong(i);
    case MineRole:
        return m_data->origin(i) == engine::ImageOrigin::Mine;
    case Qt::ToolTipRole: {
        const QString name = QString::fromStdString(m_data->classNames[std::size_t(label)]);
        QString tip = tr("#%1: %2").arg(i).arg(withArticle(name)); // "an 8"
        if (m_data->origin(i) == engine::ImageOrigin::Mine)
            tip += tr(" (mine: drawn in the Draw view, saved in my-digits.csv)");
        // The largest output as a number: a sigmoid output is no percentage or probability.
        if (known)
            tip += tr(", the network says %1 (largest output %2)")
                       .arg(QString::fromStdString(m_data->classNames[m_predicted[i]]))
                       .arg(double(m_confidence[i]), 0, 'f', 3);
        return tip;
    }
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole:
        return QString::fromStdString(m_data->classNames[std::size_t(label)]);
    default:
        return {};
    }
}

// --- The delegate ----------------------------------------------------------------------------

void DigitDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const
{
    painter->save();
    const QRect r = option.rect.adjusted(2, 2, -2, -2);
    if (option.state & QStyle::State_Selected)
        painter->fillRect(option.rect, option.palette.highlight());
    const QImage image = index.data(DigitListModel::ImageRole).value<QImage>();
    const QRect picture(r.left() + (r.width() - image.width() * kScale) / 2, r.top(),
                        image.width() * kScale, image.height() * kScale);
    painter->setRenderHint(QPainter::SmoothPixmapTransform, false); // crisp pixels
    painter->drawImage(picture, image);
    if (index.data(DigitListModel::MineRole).toBool()) {
        // The learner's own digit: a frame and a tag, neither green nor red (right and wrong).
        const QColor mine(230, 140, 0);
        painter->setPen(QPen(mine, 2));
        painter->drawRect(picture.adjusted(-1, -1, 0, 0));
        QFont small = option.font;
        small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.75));
        small.setBold(true);
        painter->setFont(small);
        const QFontMetrics metrics(small);
        const QRect tag(picture.left(), picture.top(), metrics.horizontalAdvance(tr("mine")) + 4,
                        metrics.height());
        painter->fillRect(tag, mine);
        painter->setPen(Qt::black);
        painter->drawText(tag, Qt::AlignCenter, tr("mine"));
    }

    const int label = index.data(DigitListModel::TrueLabelRole).toInt();
    const QVariant predicted = index.data(DigitListModel::PredictedRole);
    QString text = QString::number(label);
    QColor color = option.palette.text().color();
    if (predicted.isValid()) {
        const bool right = predicted.toInt() == label;
        color = answerColor(right, option.palette);
        text = right ? QStringLiteral("%1 ✓").arg(label)
                     : QStringLiteral("%1 → %2").arg(label).arg(predicted.toInt());
    }
    painter->setPen(color);
    QFont f = option.font;
    f.setBold(predicted.isValid() && predicted.toInt() != label);
    painter->setFont(f);
    painter->drawText(QRect(r.left(), picture.bottom() + 1, r.width(), r.bottom() - picture.bottom()),
                      Qt::AlignHCenter | Qt::AlignTop, text);
    painter->restore();
}

QSize DigitDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    return {28 * kScale + 12, 28 * kScale + option.fontMetrics.height() + 8};
}

// --- The widget ------------------------------------------------------------------------------

DigitGallery::DigitGallery(QWidget* parent)
    : QWidget(parent), m_model(new DigitListModel(this)), m_view(new DigitListView),
      m_set(new QComboBox), m_trueLabel(new QComboBox), m_predicted(new QComboBox),
      m_wrongOnly(new QCheckBox(tr("&Misclassified only"))),
      m_leastConfident(new QCheckBox(tr("Least &confident first"))),
      m_mineOnly(new QCheckBox(tr("Mine only"))), m_count(new QLabel)
{
    m_set->addItems({tr("Test images"), tr("Training images")});
    m_set->setToolTip(tr("The 10,000 test images the network never learns from, or the "
                         "training images it learns from"));
    m_trueLabel->setToolTip(tr("Show only digits whose true label is this"));
    m_predicted->setToolTip(tr("Show only digits the network currently reads as this"));
    m_wrongOnly->setToolTip(tr("Show only the digits the network gets wrong"));
    m_leastConfident->setToolTip(tr("Sort by the network's largest output, lowest first: the "
                                    "digits it finds hardest"));
    m_mineOnly->setToolTip(tr("Show only your own digits: those you added in the Draw view "
                              "(my-digits.csv), which join MNIST's training images"));
    fillClassChoices();

    m_view->setModel(m_model);
    m_view->setItemDelegate(new DigitDelegate(m_view));
    // List mode flowing left to right and wrapping is a grid too, but it places items by
    // arithmetic; icon mode keeps a spatial tree of all 60,000 and takes seconds to fill it.
    m_view->setViewMode(QListView::ListMode);
    m_view->setFlow(QListView::LeftToRight);
    m_view->setWrapping(true);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setUniformItemSizes(true); // O(1) layout for 60,000 items
    m_view->setLayoutMode(QListView::Batched);
    m_view->setBatchSize(2000);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setMouseTracking(true);
    m_view->setToolTip(QString()); // per-digit tooltips come from the model

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_set);
    bar->addWidget(new QLabel(tr("true:")));
    bar->addWidget(m_trueLabel);
    bar->addWidget(new QLabel(tr("predicted:")));
    bar->addWidget(m_predicted);
    bar->addWidget(m_wrongOnly);
    bar->addWidget(m_leastConfident);
    bar->addWidget(m_mineOnly);
    bar->addStretch(1);
    bar->addWidget(m_count);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(2, 2, 2, 2);
    column->addLayout(bar);
    column->addWidget(m_view, 1);

    connect(m_set, &QComboBox::currentIndexChanged, this, [this] {
        const bool test = showsTestSet();
        m_model->setDataset(test ? m_test : m_train);
        const int s = test ? 0 : 1;
        if (!m_predictedSets[s].empty())
            m_model->setPredictions(m_predictedSets[s], m_confidenceSets[s]);
        applyFilter();
        emit predictionsWanted(test);
    });
    for (QComboBox* c : {m_trueLabel, m_predicted})
        connect(c, &QComboBox::currentIndexChanged, this, &DigitGallery::applyFilter);
    for (QCheckBox* c : {m_wrongOnly, m_leastConfident, m_mineOnly})
        connect(c, &QCheckBox::toggled, this, &DigitGallery::applyFilter);
    connect(m_model, &QAbstractItemModel::modelReset, this, &DigitGallery::updateCount);
    connect(m_view, &QListView::clicked, this, [this](const QModelIndex& index) {
        emit digitActivated(showsTestSet(), std::size_t(index.data(DigitListModel::IndexRole).toULongLong()));
    });
    connect(m_view, &QListView::activated, this, [this](const QModelIndex& index) {
        emit digitActivated(showsTestSet(), std::size_t(index.data(DigitListModel::IndexRole).toULongLong()));
    });
    updateCount();
}

void DigitGallery::fillClassChoices()
{
    const QSignalBlocker a(m_trueLabel), b(m_predicted);
    const engine::Dataset* d = m_test ? m_test.get() : nullptr;
    for (QComboBox* c : {m_trueLabel, m_predicted}) {
        c->clear();
        c->addItem(tr("any"), -1);
        const int classes = d ? d->classCount() : 10;
        for (int k = 0; k < classes; ++k)
            c->addItem(d ? QString::fromStdString(d->classNames[std::size_t(k)]) : QString::number(k), k);
    }
}

void DigitGallery::setData(std::shared_ptr<const engine::Dataset> train,
                           std::shared_ptr<const engine::Dataset> test)
{
    m_train = std::move(train);
    m_test = std::move(test);
    for (auto& p : m_predictedSets)
        p.clear();
    for (auto& c : m_confidenceSets)
        c.clear();
    fillClassChoices();
    m_model->setDataset(showsTestSet() ? m_test : m_train);
    applyFilter();
}

void DigitGallery::setPredictions(bool test, std::vector<std::uint8_t> predicted,
                                  std::vector<float> confidence)
{
    const int s = test ? 0 : 1;
    m_predictedSets[s] = predicted;
    m_confidenceSets[s] = confidence;
    if (test == showsTestSet()) {
        m_model->setPredictions(std::move(predicted), std::move(confidence));
        updateCount();
    }
}

void DigitGallery::showPair(int trueLabel, int predicted)
{
    m_set->setCurrentIndex(0);
    const QSignalBlocker a(m_trueLabel), b(m_predicted), c(m_wrongOnly);
    m_trueLabel->setCurrentIndex(trueLabel + 1);
    m_predicted->setCurrentIndex(predicted + 1);
    m_wrongOnly->setChecked(false);
    applyFilter();
}

bool DigitGallery::showsTestSet() const
{
    return m_set->currentIndex() == 0;
}

int DigitGallery::count() const
{
    return m_model->rowCount();
}

void DigitGallery::applyFilter()
{
    DigitListModel::Filter f;
    f.trueLabel = m_trueLabel->currentData().toInt();
    f.predicted = m_predicted->currentData().toInt();
    f.wrongOnly = m_wrongOnly->isChecked();
    f.leastConfidentFirst = m_leastConfident->isChecked();
    const engine::Dataset* shown = m_model->dataset();
    if (m_mineOnly->isChecked() && (!shown || shown->countFrom(engine::ImageOrigin::Mine) == 0)) {
        const QSignalBlocker quiet(m_mineOnly); // none of yours here: off, not an empty gallery
        m_mineOnly->setChecked(false);
    }
    f.mineOnly = m_mineOnly->isChecked();
    m_model->setFilter(f);
    updateCount();
}

void DigitGallery::updateCount()
{
    const bool needsPredictions = m_model->filter().predicted >= 0 || m_model->filter().wrongOnly;
    if (needsPredictions && !m_model->hasPredictions())
        m_count->setText(tr("waiting for the network's predictions…"));
    else
        m_count->setText(app::counted(m_model->rowCount(), tr("digit"), tr("digits")));
    const engine::Dataset* shown = m_model->dataset();
    const int mine = shown ? int(shown->countFrom(engine::ImageOrigin::Mine)) : 0;
    m_mineOnly->setEnabled(mine > 0);
    if (mine > 0)
        m_count->setText(m_count->text() + tr(" · %n of yours", nullptr, mine));
}

} // namespace nnlab::ui
