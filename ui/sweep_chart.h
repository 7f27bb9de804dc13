// A sweep's chart: test accuracy against one knob, the mean over seeds as a line inside the band
// from the lowest to the highest seed, each run a dot, training accuracy's mean dashed beside it
// (overfitting shows as the gap); test loss the same way on a second tab. Hover a point for its
// runs' figures; click it for their learning curves.
#pragma once

#include "engine/sweep.h"

#include <QString>
#include <QWidget>

#include <cstddef>
#include <optional>
#include <vector>

class QCPGraph;
class QCPTextElement;
class QCustomPlot;
class QTabWidget;

namespace nnlab::ui {

class SweepChart : public QWidget
{
    Q_OBJECT

public:
    // The graphs, for the tests and the legend. TestMin and TestMax bound the filled band.
    enum class Series { TestMean, TestMin, TestMax, TrainMean, TestRuns, LossMean, LossMin, LossMax, LossRuns };

    explicit SweepChart(QWidget* parent = nullptr);

    // A new sweep: no points yet, the x axis laid out for all of `values` of `knob` (logarithmic
    // for the learning rate, one tick per choice for a knob that is not a number).
    void setSweep(engine::SweepKnob knob, const std::vector<std::string>& values);
    // The sweep so far: one point per value that has results (engine::summarize), and the runs
    // those come from, in any order (their figures for the tooltips, their indices for clicks).
    void setPoints(const std::vector<engine::SweepPointSummary>& points,
                   const std::vector<engine::SweepRunResult>& runs);
    // A line above the plots (what is swept, over how many seeds, from which setup).
    void setCaption(const QString& text);
    void clear();

    engine::SweepKnob knob() const { return m_knob; }
    const std::vector<engine::SweepPointSummary>& points() const { return m_points; }
    QCPGraph* graph(Series series) const;
    QCustomPlot* accuracyPlot() const { return m_accuracy; }
    QCustomPlot* lossPlot() const { return m_loss; }
    QCustomPlot* shownPlot() const;
    QTabWidget* tabs() const { return m_tabs; }

    // Where point `point` (an index into points()) is drawn on the shown plot: its mean, in the
    // plot's pixels; nullopt before the plot is laid out.
    std::optional<QPoint> pointPixel(std::size_t point) const;
    // The point whose column (its runs, its mean, the training mean) is near `pixel` on the
    // shown plot.
    std::optional<std::size_t> pointNear(const QPoint& pixel) const;
    // The point's runs, for a tooltip: seed, test and training accuracy, test loss, and why a
    // failed run stopped.
    QString describePoint(std::size_t point) const;
    // The runs of point `point`, in index order.
    std::vector<std::size_t> runsOf(std::size_t point) const;

    // The shown tab's plot as a picture, by extension: .png or .pdf. False if not written.
    bool savePlot(const QString& path, int width = 1200, int height = 800);

signals:
    // A point was clicked: the value and its runs' indices (SweepRunResult::index), index order.
    void pointClicked(const QString& value, const std::vector<std::size_t>& runIndices);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // a resting mouse's tooltip
    void changeEvent(QEvent* event) override; // the mean's rings take a new palette's background


private:
    void fillMeanMarkers(); // hollow rings: filled with the plot's background (Base)
    struct RunFigures // what the tooltips and clicks need of a run (not its curve)
    {
        std::size_t index = 0, valueIndex = 0;
        std::uint64_t seed = 0;
        bool ok = false;
        double testAccuracy = 0, trainAccuracy = 0, testLoss = 0;
        QString error;
    };

    QCustomPlot* makePlot(const QString& yLabel, QCPTextElement** caption);
    void layOutXAxis(QCustomPlot* plot);
    void rescale();
    double xOf(const std::string& value) const;

    QCPTextElement* m_accuracyCaption = nullptr; // made by makePlot: before the plots
    QCPTextElement* m_lossCaption = nullptr;
    QTabWidget* m_tabs;
    QCustomPlot* m_accuracy;
    QCustomPlot* m_loss;
    QCPGraph* m_graphs[9] = {};
    engine::SweepKnob m_knob = engine::SweepKnob::LearningRate;
    std::vector<std::string> m_values;
    std::vector<engine::SweepPointSummary> m_points;
    std::vector<RunFigures> m_runs; // in index order
};

} // namespace nnlab::ui
