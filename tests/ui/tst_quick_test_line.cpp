// The dashed quick-test line (issue 20): it joins estimates made one after another, and breaks
// where none were made, after an epoch-end test or across a long stretch (a continued run).
#include "ui/learning_curves.h"

#include <qcustomplot.h>

#include <QtTest>

#include <cmath>

using nnlab::ui::LearningCurves;

class TestQuickTestLine : public QObject
{
    Q_OBJECT

    // Breaks (NaN points) in the run's dashed graphs: {loss, accuracy}.
    static std::pair<int, int> breaks(LearningCurves& curves)
    {
        int counts[2] = {0, 0};
        int dashed = 0;
        for (int i = 0; i < curves.plot()->graphCount(); ++i) {
            QCPGraph* g = curves.plot()->graph(i);
            if (g->pen().style() != Qt::DashLine)
                continue;
            int nans = 0;
            for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
                nans += std::isnan(it->value) ? 1 : 0;
            counts[dashed++ % 2] = nans;
        }
        return {counts[0], counts[1]};
    }

private slots:
    void estimatesInARowAreJoined()
    {
        LearningCurves curves;
        curves.beginRun(1, QStringLiteral("784-90-10 sigmoid"));
        for (int i = 1; i <= 9; ++i)
            curves.addQuickTest(1, 0.1 * i, 1.0 - 0.05 * i, 0.5 + 0.04 * i);
        QCOMPARE(breaks(curves), std::make_pair(0, 0));
        QCOMPARE(curves.pointCount(1, LearningCurves::Kind::QuickTest), 9);
    }

    void anEpochEndTestBreaksTheLine()
    {
        LearningCurves curves;
        curves.beginRun(1, QStringLiteral("784-90-10 sigmoid"));
        for (int i = 1; i <= 9; ++i)
            curves.addQuickTest(1, 0.1 * i, 0.5, 0.8);
        curves.addTest(1, 1.0, 0.4, 0.85);
        for (int i = 1; i <= 9; ++i)
            curves.addQuickTest(1, 1.0 + 0.1 * i, 0.4, 0.86);
        QCOMPARE(breaks(curves), std::make_pair(1, 1));
        QCOMPARE(curves.pointCount(1, LearningCurves::Kind::QuickTest), 18);
        QVERIFY(!curves.toCsv().contains(QLatin1String("nan"), Qt::CaseInsensitive));
    }

    void aContinuedRunsEstimatesAreNotJoinedAcross18Epochs()
    {
        LearningCurves curves;
        curves.beginRun(1, QStringLiteral("784-90-10 sigmoid"));
        curves.addQuickTest(1, 0.5, 0.5, 0.8);
        curves.addQuickTest(1, 18.5, 0.2, 0.95); // epochs 1-18 without an estimate
        QCOMPARE(breaks(curves), std::make_pair(1, 1));
    }

    void breaksSurviveThinning()
    {
        LearningCurves curves;
        curves.beginRun(1, QStringLiteral("784-90-10 sigmoid"));
        double x = 0;
        for (int epoch = 1; epoch <= 4; ++epoch) {
            for (int i = 0; i < LearningCurves::kMaxPoints / 3; ++i)
                curves.addQuickTest(1, x += 0.001, 0.5, 0.8);
            curves.addTest(1, x += 0.001, 0.4, 0.85);
        }
        QVERIFY(curves.pointCount(1, LearningCurves::Kind::QuickTest) < LearningCurves::kMaxPoints);
        QCOMPARE(breaks(curves), std::make_pair(3, 3));
    }
};

QTEST_MAIN(TestQuickTestLine)
#include "tst_quick_test_line.moc"
