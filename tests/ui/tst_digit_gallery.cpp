// The digit gallery, offscreen: filters and counts, new predictions that repaint only the digits
// whose reading changed, and (in the main window) the newest network's answers shown.
#include "engine/evaluation.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/digit_gallery.h"

#include <QCheckBox>
#include <QComboBox>
#include <QListView>
#include <QScreen>
#include <QSignalSpy>
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

class TestDigitGallery : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::shared_ptr<const engine::Dataset> m_train, m_test;
    engine::Evaluation m_eval;

    std::unique_ptr<ui::MainWindow> open()
    {
        return test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
    }

    static std::size_t countLabel(const engine::Dataset& d, int label)
    {
        return std::size_t(std::count(d.labels.begin(), d.labels.end(), std::uint8_t(label)));
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        const test::Mnist mnist = test::loadBundledMnist();
        m_train = mnist.train;
        m_test = mnist.test;
        m_eval = engine::evaluate(*test::loadBundledModel(), *m_test);
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

    // "Mine only" filters the training set, where the learner's digits are: on the test set
    // (chosen, or by a confusion-matrix cell) it is off and greyed, not an empty gallery.
    void mineOnlyNeverEmptiesTheTestSet()
    {
        engine::Dataset one = *m_test;
        one.pixels.resize(std::size_t(one.pixelsPerImage()));
        one.labels.resize(1);
        const auto train = std::make_shared<const engine::Dataset>(engine::joined(*m_train, one));
        ui::DigitGallery g;
        g.resize(800, 400);
        g.show();
        g.setData(train, m_test);
        g.setPredictions(true, m_eval.predictions, m_eval.confidence);
        QVERIFY(!g.mineOnly()->isEnabled()); // the test set has none of yours
        g.setChoice()->setCurrentIndex(1);
        QVERIFY(g.mineOnly()->isEnabled());
        QTest::mouseClick(g.mineOnly(), Qt::LeftButton);
        QCOMPARE(g.count(), 1);
        g.showPair(4, 9); // a confusion-matrix cell: test images
        QVERIFY(g.showsTestSet());
        QVERIFY(!g.mineOnly()->isChecked());
        QVERIFY(!g.mineOnly()->isEnabled());
        QCOMPARE(std::int64_t(g.count()), m_eval.confusionAt(4, 9));
        g.setChoice()->setCurrentIndex(1);
        QTest::mouseClick(g.mineOnly(), Qt::LeftButton);
        g.setChoice()->setCurrentIndex(0); // chosen by hand
        QVERIFY(!g.mineOnly()->isChecked());
        QCOMPARE(std::int64_t(g.count()), m_eval.confusionAt(4, 9)); // the cell's filters stay
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

        // The view lays its 10,000 digits out in batches, repainting each time: wait for the last
        // batch (a digit not yet laid out has no rectangle), then paint what it left to paint.
        QTRY_VERIFY(g.view()->visualRect(g.model()->index(9999)).isValid());
        g.view()->viewport()->repaint();
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
};

QTEST_MAIN(TestDigitGallery)
#include "tst_digit_gallery.moc"
