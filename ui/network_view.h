// The Network view (issue 15): the net as nodes in layers and links, values flowing forward and
// the lesson's back-propagation phase by phase, a node's sum written out, and the back-query
// strip. It paints app::NetworkViewModel, which holds every number and the state, and forwards
// clicks, double-clicks (the toy net's values typed in place) and the controls to it.
#pragma once

#include "app/lab/network_view_model.h"

#include <QImage>
#include <QWidget>

#include <vector>

class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QDoubleSpinBox;
class QSpinBox;
class QWidget;

namespace nnlab::ui {

class MainWindow;

// The diagram: layers left to right; the digit net's inputs as its 28 x 28 image.
class NetworkDiagram : public QWidget
{
    Q_OBJECT

public:
    explicit NetworkDiagram(app::NetworkViewModel* model, QWidget* parent = nullptr);

    // Where a node or a link is painted (for the tests and the hover), in widget pixels.
    QPointF nodeCentre(app::NodeRef node) const;
    QPointF linkPoint(app::LinkRef link) const; // where its label goes
    std::optional<app::NodeRef> nodeAt(QPointF p) const;
    std::optional<app::LinkRef> linkAt(QPointF p) const;
    QLineEdit* editor() const { return m_editor; } // the toy net's value being typed, if any
    QString hoverText() const { return m_hover; }

    QSize sizeHint() const override { return {760, 420}; }
    QSize minimumSizeHint() const override { return {360, 240}; }

signals:
    void hovered(const QString& text);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    struct Column
    {
        QRectF rect;
        bool image = false; // the inputs as a digit image
        int gridColumns = 1;
        double cell = 0;    // a node's cell, pixels
        double radius = 0;
    };
    void onChanged();
    void layOut();
    void edit(QPointF at, float value, std::function<void(float)> apply);
    QColor nodeColour(app::NodeRef n, float value, float largest) const;

    app::NetworkViewModel* m_model;
    std::vector<Column> m_columns;
    std::vector<std::vector<int>> m_slot; // [layer][node]: its place among the shown, or -1
    std::vector<float> m_largest;         // per layer: the largest |value| shown, for colours
    std::vector<float> m_largestWeight;   // per weight layer: of the links shown
    QImage m_digit;                       // the input image, 28 x 28, rebuilt when it changes
    QLineEdit* m_editor;
    QString m_hover;
};

// Ten back-query images, one per output (and the custom target's), clickable.
class BackQueryStrip : public QWidget
{
    Q_OBJECT

public:
    explicit BackQueryStrip(app::NetworkViewModel* model, QWidget* parent = nullptr);
    QRect imageRect(int index) const;
    int imageCount() const { return int(m_images.size()); }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    void onChanged();

    app::NetworkViewModel* m_model;
    std::vector<QImage> m_images;
};

class NetworkView : public QWidget
{
    Q_OBJECT

public:
    explicit NetworkView(app::NetworkViewModel* model, QWidget* parent = nullptr);

    // The dock ("networkDock", View ▸ Network, Ctrl+0), a tab behind the Digits of `window`,
    // fed the window's weights, setup and picked digit, working only while on screen.
    static QDockWidget* install(MainWindow* window);

    app::NetworkViewModel* model() const { return m_model; }
    NetworkDiagram* diagram() const { return m_diagram; }
    BackQueryStrip* strip() const { return m_strip; }
    QComboBox* netChoice() const { return m_net; }
    QComboBox* valuesChoice() const { return m_values; }
    QComboBox* errorsChoice() const { return m_errors; }
    QPushButton* resetButton() const { return m_reset; }
    QPushButton* backButton() const { return m_back; }
    QPushButton* stepButton() const { return m_step; }
    QPushButton* playButton() const { return m_play; }
    QPushButton* workedExampleButton() const { return m_worked; }
    QPushButton* keepUpdateButton() const { return m_keep; }
    QPushButton* fromDrawingButton() const { return m_fromDrawing; }
    QLineEdit* customTarget() const { return m_custom; }
    QLabel* customProblem() const { return m_problem; }
    QLabel* backQueryNote() const { return m_unavailable; }
    QPlainTextEdit* textPane() const { return m_text; }
    QLabel* infoLine() const { return m_info; }

signals:
    void drawingWanted(); // the Draw view's drawing, fed forward
    void mayHaveMoved();  // the dock it is in was moved, resized or shown: in sight or out of it?

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showState();

    app::NetworkViewModel* m_model;
    NetworkDiagram* m_diagram;
    BackQueryStrip* m_strip;
    QComboBox* m_net;
    QComboBox* m_values;
    QComboBox* m_errors;
    QPushButton* m_reset;
    QPushButton* m_back;
    QPushButton* m_step;
    QPushButton* m_play;
    QPushButton* m_worked;
    QPushButton* m_keep;
    QPushButton* m_fromDrawing;
    QWidget* m_toyRow;
    QSpinBox* m_sizes[3];
    QDoubleSpinBox* m_toyRate;
    QWidget* m_backQueryBox;
    QLineEdit* m_custom;
    QLabel* m_problem;
    QLabel* m_unavailable;
    QLabel* m_phase;
    QPlainTextEdit* m_text;
    QLabel* m_info;
};

} // namespace nnlab::ui
