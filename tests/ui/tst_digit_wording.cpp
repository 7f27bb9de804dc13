// The views' sentences about a digit: "an 8", not "a 8"; and a sigmoid output is never called a
// percentage or a probability (the gallery does not know whether the net ends in softmax).
#include "app/common/counted.h"
#include "engine/dataset.h"
#include "tests/common/test_support.h"
#include "ui/digit_canvas.h"
#include "ui/digit_gallery.h"
#include "ui/draw_panel.h"
#include "ui/wording.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
namespace engine = nnlab::engine;

class TestDigitWording : public QObject
{
    Q_OBJECT

    // Two blank digits labelled 8 and 7, with the digits' class names.
    static std::shared_ptr<engine::Dataset> eightAndSeven()
    {
        auto data = std::make_shared<engine::Dataset>();
        data->labels = {8, 7};
        data->pixels.assign(2 * 784, 0);
        for (int k = 0; k < 10; ++k)
            data->classNames.push_back(std::to_string(k));
        return data;
    }

    static QString labelText(QWidget* parent, const QString& start)
    {
        for (auto* label : parent->findChildren<QLabel*>())
            if (label->text().startsWith(start))
                return label->text();
        return {};
    }

private slots:
    void articles_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("8") << "8" << "an 8";
        QTest::newRow("7") << "7" << "a 7";
        QTest::newRow("0") << "0" << "a 0";
        QTest::newRow("1") << "1" << "a 1";
        QTest::newRow("11") << "11" << "an 11";
        QTest::newRow("18") << "18" << "an 18";
        QTest::newRow("80") << "80" << "an 80";
        QTest::newRow("118") << "118" << "a 118";
        QTest::newRow("18000") << "18000" << "an 18000";
        QTest::newRow("Ankle boot") << "Ankle boot" << "an Ankle boot";
        QTest::newRow("T-shirt/top") << "T-shirt/top" << "a T-shirt/top";
    }

    void articles()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        QCOMPARE(ui::withArticle(name), expected);
    }

    void galleryTooltipSaysAnEightAndNoPercentage()
    {
        const auto data = eightAndSeven();
        ui::DigitListModel model;
        model.setDataset(data);
        auto tip = [&](int row) {
            return model.data(model.index(row), Qt::ToolTipRole).toString();
        };
        QVERIFY2(tip(0).contains(QLatin1String("an 8")), qPrintable(tip(0)));
        QVERIFY2(tip(1).contains(QLatin1String("a 7")), qPrintable(tip(1)));
        // Sigmoid outputs (the largest here 0.9731) are outputs, not percentages.
        model.setPredictions({8, 1}, {0.9731f, 0.42f});
        QVERIFY2(tip(0).contains(QLatin1String("0.973")), qPrintable(tip(0)));
        for (int row : {0, 1}) {
            QVERIFY2(!tip(row).contains(QLatin1Char('%')), qPrintable(tip(row)));
            QVERIFY2(!tip(row).contains(QLatin1String("probab"), Qt::CaseInsensitive),
                     qPrintable(tip(row)));
        }
    }

    // "1 digit" and "2 digits", never "digit(s)": counts read as English.
    void countsAreSingularOnlyForOne()
    {
        QCOMPARE(app::counted(1, QStringLiteral("epoch"), QStringLiteral("epochs")), QStringLiteral("1 epoch"));
        QVERIFY(app::counted(5, QStringLiteral("epoch"), QStringLiteral("epochs")).endsWith(QLatin1String("5 epochs")));
        const auto two = eightAndSeven();
        ui::DigitGallery g;
        g.setData(two, two);
        QVERIFY2(labelText(&g, QStringLiteral("2 ")) == QLatin1String("2 digits"), qPrintable(labelText(&g, QStringLiteral("2"))));
        g.trueLabelChoice()->setCurrentIndex(8 + 1);
        QCOMPARE(labelText(&g, QStringLiteral("1 ")), QStringLiteral("1 digit"));
        ui::DrawPanel panel;
        QSpinBox* trainEpochs = nullptr;
        for (auto* box : panel.findChildren<QSpinBox*>())
            if (box->suffix().contains(QLatin1String("epoch")))
                trainEpochs = box;
        QVERIFY(trainEpochs);
        trainEpochs->setValue(1);
        QCOMPARE(trainEpochs->suffix(), QStringLiteral(" epoch"));
        trainEpochs->setValue(3);
        QCOMPARE(trainEpochs->suffix(), QStringLiteral(" epochs"));
    }

    void drawPanelSaysAnEight()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        test::useBundledDataAndModel();
        ui::DrawPanel panel;
        panel.resize(900, 500);
        panel.setNetwork(test::loadBundledModel());
        panel.setUserDatasetPath(dir.filePath(QStringLiteral("my-digits.csv")));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        // "This is a" before the label box follows its number.
        panel.labelBox()->setValue(8);
        QCOMPARE(labelText(&panel, QStringLiteral("This is")), QStringLiteral("This is an"));
        panel.labelBox()->setValue(7);
        QCOMPARE(labelText(&panel, QStringLiteral("This is")), QStringLiteral("This is a"));

        ui::DigitCanvas* canvas = panel.canvas();
        const QRect s = canvas->square();
        QTest::mousePress(canvas, Qt::LeftButton, {}, s.center() - QPoint(0, s.height() / 4));
        for (int i = 1; i <= 10; ++i) {
            const QPointF at = QPointF(s.center()) + QPointF(0, s.height() * (i / 20.0 - 0.25));
            QMouseEvent move(QEvent::MouseMove, at, canvas->mapToGlobal(at), Qt::NoButton,
                             Qt::LeftButton, Qt::NoModifier);
            QCoreApplication::sendEvent(canvas, &move);
        }
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, s.center() + QPoint(0, s.height() / 4));
        QTRY_VERIFY(panel.result().seen.has_value());
        panel.labelBox()->setValue(8);
        QTest::mouseClick(panel.addButton(), Qt::LeftButton);
        const QString saved = labelText(&panel, QStringLiteral("Saved as"));
        QVERIFY2(saved.startsWith(QLatin1String("Saved as an 8")), qPrintable(saved));
    }
};

QTEST_MAIN(TestDigitWording)
#include "tst_digit_wording.moc"
