// Loading the datasets the app offers: the bundled MNIST, Debian's Fashion-MNIST, or files the
// user picks (four IDX files or two CSV files). Runs off the GUI thread (QtConcurrent).
#pragma once

#include "training_setup.h"

#include <QStringList>

namespace nnlab::app {

enum class DataSource { Mnist, FashionMnist, Files };

bool fashionMnistAvailable();
// Throws engine::FileError (names the file and what is wrong) or std::runtime_error.
DataPair loadData(DataSource source, const QStringList& files = {});
// Which of the picked files is which: four IDX files (train/test by "train"/"t10k"/"test" in
// the name, images/labels by "idx3"/"idx1" or "images"/"labels") or one or two CSV files (a
// training file alone is tested on the bundled MNIST test set). Throws
// std::runtime_error with a sentence saying what is missing.
struct PickedFiles
{
    QString trainImages, trainLabels, testImages, testLabels; // IDX
    QString trainCsv, testCsv;                                // CSV
};
PickedFiles classifyFiles(const QStringList& files);

} // namespace nnlab::app
