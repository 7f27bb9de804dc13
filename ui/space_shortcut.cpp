#include "space_shortcut.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>

namespace nnlab::ui {

SpaceShortcut::SpaceShortcut(QAction* action) : QObject(action), m_action(action)
{
    qApp->installEventFilter(this);
}

bool SpaceShortcut::isTextField(const QWidget* w)
{
    if (!w)
        return false;
    if (qobject_cast<const QTextEdit*>(w) || qobject_cast<const QPlainTextEdit*>(w))
        return true;
    if (const auto* edit = qobject_cast<const QLineEdit*>(w))
        return !qobject_cast<const QAbstractSpinBox*>(edit->parentWidget()) && !edit->isReadOnly();
    return false;
}

bool SpaceShortcut::isInWindowOf(const QWidget* widget) const
{
    const auto* owner = qobject_cast<const QWidget*>(m_action->parent());
    return !owner || widget->window() == owner->window();
}

bool SpaceShortcut::eventFilter(QObject* watched, QEvent* event)
{
    // Before a key reaches the focus widget, Qt asks it (ShortcutOverride) whether it wants the
    // key itself; a spin box's line edit says yes to Space. Refusing for it lets the shortcut run.
    if (event->type() != QEvent::ShortcutOverride)
        return false;
    const auto* key = static_cast<QKeyEvent*>(event);
    if (key->key() != Qt::Key_Space || key->modifiers() != Qt::NoModifier
        || !m_action->isEnabled() || !m_action->shortcut().matches(Qt::Key_Space))
        return false;
    auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget || isTextField(widget) || !isInWindowOf(widget))
        return false;
    QWidget* box = widget;
    while (box && !qobject_cast<QAbstractSpinBox*>(box))
        box = box->parentWidget();
    if (auto* spin = qobject_cast<QAbstractSpinBox*>(box)) {
        if (!spin->hasAcceptableInput())
            return false; // "0" typed where 1 is the least: no start with the number it replaced
        spin->interpretText(); // the number typed so far counts, as Enter would make it
    }
    event->ignore();
    return true;
}

} // namespace nnlab::ui
