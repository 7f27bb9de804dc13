#include "runs_table.h"

#include "learning_curves.h"
#include "on_screen.h"
#include "view_options.h"

#include "app/lab/run_registry.h"

#include <qcustomplot.h>

#include <QAbstractTextDocumentLayout>
#include <QAction>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTableWidget>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace nnlab::ui {

using app::RunRegistry;

static_assert(RunRegistry::kMaxPoints == LearningCurves::kMaxPoints, "the registry thins as the curves do");

namespace {

const QString kWhyCompare = QObject::tr(
    "Change one knob at a time, as the lesson does (l_r, epochs, hidden nodes...), so that a "
    "difference between two curves has one cause.");

// The colour swatch before the show/hide box, and the settings cell's bold differences.
class RunsDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    static constexpr int kSwatchSize = 14; // px

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.column() == RunRegistry::ShowColumn) {
            option->icon = swatch(index.data(RunRegistry::ColorIndexRole).toInt());
            option->decorationSize = QSize(kSwatchSize, kSwatchSize);
            option->features |= QStyleOptionViewItem::HasDecoration;
        }
    }

    // One icon per colour, made once: a new icon at every paint would be a new entry in Qt's
    // pixmap cache each time (it grew by megabytes over a long session).
    QIcon swatch(int colorIndex) const
    {
        auto it = m_swatches.find(colorIndex);
        if (it == m_swatches.end()) {
            QPixmap square(kSwatchSize, kSwatchSize);
            square.fill(LearningCurves::runColor(colorIndex));
            it = m_swatches.emplace(colorIndex, QIcon(square)).first;
        }
        return it->second;
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        if (index.column() != RunRegistry::SettingsColumn)
            return QStyledItemDelegate::paint(painter, option, index);
        QStyleOptionViewItem o = option;
        initStyleOption(&o, index);
        o.text.clear();
        const QWidget* widget = o.widget;
        QStyle* style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &o, painter, widget);
        QTextDocument doc;
        doc.setDefaultFont(o.font);
        doc.setDocumentMargin(0);
        doc.setHtml(index.data(RunRegistry::SettingsHtmlRole).toString());
        const QRect text = style->subElementRect(QStyle::SE_ItemViewItemText, &o, widget);
        QAbstractTextDocumentLayout::PaintContext context;
        context.palette = o.palette;
        context.palette.setColor(QPalette::Text, o.state & QStyle::State_Selected
                                                     ? o.palette.color(QPalette::HighlightedText)
                                                     : o.palette.color(QPalette::Text));
        painter->save();
        painter->translate(text.left(), text.top() + std::max(0.0, (text.height() - doc.size().height()) / 2));
        painter->setClipRect(QRect(0, 0, text.width(), text.height()));
        doc.documentLayout()->draw(painter, context);
        painter->restore();
    }

private:
    mutable std::map<int, QIcon> m_swatches; // by colour index
};

} // namespace

// --- The comparison --------------------------------------------------------------------------------

RunsComparison::RunsComparison(const RunRegistry* runs, int idA, int idB, QWidget* parent)
    : QDialog(parent), m_table(new QTableWidget(this))
{
    setObjectName(QStringLiteral("runsComparison"));
    setAttribute(Qt::WA_DeleteOnClose);
    const app::RunRecord* a = runs->run(idA);
    const app::RunRecord* b = runs->run(idB);
    setWindowTitle(tr("%1 and %2 side by side").arg(a ? a->name : QString(), b ? b->name : QString()));
    const auto rows = runs->compare(idA, idB);
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Setting"), a ? a->name : QString(), b ? b->name : QString(), tr("Differs?")});
    m_table->setRowCount(int(rows.size()));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    QStringList differ;
    for (int i = 0; i < int(rows.size()); ++i) {
        const app::SettingRow& row = rows[std::size_t(i)];
        const QString cells[] = {row.setting, row.a, row.b, row.differs ? tr("yes") : QString()};
        for (int c = 0; c < 4; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setToolTip(cells[c]);
            if (row.differs) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setBackground(palette().color(QPalette::Highlight).lighter(170));
                item->setForeground(Qt::black);
            }
            m_table->setItem(i, c, item);
        }
        if (row.differs)
            differ << row.setting;
    }
    m_table->setWordWrap(true);
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(1, QHeaderView::Stretch);
    header->setSectionResizeMode(2, QHeaderView::Stretch);
    header->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto* intro = new QLabel(differ.isEmpty()
                                 ? tr("These runs have the same settings: their curves differ only by chance (the data order, or the threads' sums).")
                                 : tr("They differ in: <b>%1</b>.").arg(differ.join(QStringLiteral(", ")).toHtmlEscaped()) +
                                       QStringLiteral(" ") + kWhyCompare.toHtmlEscaped());
    intro->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* column = new QVBoxLayout(this);
    column->addWidget(intro);
    column->addWidget(m_table, 1);
    column->addWidget(buttons);
    resize(760, 460);
}

QStringList RunsComparison::differingSettings() const
{
    QStringList names;
    for (int i = 0; i < m_table->rowCount(); ++i)
        if (m_table->item(i, 3) && !m_table->item(i, 3)->text().isEmpty())
            names << m_table->item(i, 0)->text();
    return names;
}

// --- The table --------------------------------------------------------------------------------------

RunsTable::RunsTable(RunRegistry* runs, LearningCurves* curves, QWidget* parent)
    : QWidget(parent), m_runs(runs), m_curves(curves), m_view(new QTableView),
      m_compare(new QPushButton(tr("&Compare"))), m_remove(new QPushButton(tr("&Delete"))),
      m_delete(new QAction(tr("&Delete run"), this)), m_toggle(new QAction(tr("&Show or hide its curves"), this)),
      m_rename(new QAction(tr("&Rename"), this))
{
    setObjectName(QStringLiteral("runsTable"));
    m_view->setObjectName(QStringLiteral("runsView"));
    m_view->setModel(runs);
    m_view->setItemDelegate(new RunsDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(RunRegistry::SettingsColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(RunRegistry::NameColumn, QHeaderView::Interactive); // fitted to the names below
    m_view->setToolTip(tr("Every run since the window opened. ") + kWhyCompare +
                       tr(" Select two runs (Ctrl+click) and press Compare to see their settings side by side."));

    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_delete->setToolTip(tr("Remove the selected runs and their curves (Delete). The newest run cannot be removed: it can still be continued."));
    m_toggle->setShortcut(QKeySequence(Qt::Key_H));
    m_toggle->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_rename->setShortcut(QKeySequence(Qt::Key_F2));
    m_rename->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addActions({m_delete, m_toggle});
    connect(m_delete, &QAction::triggered, this, &RunsTable::deleteSelected);
    connect(m_toggle, &QAction::triggered, this, [this] {
        for (const int id : selectedRuns())
            if (const app::RunRecord* r = m_runs->run(id))
                m_runs->setVisible(id, !r->visible);
    });
    connect(m_rename, &QAction::triggered, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid())
            m_view->edit(current.siblingAtColumn(RunRegistry::NameColumn));
    });
    connect(m_view, &QWidget::customContextMenuRequested, this, &RunsTable::showMenu);

    m_compare->setToolTip(tr("Two selected runs' settings side by side, the differences highlighted. ") + kWhyCompare);
    m_remove->setToolTip(m_delete->toolTip());
    connect(m_compare, &QPushButton::clicked, this, &RunsTable::compareSelected);
    connect(m_remove, &QPushButton::clicked, this, &RunsTable::deleteSelected);
    auto* hint = new QLabel(tr("Double-click a name to rename it · H hides or shows · Delete removes"));
    hint->setEnabled(false); // greyed: a hint
    hint->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_compare);
    buttons->addWidget(m_remove);
    buttons->addWidget(hint, 1);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(4, 4, 4, 4);
    column->addWidget(m_view, 1);
    column->addLayout(buttons);
    setMinimumHeight(150); // the header, two rows and the buttons; a smaller dock scrolls

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsTable::updateActions);
    connect(runs, &QAbstractItemModel::rowsInserted, this, &RunsTable::updateActions);
    connect(runs, &QAbstractItemModel::rowsRemoved, this, &RunsTable::updateActions);
    connect(runs, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex&, int, int last) {
        m_view->scrollTo(m_runs->index(last, 0));
        fitNames();
    });
    connect(runs, &RunRegistry::runRenamed, this, [this] { // once the editor has closed
        QMetaObject::invokeMethod(this, &RunsTable::fitNames, Qt::QueuedConnection);
    });
    updateActions();

    // The curves follow the registry; a click on the legend (which hides a run) comes back.
    connect(runs, &RunRegistry::runVisibilityChanged, curves, &LearningCurves::setRunVisible);
    connect(runs, &RunRegistry::runRenamed, curves, &LearningCurves::renameRun);
    connect(runs, &RunRegistry::runRemoved, curves, &LearningCurves::removeRun);
    connect(runs, &RunRegistry::runsRestored, this, &RunsTable::restoreCurves);
    // The legend the window gave a new run ("Run N: " and what follows), once the curves have it.
    connect(runs, &RunRegistry::runAdded, this, [this](int id) {
        QMetaObject::invokeMethod(this, [this, id] {
            const QString label = m_curves->runLabel(id);
            const QString prefix = QStringLiteral("Run %1: ").arg(id);
            if (label.startsWith(prefix) && m_curves->runChanges(id).isEmpty())
                m_runs->setLegend(id, label.mid(prefix.size()));
        }, Qt::QueuedConnection);
    });
    connect(curves->plot(), &QCustomPlot::legendClick, this, [this] {
        for (const app::RunRecord& r : m_runs->runs())
            if (m_curves->isRunVisible(r.id) != r.visible && m_curves->runCount() > 0)
                m_runs->setVisible(r.id, m_curves->isRunVisible(r.id));
    });
}

QDockWidget* RunsTable::install(QMainWindow* window, RunRegistry* runs, LearningCurves* curves)
{
    auto* dock = new QDockWidget(tr("Runs"), window);
    dock->setObjectName(QStringLiteral("runsDock"));
    dock->setWidget(ViewOptions::scrollable(new RunsTable(runs, curves))); // scrolls on a small screen
    setViewShortcut(dock, QKeySequence(QStringLiteral("Ctrl+7")));
    dock->toggleViewAction()->setToolTip(tr("Every run since the window opened, to compare them one knob at a time"));
    // A tab behind the Weights: the window's other views keep their room on a small screen.
    if (auto* weights = window->findChild<QDockWidget*>(QStringLiteral("weightsDock"))) {
        window->tabifyDockWidget(weights, dock);
        weights->raise();
    } else {
        window->addDockWidget(Qt::RightDockWidgetArea, dock);
    }
    return dock;
}

void RunsTable::fitNames()
{
    int widest = m_view->horizontalHeader()->sectionSizeHint(RunRegistry::NameColumn);
    const QFontMetrics fm(m_view->font());
    for (const app::RunRecord& r : m_runs->runs())
        widest = std::max(widest, fm.horizontalAdvance(r.name) + 2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 12);
    m_view->setColumnWidth(RunRegistry::NameColumn, std::min(widest, 240));
}

QList<int> RunsTable::selectedRuns() const
{
    QList<int> rows;
    for (const QModelIndex& i : m_view->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    QList<int> ids;
    for (const int row : rows)
        ids << m_runs->index(row, 0).data(RunRegistry::IdRole).toInt();
    return ids;
}

void RunsTable::updateActions()
{
    const QList<int> ids = selectedRuns();
    m_compare->setEnabled(ids.size() == 2);
    const bool removable = !ids.isEmpty() && std::any_of(ids.begin(), ids.end(), [this](int id) { return m_runs->canRemove(id); });
    m_delete->setEnabled(removable);
    m_remove->setEnabled(removable);
    m_toggle->setEnabled(!ids.isEmpty());
}

void RunsTable::deleteSelected()
{
    for (const int id : selectedRuns())
        m_runs->remove(id); // the newest run of the worker stays
    updateActions();
}

RunsComparison* RunsTable::compareSelected()
{
    const QList<int> ids = selectedRuns();
    if (ids.size() != 2)
        return nullptr;
    m_comparison = new RunsComparison(m_runs, ids[0], ids[1], this);
    m_comparison->setWindowFlag(Qt::Window);
    connect(m_comparison, &QObject::destroyed, this, [this, c = m_comparison] {
        if (m_comparison == c)
            m_comparison = nullptr;
    });
    m_comparison->show();
    return m_comparison;
}

void RunsTable::showMenu(const QPoint& pos)
{
    QMenu menu(this);
    menu.addAction(m_toggle);
    menu.addAction(m_rename);
    QAction* compare = menu.addAction(tr("&Compare the two selected"), this, &RunsTable::compareSelected);
    compare->setEnabled(selectedRuns().size() == 2);
    menu.addSeparator();
    menu.addAction(m_delete);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void RunsTable::restoreCurves(const QList<int>& ids)
{
    fitNames();
    for (const int id : ids) {
        const app::RunRecord* r = m_runs->run(id);
        if (!r)
            continue;
        m_curves->beginRun(id, r->legend);
        m_curves->setRunLoss(id, r->setup.architecture.loss);
        m_curves->renameRun(id, r->name);
        m_curves->setRunColor(id, r->colorIndex);
        for (int i = 0; i < r->running.size(); ++i)
            m_curves->addRunning(id, r->running.x[i], r->running.loss[i], r->running.accuracy[i]);
        // Tests and quick estimates in the order they came (a test breaks the quick line).
        int t = 0, q = 0;
        while (t < r->test.size() || q < r->quick.size()) {
            if (q >= r->quick.size() || (t < r->test.size() && r->test.x[t] <= r->quick.x[q])) {
                m_curves->addTest(id, r->test.x[t], r->test.loss[t], r->test.accuracy[t]);
                ++t;
            } else {
                m_curves->addQuickTest(id, r->quick.x[q], r->quick.loss[q], r->quick.accuracy[q]);
                ++q;
            }
        }
        for (const app::RunMarker& m : r->markers)
            m_curves->markChange(id, m.epochFraction, m.text, m.samplesSeen);
        m_curves->setRunVisible(id, r->visible);
    }
}

} // namespace nnlab::ui
