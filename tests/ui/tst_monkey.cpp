// The monkey: 1,000 random things a person might do, with a fixed seed, on the real window with
// full MNIST: start, pause, stop, step and reset in any order; sliders and spin boxes to their
// extremes; new shapes and presets mid-training (answering the questions either way); drawing
// and clearing; bad data and model files; docks closed and reopened. Nothing may crash, no action
// may take 2 s, and the worker must end cleanly when the window closes.
#include "app/bridge/training_controller.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/confusion_matrix.h"
#include "ui/control_panel.h"
#include "ui/digit_canvas.h"
#include "ui/digit_gallery.h"
#include "ui/draw_panel.h"
#include "ui/learning_curves.h"
#include "ui/log_slider.h"
#include "ui/main_window.h"
#include "ui/step_inspector.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace nnlab;
using nnlab::test::typeInto;

class TestMonkey : public QObject
{
    Q_OBJECT

    static constexpr int kActions = 1000;
    static constexpr qint64 kActionLimitMs = 2000;

    QTemporaryDir m_dir;
    std::mt19937 m_rng{20261125};

    int pick(int n) { return int(m_rng() % std::uint32_t(n)); }

    // Answers whatever question or message is open, either way (not Save: its file dialog
    // would wait for a name).
    void answerDialogs(ui::MainWindow& w)
    {
        for (QMessageBox* box : w.findChildren<QMessageBox*>()) {
            if (!box->isVisible())
                continue;
            QList<QAbstractButton*> buttons = box->buttons();
            buttons.removeAll(box->button(QMessageBox::Save));
            if (!buttons.isEmpty())
                QTest::mouseClick(buttons[pick(int(buttons.size()))], Qt::LeftButton);
        }
    }

    void settle()
    {
        for (int i = 0; i < 3; ++i)
            QCoreApplication::processEvents();
    }

    void stroke(ui::DigitCanvas* canvas)
    {
        const QRect s = canvas->square();
        auto point = [&] { return QPointF(s.left() + pick(s.width() + 40) - 20, s.top() + pick(s.height() + 40) - 20); };
        QPointF p = point();
        QTest::mousePress(canvas, Qt::LeftButton, {}, p.toPoint());
        for (int i = 0, n = 1 + pick(30); i < n; ++i) {
            p = point();
            QMouseEvent move(QEvent::MouseMove, p, canvas->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(canvas, &move);
        }
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, p.toPoint());
    }


private slots:
    void thousandRandomActions()
    {
        test::useBundledDataAndModel();
        const QString badCsv = m_dir.filePath(QStringLiteral("bad_train.csv"));
        const QString badModel = m_dir.filePath(QStringLiteral("bad.nnlab"));
        for (const QString& path : {badCsv, badModel}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("7,1,2,banana\n\xff\xfe garbage");
        }

        ui::MainWindow::Options options;
        options.settingsFile = m_dir.filePath(QStringLiteral("monkey.ini"));
        options.restoreSettings = false;
        options.askToSaveOnQuit = false;
        options.askBeforeDiscard = true; // the questions before trained weights are replaced
        auto w = test::openMainWindow(options);
        QVERIFY(w->isDataReady());
        ui::ControlPanel* c = w->controls();
        const QStringList presets{"lesson", "lesson-100", "keras-sgd", "keras-rmsprop", "best", "default"};
        const QStringList docks{"controlsDock", "weightsDock", "confusionDock", "galleryDock", "inspectorDock", "drawDock"};

        int counts[24] = {};
        qint64 slowest = 0;
        int slowestKind = -1;
        for (int i = 0; i < kActions; ++i) {
            const int action = pick(24);
            ++counts[action];
            QElapsedTimer clock;
            clock.start();
            switch (action) {
            case 0: case 1: case 2:
                QTest::keyClick(w.get(), Qt::Key_Space); // start / pause
                break;
            case 3:
                QTest::keyClick(w.get(), Qt::Key_Period, Qt::ControlModifier); // stop
                break;
            case 4:
                QTest::keyClick(w.get(), Qt::Key_Right, Qt::ControlModifier); // step
                break;
            case 5:
                QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier); // reset
                break;
            case 6: { // the learning-rate slider to an extreme or anywhere
                QSlider* s = c->learningRate()->slider();
                s->setFocus();
                QTest::keyClick(s, pick(3) == 0 ? Qt::Key_Home : pick(2) ? Qt::Key_End : Qt::Key_PageUp);
                break;
            }
            case 7:
                typeInto(c->hiddenNodes(0), QString::number(pick(2) ? 1 + pick(1024) : (pick(2) ? 1 : 99999)));
                break;
            case 8:
                typeInto(c->hiddenLayers(), QString::number(pick(4)));
                break;
            case 9:
                c->activation()->setCurrentIndex(pick(3));
                break;
            case 10:
                c->outputLoss()->setCurrentIndex(pick(2));
                break;
            case 11:
                c->optimizer()->setCurrentIndex(pick(4));
                break;
            case 12:
                typeInto(c->batchSize(), QString::number(pick(2) ? 1 + pick(300) : 1000000));
                break;
            case 13:
                typeInto(c->trainingSize(), QString::number(pick(2) ? 100 : 100 + pick(60000)));
                break;
            case 14:
                w->applyPreset(presets[pick(int(presets.size()))]);
                break;
            case 15:
                stroke(w->drawPanel()->canvas());
                break;
            case 16:
                w->drawPanel()->canvas()->setFocus();
                QTest::keyClick(w->drawPanel()->canvas(), pick(2) ? Qt::Key_Escape : Qt::Key_Z,
                                pick(2) ? Qt::NoModifier : Qt::ControlModifier);
                break;
            case 17:
                if (pick(2))
                    w->openDataFiles({badCsv});
                else
                    w->openModel(badModel);
                break;
            case 18: { // close or reopen a dock
                QDockWidget* d = w->dock(docks[pick(int(docks.size()))]);
                d->toggleViewAction()->trigger();
                break;
            }
            case 19:
                w->inspect(pick(2), std::size_t(pick(10000)));
                break;
            case 20:
                QTest::mouseClick(w->inspector()->stepButton(), Qt::LeftButton);
                break;
            case 21: {
                ui::ConfusionMatrix* m = w->confusion();
                QTest::mouseClick(m, Qt::LeftButton, {}, m->cellRect(pick(10), pick(10)).center());
                break;
            }
            case 22:
                w->gallery()->setChoice()->setCurrentIndex(pick(2));
                w->gallery()->trueLabelChoice()->setCurrentIndex(pick(11));
                break;
            default:
                if (pick(2))
                    w->curves()->clearRuns();
                else
                    w->curves()->setLogLoss(!w->curves()->logLoss());
                break;
            }
            settle();
            answerDialogs(*w);
            settle();
            if (clock.elapsed() > slowest) {
                slowest = clock.elapsed();
                slowestKind = action;
            }
            QVERIFY2(clock.elapsed() < kActionLimitMs,
                     qPrintable(QStringLiteral("action %1 (kind %2) took %3 ms").arg(i).arg(action).arg(clock.elapsed())));
        }
        qInfo("1,000 actions done; the slowest (kind %d) took %lld ms", slowestKind, slowest);
        for (int k = 0; k < 24; ++k)
            QVERIFY2(counts[k] > 10, qPrintable(QStringLiteral("action kind %1 ran %2 times").arg(k).arg(counts[k])));

        // Whatever state it is in now, the worker thread stops and is joined within half a
        // second (what closing does first), and the window closes.
        QTest::keyClick(w.get(), Qt::Key_Space);
        settle();
        QElapsedTimer clock;
        clock.start();
        QVERIFY(w->controller()->shutdown());
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(w->controller()->state(), app::WorkerState::Idle);
        QVERIFY(w->close());
    }
};

QTEST_MAIN(TestMonkey)
#include "tst_monkey.moc"
