// Views out of sight (a dock tab behind another) do no work while the network changes, and catch
// up when their tab is chosen: the draw panel and the weight heatmaps in the main window.
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/digit_canvas.h"
#include "ui/digit_gallery.h"
#include "ui/draw_panel.h"
#include "ui/on_screen.h"
#include "ui/weight_heatmaps.h"

#include <QDockWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;

class TestOnScreen : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<ui::MainWindow> open()
    {
        return test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
    }

    void viewsOutOfSightDoNoWork()
    {
        // Qt keeps a dock tab that is behind another "visible" (it moves it off the window), so
        // views must ask isOnScreen: a view out of sight does no work while the network trains,
        // and catches up when its tab is chosen.
        auto w = open();
        QTRY_VERIFY(w->snapshot().network != nullptr);
        QDockWidget* drawDock = w->dock(QStringLiteral("drawDock"));
        QDockWidget* galleryDock = w->dock(QStringLiteral("galleryDock"));
        ui::DrawPanel* draw = w->drawPanel();
        QVERIFY(ui::isOnScreen(w->gallery()));
        QVERIFY(draw->isVisible());
        QVERIFY(!ui::isOnScreen(draw)); // the default layout: Draw is a tab behind Digits

        // Something drawn, so that each new network is a new classification.
        drawDock->raise();
        QTRY_VERIFY(ui::isOnScreen(draw));
        ui::DigitCanvas* canvas = draw->canvas();
        const QRect sq = canvas->square();
        QTest::mousePress(canvas, Qt::LeftButton, {}, sq.center() - QPoint(0, sq.height() / 4));
        for (int i = 1; i <= 10; ++i) {
            const QPointF p = sq.center() + QPointF(0, (i / 10.0 - 0.25) * sq.height() / 2);
            QMouseEvent move(QEvent::MouseMove, p, canvas->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(canvas, &move);
        }
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, sq.center() + QPoint(0, sq.height() / 4));
        QTRY_VERIFY(draw->classifications() > 0);
        galleryDock->raise();
        QTRY_VERIFY(!ui::isOnScreen(draw));
        QTRY_VERIFY(!draw->classificationPending());
        const int classified = draw->classifications();

        // The weights dock moved behind the confusion matrix: out of sight too.
        QDockWidget* weightsDock = w->dock(QStringLiteral("weightsDock"));
        w->tabifyDockWidget(w->dock(QStringLiteral("confusionDock")), weightsDock);
        w->dock(QStringLiteral("confusionDock"))->raise();
        QTRY_VERIFY(!ui::isOnScreen(w->heatmaps())); // from now on it cannot redraw (redraw() asks)
        const int redrawn = w->heatmaps()->redraws();

        // New weights (Ctrl+R): neither hidden view draws them.
        QSignalSpy snapshots(w.get(), &ui::MainWindow::snapshotChanged);
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        QVERIFY(snapshots.wait(5000));
        // Nothing is drawn: the draw panel schedules nothing out of sight, and the heatmaps' due
        // refresh finds them out of sight.
        QVERIFY(!draw->classificationPending());
        QTRY_VERIFY(!w->heatmaps()->refreshPending());
        QCOMPARE(draw->classifications(), classified);
        QCOMPARE(w->heatmaps()->redraws(), redrawn);

        // Their tabs chosen, they show the new network.
        drawDock->raise();
        QTRY_COMPARE(draw->classifications(), classified + 1);
        weightsDock->raise();
        QTRY_COMPARE(w->heatmaps()->redraws(), redrawn + 1);
    }
};

QTEST_MAIN(TestOnScreen)
#include "tst_on_screen.moc"
