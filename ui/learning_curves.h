// Learning curves: loss (top) and accuracy (bottom) against epochs, one coloured set of series
// per run so runs can be compared. Memory stays bounded: long series are thinned by averaging.
#pragma once

#include "app/lab/redraw_coalescer.h"
#include "engine/architecture.h"

#include <QColor>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <cstdint>
#include <map>
#include <optional>

class QCustomPlot;
class QCPAbstractItem;
class QCPAbstractLegendItem;
class QCPAxisRect;
class QCPGraph;
class QCPTextElement;
class QMouseEvent;

namespace nnlab::ui {

class LearningCurves : public QWidget
{
    Q_OBJECT

public:
    // Points kept per series; when a series reaches it, neighbouring pairs are averaged.
    static constexpr int kMaxPoints = 2000;

    enum class Kind { Running, Test, QuickTest };

    explicit LearningCurves(QWidget* parent = nullptr);

    // A run that starts at epoch startX from its parent's weights (a branch, or the same start as
    // one) begins its running curve where the parent's was: its first point is the parent's
    // last running value at or before startX, so the new line visibly leaves the parent's.
    void beginRun(int run, const QString& label, int parent = 0, double startX = 0);
    // The loss the run's curve measures: the loss axis names it ("loss (cross-entropy)").
    void setRunLoss(int run, engine::Loss loss);
    // Hides or shows a run's curves (a click on its legend entry does the same).
    void setRunVisible(int run, bool visible);
    bool isRunVisible(int run) const;
    // x in epochs (samples seen / training-set size).
    void addRunning(int run, double x, double loss, double accuracy);
    void addTest(int run, double x, double loss, double accuracy);
    // Quick estimates are joined by a dashed line, broken where none were made: after an
    // epoch-end test, or across more than kQuickTestGapEpochs.
    void addQuickTest(int run, double x, double loss, double accuracy);
    static constexpr double kQuickTestGapEpochs = 1.0;
    // A setting changed at epoch x of the run ("l_r 0.3 → 0.03"): a vertical mark in the run's
    // colour on both plots, and the legend says it ("… · from epoch 5: l_r 0.3 → 0.03").
    // samplesSeen: the samples trained before the first batch with the new setting (the CSV).
    void markChange(int run, double x, const QString& change, std::uint64_t samplesSeen = 0);
    QString runLabel(int run) const;      // as the legend, the tooltips and the CSV say it
    QStringList runChanges(int run) const; // the marks' texts, oldest first
    int gapCount(int run, Kind kind) const; // breaks in the series' line
    void clearRuns();
    void setLogLoss(bool on);
    bool logLoss() const { return m_logLoss; }
    void resetView(); // back to following the data

    // By extension: .png or .pdf. Returns false if the file could not be written.
    bool savePlot(const QString& path, int width = 1200, int height = 800);
    // One line per point: run,label,series,epoch,loss,accuracy (series: training, test,
    // quick-test); then one line per mark: run,label,change,epoch,samples,text (samples: those
    // trained before the first batch with the new setting; text as the mark says it, quoted).
    QString toCsv() const;

    // The overfitting gap: where a run's running training accuracy lies above its test accuracy
    // (the line through the epoch-end tests), the band between them is shaded in the palette's
    // gap colour (plot_style's gapShade), and while a shown run has one, a line of the caption
    // says what it means ("shaded: " + gapText()).
    // Its area as drawn, in accuracy × epochs: ∫ max(0, training − test) d(epoch).
    double gapArea(int run) const;
    static QString gapText();
    QString captionShown() const; // the caption under the plots, as drawn (wrapped)

    int runCount() const { return int(m_runs.size()); }
    int pointCount(int run, Kind kind) const;
    int totalPoints() const;
    // The x axis's end while it follows the data, for the newest point at `newest` epochs: a
    // whole number of quarter epochs (at least 1), or below 2% of an epoch (slow motion, Step)
    // 1, 2 or 5 times a power of ten a little above it.
    static constexpr double kSmallProgressEpochs = 0.02;
    static double epochAxisEnd(double newest);
    QCustomPlot* plot() const { return m_plot; }
    // The replots' pace: the newest points at most 10 times a second, and at once when it is
    // flushed (the window has it follow the session's, flushed when training pauses or ends).
    app::RedrawCoalescer* replots() const { return m_replots; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override; // a resting mouse's tooltip

private:
    struct Series
    {
        QVector<double> x, loss, accuracy;
        QVector<double> gaps; // keys of the NaN points that break the graphs' lines
        QCPGraph* lossGraph = nullptr;
        QCPGraph* accuracyGraph = nullptr;
    };
    struct Run
    {
        QString label;
        QColor color;
        Series running, test, quick;
        std::optional<engine::Loss> loss;
        bool visible = true;
        bool renamed = false;         // renameRun gave it a name: no "Run n" on the loss axis
        bool testSinceQuick = false;  // an epoch-end test came after the last quick estimate
        QStringList changes;
        QVector<double> changeX;           // where each mark is (epochs)
        QVector<std::uint64_t> changeSamples; // ... and at which sample
        QVector<QCPAbstractItem*> marks; // lines and texts of markChange
        // The gap's edges on the accuracy plot: the test line below, filled up to the top
        // (the training accuracy where it is higher); recomputed at the next replot when dirty.
        QCPGraph* gapTest = nullptr;
        QCPGraph* gapTop = nullptr;
        bool gapDirty = false;
    };
    // A point of a shown curve near `pixel` (within a few pixels), described for a tooltip.
    QString describePointAt(const QPoint& pixel) const;
    void showPointTip(QMouseEvent* event);
    void toggleRun(QCPAbstractLegendItem* item);
    void nameLossAxis();
    static QString captionText(bool gap); // what the line styles (and the gap's shade) mean, unwrapped
    void arrangeLegend(int plotWidth); // as many columns as the width holds; the caption's lines
    void fitTickCounts();              // value ticks for the plots' heights, after each layout
    static constexpr int kPixelsPerTick = 28;
    Series& series(Run& run, Kind kind);
    void add(int run, Kind kind, double x, double loss, double accuracy);
    void thin(Series& s);
    void setGraphData(Series& s); // the points, with NaN at the gaps
    void scheduleReplot();
    void replotNow();
    void updateGaps(); // the dirty runs' bands, and the legend's gap entry if any band shows
    void colourGaps(); // the palette's gap shade
    void rescale();

    QCustomPlot* m_plot;
    QCPAxisRect* m_lossRect;
    QCPAxisRect* m_accuracyRect;
    QCPTextElement* m_caption;
    std::map<int, Run> m_runs;
    bool m_logLoss = false;
    bool m_gapShown = false; // a shown run has a gap: the caption explains the shade
    bool m_follow = true; // rescale to the data until the user zooms or drags
    app::RedrawCoalescer* m_replots; // <= 10 replots a second

public:
    // --- For the runs table (app::RunRegistry) ----------------------------------------------
    // The palette's colour `colorIndex` (beginRun gives run n the colour (n - 1) % 8).
    static QColor runColor(int colorIndex);
    void setRunColor(int run, int colorIndex); // curves and marks
    // The first palette colour no shown run has (after all eight, the least used one), for
    // curves added beside the window's runs (a sweep's runs) so that no two look alike.
    int unusedColor() const;
    // The legend's "Run N" becomes `name` (the setup and marks after it stay).
    void renameRun(int run, const QString& name);
    void removeRun(int run); // its curves, marks and legend entry
};

} // namespace nnlab::ui
