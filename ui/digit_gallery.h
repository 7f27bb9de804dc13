// The digit gallery: every training or test image as a crisp 28x28 picture with its true label
// and the network's current prediction (green right, red wrong). Model/view with a delegate, so
// 60,000 digits scroll smoothly; filters by true label, prediction, misclassified, confidence,
// and the learner's own digits in the training set (marked "mine").
#pragma once

#include "engine/dataset.h"

#include <QAbstractListModel>
#include <QStyledItemDelegate>
#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QListView;

namespace nnlab::ui {

// The digits that pass the filter, in display order.
class DigitListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        ImageRole = Qt::UserRole + 1,
        TrueLabelRole,
        PredictedRole,
        ConfidenceRole,
        IndexRole,
        MineRole, // the learner's own digit (engine::ImageOrigin::Mine)
    };

    struct Filter
    {
        int trueLabel = -1; // -1 = any
        int predicted = -1;
        bool wrongOnly = false;
        bool leastConfidentFirst = false;
        bool mineOnly = false; // the learner's digits (engine::ImageOrigin::Mine) only
        bool operator==(const Filter&) const = default;
    };

    explicit DigitListModel(QObject* parent = nullptr);

    void setDataset(std::shared_ptr<const engine::Dataset> data);
    // One prediction and its confidence per image; empty vectors = not known yet.
    void setPredictions(std::vector<std::uint8_t> predicted, std::vector<float> confidence);
    void setFilter(const Filter& filter);
    const Filter& filter() const { return m_filter; }
    bool hasPredictions() const { return !m_predicted.empty(); }
    const engine::Dataset* dataset() const { return m_data.get(); }
    std::size_t datasetIndex(int row) const { return m_rows[std::size_t(row)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

private:
    void rebuild();

    std::shared_ptr<const engine::Dataset> m_data;
    std::vector<std::uint8_t> m_predicted;
    std::vector<float> m_confidence;
    Filter m_filter;
    std::vector<std::size_t> m_rows;
};

class DigitDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    static constexpr int kScale = 2; // 28 px -> 56 logical pixels
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

class DigitGallery : public QWidget
{
    Q_OBJECT

public:
    explicit DigitGallery(QWidget* parent = nullptr);

    void setData(std::shared_ptr<const engine::Dataset> train,
                 std::shared_ptr<const engine::Dataset> test);
    // Predictions for the test set (test = true) or the training set.
    void setPredictions(bool test, std::vector<std::uint8_t> predicted, std::vector<float> confidence);
    // The test digits of class trueLabel that the network calls `predicted` (the confusion
    // matrix's cell).
    void showPair(int trueLabel, int predicted);
    bool showsTestSet() const;
    // The digits shown now.
    int count() const;
    DigitListModel* model() const { return m_model; }
    QListView* view() const { return m_view; }
    QComboBox* setChoice() const { return m_set; }
    QComboBox* trueLabelChoice() const { return m_trueLabel; }
    QComboBox* predictedChoice() const { return m_predicted; }
    QCheckBox* wrongOnly() const { return m_wrongOnly; }
    QCheckBox* leastConfident() const { return m_leastConfident; }
    QCheckBox* mineOnly() const { return m_mineOnly; }

signals:
    // A digit was clicked: which set and its index there.
    void digitActivated(bool test, std::size_t index);
    // The shown set changed; the owner supplies its predictions.
    void predictionsWanted(bool test);

private:
    void applyFilter();
    void updateCount();
    void fillClassChoices();

    DigitListModel* m_model;
    QListView* m_view;
    QComboBox* m_set;
    QComboBox* m_trueLabel;
    QComboBox* m_predicted;
    QCheckBox* m_wrongOnly;
    QCheckBox* m_leastConfident;
    QCheckBox* m_mineOnly;
    QLabel* m_count;
    std::shared_ptr<const engine::Dataset> m_train, m_test;
    std::vector<std::uint8_t> m_predictedSets[2];
    std::vector<float> m_confidenceSets[2];
};

} // namespace nnlab::ui
