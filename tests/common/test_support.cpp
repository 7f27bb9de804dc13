#include "test_support.h"

#include "app/common/bundled_files.h"
#include "engine/idx_folder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QtTest>

#include <algorithm>

namespace nnlab::test {

std::shared_ptr<const engine::Network> lessonNetwork(std::vector<int> hidden, std::uint64_t seed)
{
    engine::Architecture a;
    a.hidden = std::move(hidden);
    engine::Network n(a);
    n.initialize(engine::Init::Lesson, seed);
    return std::make_shared<const engine::Network>(std::move(n));
}

engine::Model makeModel(std::vector<int> hidden, bool biases, engine::Activation f, engine::Output out,
                        engine::Loss loss, int inputs)
{
    engine::Architecture a;
    a.inputs = inputs;
    a.outputs = inputs == 3 ? 2 : 10;
    a.hidden = std::move(hidden);
    a.biases = biases;
    a.hiddenActivation = f;
    a.output = out;
    a.loss = loss;
    engine::Model m{engine::Network(a), {}};
    m.network.initialize(engine::Init::Glorot, 7);
    if (biases)
        for (int l = 0; l < m.network.layerCount(); ++l)
            for (Eigen::Index i = 0; i < m.network.bias(l).size(); ++i)
                m.network.bias(l)[i] = 0.01f * float(i) - 0.125f * float(l);
    return m;
}

double relativeDifference(const engine::Network& a, const engine::Network& b,
                          const engine::Network& start)
{
    double worst = 0;
    for (int l = 0; l < b.layerCount(); ++l) {
        double apart = (a.weights(l) - b.weights(l)).cwiseAbs().maxCoeff();
        double moved = (b.weights(l) - start.weights(l)).cwiseAbs().maxCoeff();
        if (b.architecture().biases) {
            apart = std::max(apart, double((a.bias(l) - b.bias(l)).cwiseAbs().maxCoeff()));
            moved = std::max(moved, double((b.bias(l) - start.bias(l)).cwiseAbs().maxCoeff()));
        }
        worst = std::max(worst, apart / std::max(moved, 1e-30));
    }
    return worst;
}

QByteArray fileContents(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList folderEntries(const QString& folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

SavedFile::SavedFile(QString path)
    : m_path(std::move(path)), m_bytes(fileContents(m_path)), m_folder(folderEntries(QFileInfo(m_path).path()))
{
}

void SavedFile::verifyUnchanged() const
{
    QVERIFY2(!m_bytes.isEmpty(), qPrintable(m_path + QLatin1String(" was not saved before")));
    QCOMPARE(fileContents(m_path), m_bytes);
    QCOMPARE(folderEntries(QFileInfo(m_path).path()), m_folder); // no temporary file left behind
}

QString sourceFile(const QString& relative)
{
    const QString path = QDir(QStringLiteral(NNLAB_SOURCE_DIR)).filePath(relative);
    if (QFileInfo::exists(path))
        return path;
    qWarning("%s is not in the source tree", qPrintable(relative));
    return {};
}

void useBundledDataAndModel()
{
    qputenv("NNLAB_DATA_DIR", NNLAB_SOURCE_DIR "/data/mnist");
    qputenv("NNLAB_MODEL", NNLAB_SOURCE_DIR "/resources/models/default.nnlab");
}

Mnist loadBundledMnist()
{
    engine::TrainTest t = engine::loadIdxFolder(app::findBundled(app::Bundled::Mnist).require(), engine::digitClassNames(), "MNIST ");
    return {std::make_shared<const engine::Dataset>(std::move(t.train)),
            std::make_shared<const engine::Dataset>(std::move(t.test))};
}

std::shared_ptr<const engine::Network> loadBundledModel()
{
    return std::make_shared<const engine::Network>(engine::loadModel(app::findBundled(app::Bundled::DefaultModel).require()).network);
}

} // namespace nnlab::test
