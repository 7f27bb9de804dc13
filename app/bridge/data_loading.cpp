#include "data_loading.h"

#include "app/common/bundled_files.h"

#include "engine/csv_reader.h"
#include "engine/idx_folder.h"
#include "engine/idx_reader.h"

#include "engine/provenance.h"

#include <QFileInfo>

#include <future>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace nnlab::app {

namespace engine = nnlab::engine;

namespace {

using Digests = std::future<std::vector<engine::FileDigest>>;

// The SHA-256 of every file read (the provenance's data files), on a thread of its own while
// this one parses them: hashing the bundled MNIST (11 MB of .gz) takes ~0.08 s alone.
Digests digestsOf(std::vector<std::string> paths)
{
    return std::async(std::launch::async, [paths = std::move(paths)] {
        std::vector<engine::FileDigest> digests;
        for (const std::string& path : paths)
            digests.push_back(engine::digestFile(path));
        return digests;
    });
}

DataPair share(engine::TrainTest&& t, const QString& name, Digests& digests)
{
    return DataPair{std::make_shared<const engine::Dataset>(std::move(t.train)),
                    std::make_shared<const engine::Dataset>(std::move(t.test)), name, digests.get()};
}

const char* const kIdxNames[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

// The four IDX files of a folder (raw or .gz), as loadIdxFolder reads them.
std::vector<std::string> idxFiles(const std::string& dir, std::size_t first = 0)
{
    std::vector<std::string> paths;
    for (std::size_t i = first; i < std::size(kIdxNames); ++i)
        paths.push_back(engine::idxFile(dir, kIdxNames[i]));
    return paths;
}

// The bundled MNIST, train and test.
engine::TrainTest loadMnist()
{
    return engine::loadIdxFolder(findBundled(Bundled::Mnist).require(), engine::digitClassNames(),
                                 "MNIST ");
}

// A folder's four IDX files, parsed here while their digests are computed beside.
DataPair loadFolder(const std::string& dir, std::vector<std::string> classNames,
                    const QString& name)
{
    Digests digests = digestsOf(idxFiles(dir));
    return share(engine::loadIdxFolder(dir, std::move(classNames), name.toStdString() + " "), name,
                 digests);
}

bool isTest(const QString& name)
{
    return name.contains(QLatin1String("t10k")) || name.contains(QLatin1String("test"));
}

} // namespace

bool fashionMnistAvailable()
{
    return bool(findBundled(Bundled::FashionMnist));
}

PickedFiles classifyFiles(const QStringList& files)
{
    PickedFiles p;
    const auto setOnce = [](QString& slot, const QString& file, const char* what) {
        if (!slot.isEmpty())
            throw std::runtime_error("two files look like the " + std::string(what) + ": " +
                                     QFileInfo(slot).fileName().toStdString() + " and " +
                                     QFileInfo(file).fileName().toStdString());
        slot = file;
    };
    for (const QString& file : files) {
        const QString name = QFileInfo(file).fileName().toLower();
        if (name.endsWith(QLatin1String(".csv"))) {
            setOnce(isTest(name) ? p.testCsv : p.trainCsv, file,
                    isTest(name) ? "test CSV" : "training CSV");
            continue;
        }
        const bool labels = name.contains(QLatin1String("idx1")) || name.contains(QLatin1String("label"));
        const bool images = name.contains(QLatin1String("idx3")) || name.contains(QLatin1String("image"));
        if (labels == images)
            throw std::runtime_error(QFileInfo(file).fileName().toStdString() +
                                     ": cannot tell whether it holds images or labels (expected "
                                     "\"idx3\" or \"images\", \"idx1\" or \"labels\" in the name)");
        const bool test = isTest(name);
        if (images)
            setOnce(test ? p.testImages : p.trainImages, file, test ? "test images" : "training images");
        else
            setOnce(test ? p.testLabels : p.trainLabels, file, test ? "test labels" : "training labels");
    }
    const bool csv = !p.trainCsv.isEmpty() || !p.testCsv.isEmpty();
    const bool idx = !(p.trainImages + p.trainLabels + p.testImages + p.testLabels).isEmpty();
    if (csv && idx)
        throw std::runtime_error("pick either two CSV files or four IDX files, not both");
    if (csv && p.trainCsv.isEmpty())
        throw std::runtime_error("pick a training CSV file too (the test file is the one with "
                                 "\"test\" in its name, like mnist_test_10.csv)");
    if (idx && (p.trainImages.isEmpty() || p.trainLabels.isEmpty() || p.testImages.isEmpty() ||
                p.testLabels.isEmpty()))
        throw std::runtime_error("pick four IDX files: training images and labels, test images "
                                 "and labels (test files have \"t10k\" or \"test\" in the name)");
    if (!csv && !idx)
        throw std::runtime_error("no files were picked");
    return p;
}

DataPair loadData(DataSource source, const QStringList& files)
{
    switch (source) {
    case DataSource::Mnist:
        return loadFolder(findBundled(Bundled::Mnist).require(), engine::digitClassNames(),
                          QStringLiteral("MNIST"));
    case DataSource::FashionMnist:
        return loadFolder(findBundled(Bundled::FashionMnist).require(),
                          engine::fashionMnistClassNames(), QStringLiteral("Fashion-MNIST"));
    case DataSource::Files:
        break;
    }
    const PickedFiles p = classifyFiles(files);
    const auto s = [](const QString& q) { return q.toStdString(); };
    std::vector<std::string> read; // every file, for the digests
    if (!p.trainCsv.isEmpty()) {
        read.push_back(s(p.trainCsv));
        if (p.testCsv.isEmpty()) // tested on the bundled MNIST's test files
            for (std::string& f : idxFiles(findBundled(Bundled::Mnist).require(), 2))
                read.push_back(std::move(f));
        else
            read.push_back(s(p.testCsv));
    } else {
        for (const QString& f : {p.trainImages, p.trainLabels, p.testImages, p.testLabels})
            read.push_back(s(f));
    }
    Digests digests = digestsOf(std::move(read));
    engine::TrainTest t;
    QString name;
    if (!p.trainCsv.isEmpty()) {
        t.train = engine::loadCsvDataset(s(p.trainCsv), engine::digitClassNames());
        // One CSV (your own digits, say) is tested on MNIST's 10,000 test images.
        t.test = p.testCsv.isEmpty()
                     ? loadMnist().test
                     : engine::loadCsvDataset(s(p.testCsv), engine::digitClassNames());
        name = QFileInfo(p.trainCsv).fileName();
    } else {
        t.train = engine::loadIdxDataset(s(p.trainImages), s(p.trainLabels),
                                         engine::digitClassNames(), "train");
        t.test = engine::loadIdxDataset(s(p.testImages), s(p.testLabels),
                                        engine::digitClassNames(), "test");
        name = QFileInfo(p.trainImages).fileName();
    }
    if (t.train.pixelsPerImage() != t.test.pixelsPerImage())
        throw std::runtime_error("the training images are " + std::to_string(t.train.rows) + "x" +
                                 std::to_string(t.train.cols) + " but the test images are " +
                                 std::to_string(t.test.rows) + "x" + std::to_string(t.test.cols));
    return share(std::move(t), name, digests);
}

} // namespace nnlab::app
