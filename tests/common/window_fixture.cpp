#include "window_fixture.h"

#include "ui/digit_canvas.h"

#include <QAbstractSpinBox>
#include <QMenu>
#include <QMenuBar>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QtTest>

namespace nnlab::test {

std::unique_ptr<ui::MainWindow> openMainWindow(const QString& settingsFile, bool restore)
{
    ui::MainWindow::Options o;
    o.settingsFile = settingsFile;
    o.restoreSettings = restore;
    o.askToSaveOnQuit = false;
    o.askBeforeDiscard = false;
    return openMainWindow(o);
}

std::unique_ptr<ui::MainWindow> openMainWindow(const ui::MainWindow::Options& options)
{
    auto w = std::make_unique<ui::MainWindow>(options);
    QSignalSpy ready(w.get(), &ui::MainWindow::dataReady);
    w->show();
    w->activateWindow();
    if (!w->isDataReady())
        ready.wait(20000);
    return w;
}

void typeInto(QAbstractSpinBox* box, const QString& text)
{
    box->setFocus();
    QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(box, text);
    QTest::keyClick(box, Qt::Key_Return);
}

void drawStroke(ui::DigitCanvas* canvas, QPointF from, QPointF to)
{
    const QRect s = canvas->square();
    auto at = [&](QPointF p) { return QPointF(s.left() + p.x() * s.width(), s.top() + p.y() * s.height()); };
    QTest::mousePress(canvas, Qt::LeftButton, {}, at(from).toPoint());
    for (int i = 1; i <= 10; ++i) {
        const QPointF p = at(from + (to - from) * (i / 10.0));
        QMouseEvent move(QEvent::MouseMove, p, canvas->mapToGlobal(p), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(canvas, &move);
    }
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, at(to).toPoint());
}

QAction* menuAction(ui::MainWindow* window, const QString& menu, const QString& text)
{
    for (QAction* m : window->menuBar()->actions())
        if (m->text() == menu && m->menu())
            for (QAction* a : m->menu()->actions())
                if (a->text() == text)
                    return a;
    return nullptr;
}

} // namespace nnlab::test
