// The weight heatmaps, offscreen: a tile per hidden neuron that follows the weights, a click that
// shows a neuron's outgoing weights, a bounded refresh rate, and the diverging colours.
#include "tests/common/test_support.h"
#include "ui/pictures.h"
#include "ui/weight_heatmaps.h"
#include "ui/weight_tiles.h"

#include <QtTest>

using namespace nnlab;
namespace engine = nnlab::engine;

class TestWeightHeatmaps : public QObject
{
    Q_OBJECT

    std::shared_ptr<const engine::Network> m_model;

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        m_model = test::loadBundledModel();
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
        // No second redraw follows: none is due.
        QVERIFY(!h.refreshPending());
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
};

QTEST_MAIN(TestWeightHeatmaps)
#include "tst_weight_heatmaps.moc"
