// Fixtures the test suites share: small models, the atomic-save check, and the bundled data.
#pragma once

#include "engine/dataset.h"
#include "engine/model_file.h"
#include "engine/network.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace nnlab::test {

// The event loop's lateness a window suite allows (its p99): a frame at 60 Hz, 16 ms, in the
// shipped build (the release suite). Under ASan or TSan, two to three times slower and on CI's
// shared cores, the lateness measures the machine more than the code, so there only a stall of a
// quarter second fails.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr float kFrameLimitMs = 250.0f;
#else
inline constexpr float kFrameLimitMs = 16.0f;
#endif

// A model of the given shape with Glorot weights (seed 7) and, if it has biases, all of them
// different (0.01 i - 0.125 l), so a round trip that mixes up elements or layers shows.
// inputs == 3 gives 2 outputs, else 10.
engine::Model makeModel(std::vector<int> hidden, bool biases, engine::Activation f, engine::Output out,
                        engine::Loss loss, int inputs = 784);

// The lesson's 784-h-10 sigmoid network (no biases) with the lesson's N(0, h_n^-0.5) weights
// drawn from `seed`.
std::shared_ptr<const engine::Network> lessonNetwork(std::vector<int> hidden, std::uint64_t seed);

// How far two trainings of one start ended apart: max |a - b| over every weight and bias of a
// layer, divided by max |b - start| (how far the reference moved); the largest over the layers.
double relativeDifference(const engine::Network& a, const engine::Network& b,
                          const engine::Network& start);

// A saved file as it was before a save that must fail. verifyUnchanged() QCOMPAREs: the file
// keeps every byte and its folder holds the same names (no temporary file left beside it).
// After it, QTest::currentTestFailed() says whether the check held.
class SavedFile
{
public:
    explicit SavedFile(QString path);
    const QByteArray& bytes() const { return m_bytes; }
    void verifyUnchanged() const;

private:
    QString m_path;
    QByteArray m_bytes;
    QStringList m_folder;
};

QByteArray fileContents(const QString& path); // empty if it cannot be read
QStringList folderEntries(const QString& folder); // every name but . and .., sorted

// A file in the source tree ("data/mnist_test_10.csv", "tests/data/bad"): its absolute path,
// or, as QFINDTESTDATA, an empty string and a warning if it is not there.
QString sourceFile(const QString& relative);

// Points $NNLAB_DATA_DIR at the bundled MNIST and $NNLAB_MODEL at the default model of the
// source tree, where app::findBundled() (and the window) look first.
void useBundledDataAndModel();

// The bundled MNIST: 60,000 training and 10,000 test images (useBundledDataAndModel() first).
struct Mnist
{
    std::shared_ptr<const engine::Dataset> train, test;
};
Mnist loadBundledMnist();
// The bundled default model, 784-256-10 (useBundledDataAndModel() first).
std::shared_ptr<const engine::Network> loadBundledModel();

} // namespace nnlab::test
