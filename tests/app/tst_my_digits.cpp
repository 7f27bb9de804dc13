// The learner's digits without a window (app/lab/my_digits.h and LabSession): saved to
// my-digits.csv and read again at the next start; on MNIST they join the training set after its
// 60,000 images (at once when idle, when the run ends otherwise); "Train on my digits" fine-tunes
// the current weights on MNIST and them; a set of fewer than 10 images or of one class is
// allowed but warned about in the lesson's words.
#include "app/lab/lab_session.h"
#include "app/lab/my_digits.h"

#include "engine/csv_reader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <array>

using namespace nnlab;
using app::LabSession;
using app::MyDigits;
using engine::ImageOrigin;

namespace {

// A 28x28 image: a vertical bar of ink in column `column`.
std::array<std::uint8_t, 784> bar(int column)
{
    std::array<std::uint8_t, 784> image{};
    for (int y = 4; y < 24; ++y)
        image[std::size_t(y * 28 + column)] = 255;
    return image;
}

// The lesson's CSV of images with these labels (image i is bar(10 + i)).
void writeCsv(const QString& path, const QList<int>& labels)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < labels.size(); ++i) {
        QByteArray line = QByteArray::number(labels[i]);
        for (const std::uint8_t p : bar(10 + int(i)))
            line += ',' + QByteArray::number(p);
        f.write(line + '\n');
    }
}

app::TrainingSetup lesson()
{
    return app::TrainingSetup::fromPreset(*engine::findPreset("lesson"));
}

} // namespace

class TestMyDigits : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // A session on the bundled MNIST with the learner's digits at `path`.
    static void openMnist(LabSession& s, const QString& path,
                          std::optional<app::TrainingSetup> setup = lesson())
    {
        s.myDigits()->setPath(path);
        s.begin(setup, 0);
        QSignalSpy ready(&s, &LabSession::dataReady);
        s.loadData(0);
        QVERIFY(ready.wait(20000));
        QCOMPARE(s.data().name, QStringLiteral("MNIST"));
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("data-home"))));
    }

    void savedInTheLessonsCsvAndReadAgain()
    {
        const QString path = m_dir.filePath(QStringLiteral("saved/my-digits.csv"));
        MyDigits mine(path);
        QCOMPARE(mine.count(), 0);
        QVERIFY(mine.loadError().isEmpty());
        QSignalSpy added(&mine, &MyDigits::added);
        QVERIFY(mine.add(7, bar(12)).isEmpty());
        QVERIFY(mine.add(3, bar(15)).isEmpty());
        QCOMPARE(added.count(), 2);
        QCOMPARE(added.last().at(0).toInt(), 2);
        QVERIFY(!mine.add(10, bar(1)).isEmpty()); // no such digit
        QCOMPARE(mine.count(), 2);

        MyDigits again(path); // the next start
        QCOMPARE(again.count(), 2);
        const engine::Dataset file =
            engine::loadCsvDataset(path.toStdString(), engine::digitClassNames());
        QCOMPARE(file.labels, (std::vector<std::uint8_t>{7, 3}));
        QCOMPARE(again.digits()->labels, file.labels);
        QCOMPARE(again.digits()->pixels, file.pixels);
        const auto second = bar(15);
        QVERIFY(std::equal(second.begin(), second.end(), again.digits()->image(1)));
    }

    void readAgainAtTheNextStartAndJoinedOntoMnist()
    {
        // Where the window keeps them: the app data folder (here under $XDG_DATA_HOME).
        const QString path = MyDigits::defaultPath();
        QVERIFY2(path.startsWith(m_dir.path()), qPrintable(path));
        QVERIFY(path.endsWith(QLatin1String("/my-digits.csv")));
        writeCsv(path, {7, 1});
        LabSession s;
        QCOMPARE(s.myDigits()->count(), 2);
        s.begin(lesson(), 0);
        QSignalSpy ready(&s, &LabSession::dataReady);
        s.loadData(0);
        QVERIFY(ready.wait(20000));
        const engine::Dataset& train = *s.data().train;
        QCOMPARE(train.size(), std::size_t(60002));
        QCOMPARE(train.countFrom(ImageOrigin::Mine), std::size_t(2));
        QCOMPARE(train.origin(59999), ImageOrigin::Set);
        QCOMPARE(train.origin(60000), ImageOrigin::Mine);
        QCOMPARE(int(train.labels[60000]), 7);
        QCOMPARE(int(train.labels[60001]), 1);
        const auto last = bar(11);
        QVERIFY(std::equal(last.begin(), last.end(), train.image(60001)));
        QCOMPARE(s.myDigits()->inTrainingSet(), 2);
        QFile::remove(path);
    }

    void addedDigitJoinsTheTrainingSet()
    {
        LabSession s;
        openMnist(s, m_dir.filePath(QStringLiteral("grow/my-digits.csv")));
        QCOMPARE(s.data().train->size(), std::size_t(60000));
        QCOMPARE(s.myDigits()->inTrainingSet(), 0);
        QTRY_VERIFY(s.snapshot().network != nullptr);
        const bool fresh = s.hasFreshWeights();
        QSignalSpy changed(&s, &LabSession::dataChanged);
        QSignalSpy configured(&s, &LabSession::configured);

        // Idle: it joins at once, and the trainer is rebuilt on the same weights.
        QVERIFY(s.myDigits()->add(4, bar(14)).isEmpty());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(configured.count(), 1);
        QCOMPARE(s.data().train->size(), std::size_t(60001));
        QCOMPARE(s.data().train->origin(60000), ImageOrigin::Mine);
        QCOMPARE(int(s.data().train->labels[60000]), 4);
        QCOMPARE(s.myDigits()->inTrainingSet(), 1);
        QCOMPARE(s.hasFreshWeights(), fresh);

        // During a run it waits for the run's end.
        QSignalSpy progress(s.controller(), &app::TrainingController::progressed);
        QSignalSpy runs(s.controller(), &app::TrainingController::runStarted);
        s.setEpochs(1000);
        s.controller()->start();
        QVERIFY(progress.wait(10000));
        QCOMPARE(runs.count(), 1);
        QCOMPARE(runs.first().at(0).value<app::RunInfo>().dataName, QStringLiteral("MNIST + 1 of yours"));
        QVERIFY(s.myDigits()->add(5, bar(15)).isEmpty());
        QCOMPARE(s.myDigits()->count(), 2);
        QCOMPARE(s.data().train->size(), std::size_t(60001));
        QCOMPARE(progress.last().at(0).value<app::ProgressReport>().progress.epochSize,
                 std::size_t(60001));
        s.controller()->stop();
        QTRY_COMPARE(s.data().train->size(), std::size_t(60002));
        QCOMPARE(s.myDigits()->inTrainingSet(), 2);
    }

    void notJoinedOntoOtherData()
    {
        const QString path = m_dir.filePath(QStringLiteral("other/my-digits.csv"));
        writeCsv(path, {2});
        LabSession s;
        s.myDigits()->setPath(path);
        s.begin(lesson(), 0);
        QSignalSpy ready(&s, &LabSession::dataReady);
        s.loadData(int(s.dataSources().size()) - 1,
                   {QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv"),
                    QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv")});
        QVERIFY(ready.wait(10000));
        QCOMPARE(s.data().train->size(), std::size_t(100));
        QCOMPARE(s.myDigits()->inTrainingSet(), 0);
        const QString why = s.trainOnMyDigits(1);
        QVERIFY2(why.contains(QLatin1String("MNIST")), qPrintable(why));
    }

    void trainOnMyDigitsFineTunesTheCurrentWeights()
    {
        LabSession s;
        QVERIFY(s.loadDefaultModel().isEmpty());
        openMnist(s, m_dir.filePath(QStringLiteral("tune/my-digits.csv")),
                  std::nullopt); // the default model
        QVERIFY(s.showsDefaultModel());
        const QString none = s.trainOnMyDigits(1);
        QVERIFY2(none.contains(QLatin1String("Add to training set")), qPrintable(none));

        QVERIFY(s.myDigits()->add(7, bar(14)).isEmpty());
        QSignalSpy runs(s.controller(), &app::TrainingController::runStarted);
        QSignalSpy estimates(s.controller(), &app::TrainingController::testEstimated);
        QSignalSpy progress(s.controller(), &app::TrainingController::progressed);
        QVERIFY(s.trainOnMyDigits(2).isEmpty());
        QVERIFY(runs.wait(10000));
        const app::RunInfo info = runs.last().at(0).value<app::RunInfo>();
        QCOMPARE(info.setup.epochs, 2);
        QCOMPARE(info.dataName, QStringLiteral("MNIST + 1 of yours")); // the legend says so
        QCOMPARE(info.setup.training.trainingSize, std::size_t(SIZE_MAX)); // all of MNIST and mine
        QCOMPARE(s.setup().epochs, 2);
        QTRY_VERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).value<app::ProgressReport>().progress.epochSize,
                 std::size_t(60001));
        // From the trained weights, not fresh ones: the run's first estimate is already high.
        QTRY_VERIFY(!estimates.isEmpty());
        QVERIFY2(estimates.first().at(0).value<app::TestEstimate>().accuracy > 0.8,
                 qPrintable(
                     QString::number(estimates.first().at(0).value<app::TestEstimate>().accuracy)));
        const QString busy = s.trainOnMyDigits(1);
        QVERIFY2(!busy.isEmpty(), "a second run while one is under way");
        s.controller()->pause();
    }

    void smallOrOneClassSetsAreWarnedAbout_data()
    {
        QTest::addColumn<QList<int>>("labels");
        QTest::addColumn<QStringList>("says");
        QTest::newRow("one image, a 7")
            << QList<int>{7}
            << QStringList{"only 1 training image", "all of them 7s", "answers 7 for everything",
                           "0.99", "other training set"};
        QTest::newRow("nine images of nine digits")
            << QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8}
            << QStringList{"only 9 training image", "fewer than one per digit"};
        QTest::newRow("twenty 3s")
            << QList<int>(20, 3)
            << QStringList{"20 training images", "all of them 3s", "answers 3 for everything"};
        QTest::newRow("ten digits, one each")
            << QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9} << QStringList{};
    }

    void smallOrOneClassSetsAreWarnedAbout()
    {
        QFETCH(QList<int>, labels);
        QFETCH(QStringList, says);
        const QString path =
            m_dir.filePath(QStringLiteral("small/%1/my-digits.csv").arg(QTest::currentDataTag()));
        writeCsv(path, labels);
        const engine::Dataset set =
            engine::loadCsvDataset(path.toStdString(), engine::digitClassNames());
        const QString warning = app::smallSetWarning(set);
        QCOMPARE(warning.isEmpty(), says.isEmpty());
        for (const QString& part : says)
            QVERIFY2(warning.contains(part), qPrintable(warning));
    }

    void aOneImageSetLoadsWithAWarning()
    {
        const QString path = m_dir.filePath(QStringLiteral("one/my-digits.csv"));
        writeCsv(path, {7});
        LabSession s;
        s.begin(lesson(), 0);
        QSignalSpy ready(&s, &LabSession::dataReady);
        QSignalSpy warned(&s, &LabSession::dataWarning);
        s.loadData(int(s.dataSources().size()) - 1, {path});
        QVERIFY(ready.wait(20000));
        QCOMPARE(s.data().train->size(), std::size_t(1)); // allowed
        QCOMPARE(warned.count(), 1);
        const QString warning = warned.first().at(0).toString();
        QVERIFY2(warning.contains(QLatin1String("answers 7 for everything")), qPrintable(warning));
    }
};

QTEST_GUILESS_MAIN(TestMyDigits)
#include "tst_my_digits.moc"
