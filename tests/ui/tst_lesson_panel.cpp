// The Lesson view in the window as a learner walks it (issue 14), offscreen: F1 opens it; every
// step, in order, is set up with the mouse (its view comes to the front), answered, run, and its
// check is waited for and must say the lesson's figure was found; Next is pressed with the
// keyboard once. The bundled MNIST is the window's data, as a learner has it: the sweeps test on
// all 10,000 test images, the "all 60,000 images" step trains the lesson's 2 epochs on one seed
// (about a second a run here). A new window on the same settings shows the progress again.
#include "tests/common/window_fixture.h"

#include "app/lab/lesson_session.h"
#include "ui/lesson_commands.h"
#include "ui/lesson_panel.h"
#include "ui/network_view.h"
#include "ui/on_screen.h"

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAction>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QRadioButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>

using namespace nnlab;

namespace {

ui::LessonCommands* lessonOf(ui::MainWindow* w)
{
    return w->findChild<ui::LessonCommands*>();
}

} // namespace

class TestLessonPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString settingsFile() const { return m_dir.filePath(QStringLiteral("settings.ini")); }

private slots:
    void walkEveryStep()
    {
        QElapsedTimer clock;
        clock.start();
        auto w = test::openMainWindow(settingsFile());
        QVERIFY(w->isDataReady());
        ui::LessonCommands* lesson = lessonOf(w.get());
        QVERIFY(lesson);
        QVERIFY(!lesson->dock()->isVisible()); // no first-start offer in a test window

        QTest::keyClick(w.get(), Qt::Key_F1);
        QTRY_VERIFY(lesson->dock()->isVisible());
        ui::LessonPanel* panel = lesson->panel();
        app::LessonSession* session = lesson->session();
        const int count = session->count();
        QCOMPARE(session->currentIndex(), 0);

        for (int i = 0; i < count; ++i) {
            const app::LessonStep& step = session->steps()[std::size_t(i)];
            QVERIFY2(panel->progressText().startsWith(QStringLiteral("Step %1 of %2").arg(i + 1).arg(count)),
                     qPrintable(panel->progressText()));
            QVERIFY(!panel->runButton()->isEnabled()); // not before an answer

            QTest::mouseClick(panel->setUpButton(), Qt::LeftButton);
            if (const QString dock = app::viewDockName(step.view); !dock.isEmpty())
                QTRY_VERIFY2(w->dock(dock)->isVisible(), qPrintable(step.id));
            if (step.view == app::LessonView::Network && step.run.toyNet) { // the lesson's toy net 3-5-2
                ui::NetworkView* net = w->dock(QStringLiteral("networkDock"))->findChild<ui::NetworkView*>();
                QCOMPARE(net->model()->mode(), app::NetworkViewModel::Mode::Toy);
                QCOMPARE(net->model()->layerSizes(), (std::vector<int>{3, 5, 2}));
                QVERIFY(ui::isOnScreen(net));
            } else if (step.view == app::LessonView::Network) { // the digit net on the lesson's first image
                ui::NetworkView* net = w->dock(QStringLiteral("networkDock"))->findChild<ui::NetworkView*>();
                QTRY_VERIFY2(net->model()->ready(), qPrintable(step.id));
                QVERIFY2(net->model()->source().contains(QStringLiteral("Training image 0")), qPrintable(net->model()->source()));
                QVERIFY(ui::isOnScreen(net));
                QCOMPARE(net->model()->phase(),
                         step.id == QLatin1String("backpropagation") ? app::NetworkPhase::Carried : app::NetworkPhase::Forward);
            }
            QVERIFY2(panel->isVisible(), qPrintable(step.id)); // the view and the lesson side by side
            // The Lesson column is as short as the Controls: set up, it scrolls Run into sight.
            QTRY_VERIFY2(!panel->runButton()->visibleRegion().isEmpty(), qPrintable(step.id));

            QCOMPARE(panel->choiceButtons().size(), step.question.choices.size());
            QRadioButton* right = panel->choiceButtons()[step.question.right];
            QTRY_VERIFY(right->isVisible());
            if (i == 0) // the keyboard: Alt and the choice's number
                QTest::keyClick(w.get(), Qt::Key(Qt::Key_1 + step.question.right), Qt::AltModifier);
            else
                QTest::mouseClick(right, Qt::LeftButton, {}, QPoint(6, right->height() / 2)); // on its circle
            QTRY_VERIFY(right->isChecked());
            QCOMPARE(session->answer(i), std::optional<int>(step.question.right));
            QVERIFY(panel->runButton()->isEnabled());

            QTest::mouseClick(panel->runButton(), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(!session->isRunning(), 60'000);
            QVERIFY2(session->passed(i), qPrintable(step.id + QStringLiteral(": ") + panel->verdictText()));
            QVERIFY2(panel->verdictText().startsWith(QStringLiteral("✓")), qPrintable(panel->verdictText()));
            QTRY_VERIFY2(!panel->verdictLabel()->visibleRegion().isEmpty(), qPrintable(step.id)); // and the verdict
            if (step.run.kind == app::LessonRunKind::FeedForward && !step.run.toyNet)
                QVERIFY2(panel->sigmoidPlot()->isVisible(), qPrintable(step.id)); // h_input on the sigmoid
            qInfo("%s: %s (%.1f s)", qPrintable(step.id), qPrintable(panel->verdictText()), clock.elapsed() / 1000.0);
            // README's pictures: NNLAB_LESSON_SCREENSHOTS=<folder> grabs the window at three steps.
            if (const QString folder = qEnvironmentVariable("NNLAB_LESSON_SCREENSHOTS");
                !folder.isEmpty() && QStringList{"scaling", "gradient-step", "hidden-nodes"}.contains(step.id)) {
                QCoreApplication::processEvents(); // the queued replots
                QVERIFY(w->grab().save(QStringLiteral("%1/lesson-%2.png").arg(folder, step.id)));
            }

            if (i + 1 < count) {
                if (i == 0) { // the keyboard reaches Next: Enter on it (Space is Start everywhere)
                    panel->nextButton()->setFocus();
                    QTest::keyClick(panel->nextButton(), Qt::Key_Return);
                } else {
                    QTest::mouseClick(panel->nextButton(), Qt::LeftButton);
                }
                QCOMPARE(session->currentIndex(), i + 1);
            }
        }
        QCOMPARE(session->passedCount(), count);
        QVERIFY(!panel->nextButton()->isEnabled());
        qInfo("the whole walk: %.1f s", clock.elapsed() / 1000.0); // issue 14 asks for < 60 s

        // Back shows the previous step as it was left: answered and checked.
        QTest::mouseClick(panel->backButton(), Qt::LeftButton);
        QCOMPARE(session->currentIndex(), count - 2);
        QVERIFY(panel->choiceButtons()[session->current().question.right]->isChecked());
        QVERIFY(panel->verdictText().startsWith(QStringLiteral("✓")));
    }

    // A new window on the same settings: the same step, every check still counted.
    void progressIsRemembered()
    {
        auto w = test::openMainWindow(settingsFile());
        ui::LessonCommands* lesson = lessonOf(w.get());
        QVERIFY(lesson);
        const int count = lesson->session()->count();
        QCOMPARE(lesson->session()->currentIndex(), count - 2);
        QCOMPARE(lesson->session()->passedCount(), count);
        QCOMPARE(lesson->panel()->progressText(),
                 QStringLiteral("Step %1 of %2 · %2 checked").arg(count - 1).arg(count));
    }

    // The Help menu offers the lesson; a window whose settings never saw it offers it by itself.
    void offeredOnFirstStart()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("first.ini"));
        auto w = test::openMainWindow(file, true);
        QVERIFY(test::menuAction(w.get(), QStringLiteral("&Help"), QStringLiteral("&Lesson")));
        ui::LessonCommands* lesson = lessonOf(w.get());
        QTRY_VERIFY(lesson->dock()->isVisible());
        // The offer leaves the docks as a window without it has them: the Weights as wide, the
        // bottom views as high (it once gave the Controls the window's height).
        auto without = test::openMainWindow(dir.filePath(QStringLiteral("offered.ini")), false);
        QVERIFY(!lessonOf(without.get())->dock()->isVisible());
        for (const char* name : {"weightsDock", "galleryDock", "confusionDock", "controlsDock"}) {
            const QSize offered = w->dock(QLatin1String(name))->size(), plain = without->dock(QLatin1String(name))->size();
            QVERIFY2(std::abs(offered.width() - plain.width()) <= 40 && std::abs(offered.height() - plain.height()) <= 40,
                     qPrintable(QStringLiteral("%1: %2x%3 with the offer, %4x%5 without")
                                    .arg(QLatin1String(name)).arg(offered.width()).arg(offered.height())
                                    .arg(plain.width()).arg(plain.height())));
        }
        without.reset();
        w.reset();
        auto again = test::openMainWindow(file, true);
        QVERIFY(!lessonOf(again.get())->dock()->isVisible()); // offered once
        QSettings s(file, QSettings::IniFormat);
        QVERIFY(s.value(ui::LessonCommands::kOfferedKey).toBool());
    }
};

QTEST_MAIN(TestLessonPanel)
#include "tst_lesson_panel.moc"
