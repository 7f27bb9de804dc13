// The lesson walked without a window (app/lab/lesson_session.h, issue 14), on the lesson's own
// CSV files (its first 100 training and 10 test images): the progress (step, answers, verdicts)
// is remembered across a new session object; Run waits for an answer; the feed-forward, single
// step, save-and-load and serving steps run through the lab and their checks pass; a restart
// forgets everything.
#include "app/lab/lab_session.h"
#include "app/lab/lesson_session.h"
#include "app/lab/sweep_session.h"
#include "app/server/prediction_service.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace nnlab;
using app::LessonSession;

class TestLessonSession : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<app::LabSession> m_lab;
    std::unique_ptr<app::SweepSession> m_sweeps;

    QString settingsFile() const { return m_dir.filePath(QStringLiteral("lesson.ini")); }

    // Answers the current step's question rightly and runs it; returns its check.
    static app::LessonCheck answerAndRun(LessonSession& s)
    {
        QSignalSpy checked(&s, &LessonSession::checked);
        QSignalSpy failed(&s, &LessonSession::failed);
        s.answerCurrent(s.current().question.right);
        if (!s.run() || (checked.isEmpty() && !checked.wait(60'000)))
            return {false, failed.isEmpty() ? QStringLiteral("no check") : failed.first().first().toString()};
        const auto check = checked.first().at(1).value<app::LessonCheck>();
        qInfo("%s: %s", qPrintable(s.current().id), qPrintable(check.sentence));
        return check;
    }

private slots:
    void initTestCase()
    {
        qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
        qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
        QVERIFY(m_dir.isValid());
        m_lab = std::make_unique<app::LabSession>();
        m_sweeps = std::make_unique<app::SweepSession>();
        m_lab->begin(app::TrainingSetup::fromPreset(*engine::findPreset("lesson")), 0);
        QSignalSpy ready(m_lab.get(), &app::LabSession::dataReady);
        m_lab->loadData(int(m_lab->dataSources().size()) - 1,
                        {QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_train_100.csv"),
                         QStringLiteral(NNLAB_SOURCE_DIR "/data/mnist_test_10.csv")});
        QVERIFY(ready.wait(20'000));
    }

    void cleanupTestCase()
    {
        m_lab->controller()->shutdown();
    }

    void runWaitsForAnAnswer()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("unanswered.ini")), QSettings::IniFormat);
        LessonSession s(m_lab.get(), m_sweeps.get(), &settings);
        QSignalSpy failed(&s, &LessonSession::failed);
        QSignalSpy checked(&s, &LessonSession::checked);
        QVERIFY(!s.run());
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().first().toString().contains(QLatin1String("Answer the question")));
        QVERIFY(checked.isEmpty());
    }

    void progressIsRemembered()
    {
        {
            QSettings settings(settingsFile(), QSettings::IniFormat);
            LessonSession s(m_lab.get(), m_sweeps.get(), &settings);
            QCOMPARE(s.currentIndex(), 0);
            const app::LessonCheck toy = answerAndRun(s); // the toy net
            QVERIFY2(toy.passed, qPrintable(toy.sentence));
            s.next();
            s.answerCurrent(0); // the data step, answered wrongly, not run
            s.next();
            QCOMPARE(s.currentIndex(), 2);
        }
        QSettings settings(settingsFile(), QSettings::IniFormat);
        LessonSession again(m_lab.get(), m_sweeps.get(), &settings);
        QCOMPARE(again.currentIndex(), 2);
        QCOMPARE(again.answer(0), std::optional<int>(again.steps()[0].question.right));
        QCOMPARE(again.answer(1), std::optional<int>(0));
        QVERIFY(!again.answer(2));
        QVERIFY(again.passed(0));
        QVERIFY(!again.verdict(1));
        QCOMPARE(again.passedCount(), 1);
        QVERIFY(again.verdict(0)->sentence.contains(QLatin1String("25 weights")));

        again.restart();
        QCOMPARE(again.currentIndex(), 0);
        QCOMPARE(again.passedCount(), 0);
        LessonSession fresh(m_lab.get(), m_sweeps.get(), &settings);
        QVERIFY(!fresh.answer(0));
        QCOMPARE(fresh.passedCount(), 0);
    }

    void stepsWithoutTrainingPass_data()
    {
        QTest::addColumn<QString>("id");
        for (const char* id : {"toy-net", "data", "scaling", "first-errors", "backpropagation", "gradient-step"})
            QTest::newRow(id) << QString::fromLatin1(id);
    }

    void stepsWithoutTrainingPass()
    {
        QFETCH(QString, id);
        LessonSession s(m_lab.get(), m_sweeps.get(), nullptr);
        s.setCurrent(app::lessonStepIndex(id));
        QCOMPARE(s.current().id, id);
        const app::LessonCheck check = answerAndRun(s);
        QVERIFY2(check.passed, qPrintable(check.sentence));
        QVERIFY(s.isSetUp());
    }

    // Trains the lesson-100 preset in the lab's worker, saves and loads the model, then asks
    // nnlab-serve's handler about the first test image.
    void saveLoadAndServe()
    {
        LessonSession s(m_lab.get(), m_sweeps.get(), nullptr);
        s.setServeHandler([](const engine::Model& model, const QByteArray& body) {
            return app::PredictionService(model, QStringLiteral("lesson.nnlab"))
                .answer("POST", u"/predict", "application/json", body)
                .body;
        });
        s.setCurrent(app::lessonStepIndex(QStringLiteral("save-load")));
        const app::LessonCheck saved = answerAndRun(s);
        QVERIFY2(saved.passed, qPrintable(saved.sentence));
        QVERIFY(s.lastResult().fileBytes > 90 * 784 * 4);
        QVERIFY(m_lab->snapshot().samplesSeen >= 100);
        s.setCurrent(app::lessonStepIndex(QStringLiteral("serve")));
        const app::LessonCheck served = answerAndRun(s);
        QVERIFY2(served.passed, qPrintable(served.sentence));
        QCOMPARE(s.lastResult().servedLabel, 7); // the first test digit is a 7
    }

    void serveWithoutAHandlerIsRefused()
    {
        LessonSession s(m_lab.get(), m_sweeps.get(), nullptr);
        s.setCurrent(app::lessonStepIndex(QStringLiteral("serve")));
        s.answerCurrent(0);
        QSignalSpy failed(&s, &LessonSession::failed);
        QVERIFY(!s.run());
        QCOMPARE(failed.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestLessonSession)
#include "tst_lesson_session.moc"
