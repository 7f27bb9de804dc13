// The draw view, offscreen, driven by mouse events as a person draws: the bars update, the
// answer for a plain stroke is right, Clear and Undo reset, an empty canvas makes no guess, odd
// drawings do not break it, the explanation covers the image, and "add to training set" writes
// a CSV line the lesson's reader loads.
#include "engine/csv_reader.h"
#include "tests/common/test_support.h"
#include "ui/digit_canvas.h"
#include "ui/draw_panel.h"

#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <numeric>

using namespace nnlab;
namespace engine = nnlab::engine;

class TestDraw : public QObject
{
    Q_OBJECT

    app::NetworkPtr m_model;

    // A stroke through the given points, in fractions of the canvas square.
    static void stroke(ui::DigitCanvas* canvas, const std::vector<QPointF>& points)
    {
        const QRect s = canvas->square();
        auto at = [&](const QPointF& p) {
            return QPoint(s.left() + int(p.x() * s.width()), s.top() + int(p.y() * s.height()));
        };
        QTest::mousePress(canvas, Qt::LeftButton, {}, at(points.front()));
        for (std::size_t i = 1; i < points.size(); ++i) {
            // QTest::mouseMove does not carry the pressed button: send the move ourselves.
            QMouseEvent move(QEvent::MouseMove, QPointF(at(points[i])), canvas->mapToGlobal(QPointF(at(points[i]))),
                             Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(canvas, &move);
        }
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, at(points.back()));
    }

    static std::vector<QPointF> line(QPointF a, QPointF b, int steps = 20)
    {
        std::vector<QPointF> p;
        for (int i = 0; i <= steps; ++i)
            p.push_back(a + (b - a) * (double(i) / steps));
        return p;
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        m_model = test::loadBundledModel();
    }

    void strokeUpdatesTheBarsAndClearResets()
    {
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(m_model);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.canvas()->width() >= ui::DigitCanvas::kMinimumSide);
        QVERIFY(panel.canvas()->height() >= ui::DigitCanvas::kMinimumSide);
        // Empty: no guess.
        QTRY_VERIFY(!panel.result().seen);
        QCOMPARE(panel.answer()->text(), QStringLiteral("–"));

        stroke(panel.canvas(), line({0.5, 0.15}, {0.5, 0.85})); // a plain 1
        QTRY_VERIFY(panel.result().seen.has_value());
        QCOMPARE(panel.result().digit, 1);
        QCOMPARE(panel.answer()->text(), QStringLiteral("1"));
        const std::vector<double> bars = panel.bars();
        QCOMPARE(bars.size(), std::size_t(10));
        QVERIFY(std::abs(std::accumulate(bars.begin(), bars.end(), 0.0) - 1.0) < 1e-3); // softmax
        QCOMPARE(bars[1], double(panel.result().confidence));
        // What the network sees is an MNIST-style digit: ink centred in the 28x28 field.
        double mass = 0, cx = 0, cy = 0;
        for (int i = 0; i < 784; ++i) {
            const double v = (*panel.result().seen)[std::size_t(i)];
            mass += v;
            cx += v * (i % 28);
            cy += v * (i / 28);
        }
        QVERIFY(std::abs(cx / mass - 14) <= 1.0 && std::abs(cy / mass - 14) <= 1.0);

        QTest::mouseClick(panel.clearButton(), Qt::LeftButton);
        QTRY_VERIFY(!panel.result().seen);
        QVERIFY(panel.canvas()->isEmpty());
        for (double v : panel.bars())
            QCOMPARE(v, 0.0);
    }

    void undoAndEscape()
    {
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(m_model);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        stroke(panel.canvas(), line({0.3, 0.2}, {0.7, 0.2}));
        stroke(panel.canvas(), line({0.7, 0.2}, {0.4, 0.85}));
        QCOMPARE(panel.canvas()->strokeCount(), 2);
        panel.canvas()->setFocus();
        QTest::keyClick(panel.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(panel.canvas()->strokeCount(), 1);
        QTest::keyClick(panel.canvas(), Qt::Key_Escape);
        QVERIFY(panel.canvas()->isEmpty());
        QTRY_VERIFY(!panel.result().seen);
    }

    void oddDrawingsAreHandled()
    {
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(m_model);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        stroke(panel.canvas(), {{0.5, 0.5}}); // a single dot
        QTRY_VERIFY(panel.result().seen.has_value());
        QVERIFY(panel.result().digit >= 0 && panel.result().digit <= 9);
        panel.canvas()->clear();
        stroke(panel.canvas(), line({0.0, 0.5}, {1.0, 0.5})); // across the whole canvas
        QTRY_VERIFY(panel.result().seen.has_value());
        panel.canvas()->clear();
        stroke(panel.canvas(), line({-0.5, -0.5}, {1.5, 1.5})); // off the canvas and back
        QTRY_VERIFY(panel.result().seen.has_value());
        // A network that does not read 28x28 images: a message, no crash, no guess.
        engine::Architecture a;
        a.inputs = 64;
        panel.setNetwork(std::make_shared<const engine::Network>(a));
        QTRY_VERIFY(!panel.result().seen);
    }

    void explainAndThrottle()
    {
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(m_model);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTest::mouseClick(panel.explainBox(), Qt::LeftButton);
        QElapsedTimer clock;
        clock.start();
        const int before = panel.classifications();
        stroke(panel.canvas(), line({0.5, 0.1}, {0.5, 0.9}, 300)); // 300 moves, sent at once
        QTRY_VERIFY(panel.result().seen.has_value());
        const int made = panel.classifications() - before;
        QVERIFY2(made < 300, qPrintable(QString::number(made)));
        QVERIFY(made <= int(clock.elapsed() / ui::DrawPanel::kMinIntervalMs) + 2);
        QCOMPARE(panel.result().saliency.size(), std::size_t(784));
        QVERIFY(std::any_of(panel.result().saliency.begin(), panel.result().saliency.end(),
                            [](float v) { return v != 0.0f; }));
    }

    void addToTrainingSetWritesTheLessonsCsv()
    {
        QTemporaryDir dir;
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(m_model);
        panel.setUserDatasetPath(dir.filePath(QStringLiteral("mine/my-digits.csv")));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy added(&panel, &ui::DrawPanel::digitAdded);
        for (int k = 0; k < 2; ++k) {
            stroke(panel.canvas(), line({0.5, 0.15}, {0.5, 0.85}));
            QTRY_VERIFY(panel.result().seen.has_value());
            panel.labelBox()->setValue(1);
            QTest::mouseClick(panel.addButton(), Qt::LeftButton);
        }
        QCOMPARE(added.count(), 2);
        QCOMPARE(added.last().at(1).toInt(), 2);
        const engine::Dataset d = engine::loadCsvDataset(panel.userDatasetPath().toStdString(),
                                                         engine::digitClassNames());
        QCOMPARE(d.size(), std::size_t(2));
        QCOMPARE(int(d.labels[0]), 1);
        QVERIFY(panel.canvas()->isEmpty()); // ready for the next one
    }
};

QTEST_MAIN(TestDraw)
#include "tst_draw.moc"
