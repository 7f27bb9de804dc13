// The learner's digits in the window, as a person adds one (issue 20, item 3): draw a 7 with the
// mouse, type 7 into "This is a", click Add: the training set is MNIST's 60,000 plus that one,
// the Training images control reaches 60,001, the draw view counts it and the gallery's "Mine
// only" shows it, marked. Opening a 1-image CSV is allowed, with a warning in the lesson's words,
// and the Training images control then goes no higher than 1.
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include "ui/control_panel.h"
#include "ui/digit_canvas.h"
#include "ui/digit_gallery.h"
#include "ui/draw_panel.h"

#include "app/lab/lab_session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;

class TestMyDigitsWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static void showDock(ui::MainWindow& w, const char* name)
    {
        auto* d = w.findChild<QDockWidget*>(QLatin1String(name));
        QVERIFY(d);
        d->show();
        d->raise();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::useBundledDataAndModel();
        // The app data folder, where my-digits.csv is kept: never the user's in a test.
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("data-home"))));
    }

    void drawnDigitJoinsTheTrainingSet()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
        QVERIFY(w->isDataReady());
        QCOMPARE(w->session()->data().train->size(), std::size_t(60000));

        showDock(*w, "drawDock");
        ui::DrawPanel* panel = w->drawPanel();
        QTRY_VERIFY(panel->isVisible());
        QVERIFY2(panel->userDatasetPath().startsWith(m_dir.path()),
                 qPrintable(panel->userDatasetPath()));
        test::drawStroke(panel->canvas(), {0.3, 0.2}, {0.7, 0.2}); // a 7
        test::drawStroke(panel->canvas(), {0.7, 0.2}, {0.45, 0.85});
        QTRY_VERIFY(panel->result().seen.has_value());
        test::typeInto(panel->labelBox(), QStringLiteral("7"));
        QCOMPARE(panel->labelBox()->value(), 7);
        QTest::mouseClick(panel->addButton(), Qt::LeftButton);

        QTRY_COMPARE(w->session()->data().train->size(), std::size_t(60001));
        QCOMPARE(w->controls()->trainingSize()->maximum(), 60001);
        QVERIFY(QFile::exists(panel->userDatasetPath()));
        const QString note = panel->myDigitsNote()->text();
        QVERIFY2(note.contains(QLatin1String("1 of your digits in the training set")),
                 qPrintable(note));
        QVERIFY(panel->trainButton()->isEnabled());

        showDock(*w, "galleryDock");
        ui::DigitGallery* g = w->gallery();
        QTRY_VERIFY(g->isVisible());
        g->setChoice()->setCurrentIndex(1); // the training images
        QVERIFY(!g->showsTestSet());
        QCOMPARE(g->count(), 60001);
        QVERIFY(g->mineOnly()->isEnabled());
        QTest::mouseClick(g->mineOnly(), Qt::LeftButton);
        QVERIFY(g->mineOnly()->isChecked());
        QCOMPARE(g->count(), 1);
        const QModelIndex mine = g->model()->index(0);
        QVERIFY(mine.data(ui::DigitListModel::MineRole).toBool());
        QCOMPARE(mine.data(ui::DigitListModel::TrueLabelRole).toInt(), 7);
        QCOMPARE(mine.data(ui::DigitListModel::IndexRole).toULongLong(), 60000ULL);
        QVERIFY(mine.data(Qt::ToolTipRole).toString().contains(QLatin1String("mine")));
    }

    void aOneImageSetIsAllowedWithAWarning()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("settings-one.ini")));
        QVERIFY(w->isDataReady());
        const QString csv = m_dir.filePath(QStringLiteral("one-seven.csv"));
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray line("7");
            for (int i = 0; i < 784; ++i)
                line += (i % 28 == 14 && i / 28 > 4 && i / 28 < 24) ? ",255" : ",0";
            f.write(line + '\n');
        }
        QSignalSpy messages(w.get(), &ui::MainWindow::messageShown);
        QSignalSpy ready(w->session(), &app::LabSession::dataReady);
        w->openDataFiles({csv});
        QVERIFY(ready.wait(20000));
        QCOMPARE(w->session()->data().train->size(), std::size_t(1)); // allowed
        QTRY_VERIFY(!messages.isEmpty());
        const QString warning = messages.first().at(0).toString();
        QVERIFY2(warning.contains(QLatin1String("answers 7 for everything")), qPrintable(warning));
        QCOMPARE(w->controls()->trainingSize()->maximum(), 1);
        QCOMPARE(w->controls()->trainingSize()->value(), 1);
    }
};

QTEST_MAIN(TestMyDigitsWindow)
#include "tst_my_digits_window.moc"
