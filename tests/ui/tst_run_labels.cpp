// Runs labelled truthfully, driven as the lesson's learner does (issue 20): Presets ▸ Lesson:
// 100 samples, Space, let it finish, the learning-rate slider down a decade, Space: a second run
// with its own legend; Ctrl+Shift+Space continues a run and its legend says what changed; the
// running curve, the CSV and the status bar reach the epoch that ended.
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"

#include "ui/control_panel.h"
#include "ui/learning_curves.h"
#include "ui/log_slider.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace nnlab;
using nnlab::ui::LearningCurves;
using nnlab::ui::MainWindow;

namespace {

// The legend's entries, in order.
QStringList legendTexts(LearningCurves* curves)
{
    QStringList texts;
    QCPLegend* legend = curves->plot()->legend;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i)))
            texts << item->plottable()->name();
    return texts;
}

// The CSV's training points of each run: their epochs.
std::map<int, QList<double>> trainingEpochs(const QString& csv)
{
    std::map<int, QList<double>> epochs;
    const QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList f = lines[i].split(QLatin1Char(','));
        if (f.size() >= 6 && f[f.size() - 4] == QLatin1String("training"))
            epochs[f[0].toInt()] << f[f.size() - 3].toDouble();
    }
    return epochs;
}

QString statusEpoch(MainWindow* w)
{
    for (const QLabel* label : w->statusBar()->findChildren<QLabel*>())
        if (label->text().startsWith(QLatin1String("epoch ")))
            return label->text();
    return {};
}

// Each whole epoch 1..n has a training point.
bool reachesEveryEpoch(const QList<double>& epochs, int n)
{
    for (int e = 1; e <= n; ++e)
        if (!epochs.contains(double(e)))
            return false;
    return epochs.last() == double(n);
}

} // namespace

class TestRunLabels : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<MainWindow> open()
    {
        return nnlab::test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
    }

    // Presets ▸ Lesson: 100 samples, as a click on the menu entry does.
    static void chooseLesson100(MainWindow* w)
    {
        QAction* preset = test::menuAction(w, QStringLiteral("&Presets"), QStringLiteral("Lesson: 100 samples"));
        QVERIFY(preset);
        preset->trigger();
        QTRY_COMPARE(w->setup().training.trainingSize, std::size_t(100));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        nnlab::test::useBundledDataAndModel();
    }

    void anotherLearningRateAfterAFinishedRunIsASecondRun()
    {
        auto w = open();
        QVERIFY(w->isDataReady());
        QSignalSpy finished(w.get(), &MainWindow::trainingFinished);
        chooseLesson100(w.get());
        if (QTest::currentTestFailed())
            return;
        QTest::keyClick(w.get(), Qt::Key_Space); // Start
        QVERIFY(finished.wait(20000));
        LearningCurves* curves = w->curves();
        QCOMPARE(curves->runCount(), 1);
        QTRY_COMPARE(statusEpoch(w.get()), QStringLiteral("epoch 5"));

        QSlider* slider = w->controls()->learningRate()->slider();
        slider->setFocus();
        for (int i = 0; i < 4; ++i) // a quarter decade each: 0.3 -> 0.03
            QTest::keyClick(slider, Qt::Key_PageDown);
        const double lr = w->controls()->learningRate()->value();
        QVERIFY(lr > 0.025 && lr < 0.035);
        QTRY_COMPARE(w->setup().training.optimizer.learningRate, float(lr));
        QTest::keyClick(w.get(), Qt::Key_Space); // Start again
        QVERIFY(finished.wait(20000));

        QTRY_COMPARE(curves->runCount(), 2);
        const QStringList legend = legendTexts(curves);
        QCOMPARE(legend.size(), 2);
        const QString lrText = QStringLiteral("l_r %1 ").arg(lr, 0, 'g', 3);
        QVERIFY2(legend[0].startsWith(QLatin1String("Run 1:")) && legend[0].contains(QLatin1String("l_r 0.3 ")) &&
                     !legend[0].contains(lrText),
                 qPrintable(legend[0]));
        QVERIFY2(legend[1].startsWith(QLatin1String("Run 2:")) && legend[1].contains(lrText), qPrintable(legend[1]));

        // Each run's running curve reaches its 5th epoch's end, and no further.
        const auto epochs = trainingEpochs(curves->toCsv());
        QVERIFY2(epochs.count(1) && reachesEveryEpoch(epochs.at(1), 5), qPrintable(curves->toCsv()));
        QVERIFY2(epochs.count(2) && reachesEveryEpoch(epochs.at(2), 5), qPrintable(curves->toCsv()));
        QTRY_COMPARE(statusEpoch(w.get()), QStringLiteral("epoch 5"));
    }

    void continueKeepsTheRunAndItsLegendSaysWhatChanged()
    {
        auto w = open();
        QVERIFY(w->isDataReady());
        QSignalSpy finished(w.get(), &MainWindow::trainingFinished);
        chooseLesson100(w.get());
        if (QTest::currentTestFailed())
            return;
        QTest::keyClick(w.get(), Qt::Key_Space);
        QVERIFY(finished.wait(20000));
        QSlider* slider = w->controls()->learningRate()->slider();
        slider->setFocus();
        for (int i = 0; i < 4; ++i)
            QTest::keyClick(slider, Qt::Key_PageDown);
        const double lr = w->controls()->learningRate()->value();
        QTRY_COMPARE(w->setup().training.optimizer.learningRate, float(lr));
        QTest::keyClick(w.get(), Qt::Key_Space, Qt::ControlModifier | Qt::ShiftModifier); // Continue
        QVERIFY(finished.wait(20000));

        LearningCurves* curves = w->curves();
        QCOMPARE(curves->runCount(), 1);
        const QStringList legend = legendTexts(curves);
        QCOMPARE(legend.size(), 1);
        const QString change = QStringLiteral("from epoch 5: l_r 0.3 → %1").arg(lr, 0, 'g', 3);
        QVERIFY2(legend[0].contains(change), qPrintable(legend[0]));
        const auto epochs = trainingEpochs(curves->toCsv());
        QVERIFY(epochs.count(1) && reachesEveryEpoch(epochs.at(1), 10));
        QTRY_COMPARE(statusEpoch(w.get()), QStringLiteral("epoch 10"));
    }

    void theStatusBarSaysTheEpochThatEnded()
    {
        auto w = open();
        QVERIFY(w->isDataReady());
        QSignalSpy finished(w.get(), &MainWindow::trainingFinished);
        chooseLesson100(w.get());
        if (QTest::currentTestFailed())
            return;
        nnlab::test::typeInto(w->controls()->epochs(), QStringLiteral("10"));
        QTRY_COMPARE(w->setup().epochs, 10);
        QTest::keyClick(w.get(), Qt::Key_Space);
        QVERIFY(finished.wait(20000));
        QTRY_COMPARE(statusEpoch(w.get()), QStringLiteral("epoch 10"));
        const auto epochs = trainingEpochs(w->curves()->toCsv());
        QVERIFY(epochs.count(1) && reachesEveryEpoch(epochs.at(1), 10));
        QVERIFY(epochs.at(1).size() >= 10); // at least one point per epoch of 100 images
    }
};

QTEST_MAIN(TestRunLabels)
#include "tst_run_labels.moc"
