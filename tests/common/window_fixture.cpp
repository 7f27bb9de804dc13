#include "window_fixture.h"

#include <QAbstractSpinBox>
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

} // namespace nnlab::test
