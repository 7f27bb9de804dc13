// The View menu's display choices for the whole application: dark colours and presentation mode
// (larger text for a projector), both remembered in the settings.
#pragma once

#include <QObject>
#include <QPalette>

class QAction;
class QMenu;
class QScrollArea;
class QSettings;

namespace nnlab::ui {

class ViewOptions : public QObject
{
    Q_OBJECT

public:
    static constexpr double kPresentationScale = 1.6; // the application font's size, x
    static constexpr char kDarkKey[] = "view/darkColours";
    static constexpr char kPresentationKey[] = "view/presentation";

    // `window` gets the actions' shortcuts (F11). restore: start as `settings` remember;
    // dark: dark colours whatever they remember (nnlab --dark).
    ViewOptions(QSettings* settings, bool restore, bool dark, QWidget* window);

    void addTo(QMenu* view);
    QAction* darkAction() const { return m_dark; }
    QAction* presentationAction() const { return m_presentation; }

    // Fusion's colours turned dark: light text on dark grey, blue selection.
    static QPalette darkPalette();
    // Keeps `scroll` as wide as its widget asks, also when the font grows (presentation mode),
    // so that nothing in it is cut off on the right; it scrolls vertically.
    static void keepWideEnough(QScrollArea* scroll);
    // `view` in a frameless scroll area: a dock smaller than the view's minimum (a 1366x768
    // screen) scrolls to the rest of it instead of pushing the window past the screen.
    static QScrollArea* scrollable(QWidget* view);

private:
    void setDark(bool on);
    void setPresenting(bool on);

    QSettings* m_settings;
    QAction* m_dark;
    QAction* m_presentation;
};

} // namespace nnlab::ui
