// View ▸ Presentation mode (F11): larger text in the panels and the plots for a projector,
// the exact sizes back when it is turned off, and remembered between starts.
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/control_panel.h"
#include "ui/learning_curves.h"
#include "ui/view_options.h"

#include <qcustomplot.h>

#include <QAction>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using ui::ViewOptions;

class TestPresentationMode : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static QCPAxis* epochAxis(ui::MainWindow* w) // the loss plot's x axis
    {
        return w->curves()->plot()->axisRects().first()->axis(QCPAxis::atBottom);
    }
    static QCPAxis* lossAxis(ui::MainWindow* w) // its y axis, named in a smaller font
    {
        return w->curves()->plot()->axisRects().first()->axis(QCPAxis::atLeft);
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        QVERIFY(m_dir.isValid());
    }

    void f11EnlargesRestoresAndIsRemembered()
    {
        const QString file = m_dir.filePath(QStringLiteral("presenting.ini"));
        auto w = test::openMainWindow(file, true);
        QVERIFY(QTest::qWaitForWindowActive(w.get()));
        const QFont tick = epochAxis(w.get())->tickLabelFont();
        const QFont label = lossAxis(w.get())->labelFont();
        const QFont legend = w->curves()->plot()->legend->font();
        const QFont controls = w->controls()->font();
        QVERIFY(tick.pointSizeF() > 0 && controls.pointSizeF() > 0);
        QVERIFY(!w->viewOptions()->presentationAction()->isChecked());

        QTest::keyClick(w.get(), Qt::Key_F11);
        QVERIFY(w->viewOptions()->presentationAction()->isChecked());
        const double k = ViewOptions::kPresentationScale;
        QTRY_VERIFY(qFuzzyCompare(w->controls()->font().pointSizeF(), controls.pointSizeF() * k));
        QTRY_VERIFY(qFuzzyCompare(epochAxis(w.get())->tickLabelFont().pointSizeF(), tick.pointSizeF() * k));
        QVERIFY(qFuzzyCompare(lossAxis(w.get())->labelFont().pointSizeF(), label.pointSizeF() * k));
        QVERIFY(qFuzzyCompare(w->curves()->plot()->legend->font().pointSizeF(), legend.pointSizeF() * k));
        QCOMPARE(QSettings(file, QSettings::IniFormat).value(ViewOptions::kPresentationKey).toBool(), true);

        QTest::keyClick(w.get(), Qt::Key_F11);
        QVERIFY(!w->viewOptions()->presentationAction()->isChecked());
        QTRY_COMPARE(w->controls()->font(), controls);
        QTRY_COMPARE(epochAxis(w.get())->tickLabelFont(), tick);
        QCOMPARE(lossAxis(w.get())->labelFont(), label);
        QCOMPARE(w->curves()->plot()->legend->font(), legend);
        QCOMPARE(QSettings(file, QSettings::IniFormat).value(ViewOptions::kPresentationKey).toBool(), false);

        // On again, then a new window with the same settings starts presenting.
        QTest::keyClick(w.get(), Qt::Key_F11);
        QTRY_VERIFY(qFuzzyCompare(epochAxis(w.get())->tickLabelFont().pointSizeF(), tick.pointSizeF() * k));
        w->close();
        w.reset();
        auto again = test::openMainWindow(file, true);
        QVERIFY(again->viewOptions()->presentationAction()->isChecked());
        QVERIFY(qFuzzyCompare(again->controls()->font().pointSizeF(), controls.pointSizeF() * k));
        QVERIFY(qFuzzyCompare(epochAxis(again.get())->tickLabelFont().pointSizeF(), tick.pointSizeF() * k));
        again->viewOptions()->presentationAction()->trigger();
        QTRY_COMPARE(again->controls()->font(), controls);
        QCOMPARE(epochAxis(again.get())->tickLabelFont(), tick);
    }

    // Without restoring settings (--no-settings, the screenshots) it starts with normal text.
    void notRestoredWithoutSettings()
    {
        const QString file = m_dir.filePath(QStringLiteral("ignored.ini"));
        QSettings(file, QSettings::IniFormat).setValue(ViewOptions::kPresentationKey, true);
        auto w = test::openMainWindow(file, false);
        QVERIFY(!w->viewOptions()->presentationAction()->isChecked());
    }
};

QTEST_MAIN(TestPresentationMode)
#include "tst_presentation_mode.moc"
