// Reading the confusion matrix: its axes say "true" and "predicted", and the cell a learner
// clicked stays marked while the gallery shows those digits.
#include "ui/confusion_matrix.h"

#include <QImage>
#include <QPaintEngine>
#include <QSignalSpy>
#include <QtTest>

using namespace nnlab;

// A paint device that keeps the text painted on it (and nothing else).
class TextRecorder : public QPaintDevice
{
public:
    explicit TextRecorder(QSize size) : m_size(size) {}
    QPaintEngine* paintEngine() const override { return &m_engine; }
    QStringList texts() const { return m_engine.texts; }

protected:
    int metric(PaintDeviceMetric m) const override
    {
        switch (m) {
        case PdmWidth:
            return m_size.width();
        case PdmHeight:
            return m_size.height();
        case PdmDpiX:
        case PdmDpiY:
        case PdmPhysicalDpiX:
        case PdmPhysicalDpiY:
            return 96;
        case PdmDepth:
            return 32;
        case PdmNumColors:
            return INT_MAX;
        case PdmDevicePixelRatio:
            return 1;
        case PdmDevicePixelRatioScaled:
            return int(devicePixelRatioFScale());
        case PdmWidthMM:
            return m_size.width() * 254 / 960;
        case PdmHeightMM:
            return m_size.height() * 254 / 960;
        }
        return 0;
    }

private:
    struct Engine : QPaintEngine
    {
        Engine() : QPaintEngine(AllFeatures) {}
        bool begin(QPaintDevice*) override { return true; }
        bool end() override { return true; }
        void updateState(const QPaintEngineState&) override {}
        void drawPixmap(const QRectF&, const QPixmap&, const QRectF&) override {}
        void drawPath(const QPainterPath&) override {}
        void drawPolygon(const QPointF*, int, PolygonDrawMode) override {}
        void drawRects(const QRectF*, int) override {}
        void drawLines(const QLineF*, int) override {}
        void drawImage(const QRectF&, const QImage&, const QRectF&,
                       Qt::ImageConversionFlags) override
        {
        }
        void drawTextItem(const QPointF&, const QTextItem& item) override { texts << item.text(); }
        Type type() const override { return User; }
        QStringList texts;
    };
    QSize m_size;
    mutable Engine m_engine;
};

class TestConfusionReading : public QObject
{
    Q_OBJECT

    // 10 classes: 90 right on the diagonal, 10 of each class read as the next class.
    static void fill(ui::ConfusionMatrix& m)
    {
        std::vector<std::int64_t> counts(100, 0);
        QStringList names;
        for (int t = 0; t < 10; ++t) {
            counts[std::size_t(t * 10 + t)] = 90;
            counts[std::size_t(t * 10 + (t + 1) % 10)] = 10;
            names << QString::number(t);
        }
        m.setConfusion(counts, names);
    }

private slots:
    void axesSayTrueAndPredicted()
    {
        ui::ConfusionMatrix m;
        m.resize(420, 420);
        fill(m);
        TextRecorder recorder(m.size());
        m.render(&recorder);
        const QStringList texts = recorder.texts();
        QVERIFY2(texts.contains(QStringLiteral("predicted")), qPrintable(texts.join(u'|')));
        QVERIFY2(texts.contains(QStringLiteral("true")), qPrintable(texts.join(u'|')));
        QVERIFY(texts.contains(QStringLiteral("90")));
        // The titles sit outside the cells: every cell is still inside the widget, square.
        const QRect first = m.cellRect(0, 0), last = m.cellRect(9, 9);
        QVERIFY(m.rect().contains(first.united(last)));
        QVERIFY(std::abs(first.width() - first.height()) <= 1);
    }

    void clickedCellStaysMarked()
    {
        ui::ConfusionMatrix m;
        m.resize(420, 420);
        m.show();
        QVERIFY(QTest::qWaitForWindowExposed(&m));
        fill(m);
        const QImage before = m.grab().toImage();
        QSignalSpy clicked(&m, &ui::ConfusionMatrix::cellClicked);
        QTest::mouseClick(&m, Qt::LeftButton, {}, m.cellRect(4, 5).center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 4);
        QCOMPARE(clicked.at(0).at(1).toInt(), 5);
        const QImage after = m.grab().toImage();
        // The clicked cell's border changed; a far cell did not.
        auto borderDiffers = [&](const QRect& cell) {
            int changed = 0;
            for (int x = cell.left(); x <= cell.right(); ++x)
                for (int y : {cell.top(), cell.top() + 1, cell.bottom() - 1, cell.bottom()})
                    changed += before.pixel(x, y) != after.pixel(x, y);
            return changed;
        };
        QVERIFY2(borderDiffers(m.cellRect(4, 5)) > m.cellRect(4, 5).width(),
                 qPrintable(QString::number(borderDiffers(m.cellRect(4, 5)))));
        QCOMPARE(borderDiffers(m.cellRect(8, 1)), 0);
        // A click on another cell moves the mark.
        QTest::mouseClick(&m, Qt::LeftButton, {}, m.cellRect(8, 1).center());
        const QImage moved = m.grab().toImage();
        auto topMiddle = [&](int t, int p) {
            return m.cellRect(t, p).topLeft() + QPoint(m.cellRect(t, p).width() / 2, 0);
        };
        QCOMPARE(moved.pixel(topMiddle(4, 5)), before.pixel(topMiddle(4, 5)));
        QVERIFY(moved.pixel(topMiddle(8, 1)) != before.pixel(topMiddle(8, 1)));
    }
};

QTEST_MAIN(TestConfusionReading)
#include "tst_confusion_reading.moc"
