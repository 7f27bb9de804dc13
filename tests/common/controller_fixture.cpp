#include "controller_fixture.h"

#include "app/bridge/data_loading.h"
#include "engine/presets.h"

#include <QtTest>

namespace nnlab::test {

using app::TrainingController;

ControllerFixture::ControllerFixture()
    : runs(&controller, &TrainingController::runStarted),
      progress(&controller, &TrainingController::progressed),
      epochs(&controller, &TrainingController::epochEnded),
      estimates(&controller, &TrainingController::testEstimated),
      snapshots(&controller, &TrainingController::snapshotReady),
      stepped(&controller, &TrainingController::sampleStepped),
      finished(&controller, &TrainingController::finished),
      diverged(&controller, &TrainingController::diverged),
      failed(&controller, &TrainingController::failed)
{
}

app::NetworkSnapshot ControllerFixture::lastSnapshot() const
{
    return snapshots.last().at(0).value<app::NetworkSnapshot>();
}

app::ProgressReport ControllerFixture::lastProgress() const
{
    return progress.last().at(0).value<app::ProgressReport>();
}

app::EpochReport ControllerFixture::lastEpoch() const
{
    return epochs.last().at(0).value<app::EpochReport>();
}

void ControllerFixture::start(const app::TrainingSetup& setup, const app::DataPair& data, int timeoutMs)
{
    controller.configure(setup, data);
    controller.start();
    QVERIFY(progress.wait(timeoutMs));
}

app::TrainingSetup presetSetup(const char* name)
{
    return app::TrainingSetup::fromPreset(*engine::findPreset(name));
}

app::DataPair lessonCsvData()
{
    return app::loadData(app::DataSource::Files, {sourceFile(QStringLiteral("data/mnist_train_100.csv")),
                                                  sourceFile(QStringLiteral("data/mnist_test_10.csv"))});
}

app::DataPair smallMnist(const Mnist& mnist)
{
    return app::DataPair{std::make_shared<const engine::Dataset>(mnist.train->head(2000)),
                         std::make_shared<const engine::Dataset>(mnist.test->head(500)), "MNIST 2000"};
}

} // namespace nnlab::test
