// The views while epochs end faster than anyone can watch (issue 19, point 4): lesson-100's
// epochs of 100 images end every few milliseconds, yet the Network view, the confusion matrix
// and the runs table are redrawn at most once per RedrawCoalescer::kInterval of training (plus
// the end), every epoch's test point still reaches the curves and the runs table, and when the
// run ends its last epoch is what every view shows.
#include "app/bridge/training_controller.h"
#include "app/lab/network_view_model.h"
#include "app/lab/prediction_scheduler.h"
#include "app/lab/redraw_coalescer.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/confusion_matrix.h"
#include "ui/control_panel.h"
#include "ui/learning_curves.h"
#include "ui/network_view.h"

#include <QAction>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;

class TestPacedViews : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase() { test::useBundledDataAndModel(); }

    void epochsInABurstAreDrawnAtTheViewsPace()
    {
        constexpr int kEpochs = 40;
        auto w = test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
        QVERIFY(w->isDataReady());
        QVERIFY(w->applyPreset(QStringLiteral("lesson-100")));
        w->controls()->epochs()->setValue(kEpochs);
        QTest::keyClick(w.get(), Qt::Key_0, Qt::ControlModifier); // the Network view in front
        auto* network = w->dock(QStringLiteral("networkDock"))->findChild<ui::NetworkView*>()->model();
        QTRY_VERIFY(network->isOnScreen() && network->ready());
        QTRY_VERIFY(!w->session()->awaitsNewNetwork()); // the preset's weights in

        app::RedrawCoalescer* pace = w->session()->redraws();
        QSignalSpy epochs(w->controller(), &app::TrainingController::epochEnded);
        QSignalSpy traced(network, &app::NetworkViewModel::changed);
        QSignalSpy confusion(w->scheduler(), &app::PredictionScheduler::confusionAnswers);
        QSignalSpy finished(w.get(), &ui::MainWindow::trainingFinished);
        const int redrawsBefore = pace->redrawCount();
        QElapsedTimer clock;
        clock.start();
        w->startAction()->trigger();
        QVERIFY(finished.wait(60000));
        const qint64 trainingMs = clock.elapsed();
        QCOMPARE(epochs.count(), kEpochs);
        QTRY_VERIFY(!pace->isPending()); // the end, drawn at the next turn

        // At most one redraw per interval of training, and the end's; each view once a redraw
        // at most (the confusion matrix: the newest epoch's answers, not every epoch's).
        const int bound = int(trainingMs / app::RedrawCoalescer::kInterval.count()) + 2;
        const QString counts = QStringLiteral("%1 epochs in %2 ms: %3 redraws, %4 traces, %5 confusion matrices (at most %6)")
                                   .arg(kEpochs).arg(trainingMs).arg(pace->redrawCount() - redrawsBefore)
                                   .arg(traced.count()).arg(confusion.count()).arg(bound);
        qInfo("%s", qPrintable(counts));
        QVERIFY2(pace->redrawCount() - redrawsBefore <= bound, qPrintable(counts));
        QVERIFY2(traced.count() <= bound, qPrintable(counts));
        QVERIFY2(confusion.count() <= bound, qPrintable(counts));

        // Every epoch's data kept: its test point on the curves, its row in the runs' history.
        const auto last = epochs.last().at(0).value<app::EpochReport>();
        QCOMPARE(w->curves()->pointCount(last.run, ui::LearningCurves::Kind::Test), kEpochs);
        QCOMPARE(w->session()->runs()->run(last.run)->epochs.size(), std::size_t(kEpochs));

        // The last epoch is what shows: its confusion matrix, its weights in the Network view.
        ui::ConfusionMatrix* matrix = w->confusion();
        QCOMPARE(matrix->classes(), 10);
        for (int t = 0; t < 10; ++t)
            for (int p = 0; p < 10; ++p)
                QCOMPARE(matrix->count(t, p), last.test->confusionAt(t, p));
        QCOMPARE(network->network(), w->snapshot().network.get());
        QVERIFY(network->ready());
    }
};

QTEST_MAIN(TestPacedViews)
#include "tst_paced_views.moc"
