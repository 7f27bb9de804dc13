// The lesson's first attempt in the window (issue 14): the Controls' input scaling, initial
// weights and targets offer raw pixels, rand, rand - 0.5 and 0/1, each saying the lesson's reason;
// the Presets menu sets the whole first attempt up.
#include "ui/control_panel.h"
#include "ui/main_window.h"

#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include <QAction>
#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using nnlab::ui::ControlPanel;

namespace {

QString tipOf(QComboBox* box, int index) { return box->itemData(index, Qt::ToolTipRole).toString(); }

// Picks an entry as a person does with the keyboard: focus the box, Home, then Down `steps` times.
void choose(QComboBox* box, int steps)
{
    box->setFocus();
    QTest::keyClick(box, Qt::Key_Home);
    for (int i = 0; i < steps; ++i)
        QTest::keyClick(box, Qt::Key_Down);
}

} // namespace

class TestLessonOptions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::useBundledDataAndModel();
    }

    void entriesSayTheLessonsReason()
    {
        ControlPanel panel;
        QComboBox* scaling = panel.inputScaling();
        QComboBox* init = panel.initialWeights();
        QComboBox* targets = panel.targets();
        QCOMPARE(scaling->count(), 3);
        QCOMPARE(scaling->itemText(2), QStringLiteral("Raw pixels 0-255"));
        QVERIFY(tipOf(scaling, 2).contains(QStringLiteral("every h_output is 1")));
        QVERIFY(scaling->toolTip().contains(QStringLiteral("every h_input huge")));
        QCOMPARE(init->count(), 7);
        QCOMPARE(init->itemText(5), QStringLiteral("Uniform 0..1 (rand)"));
        QCOMPARE(init->itemText(6), QStringLiteral("Uniform -0.5..0.5 (rand - 0.5)"));
        QVERIFY(tipOf(init, 5).contains(QStringLiteral("every h_output is 1")));
        QVERIFY(init->toolTip().contains(QStringLiteral("only positive weights")));
        QCOMPARE(targets->count(), 2);
        QCOMPARE(targets->itemText(0), QStringLiteral("0.01 / 0.99 (lesson)"));
        QCOMPARE(targets->itemText(1), QStringLiteral("0 / 1"));
        QVERIFY(targets->toolTip().contains(QStringLiteral("A sigmoid never reaches 0 or 1")));
        QVERIFY(tipOf(targets, 1).contains(QStringLiteral("never reaches")));
    }

    void choicesReachTheSetup()
    {
        ControlPanel panel;
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy shape(&panel, &ControlPanel::shapeChanged);
        QSignalSpy run(&panel, &ControlPanel::runSettingsChanged);

        choose(panel.inputScaling(), 2);
        QCOMPARE(int(panel.setup().architecture.scaling), int(engine::Scaling::Raw));
        QVERIFY(shape.count() > 0); // new inputs need new weights, as any scaling change
        shape.clear();
        choose(panel.targets(), 1);
        QCOMPARE(int(panel.setup().architecture.targets), int(engine::Targets::ZeroOne));
        QCOMPARE(shape.count(), 1);
        QCOMPARE(run.count(), 0);
        choose(panel.initialWeights(), 5);
        QCOMPARE(int(panel.setup().init), int(engine::Init::Rand));
        choose(panel.initialWeights(), 6);
        QCOMPARE(int(panel.setup().init), int(engine::Init::RandCentered));
        QVERIFY(run.count() > 0); // the next run's weights (Reset)
        QCOMPARE(shape.count(), 1);

        // Cross-entropy compares with one-hot 0 and 1 whatever is chosen: no targets to choose.
        QVERIFY(panel.targets()->isEnabled());
        choose(panel.outputLoss(), 1);
        QVERIFY(!panel.targets()->isEnabled());
        choose(panel.outputLoss(), 0);
        QVERIFY(panel.targets()->isEnabled());
        QCOMPARE(int(panel.setup().architecture.targets), int(engine::Targets::ZeroOne));
    }

    void setupIsShownWithoutSignals()
    {
        ControlPanel panel;
        QSignalSpy shape(&panel, &ControlPanel::shapeChanged);
        QSignalSpy run(&panel, &ControlPanel::runSettingsChanged);
        app::TrainingSetup s = app::TrainingSetup::fromPreset(*engine::findPreset("lesson-first-attempt"));
        s.architecture.targets = engine::Targets::ZeroOne;
        panel.setSetup(s);
        QCOMPARE(panel.inputScaling()->currentIndex(), 2);
        QCOMPARE(panel.initialWeights()->currentIndex(), 5);
        QCOMPARE(panel.targets()->currentIndex(), 1);
        QCOMPARE(shape.count() + run.count(), 0);
        QCOMPARE(panel.setup().architecture, s.architecture);
    }

    // Presets ▸ Lesson: first attempt sets up the lesson's broken start.
    void presetMenuSetsTheFirstAttempt()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("preset.ini")));
        QVERIFY(w->isDataReady());
        QAction* preset = test::menuAction(w.get(), QStringLiteral("&Presets"),
                                           QStringLiteral("Lesson: first attempt (raw pixels, rand weights)"));
        QVERIFY(preset);
        QCOMPARE(preset->toolTip(), QString::fromStdString(engine::findPreset("lesson-first-attempt")->description));
        preset->trigger();
        QTRY_COMPARE(int(w->setup().architecture.scaling), int(engine::Scaling::Raw));
        QCOMPARE(int(w->setup().init), int(engine::Init::Rand));
        QCOMPARE(w->setup().training.trainingSize, std::size_t(100));
        QCOMPARE(w->setup().epochs, 1);
        QCOMPARE(w->controls()->inputScaling()->currentText(), QStringLiteral("Raw pixels 0-255"));
        QCOMPARE(w->controls()->initialWeights()->currentText(), QStringLiteral("Uniform 0..1 (rand)"));
    }
};

QTEST_MAIN(TestLessonOptions)
#include "tst_lesson_options.moc"
