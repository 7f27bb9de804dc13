#include "on_screen.h"

#include <QAction>
#include <QDockWidget>
#include <QGuiApplication>
#include <QRegion>
#include <QScreen>
#include <QWidget>

namespace nnlab::ui {

bool isOnScreen(const QWidget* widget)
{
    return widget && widget->isVisible() && !widget->visibleRegion().isEmpty();
}

void setViewShortcut(QDockWidget* dock, const QKeySequence& key, std::function<void()> show)
{
    QAction* toggle = dock->toggleViewAction();
    toggle->setShortcut(key); // the View menu shows it; it answers only while the menu is open
    toggle->setShortcutContext(Qt::WidgetShortcut);
    auto* bring = new QAction(dock);
    bring->setObjectName(dock->objectName() + QStringLiteral("Shortcut"));
    bring->setShortcut(key);
    bring->setShortcutContext(Qt::WindowShortcut);
    if (!show)
        show = [dock] {
            dock->show();
            dock->raise();
        };
    QObject::connect(bring, &QAction::triggered, dock, [dock, show] {
        if (isOnScreen(dock))
            dock->hide();
        else
            show();
    });
    if (QWidget* window = dock->parentWidget())
        window->addAction(bring);
}

QSize firstWindowSize(const QWidget* window)
{
    const QSize designed(1600, 1000);
    const QScreen* screen = window->screen();
    if (!screen || QGuiApplication::platformName() == QLatin1String("offscreen"))
        return designed;
    const QSize room = screen->availableGeometry().size() - QSize(0, 40); // the title bar
    return designed.boundedTo(room).expandedTo(QSize(640, 480));
}

} // namespace nnlab::ui
