// "This is a" under the draw view starts at the network's answer (issue 14, point 6): after a
// drawing, the label box holds what the network read, follows the answer while the network
// learns, keeps what the learner sets, and starts at the answer again for the next drawing.
#include "ui/digit_canvas.h"
#include "ui/draw_panel.h"

#include "engine/network.h"
#include "tests/common/window_fixture.h"

#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using ui::DrawPanel;

namespace {

// 784-10 with no hidden layer, every weight 0 and one bias 1: o_output is sigmoid(1) = 0.73 for
// `digit` and sigmoid(0) = 0.5 for every other, so whatever is drawn, the answer is `digit`.
app::NetworkPtr answering(int digit)
{
    engine::Architecture a;
    a.hidden = {};
    a.biases = true;
    engine::Network n(a);
    n.weights(0).setZero();
    n.bias(0).setZero();
    n.bias(0)(digit) = 1.0f;
    return std::make_shared<const engine::Network>(std::move(n));
}

QString labelText(QWidget* parent, const QString& start)
{
    for (auto* label : parent->findChildren<QLabel*>())
        if (label->text().startsWith(start))
            return label->text();
    return {};
}

} // namespace

class TestThisIsTheAnswer : public QObject
{
    Q_OBJECT

private slots:
    void labelStartsAtTheAnswer()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        DrawPanel panel;
        panel.setUserDatasetPath(dir.filePath(QStringLiteral("my-digits.csv")));
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setNetwork(answering(7));
        QSpinBox* label = panel.labelBox();
        const int before = label->value();

        // Nothing drawn: no answer to start from.
        QTRY_VERIFY(!panel.classificationPending());
        QCOMPARE(label->value(), before);

        // A drawing: the box holds the network's answer, and the words before it fit it.
        test::drawStroke(panel.canvas(), {0.5, 0.15}, {0.5, 0.85});
        QTRY_COMPARE(label->value(), 7);
        QCOMPARE(labelText(&panel, QStringLiteral("This is")), QStringLiteral("This is a"));

        // The network learns meanwhile and now reads an 8: the box follows ("This is an").
        panel.setNetwork(answering(8));
        QTRY_COMPARE(label->value(), 8);
        QCOMPARE(labelText(&panel, QStringLiteral("This is")), QStringLiteral("This is an"));

        // The learner says it is a 9: the answer no longer moves the box.
        label->setFocus();
        QTest::keyClick(label, Qt::Key_Up);
        QCOMPARE(label->value(), 9);
        const int classified = panel.classifications();
        panel.setNetwork(answering(7));
        QTRY_VERIFY(panel.classifications() > classified);
        QCOMPARE(panel.result().digit, 7);
        QCOMPARE(label->value(), 9);

        // Added as a 9; the canvas clears, and the next drawing starts at its answer again.
        QTest::mouseClick(panel.addButton(), Qt::LeftButton);
        QVERIFY2(labelText(&panel, QStringLiteral("Saved as")).startsWith(QLatin1String("Saved as a 9")),
                 qPrintable(labelText(&panel, QStringLiteral("Saved as"))));
        QVERIFY(panel.canvas()->isEmpty());
        test::drawStroke(panel.canvas(), {0.3, 0.3}, {0.7, 0.7});
        QTRY_COMPARE(label->value(), 7);

        // Set by hand again, then Clear: the next drawing too starts at the answer.
        label->setFocus();
        QTest::keyClick(label, Qt::Key_Down);
        QCOMPARE(label->value(), 6);
        QTest::mouseClick(panel.clearButton(), Qt::LeftButton);
        QVERIFY(panel.canvas()->isEmpty());
        test::drawStroke(panel.canvas(), {0.5, 0.15}, {0.5, 0.85});
        QTRY_COMPARE(label->value(), 7);
    }
};

QTEST_MAIN(TestThisIsTheAnswer)
#include "tst_this_is_the_answer.moc"
