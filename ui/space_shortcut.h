// Space starts and pauses training from any widget but a text field: lets an action's Space
// shortcut through the spin boxes and combo boxes that would otherwise keep the key.
#pragma once

#include <QObject>

class QAction;

namespace nnlab::ui {

class SpaceShortcut : public QObject
{
    Q_OBJECT

public:
    // Installs itself on the application; `action` should have Space as an application shortcut.
    explicit SpaceShortcut(QAction* action);

    // A line edit of its own, a text edit: Space types a space there. A spin box's line edit is
    // no text field (Space starts, after the typed number is taken).
    static bool isTextField(const QWidget* widget);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    bool isInWindowOf(const QWidget* widget) const; // the action's window, if it has one

    QAction* m_action;
};

} // namespace nnlab::ui
