// A TrainingController and a spy on each of its signals, as the worker tests drive it.
#pragma once

#include "app/bridge/training_controller.h"
#include "tests/common/test_support.h"

#include <QSignalSpy>

namespace nnlab::test {

// Declared after the controller, the spies are made after it and destroyed before it.
struct ControllerFixture
{
    ControllerFixture();

    app::TrainingController controller;
    QSignalSpy runs, progress, epochs, estimates, snapshots, stepped, finished, diverged, failed;

    // The newest of each (its spy must not be empty).
    app::NetworkSnapshot lastSnapshot() const;
    app::ProgressReport lastProgress() const;
    app::EpochReport lastEpoch() const;

    // Configures `setup` on `data`, starts, and waits up to timeoutMs for the first progress
    // report (a QVERIFY: check QTest::currentTestFailed() after).
    void start(const app::TrainingSetup& setup, const app::DataPair& data, int timeoutMs = 5000);
};

// A setup from one of the engine's presets ("lesson", "keras-rmsprop", ...).
app::TrainingSetup presetSetup(const char* name);

// The lesson's CSV files: its first 100 training and 10 test images (data/mnist_*.csv).
app::DataPair lessonCsvData();

// The first 2,000 training and 500 test images of the bundled MNIST, as "MNIST 2000"
// (useBundledDataAndModel() first).
app::DataPair smallMnist(const Mnist& mnist);

} // namespace nnlab::test
