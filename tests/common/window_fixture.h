// The main window as the widget tests open it, and typing into its controls as a person does.
#pragma once

#include "ui/main_window.h"

#include <QString>

#include <memory>

class QAbstractSpinBox;
class QAction;
class QPointF;

namespace nnlab::ui {
class DigitCanvas;
}

namespace nnlab::test {

// The main window with its settings in `settingsFile` (read only if `restore`; no question on
// quit or before trained weights are replaced), shown and active, once its data has loaded
// (waits up to 20 s; the bundled data, see useBundledDataAndModel()). isDataReady() says
// whether it did.
std::unique_ptr<ui::MainWindow> openMainWindow(const QString& settingsFile, bool restore = false);
// The same with `options` as given (the tests of those questions).
std::unique_ptr<ui::MainWindow> openMainWindow(const ui::MainWindow::Options& options);

// Types a value into a spin box as a person would: focus, select all, type, Enter.
void typeInto(QAbstractSpinBox* box, const QString& text);

// The action `text` of the menu bar's menu `menu` ("Training", "Again from the same start"), or
// null.
QAction* menuAction(ui::MainWindow* window, const QString& menu, const QString& text);

// A straight stroke with the left button held, from `from` to `to` given in fractions of the
// canvas's square (0,0 its top left, 1,1 its bottom right), in ten mouse moves.
void drawStroke(ui::DigitCanvas* canvas, QPointF from, QPointF to);

} // namespace nnlab::test
