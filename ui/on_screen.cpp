#include "on_screen.h"

#include <QGuiApplication>
#include <QRegion>
#include <QScreen>
#include <QWidget>

namespace nnlab::ui {

bool isOnScreen(const QWidget* widget)
{
    return widget && widget->isVisible() && !widget->visibleRegion().isEmpty();
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
