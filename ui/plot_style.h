// The plots' look in one place: axes, grid, text and legend follow the widget's palette and font.
#pragma once

#include <QColor>

class QCustomPlot;
class QPalette;

namespace nnlab::ui {

// Colours a plot from `palette`: the background is Base; axes, ticks, tick labels, axis labels,
// captions and the legend's text are Text; the grid is Text faded towards Base. Fonts follow the
// plot's own font (the application font unless set): each axis, legend, caption and item keeps
// the size it had relative to the font when it was first styled (a caption at 0.9x stays 0.9x).
// Pens of curves and bars in the old text colour (outlines, markers) take the new one.
void stylePlot(QCustomPlot* plot, const QPalette& palette);

// stylePlot now and again on every palette or font change of `plot` (a dark palette, the
// presentation mode's larger font), then a queued replot. Views call it once, after building
// their axes and legend.
void followPalette(QCustomPlot* plot);

// The colour of "right" (green) and "wrong" (red) text, readable on the palette's Base.
QColor answerColor(bool right, const QPalette& palette);

// The overfitting gap's fill on the learning curves: the palette's Text, translucent (a grey
// that darkens a light Base and lightens a dark one; the grid and the curves show through).
QColor gapShade(const QPalette& palette);

// True when the palette's Base is dark (light text on a dark background).
bool isDark(const QPalette& palette);

} // namespace nnlab::ui
