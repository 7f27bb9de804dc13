// The window on any screen (issue 18): usable at 1366x768 (no dock below its minimum, every
// control reachable, scrolled where it does not fit), and every plot's axes, ticks, labels, grid,
// legend and background following the palette (a dark one too).
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/learning_curves.h"
#include "ui/pictures.h"
#include "ui/plot_style.h"
#include "ui/view_options.h"

#include <qcustomplot.h>

#include <QAbstractScrollArea>
#include <QDockWidget>
#include <QScrollArea>
#include <QScopeGuard>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace nnlab;

namespace {

// WCAG 2 relative luminance and contrast ratio (1 to 21).
double luminance(const QColor& c)
{
    auto lin = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}

double contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// A dark palette of the test's own (not the app's): light grey text on near-black.
QPalette testDarkPalette()
{
    QPalette p(QColor(50, 50, 50), QColor(20, 20, 24));
    p.setColor(QPalette::Base, QColor(20, 20, 24));
    p.setColor(QPalette::Text, QColor(220, 220, 210));
    p.setColor(QPalette::WindowText, QColor(220, 220, 210));
    return p;
}

QList<QCPAxis*> allAxes(QCustomPlot* plot)
{
    QList<QCPAxis*> axes;
    for (QCPAxisRect* rect : plot->axisRects())
        axes += rect->axes();
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
        if (auto* scale = qobject_cast<QCPColorScale*>(e))
            axes << scale->axis();
    return axes;
}

QString nameOf(const QWidget* w)
{
    return QStringLiteral("%1 '%2'").arg(QString::fromLatin1(w->metaObject()->className()), w->objectName());
}

} // namespace

class TestAnyScreen : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // Every visible widget of `root` lies inside `root` at no less than its minimum size, or is
    // the content of a scroll area (reachable by scrolling) whose width fits when it cannot
    // scroll sideways.
    static void checkReachable(QWidget* root, const QString& dock)
    {
        const QRect bounds = root->rect();
        for (QWidget* w : root->findChildren<QWidget*>()) {
            if (!w->isVisible() || w->isWindow())
                continue;
            bool scrolled = false;
            for (QWidget* p = w->parentWidget(); p; p = p->parentWidget()) {
                if (qobject_cast<QAbstractScrollArea*>(p) && p != w->parentWidget())
                    scrolled = true; // inside a scroll area's viewport
                if (p == root)
                    break;
            }
            if (auto* area = qobject_cast<QScrollArea*>(w); area && area->widget() &&
                area->horizontalScrollBarPolicy() == Qt::ScrollBarAlwaysOff) {
                QVERIFY2(area->widget()->minimumSizeHint().width() <= area->viewport()->width(),
                         qPrintable(QStringLiteral("%1: the content of %2 is cut off on the right (%3 > %4 px)")
                                        .arg(dock, nameOf(w))
                                        .arg(area->widget()->minimumSizeHint().width())
                                        .arg(area->viewport()->width())));
            }
            if (scrolled)
                continue;
            const QRect r(w->mapTo(root, QPoint(0, 0)), w->size());
            QVERIFY2(bounds.contains(r),
                     qPrintable(QStringLiteral("%1: %2 at %3,%4 %5x%6 lies outside the dock's %7x%8")
                                    .arg(dock, nameOf(w))
                                    .arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height())
                                    .arg(bounds.width()).arg(bounds.height())));
            const QSize min = w->minimumSizeHint();
            if (w->sizePolicy().horizontalPolicy() != QSizePolicy::Ignored && min.width() > 0)
                QVERIFY2(w->width() >= min.width(),
                         qPrintable(QStringLiteral("%1: %2 is %3 px wide, less than its minimum %4")
                                        .arg(dock, nameOf(w)).arg(w->width()).arg(min.width())));
            if (w->sizePolicy().verticalPolicy() != QSizePolicy::Ignored && min.height() > 0)
                QVERIFY2(w->height() >= min.height(),
                         qPrintable(QStringLiteral("%1: %2 is %3 px high, less than its minimum %4")
                                        .arg(dock, nameOf(w)).arg(w->height()).arg(min.height())));
        }
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        QVERIFY(m_dir.isValid());
    }

    // A 1366x768 laptop: the window takes that size (its minimum fits), no dock is narrower or
    // shorter than its minimum, and each dock's controls can be seen or scrolled to.
    void fitsA1366x768Screen()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("small.ini")));
        QVERIFY(w->isDataReady());
        w->resize(1366, 768);
        QTRY_COMPARE(w->size(), QSize(1366, 768));
        for (QDockWidget* d : w->findChildren<QDockWidget*>()) {
            d->show();
            d->raise(); // a tab behind another comes to the front
            QCoreApplication::processEvents();
            QTRY_VERIFY(d->widget()->isVisible());
            const QString name = d->windowTitle();
            QVERIFY2(d->width() >= d->minimumSizeHint().width() && d->height() >= d->minimumSizeHint().height(),
                     qPrintable(QStringLiteral("%1 is %2x%3, its minimum %4x%5")
                                    .arg(name).arg(d->width()).arg(d->height())
                                    .arg(d->minimumSizeHint().width()).arg(d->minimumSizeHint().height())));
            checkReachable(d->widget(), name);
            if (QTest::currentTestFailed())
                return;
        }
        // The central learning curves too.
        QVERIFY(w->curves()->width() >= w->curves()->minimumSizeHint().width());
        QVERIFY(w->curves()->height() >= w->curves()->minimumSizeHint().height());
    }

    // At the window's own size (1600x1000) no view scrolls: the Draw view is whole, its canvas,
    // Add to training set and Train on my digits in sight (the views' scroll areas are for small
    // screens only).
    void noViewScrollsAtTheDefaultSize()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("default.ini")));
        QVERIFY(w->isDataReady());
        QCOMPARE(w->size(), QSize(1600, 1000));
        for (const char* name : {"drawDock", "galleryDock", "inspectorDock", "confusionDock", "weightsDock"}) {
            QDockWidget* d = w->dock(QLatin1String(name));
            d->raise();
            QCoreApplication::processEvents();
            auto* scroll = qobject_cast<QScrollArea*>(d->widget());
            QVERIFY2(scroll, name);
            QTRY_VERIFY(scroll->isVisible());
            QVERIFY2(scroll->verticalScrollBar()->maximum() == 0 && scroll->horizontalScrollBar()->maximum() == 0,
                     qPrintable(QStringLiteral("%1 scrolls: %2 x %3 in a %4 x %5 dock")
                                    .arg(QLatin1String(name))
                                    .arg(scroll->widget()->width()).arg(scroll->widget()->height())
                                    .arg(scroll->viewport()->width()).arg(scroll->viewport()->height())));
        }
    }

    // The same with presentation mode's larger text: the controls stay whole (wider, scrolled).
    void controlsStayWholeWithLargerText()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("large.ini")));
        w->resize(1366, 768);
        w->viewOptions()->presentationAction()->setChecked(true);
        QDockWidget* controls = w->dock(QStringLiteral("controlsDock"));
        QTRY_VERIFY(controls->width() >= controls->minimumSizeHint().width());
        checkReachable(controls->widget(), controls->windowTitle());
        w->viewOptions()->presentationAction()->setChecked(false);
    }

    // Axes, ticks, tick labels, axis labels, captions and legend text take the palette's Text;
    // the background its Base; the grid lies between the two. Back to light, they follow back.
    void plotsFollowThePalette()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("dark.ini")));
        w->curves()->beginRun(1, QStringLiteral("run 1"));
        w->curves()->beginRun(2, QStringLiteral("run 2"));
        w->curves()->setRunVisible(2, false); // its legend entry greyed
        const QPalette light = QApplication::palette();
        const auto restore = qScopeGuard([&light] { QApplication::setPalette(light); });
        const QList<QCustomPlot*> plots = w->findChildren<QCustomPlot*>();
        QVERIFY(plots.size() >= 4); // curves, weights, inspector, draw

        for (const QPalette& palette : {testDarkPalette(), light}) {
            QApplication::setPalette(palette);
            QCoreApplication::processEvents();
            const QColor text = palette.color(QPalette::Text), base = palette.color(QPalette::Base);
            for (QCustomPlot* plot : plots) {
                const QString name = nameOf(plot->parentWidget());
                for (QCPAxis* axis : allAxes(plot)) {
                    const QString where = name + QStringLiteral(", axis '%1'").arg(axis->label());
                    for (const QColor& c : {axis->basePen().color(), axis->tickPen().color(),
                                            axis->subTickPen().color(), axis->tickLabelColor(), axis->labelColor()})
                        QVERIFY2(c == text, qPrintable(where + QStringLiteral(": %1, not %2").arg(c.name(), text.name())));
                    const double g = axis->grid()->pen().color().lightnessF();
                    QVERIFY2(g > std::min(text.lightnessF(), base.lightnessF()) &&
                                 g < std::max(text.lightnessF(), base.lightnessF()) &&
                                 std::abs(g - base.lightnessF()) < std::abs(g - text.lightnessF()),
                             qPrintable(name + QStringLiteral(": the grid is not a faint line on the background")));
                }
                for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
                    if (auto* caption = qobject_cast<QCPTextElement*>(e))
                        QCOMPARE(caption->textColor(), text);
                QCOMPARE(plot->toPixmap(400, 300).toImage().pixelColor(1, 1), base);
            }
            QCPLegend* legend = w->curves()->plot()->legend;
            QCOMPARE(legend->textColor(), text);
            QCOMPARE(legend->itemCount(), 2);
            int shown = 0; // the hidden run's entry stays greyed, yet readable
            for (int i = 0; i < legend->itemCount(); ++i)
                if (legend->item(i)->textColor() == text)
                    ++shown;
                else
                    QVERIFY2(contrast(legend->item(i)->textColor(), base) > 1.5,
                             qPrintable(legend->item(i)->textColor().name()));
            QCOMPARE(shown, 1);
        }
    }

    // View ▸ Dark colours: the application's palette turns dark and the plots follow; off, the
    // palette it had comes back.
    void darkColoursAction()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("action.ini")));
        const QColor lightText = QApplication::palette().color(QPalette::Text);
        QCPAxis* axis = w->curves()->plot()->axisRects().first()->axis(QCPAxis::atBottom);
        w->viewOptions()->darkAction()->trigger();
        QVERIFY(ui::isDark(QApplication::palette()));
        QTRY_COMPARE(axis->tickLabelColor(), QApplication::palette().color(QPalette::Text));
        QVERIFY(contrast(axis->tickLabelColor(), QApplication::palette().color(QPalette::Base)) >= 7);
        w->viewOptions()->darkAction()->trigger();
        QCOMPARE(QApplication::palette().color(QPalette::Text), lightText);
        QTRY_COMPARE(axis->tickLabelColor(), lightText);
    }

    // At 200% a digit's pixmap has twice the device pixels and hard edges: every pixel is ink
    // or paper, none a blend that smoothing would make.
    void digitsAreCrispAtTwiceTheScale()
    {
        QImage digit(2, 1, QImage::Format_Grayscale8);
        digit.scanLine(0)[0] = 0;
        digit.scanLine(0)[1] = 255;
        const QPixmap p = ui::pixelPixmap(digit, 4, 2.0);
        QCOMPARE(p.devicePixelRatio(), 2.0);
        QCOMPARE(p.size(), QSize(16, 8));
        QCOMPARE(p.deviceIndependentSize(), QSizeF(8, 4));
        const QImage device = p.toImage();
        for (int x = 0; x < device.width(); ++x)
            QCOMPARE(qGray(device.pixel(x, 4)), x < 8 ? 0 : 255);
    }

    // The gallery's right (green) and wrong (red) answers are readable on either background
    // (WCAG AA: contrast >= 4.5).
    void answerColoursAreReadable()
    {
        for (const QPalette& p : {QPalette(Qt::white), ui::ViewOptions::darkPalette(), testDarkPalette()}) {
            QPalette palette = p;
            if (palette.color(QPalette::Base) != Qt::white && !ui::isDark(palette))
                palette.setColor(QPalette::Base, Qt::white);
            for (bool right : {true, false})
                QVERIFY2(contrast(ui::answerColor(right, palette), palette.color(QPalette::Base)) >= 4.5,
                         qPrintable(palette.color(QPalette::Base).name()));
        }
    }
};

QTEST_MAIN(TestAnyScreen)
#include "tst_any_screen.moc"
