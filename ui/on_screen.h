// Whether a view can be seen, so that views out of sight do no work while the network trains.
#pragma once

#include <QSize>

class QWidget;

namespace nnlab::ui {

// True when some of `widget` is on its window: shown, and not in a dock tab behind another.
// (QWidget::isVisible() is true for those too: Qt moves a tabbed dock that is not the current
// tab off its window rather than hiding it, so it gets no hide or show event either; the dock's
// visibilityChanged signal says when its tab is chosen.)
bool isOnScreen(const QWidget* widget);

// The main window's size at its first start: 1600 x 1000 (every view at once), within the free
// area of `window`'s screen less room for a title bar, so a laptop's 1366 x 768 shows it whole.
// The offscreen platform (tests, --screenshot) always gets 1600 x 1000: its screen is a nominal
// 800 x 600.
QSize firstWindowSize(const QWidget* window);

} // namespace nnlab::ui
