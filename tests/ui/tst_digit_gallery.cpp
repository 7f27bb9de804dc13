// The views inside the network, offscreen: gallery filters and counts, a confusion cell that
// filters the gallery, heatmap tiles that follow the weights, and the step inspector showing
// exactly the engine's forward pass (and a one-image step in the lesson's mode).
#include "engine/data_paths.h"
#include "engine/evaluation.h"
#include "engine/model_file.h"
#include "engine/step_trace.h"
#include "ui/confusion_matrix.h"
#include "ui/control_panel.h"
#include "ui/digit_gallery.h"
#include "ui/learning_curves.h"
#include "ui/draw_panel.h"
#include "ui/digit_canvas.h"
#include "ui/main_window.h"
#include "ui/on_screen.h"
#include "ui/pictures.h"
#include "ui/step_inspector.h"
#include "ui/weight_heatmaps.h"
#include "ui/weight_tiles.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
namespace engine = nnlab::engine;

// The region a widget has repainted since it was made.
struct PaintRecorder : QObject
{
    explicit PaintRecorder(QWidget* w) { w->installEventFilter(this); }
    bool eventFilter(QObject*, QEvent* e) override
    {
        if (e->type() == QEvent::Paint)
            region += static_cast<QPaintEvent*>(e)->region();
        return false;
    }
    QRegion region;
};

class TestViews : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::shared_ptr<const engine::Dataset> m_train, m_test;
    std::shared_ptr<const engine::Network> m_model;
    engine::Evaluation m_eval;

    std::unique_ptr<ui::MainWindow> open()
    {
        ui::MainWindow::Options o;
        o.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
        o.restoreSettings = false;
        o.askToSaveOnQuit = false;
        auto w = std::make_unique<ui::MainWindow>(o);
        QSignalSpy ready(w.get(), &ui::MainWindow::dataReady);
        w->show();
        if (!w->isDataReady())
            ready.wait(20000);
        return w;
    }

    static std::size_t countLabel(const engine::Dataset& d, int label)
    {
        return std::size_t(std::count(d.labels.begin(), d.labels.end(), std::uint8_t(label)));
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
        engine::TrainTest t = engine::loadIdxFolder(engine::findMnistDir(), engine::digitClassNames(), "MNIST ");
        m_train = std::make_shared<const engine::Dataset>(std::move(t.train));
        m_test = std::make_shared<const engine::Dataset>(std::move(t.test));
        m_model = std::make_shared<const engine::Network>(engine::loadModel(engine::findDefaultModel()).network);
        m_eval = engine::evaluate(*m_model, *m_test);
    }

    void galleryFiltersCount()
    {
        ui::DigitGallery g;
        g.resize(800, 400);
        g.show();
        g.setData(m_train, m_test);
        QCOMPARE(g.count(), 10000);
        g.trueLabelChoice()->setCurrentIndex(3 + 1); // "3"
        QCOMPARE(std::size_t(g.count()), countLabel(*m_test, 3));
        // Needs predictions: nothing passes until they come.
        g.trueLabelChoice()->setCurrentIndex(0);
        QTest::mouseClick(g.wrongOnly(), Qt::LeftButton);
        QVERIFY(g.wrongOnly()->isChecked());
        QCOMPARE(g.count(), 0);
        g.setPredictions(true, m_eval.predictions, m_eval.confidence);
        const int wrong = 10000 - int(std::llround(m_eval.accuracy * 10000));
        QCOMPARE(g.count(), wrong);
        g.predictedChoice()->setCurrentIndex(7 + 1);
        int wrongSevens = 0;
        for (int t = 0; t < 10; ++t)
            if (t != 7)
                wrongSevens += int(m_eval.confusionAt(t, 7));
        QCOMPARE(g.count(), wrongSevens);
        // Least confident first: confidences ascend down the list.
        QTest::mouseClick(g.wrongOnly(), Qt::LeftButton);
        g.predictedChoice()->setCurrentIndex(0);
        QTest::mouseClick(g.leastConfident(), Qt::LeftButton);
        QCOMPARE(g.count(), 10000);
        const auto* m = g.model();
        for (int r = 1; r < 50; ++r)
            QVERIFY(m->data(m->index(r - 1), ui::DigitListModel::ConfidenceRole).toDouble() <=
                    m->data(m->index(r), ui::DigitListModel::ConfidenceRole).toDouble());
        // The training set, with its own predictions.
        g.setChoice()->setCurrentIndex(1);
        QCOMPARE(g.count(), 60000);
        QVERIFY(!g.model()->hasPredictions());
        // Clicking a digit says which one.
        QSignalSpy activated(&g, &ui::DigitGallery::digitActivated);
        g.setChoice()->setCurrentIndex(0);
        QTest::mouseClick(g.leastConfident(), Qt::LeftButton);
        const QRect first = g.view()->visualRect(g.model()->index(2));
        QTest::mouseClick(g.view()->viewport(), Qt::LeftButton, {}, first.center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).toBool(), true);
        QCOMPARE(activated.first().at(1).value<std::size_t>(), std::size_t(2));
    }

    // New predictions at an epoch's end: the model names only the digits whose reading changed,
    // the view repaints them (green tick -> red arrow) and keeps every digit where it was.
    void newPredictionsRepaintOnlyWhatChanged()
    {
        ui::DigitGallery g;
        g.resize(800, 400);
        g.show();
        QVERIFY(QTest::qWaitForWindowExposed(&g));
        g.setData(m_train, m_test);
        std::vector<std::uint8_t> predicted(m_test->labels.begin(), m_test->labels.end()); // all right
        std::vector<float> confidence(m_test->size(), 0.9f);
        g.setPredictions(true, predicted, confidence);
        QCoreApplication::processEvents();
        const QRect second = g.view()->visualRect(g.model()->index(1));
        const QRect hundredth = g.view()->visualRect(g.model()->index(100));
        // What is on screen (the window's backing store), not a fresh rendering: only a repaint
        // the view asked for changes it.
        auto inkAt = [&](const QRect& item) {
            const QPoint at = g.view()->viewport()->mapTo(&g, item.topLeft());
            const QImage shot = g.screen()->grabWindow(g.winId(), at.x(), at.y(), item.width(), item.height()).toImage();
            int green = 0, red = 0;
            for (int y = 0; y < shot.height(); ++y)
                for (int x = 0; x < shot.width(); ++x) {
                    const QColor c = shot.pixelColor(x, y);
                    green += c.green() > 100 && c.red() < 60 && c.blue() < 60;
                    red += c.red() > 150 && c.green() < 60 && c.blue() < 60;
                }
            return std::pair{green, red};
        };
        QTRY_VERIFY(inkAt(second).first > 0);
        QCOMPARE(inkAt(second).second, 0);

        QTest::qWait(300); // the view lays its 10,000 digits out in batches, repainting each time
        PaintRecorder painted(g.view()->viewport());
        QSignalSpy changed(g.model(), &QAbstractItemModel::dataChanged);
        for (const std::size_t i : {std::size_t(1), std::size_t(100), std::size_t(9999)})
            predicted[i] = std::uint8_t((predicted[i] + 1) % 10);
        g.setPredictions(true, predicted, confidence);
        QCOMPARE(changed.count(), 3);
        for (const auto& signal : changed)
            QCOMPARE(signal.at(0).toModelIndex(), signal.at(1).toModelIndex()); // one digit each
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
        QCoreApplication::processEvents();
        QCOMPARE(g.view()->visualRect(g.model()->index(1)), second);     // nothing moved
        QCOMPARE(g.view()->visualRect(g.model()->index(100)), hundredth);
        QTRY_VERIFY(inkAt(second).second > 0); // now drawn as wrong
        QCOMPARE(inkAt(second).first, 0);
        QVERIFY(painted.region.contains(second));
        QVERIFY(!painted.region.contains(g.view()->visualRect(g.model()->index(0)))); // not all of it

        // Most digits changing at once (the first epochs): one range for the whole list.
        changed.clear();
        for (auto& p : predicted)
            p = std::uint8_t((p + 1) % 10);
        g.setPredictions(true, predicted, confidence);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(1).toModelIndex().row(), 9999);
    }

    void confusionCellFiltersTheGallery()
    {
        auto w = open();
        QTRY_VERIFY_WITH_TIMEOUT(w->confusion()->classes() == 10, 10000); // the default model's
        ui::ConfusionMatrix* c = w->confusion();
        QCOMPARE(c->count(4, 9), m_eval.confusionAt(4, 9));
        QVERIFY(c->count(4, 9) > 0);
        QTest::mouseClick(c, Qt::LeftButton, {}, c->cellRect(4, 9).center());
        QCOMPARE(w->gallery()->trueLabelChoice()->currentData().toInt(), 4);
        QCOMPARE(w->gallery()->predictedChoice()->currentData().toInt(), 9);
        QTRY_COMPARE(std::int64_t(w->gallery()->count()), m_eval.confusionAt(4, 9));
        QVERIFY(w->dock(QStringLiteral("galleryDock"))->isVisible());
        QVERIFY(c->toCsv().startsWith(QLatin1String("true\\predicted,0,1,2")));
        QCOMPARE(c->toCsv().count(QLatin1Char('\n')), 11);
    }

    void heatmapTilesFollowTheWeights()
    {
        ui::WeightHeatmaps h;
        h.resize(700, 700);
        h.show();
        QVERIFY(QTest::qWaitForWindowExposed(&h));
        auto net = std::make_shared<engine::Network>(*m_model);
        h.setNetwork(net, 28, 28, true);
        QCOMPARE(h.tiles()->tileCount(), 256);
        const QImage before = h.tiles()->tile(5), neighbour = h.tiles()->tile(6);
        const auto [lo, hi] = h.tiles()->range(5);
        QCOMPARE(lo, m_model->weights(0).row(5).minCoeff());
        QCOMPARE(hi, m_model->weights(0).row(5).maxCoeff());
        auto changed = std::make_shared<engine::Network>(*m_model);
        changed->weights(0).row(5) *= -1.0f;
        h.setNetwork(changed, 28, 28, true);
        QVERIFY(h.tiles()->tile(5) != before);
        QVERIFY(h.tiles()->tile(6) == neighbour); // the shared scale (largest |w|) is the same
        // Clicking a tile shows that neuron's ten outgoing weights.
        QTest::mouseClick(h.tiles(), Qt::LeftButton, {}, h.tiles()->tileRect(3).center());
        QCOMPARE(h.tiles()->selected(), 3);
        const std::vector<double> out = h.outgoing();
        QCOMPARE(out.size(), std::size_t(10));
        for (int o = 0; o < 10; ++o)
            QCOMPARE(out[std::size_t(o)], double(m_model->weights(1)(o, 3)));
        // Bounded refresh: many snapshots within 100 ms draw at most once more.
        const int redraws = h.redraws();
        for (int i = 0; i < 50; ++i)
            h.setNetwork(std::make_shared<engine::Network>(*m_model), 28, 28);
        QCOMPARE(h.redraws(), redraws);
        QTRY_COMPARE(h.redraws(), redraws + 1);
        QTest::qWait(250);
        QCOMPARE(h.redraws(), redraws + 1);
    }

    void weightPicturesUseTheDivergingColours()
    {
        // One weight a pixel, against a scale of 2: zero is white, +-2 the full red and blue,
        // beyond it clamps, NaN and infinity are black; in between within one colour level.
        const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
        const std::vector<float> w = {0.0f, 2.0f, -2.0f, 5.0f, -5.0f, nan, inf, 0.5f, -1.3f, 1.9f, -0.01f, 0.37f};
        const QImage image = ui::weightImage(w.data(), 3, 4, 2.0f);
        QCOMPARE(image.size(), QSize(4, 3));
        auto at = [&](int i) { return image.pixel(i % 4, i / 4); };
        QCOMPARE(at(0), qRgb(255, 255, 255));
        QCOMPARE(at(1), ui::divergingColor(1.0f));
        QCOMPARE(at(2), ui::divergingColor(-1.0f));
        QCOMPARE(at(3), ui::divergingColor(1.0f));
        QCOMPARE(at(4), ui::divergingColor(-1.0f));
        QCOMPARE(at(5), qRgb(0, 0, 0));
        QCOMPARE(at(6), qRgb(0, 0, 0));
        for (int i = 7; i < 12; ++i) {
            const QRgb got = at(i), want = ui::divergingColor(w[std::size_t(i)] / 2.0f);
            QVERIFY2(std::abs(qRed(got) - qRed(want)) <= 1 && std::abs(qGreen(got) - qGreen(want)) <= 1 &&
                         std::abs(qBlue(got) - qBlue(want)) <= 1,
                     qPrintable(QStringLiteral("weight %1").arg(double(w[std::size_t(i)]))));
        }
        // A scale of 0 (every weight 0) draws white, not NaN's black.
        const float zeros[4] = {};
        QCOMPARE(ui::weightImage(zeros, 2, 2, 0.0f).pixel(1, 1), qRgb(255, 255, 255));
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
        QTest::qWait(50);
        const int classified = draw->classifications();

        // The weights dock moved behind the confusion matrix: out of sight too.
        QDockWidget* weightsDock = w->dock(QStringLiteral("weightsDock"));
        w->tabifyDockWidget(w->dock(QStringLiteral("confusionDock")), weightsDock);
        w->dock(QStringLiteral("confusionDock"))->raise();
        QTRY_VERIFY(!ui::isOnScreen(w->heatmaps()));
        QTest::qWait(300);
        const int redrawn = w->heatmaps()->redraws();

        // New weights (Ctrl+R): neither hidden view draws them.
        QSignalSpy snapshots(w.get(), &ui::MainWindow::snapshotChanged);
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        QVERIFY(snapshots.wait(5000));
        QTest::qWait(2 * ui::WeightHeatmaps::kRefreshMs);
        QCOMPARE(draw->classifications(), classified);
        QCOMPARE(w->heatmaps()->redraws(), redrawn);

        // Their tabs chosen, they show the new network.
        drawDock->raise();
        QTRY_COMPARE(draw->classifications(), classified + 1);
        weightsDock->raise();
        QTRY_COMPARE(w->heatmaps()->redraws(), redrawn + 1);
    }

    void legendCoversNoCurve()
    {
        // Runs that stay at their highest loss all along (the lesson on 100 images does, nearly):
        // the loss axis reaches above them by the legend's height, linear or logarithmic.
        ui::LearningCurves curves;
        curves.resize(600, 500);
        curves.show();
        QVERIFY(QTest::qWaitForWindowExposed(&curves));
        for (int run = 1; run <= 3; ++run) {
            curves.beginRun(run, QStringLiteral("784-90-10 sigmoid, run %1").arg(run));
            for (int i = 1; i <= 20; ++i)
                curves.addRunning(run, 0.1 * i, 0.3 - 0.01 * run, 0.5);
        }
        for (const bool log : {false, true}) {
            curves.setLogLoss(log);
            QTest::qWait(300); // the replot, and the one after the legend's first layout
            curves.savePlot(m_dir.filePath(QStringLiteral("curves.png")));
            QCustomPlot* plot = curves.plot();
            QVERIFY(plot->legend->visible());
            QCPAxis* y = plot->graph(0)->valueAxis();
            const double top = y->coordToPixel(0.29); // the highest curve
            QVERIFY2(plot->legend->outerRect().bottom() < top,
                     qPrintable(QStringLiteral("log %1: legend to %2 px, curve at %3 px")
                                    .arg(log).arg(plot->legend->outerRect().bottom()).arg(top)));
        }
    }

    void galleryShowsTheNewestNetworksAnswers()
    {
        // New weights twice within the gallery's refresh interval (1 s when idle): the second
        // network's answers still arrive, a little later, with nothing else happening.
        auto w = open();
        QTRY_VERIFY(w->snapshot().network != nullptr);
        QTRY_VERIFY(w->gallery()->model()->hasPredictions());
        QSignalSpy snapshots(w.get(), &ui::MainWindow::snapshotChanged);
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        QVERIFY(snapshots.wait(5000));
        QTest::keyClick(w.get(), Qt::Key_R, Qt::ControlModifier);
        QVERIFY(snapshots.wait(5000));
        const auto newest = w->snapshot().network;
        const engine::Evaluation expected = engine::evaluate(*newest, *m_test, 200);
        auto shown = [&] {
            ui::DigitListModel* m = w->gallery()->model();
            for (int row = 0; row < 200; ++row) {
                const QModelIndex i = m->index(row);
                const auto at = m->data(i, ui::DigitListModel::IndexRole).toULongLong();
                if (m->data(i, ui::DigitListModel::PredictedRole).toInt() != expected.predictions[at])
                    return false;
            }
            return true;
        };
        // (two whole-set evaluations one after the other: seconds under ASan)
        QTRY_VERIFY_WITH_TIMEOUT(shown(), 20000);
        QVERIFY(w->snapshot().network == newest);
    }

    void inspectorShowsTheForwardPass()
    {
        auto w = open();
        QTRY_VERIFY(w->snapshot().network != nullptr);
        w->inspect(true, 8); // a test digit
        ui::StepInspector* in = w->inspector();
        QVERIFY(in->hasTrace());
        engine::Vector x(784);
        m_model->scaleInput(m_test->image(8), x.data());
        engine::Batch batch = x;
        const engine::Batch o = m_model->predict(batch);
        const std::vector<double> shown = in->shown(QStringLiteral("o_output"));
        QCOMPARE(shown.size(), std::size_t(10));
        for (int k = 0; k < 10; ++k)
            QVERIFY(std::abs(shown[std::size_t(k)] - o(k, 0)) < 1e-6);
        const engine::Network::Trace t = m_model->trace(x);
        const std::vector<double> h = in->shown(QStringLiteral("h_output"));
        QCOMPARE(h.size(), std::size_t(256));
        for (int k = 0; k < 256; ++k)
            QVERIFY(std::abs(h[std::size_t(k)] - t.activations[1][k]) < 1e-6);
        const std::vector<double> target = in->shown(QStringLiteral("target"));
        QCOMPARE(target[m_test->labels[8]], 1.0); // softmax + cross-entropy: one-hot
        QVERIFY(!in->stepButton()->isEnabled()); // a test image: never trained on
    }

    void stepOnOneTrainingImage()
    {
        auto w = open();
        QVERIFY(w->applyPreset(QStringLiteral("lesson")));
        QTRY_COMPARE(w->snapshot().network->architecture().hidden, (std::vector<int>{90}));
        w->inspect(false, 0); // the first training image, a 5
        ui::StepInspector* in = w->inspector();
        QTRY_VERIFY(in->stepButton()->isEnabled());
        const auto before = w->snapshot().network;
        const std::vector<double> oBefore = in->shown(QStringLiteral("o_output"));
        QSignalSpy stepped(w->controller(), &app::TrainingController::sampleStepped);
        QTest::mouseClick(in->stepButton(), Qt::LeftButton);
        QVERIFY(stepped.wait(5000));
        // The network after the step is the lesson's update of exactly this image.
        engine::Network expected = *before;
        engine::trainOneSample(expected, m_train->image(0), m_train->labels[0], 0.1f, true);
        QTRY_VERIFY(w->snapshot().network != before);
        QVERIFY(*w->snapshot().network == expected);
        QCOMPARE(in->changeTiles()->tileCount(), 90);
        QVERIFY(in->changeText()->text().contains(QLatin1String("neuron")));
        // Its output for this image moved towards the target 0.99 for class 5.
        QTRY_VERIFY(in->shown(QStringLiteral("o_output"))[5] > oBefore[5]);
    }
};

QTEST_MAIN(TestViews)
#include "tst_digit_gallery.moc"
