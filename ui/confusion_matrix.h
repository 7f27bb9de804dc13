// The confusion matrix on the test set: how often each true class (row) is predicted as each
// class (column). Counts in the cells, colour by the share of the row (green right, red wrong);
// clicking a cell asks for those digits and marks the cell.
#pragma once

#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <utility>
#include <vector>

namespace nnlab::ui {

class ConfusionMatrix : public QWidget
{
    Q_OBJECT

public:
    explicit ConfusionMatrix(QWidget* parent = nullptr);

    // counts: classes x classes, [true * classes + predicted]; classNames.size() == classes.
    void setConfusion(const std::vector<std::int64_t>& counts, const QStringList& classNames);
    int classes() const { return int(m_names.size()); }
    std::int64_t count(int trueClass, int predicted) const;
    // The rectangle of a cell in widget coordinates (for tests and hit testing).
    QRect cellRect(int trueClass, int predicted) const;
    // "true\predicted,0,1,...\n0,980,0,..." with the class names.
    QString toCsv() const;

    QSize sizeHint() const override { return {420, 420}; }
    QSize minimumSizeHint() const override { return {220, 220}; }

signals:
    void cellClicked(int trueClass, int predicted);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override; // tooltips

private:
    QRect grid() const;
    // Pixels for "predicted" above and "true" left of the class names, and for the class names
    // above and left of the grid: at least 16 and 22, more for a larger font (presentation mode).
    int titleSize() const;
    int headerSize() const;
    bool cellAt(const QPoint& p, int& trueClass, int& predicted) const;

    std::vector<std::int64_t> m_counts;
    QStringList m_names;
    std::pair<int, int> m_selected{-1, -1}; // (true, predicted) of the clicked cell
};

} // namespace nnlab::ui
