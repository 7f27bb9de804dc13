// The confusion matrix in the main window, offscreen: the default model's counts, a cell that
// filters the gallery to its digits, and the matrix as CSV.
#include "engine/evaluation.h"
#include "tests/common/test_support.h"
#include "tests/common/window_fixture.h"
#include "ui/confusion_matrix.h"
#include "ui/digit_gallery.h"

#include <QComboBox>
#include <QDockWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
namespace engine = nnlab::engine;

class TestConfusionMatrix : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    engine::Evaluation m_eval;

    std::unique_ptr<ui::MainWindow> open()
    {
        return test::openMainWindow(m_dir.filePath(QStringLiteral("settings.ini")));
    }

private slots:
    void initTestCase()
    {
        test::useBundledDataAndModel();
        m_eval = engine::evaluate(*test::loadBundledModel(), *test::loadBundledMnist().test);
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
};

QTEST_MAIN(TestConfusionMatrix)
#include "tst_confusion_matrix.moc"
