// The Sweep view in the window as a learner uses it (issue 16), offscreen: Ctrl+8 opens it, its
// fields answer their mnemonics and Tab, values typed wrong keep Start disabled with the engine's
// sentence; 2 learning rates x 2 seeds on 1,000 images typed in and started with the mouse fill
// the chart with each value's mean and min-max band; a click on a point opens those runs'
// learning curves in the main curves view, once; the sweep saved as CSV opens again with its
// chart in a fresh window, which remembers the fields; the chart exports as PNG; Cancel
// mid-sweep keeps the finished runs, and the window closes mid-sweep.
#include "tests/common/plot_data.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include "app/lab/sweep_session.h"
#include "engine/presets.h"
#include "engine/sweep.h"
#include "ui/control_panel.h"
#include "ui/learning_curves.h"
#include "ui/sweep_chart.h"
#include "ui/sweep_commands.h"
#include "ui/sweep_panel.h"

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QComboBox>
#include <QDockWidget>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace nnlab;
using test::keys;
using test::values;
using app::SweepSession;
using ui::MainWindow;
using ui::SweepChart;
using ui::SweepPanel;
using S = SweepChart::Series;

namespace {

// Types into a line edit as a person does: focus, select all, type.
void typeText(QLineEdit* edit, const QString& text)
{
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(edit, text);
}

// Each value's mean, lowest and highest test accuracy over its runs, worked out here from the
// runs themselves.
struct Band
{
    QVector<double> mean, min, max, trainMean;
};

Band bandOf(const std::vector<engine::SweepRunResult>& runs, std::size_t valueCount)
{
    Band b;
    for (std::size_t v = 0; v < valueCount; ++v) {
        double sum = 0, trainSum = 0, lo = 2, hi = -1;
        int n = 0;
        for (const engine::SweepRunResult& r : runs)
            if (r.valueIndex == v && r.ok()) {
                const double a = r.epochs.back().testAccuracy;
                sum += a;
                trainSum += r.epochs.back().trainAccuracy;
                lo = std::min(lo, a);
                hi = std::max(hi, a);
                ++n;
            }
        if (n == 0)
            continue;
        b.mean << sum / n;
        b.trainMean << trainSum / n;
        b.min << lo;
        b.max << hi;
    }
    return b;
}

bool near(const QVector<double>& a, const QVector<double>& b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i)
        if (std::abs(a[i] - b[i]) > 1e-9)
            return false;
    return true;
}

QString join(const QVector<double>& v)
{
    QStringList s;
    for (const double x : v)
        s << QString::number(x, 'g', 10);
    return s.join(QLatin1Char(','));
}

} // namespace

class TestSweepPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static SweepPanel* panelOf(MainWindow* w) { return w->sweeps()->panel(); }

    // Presets ▸ Lesson: from scratch, then 1,000 training images and 1 epoch typed in.
    static void lessonOnAThousand(MainWindow* w)
    {
        QAction* preset = test::menuAction(w, QStringLiteral("&Presets"), QStringLiteral("Lesson: from scratch"));
        QVERIFY(preset);
        preset->trigger();
        QTRY_COMPARE(w->setup().architecture.hidden, std::vector<int>{90});
        test::typeInto(w->controls()->trainingSize(), QStringLiteral("1000"));
        test::typeInto(w->controls()->epochs(), QStringLiteral("1"));
        QCOMPARE(w->controls()->setup().training.trainingSize, std::size_t(1000));
        QCOMPARE(w->controls()->setup().epochs, 1);
    }

    // Ctrl+8: the Sweep view in sight, the knob box with the focus.
    static void openSweepView(MainWindow* w)
    {
        QTest::keyClick(w, Qt::Key_8, Qt::ControlModifier);
        QDockWidget* dock = w->dock(QStringLiteral("sweepDock"));
        QVERIFY(dock);
        QTRY_VERIFY(panelOf(w)->isVisible());
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(panelOf(w)->knobBox()));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::useBundledDataAndModel();
    }

    void menusListTheSweep()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("menus.ini")));
        QVERIFY(w->isDataReady());
        QAction* sweep = test::menuAction(w.get(), QStringLiteral("E&xperiments"), QStringLiteral("&Sweep one knob…"));
        QVERIFY(sweep);
        QCOMPARE(sweep->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_8));
        for (const char* entry : {"Start s&weep", "&Pause sweep", "&Cancel sweep", "&Open a sweep…", "Sa&ve the sweep as CSV…"})
            QVERIFY2(test::menuAction(w.get(), QStringLiteral("E&xperiments"), QString::fromUtf8(entry)), entry);
        QVERIFY(test::menuAction(w.get(), QStringLiteral("&View"), QStringLiteral("Sweep")));
        // No other action of the window answers Ctrl+8.
        int users = 0;
        for (QAction* a : w->findChildren<QAction*>())
            users += a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_8);
        QCOMPARE(users, 1);
        openSweepView(w.get());
    }

    void badValuesKeepStartDisabledAndSayWhy()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("bad.ini")));
        QVERIFY(w->isDataReady());
        openSweepView(w.get());
        SweepPanel* panel = panelOf(w.get());
        QSignalSpy started(w->sweeps()->session(), &SweepSession::started);
        // The fields by their mnemonics.
        const std::pair<Qt::Key, QWidget*> mnemonics[] = {
            {Qt::Key_Y, panel->valuesEdit()}, {Qt::Key_G, panel->baseBox()}, {Qt::Key_K, panel->knobBox()}};
        for (const auto& [key, field] : mnemonics) {
            QTest::keyClick(QApplication::focusWidget(), key, Qt::AltModifier);
            QVERIFY2(QApplication::focusWidget() == field, qPrintable(QApplication::focusWidget()->objectName() + QLatin1Char(' ') + (qobject_cast<QAbstractButton*>(QApplication::focusWidget()) ? qobject_cast<QAbstractButton*>(QApplication::focusWidget())->text() : QString())));
        }
        // ... and Tab from the knob through the fields to Start.
        const QWidget* order[] = {panel->valuesEdit(), panel->seedsEdit(), panel->baseBox(), panel->startButton()};
        for (const QWidget* next : order) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            QCOMPARE(QApplication::focusWidget(), next);
        }
        typeText(panel->valuesEdit(), QStringLiteral("0.1, fast"));
        QVERIFY(!panel->startAction()->isEnabled());
        QVERIFY(!panel->startButton()->isEnabled());
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("fast")), qPrintable(panel->messageLabel()->text()));
        QTest::keyClick(panel->valuesEdit(), Qt::Key_Return); // Enter starts only a good sweep
        QCOMPARE(started.count(), 0);
        typeText(panel->valuesEdit(), QStringLiteral("1:0.1:3"));
        QVERIFY(!panel->startAction()->isEnabled());
        QVERIFY(!panel->messageLabel()->text().isEmpty());
        typeText(panel->valuesEdit(), QStringLiteral("0.1, 0.3"));
        QVERIFY(panel->startAction()->isEnabled());
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("6 runs")), qPrintable(panel->messageLabel()->text()));
        typeText(panel->seedsEdit(), QStringLiteral("1, x"));
        QVERIFY(!panel->startAction()->isEnabled());
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("seed")), qPrintable(panel->messageLabel()->text()));
        typeText(panel->seedsEdit(), QStringLiteral("1, 2"));
        QVERIFY(panel->startAction()->isEnabled());
        // More training images than the training set has: said before Start.
        QComboBox* knob = panel->knobBox();
        knob->setFocus();
        QTest::keyClick(knob, Qt::Key_Down);
        while (knob->currentData().toString() != QLatin1String("train-size") && knob->currentIndex() < knob->count() - 1)
            QTest::keyClick(knob, Qt::Key_Down);
        QCOMPARE(knob->currentData().toString(), QStringLiteral("train-size"));
        QCOMPARE(panel->valuesEdit()->text(), QStringLiteral("100, 1000, 10000, 60000")); // values worth a first look
        typeText(panel->valuesEdit(), QStringLiteral("1000, 100000"));
        QVERIFY(!panel->startAction()->isEnabled());
        QVERIFY2(panel->messageLabel()->text().contains(QLatin1String("100000")), qPrintable(panel->messageLabel()->text()));
        QCOMPARE(started.count(), 0);
    }

    void aSweepDrawsItsBandAndAClickOpensItsRuns()
    {
        const QString ini = m_dir.filePath(QStringLiteral("sweep.ini"));
        const QString csv = m_dir.filePath(QStringLiteral("lr.csv"));
        std::vector<engine::SweepRunResult> results;
        {
            auto w = test::openMainWindow(ini);
            QVERIFY(w->isDataReady());
            lessonOnAThousand(w.get());
            if (QTest::currentTestFailed())
                return;
            openSweepView(w.get());
            SweepPanel* panel = panelOf(w.get());
            SweepSession* session = w->sweeps()->session();
            QCOMPARE(panel->knobBox()->currentData().toString(), QStringLiteral("lr"));
            typeText(panel->valuesEdit(), QStringLiteral("0.1, 0.3"));
            typeText(panel->seedsEdit(), QStringLiteral("1, 2"));
            QVERIFY2(panel->startAction()->isEnabled(), qPrintable(panel->messageLabel()->text()));
            QSignalSpy finished(session, &SweepSession::finished);
            QTest::mouseClick(panel->startButton(), Qt::LeftButton);
            QCOMPARE(session->state(), SweepSession::State::Running);
            QVERIFY(panel->cancelAction()->isEnabled());
            QVERIFY(!panel->startAction()->isEnabled());
            QVERIFY(finished.wait(120000));
            results = session->results();
            QCOMPARE(results.size(), std::size_t(4));
            for (const engine::SweepRunResult& r : results) {
                QVERIFY2(r.ok(), r.error.c_str());
                QCOMPARE(r.samples, std::uint64_t(1000)); // the controls' 1,000 images, 1 epoch
            }
            QCOMPARE(session->base().architecture.hidden, std::vector<int>{90});

            // The chart: each value's mean inside its band, as the runs give them.
            SweepChart* chart = panel->chart();
            const Band band = bandOf(results, 2);
            QTRY_COMPARE(chart->graph(S::TestMean)->dataCount(), 2);
            QCOMPARE(keys(chart->graph(S::TestMean)), (QVector<double>{0.1, 0.3}));
            QVERIFY2(near(values(chart->graph(S::TestMean)), band.mean), qPrintable(join(values(chart->graph(S::TestMean))) + QStringLiteral(" against ") + join(band.mean)));
            QVERIFY2(near(values(chart->graph(S::TestMin)), band.min), qPrintable(join(values(chart->graph(S::TestMin)))));
            QVERIFY2(near(values(chart->graph(S::TestMax)), band.max), qPrintable(join(values(chart->graph(S::TestMax)))));
            QVERIFY(near(values(chart->graph(S::TrainMean)), band.trainMean));
            QCOMPARE(chart->graph(S::TestRuns)->dataCount(), 4);
            QVERIFY(band.min[0] < band.max[0] || band.min[1] < band.max[1]); // the seeds differ: a band
            QCOMPARE(panel->progressBar()->value(), 4);
            QCOMPARE(panel->progressBar()->maximum(), 4);
            QCOMPARE(chart->accuracyPlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);

            // A click on l_r 0.3's point: its two runs in the main curves view, named for the sweep.
            ui::LearningCurves* curves = w->curves();
            const int before = curves->runCount();
            chart->accuracyPlot()->replot();
            const auto at = chart->pointPixel(1);
            QVERIFY(at);
            QTest::mouseClick(chart->accuracyPlot(), Qt::LeftButton, {}, *at);
            QCOMPARE(curves->runCount(), before + 2);
            for (const std::uint64_t seed : {1, 2}) {
                const engine::SweepRunResult* r = session->result(seed == 1 ? 2 : 3);
                QVERIFY(r);
                QCOMPARE(r->seed, seed);
                const int key = ui::SweepCommands::kCurveKeyBase + int(seed) - 1;
                QVERIFY2(curves->runLabel(key).startsWith(QStringLiteral("lr 0.3 · seed %1 (sweep)").arg(seed)),
                         qPrintable(curves->runLabel(key)));
                QCOMPARE(curves->pointCount(key, ui::LearningCurves::Kind::Test), 1);
                QCOMPARE(curves->pointCount(key, ui::LearningCurves::Kind::Running), int(r->curve.size()));
                QVERIFY(r->curve.size() > 10);
                QVERIFY(curves->toCsv().contains(QStringLiteral(",test,1,%1,%2").arg(r->epochs[0].testLoss, 0, 'g', 8)
                                                     .arg(r->epochs[0].testAccuracy, 0, 'g', 8)));
            }
            QTest::mouseClick(chart->accuracyPlot(), Qt::LeftButton, {}, *at); // again: no copies
            QCOMPARE(curves->runCount(), before + 2);

            // Saved as CSV; the chart as PNG.
            QVERIFY(w->sweeps()->saveSweep(csv));
            const QString png = m_dir.filePath(QStringLiteral("chart.png"));
            QVERIFY(w->sweeps()->exportChart(png));
            QVERIFY(!QImage(png).isNull());
        }
        // A fresh window remembers the fields, and opens the sweep with its chart.
        auto w = test::openMainWindow(ini);
        QVERIFY(w->isDataReady());
        SweepPanel* panel = panelOf(w.get());
        QCOMPARE(panel->knobBox()->currentData().toString(), QStringLiteral("lr"));
        QCOMPARE(panel->valuesEdit()->text(), QStringLiteral("0.1, 0.3"));
        QCOMPARE(panel->seedsEdit()->text(), QStringLiteral("1, 2"));
        QCOMPARE(panelOf(w.get())->chart()->graph(S::TestMean)->dataCount(), 0);
        QSignalSpy opened(w->sweeps()->session(), &SweepSession::opened);
        QVERIFY(w->sweeps()->openSweep(csv));
        QVERIFY(opened.wait(20000));
        SweepChart* chart = panel->chart();
        QTRY_COMPARE(chart->graph(S::TestMean)->dataCount(), 2);
        const Band band = bandOf(results, 2);
        QVERIFY2(near(values(chart->graph(S::TestMean)), band.mean), qPrintable(join(values(chart->graph(S::TestMean))) + QStringLiteral(" against ") + join(band.mean)));
        QVERIFY(near(values(chart->graph(S::TestMin)), band.min));
        QVERIFY(near(values(chart->graph(S::TestMax)), band.max));
    }

    // A sweep the panel did not start (the lesson's, through the session): the fields show its
    // knob, values, seeds and preset, so they say what the chart draws; the learner's own
    // settings stay remembered.
    void aSweepFromElsewhereFillsTheFields()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("elsewhere.ini")));
        QVERIFY(w->isDataReady());
        openSweepView(w.get());
        SweepPanel* panel = panelOf(w.get());
        SweepSession* session = w->sweeps()->session();
        const SweepSession::Settings mine = panel->settings();
        QCOMPARE(mine.knob, QStringLiteral("lr"));

        engine::SweepSpec spec = engine::parseSweep("hidden=20,30");
        spec.seeds = {4, 5};
        engine::Preset base = *engine::findPreset("lesson-100");
        base.epochs = 1;
        QSignalSpy finished(session, &SweepSession::finished);
        QVERIFY(session->start(base, spec, w->data()));
        QCOMPARE(panel->knobBox()->currentData().toString(), QStringLiteral("hidden"));
        QCOMPARE(panel->valuesEdit()->text(), QStringLiteral("20, 30"));
        QCOMPARE(panel->seedsEdit()->text(), QStringLiteral("4, 5"));
        QCOMPARE(panel->baseBox()->currentData().toString(), QStringLiteral("lesson-100"));
        QVERIFY2(panel->whyNot().isEmpty(), qPrintable(panel->whyNot())); // the fields make that sweep
        QVERIFY(finished.wait(60000));
        QCOMPARE(session->rememberedSettings(), mine);
    }

    void cancelKeepsTheFinishedRuns()
    {
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("cancel.ini")));
        QVERIFY(w->isDataReady());
        lessonOnAThousand(w.get());
        if (QTest::currentTestFailed())
            return;
        openSweepView(w.get());
        SweepPanel* panel = panelOf(w.get());
        SweepSession* session = w->sweeps()->session();
        typeText(panel->valuesEdit(), QStringLiteral("0.01:1:8:log"));
        typeText(panel->seedsEdit(), QStringLiteral("1:25"));
        QSignalSpy ran(session, &SweepSession::runFinished);
        QSignalSpy cancelled(session, &SweepSession::cancelled);
        QTest::keyClick(panel->seedsEdit(), Qt::Key_Return); // Enter starts it
        QCOMPARE(session->state(), SweepSession::State::Running);
        QVERIFY(ran.wait(60000));
        QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
        QVERIFY(cancelled.count() == 1 || cancelled.wait(5000));
        QCOMPARE(session->state(), SweepSession::State::Idle);
        const std::size_t kept = session->results().size();
        QVERIFY(kept >= 1 && kept < 200);
        QVERIFY2(panel->messageLabel()->text().contains(QString::number(kept)), qPrintable(panel->messageLabel()->text()));
        QTRY_VERIFY(panel->chart()->graph(S::TestRuns)->dataCount() == int(kept));
        QVERIFY(panel->startAction()->isEnabled());
        QVERIFY(!panel->cancelAction()->isEnabled());

        // Started again and the window closed mid-sweep: the runs stop, nothing is left behind.
        QTest::keyClick(panel->seedsEdit(), Qt::Key_Return);
        QCOMPARE(session->state(), SweepSession::State::Running);
        QVERIFY(ran.wait(60000));
        QPointer<SweepSession> gone(session);
        w->close();
        w.reset();
        QVERIFY(gone.isNull());
    }
};

QTEST_MAIN(TestSweepPanel)
#include "tst_sweep_panel.moc"
