// Whether a view can be seen, so that views out of sight do no work while the network trains.
#pragma once

#include <QSize>

#include <functional>

class QDockWidget;
class QKeySequence;
class QWidget;

namespace nnlab::ui {

// True when some of `widget` is on its window: shown, and not in a dock tab behind another.
// (QWidget::isVisible() is true for those too: Qt moves a tabbed dock that is not the current
// tab off its window rather than hiding it, so it gets no hide or show event either; the dock's
// visibilityChanged signal says when its tab is chosen.)
bool isOnScreen(const QWidget* widget);

// Gives a view's dock its key (Ctrl+1 ... Ctrl+0), shown beside it in the View menu: the key
// brings the view into sight when it is closed or a tab behind another (`show`, by default
// show() and raise()), and closes it when it is in sight. (The dock's own toggle action would
// close a view that sits behind a tab: a learner pressing Ctrl+7 for the Runs lost them.)
// Call once the dock is in its window.
void setViewShortcut(QDockWidget* dock, const QKeySequence& key, std::function<void()> show = {});

// The main window's size at its first start: 1600 x 1000 (every view at once), within the free
// area of `window`'s screen less room for a title bar, so a laptop's 1366 x 768 shows it whole.
// The offscreen platform (tests, --screenshot) always gets 1600 x 1000: its screen is a nominal
// 800 x 600.
QSize firstWindowSize(const QWidget* window);

} // namespace nnlab::ui
