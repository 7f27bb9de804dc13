// Whether a view can be seen, so that views out of sight do no work while the network trains.
#pragma once

class QWidget;

namespace nnlab::ui {

// True when some of `widget` is on its window: shown, and not in a dock tab behind another.
// (QWidget::isVisible() is true for those too: Qt moves a tabbed dock that is not the current
// tab off its window rather than hiding it, so it gets no hide or show event either; the dock's
// visibilityChanged signal says when its tab is chosen.)
bool isOnScreen(const QWidget* widget);

} // namespace nnlab::ui
