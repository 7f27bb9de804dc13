// The lesson's first attempt as remembered choices (issue 14): raw 0-255 inputs, rand and
// rand - 0.5 weights and 0/1 targets kept by the window's settings and the runs file, and
// settings and runs files written before them still read (with the lesson's targets).
#include "app/bridge/setup_settings.h"
#include "app/lab/run_workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace nnlab;
using app::TrainingSetup;

namespace {

TrainingSetup firstAttempt(engine::Init init, engine::Targets targets)
{
    TrainingSetup s = TrainingSetup::fromPreset(*engine::findPreset("lesson-first-attempt"));
    s.init = init;
    s.architecture.targets = targets;
    return s;
}

} // namespace

class TestRememberedOptions : public QObject
{
    Q_OBJECT

private slots:
    void settingsKeepTheChoices_data()
    {
        QTest::addColumn<int>("init");
        QTest::addColumn<int>("targets");
        QTest::newRow("rand, lesson targets") << int(engine::Init::Rand) << int(engine::Targets::Lesson);
        QTest::newRow("rand - 0.5, 0/1 targets") << int(engine::Init::RandCentered) << int(engine::Targets::ZeroOne);
    }

    void settingsKeepTheChoices()
    {
        QFETCH(int, init);
        QFETCH(int, targets);
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("nnlab.ini")), QSettings::IniFormat);
        const TrainingSetup s = firstAttempt(engine::Init(init), engine::Targets(targets));
        app::saveSetup(settings, s);
        const auto back = app::loadSetup(settings);
        QVERIFY(back);
        QCOMPARE(int(back->architecture.scaling), int(engine::Scaling::Raw));
        QCOMPARE(int(back->architecture.targets), int(engine::Targets(targets)));
        QCOMPARE(int(back->init), int(engine::Init(init)));
        QCOMPARE(back->training.trainingSize, std::size_t(100));
    }

    // What an nnlab from before issue 14 left: no targets key, its codes only.
    void olderSettingsStillRead()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("nnlab.ini")), QSettings::IniFormat);
        app::saveSetup(settings, TrainingSetup::fromPreset(*engine::findPreset("best")));
        settings.remove(QStringLiteral("setup/targets"));
        settings.setValue(QStringLiteral("setup/init"), 4); // He, the last code it knew
        const auto back = app::loadSetup(settings);
        QVERIFY(back);
        QCOMPARE(int(back->architecture.targets), int(engine::Targets::Lesson));
        QCOMPARE(int(back->architecture.scaling), int(engine::Scaling::UnitRange));
        QCOMPARE(int(back->init), int(engine::Init::He));
    }

    void unknownCodesAreNotUsed_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("value");
        QTest::newRow("scaling 3") << "setup/scaling" << 3;
        QTest::newRow("init 7") << "setup/init" << 7;
        QTest::newRow("targets 2") << "setup/targets" << 2;
        QTest::newRow("targets -1") << "setup/targets" << -1;
    }

    void unknownCodesAreNotUsed()
    {
        QFETCH(QString, key);
        QFETCH(int, value);
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("nnlab.ini")), QSettings::IniFormat);
        app::saveSetup(settings, firstAttempt(engine::Init::Rand, engine::Targets::ZeroOne));
        QVERIFY(app::loadSetup(settings));
        settings.setValue(key, value);
        QVERIFY(!app::loadSetup(settings));
    }

    // A runs file keeps the targets; one written before them reads with the lesson's.
    void runsFileKeepsTheTargets()
    {
        app::RunRecord r;
        r.id = 1;
        r.number = 1;
        r.name = QStringLiteral("Run 1");
        r.setup = firstAttempt(engine::Init::RandCentered, engine::Targets::ZeroOne);
        QString why;
        const QByteArray json = app::workspaceJson({r});
        const auto back = app::readWorkspace(json, &why);
        QVERIFY2(back, qPrintable(why));
        QCOMPARE(back->size(), std::size_t(1));
        QVERIFY(app::sameSetup(back->front().setup, r.setup));
        QCOMPARE(int(back->front().setup.architecture.targets), int(engine::Targets::ZeroOne));
        QCOMPARE(int(back->front().setup.architecture.scaling), int(engine::Scaling::Raw));
        QCOMPARE(int(back->front().setup.init), int(engine::Init::RandCentered));

        QJsonObject top = QJsonDocument::fromJson(json).object();
        QJsonArray runs = top[QStringLiteral("runs")].toArray();
        QJsonObject run = runs[0].toObject();
        QJsonObject setup = run[QStringLiteral("setup")].toObject();
        QCOMPARE(setup[QStringLiteral("targets")].toString(), QStringLiteral("0-1"));
        setup.remove(QStringLiteral("targets"));
        run[QStringLiteral("setup")] = setup;
        runs[0] = run;
        top[QStringLiteral("runs")] = runs;
        const auto older = app::readWorkspace(QJsonDocument(top).toJson(), &why);
        QVERIFY2(older, qPrintable(why));
        QCOMPARE(int(older->front().setup.architecture.targets), int(engine::Targets::Lesson));
    }

    // The legend tells the first attempt's runs from the lesson's.
    void legendNamesTheMistakes()
    {
        QCOMPARE(firstAttempt(engine::Init::Rand, engine::Targets::ZeroOne).describe(),
                 QStringLiteral("784-90-10 sigmoid · SGD l_r 0.1 · batch 1 · init rand · raw pixels 0-255 · "
                                "targets 0 and 1 · 100 images"));
        QCOMPARE(TrainingSetup::fromPreset(*engine::findPreset("lesson-100")).describe(),
                 QStringLiteral("784-90-10 sigmoid · SGD l_r 0.3 · batch 1 · 100 images"));
    }
};

QTEST_APPLESS_MAIN(TestRememberedOptions)
#include "tst_remembered_options.moc"
