#include "on_screen.h"

#include <QRegion>
#include <QWidget>

namespace nnlab::ui {

bool isOnScreen(const QWidget* widget)
{
    return widget && widget->isVisible() && !widget->visibleRegion().isEmpty();
}

} // namespace nnlab::ui
