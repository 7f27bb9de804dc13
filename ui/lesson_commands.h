// The lesson in the window (issue 14): the Lesson dock ("lessonDock", a tab beside the Controls once opened),
// Help ▸ Lesson (F1) and View ▸ Lesson, app::LessonSession behind the panel, each step's view
// shown when it is set up, and the dock offered (shown) once on the first start. The main window
// only installs it.
#pragma once

#include <QObject>

class QAction;
class QDockWidget;
class QScrollArea;
class QSettings;

namespace nnlab::app {
class LessonSession;
} // namespace nnlab::app

namespace nnlab::ui {

class LessonPanel;
class MainWindow;

class LessonCommands : public QObject
{
    Q_OBJECT

public:
    // After the window's menus are built, before its state is restored. offerOnFirstStart: show
    // the dock if these settings never showed it (the real window; tests pass false).
    LessonCommands(MainWindow* window, QSettings* settings, bool offerOnFirstStart);

    QDockWidget* dock() const { return m_dock; }
    LessonPanel* panel() const { return m_panel; }
    app::LessonSession* session() const { return m_session; }
    QAction* lessonAction() const { return m_open; } // Help ▸ Lesson

    static constexpr char kOfferedKey[] = "lesson/offered";

private:
    void showCurrent();
    void showView(int index);
    void showChecked(int index);
    void open();

    MainWindow* m_window;
    app::LessonSession* m_session;
    LessonPanel* m_panel;
    QDockWidget* m_dock;
    QScrollArea* m_scroll = nullptr;
    QAction* m_open;
    // Scrolls the panel (a column the Controls' height) to `widget` once it is laid out.
    void bringIntoView(QWidget* widget);
};

} // namespace nnlab::ui
