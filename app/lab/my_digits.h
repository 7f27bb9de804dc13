// The learner's own digits: drawn in the lab, saved one per line to my-digits.csv (the lesson's
// CSV format) in the app data folder, read again at every start, and joined onto MNIST's
// training set by LabSession. Also: why a training set too small or of one class teaches little.
#pragma once

#include "engine/dataset.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace nnlab::app {

class MyDigits : public QObject
{
    Q_OBJECT

public:
    // Reads the digits saved at `path` (defaultPath() when empty).
    explicit MyDigits(const QString& path = {}, QObject* parent = nullptr);

    // <app data folder>/my-digits.csv: on Linux $XDG_DATA_HOME/<organisation>/<application>/.
    static QString defaultPath();

    QString path() const { return m_path; }
    // Reads the digits saved at `path` (none if the file is not there yet); changed() follows.
    void setPath(const QString& path);
    // Why the file could not be read at the last setPath (its digits are then left out), or empty.
    QString loadError() const { return m_loadError; }

    // Appends one image (28x28 bytes, row-major, 0 = background) with its label (0..9) to the
    // file and to the digits; then added() and changed(). Returns why not, or empty.
    QString add(int label, std::span<const std::uint8_t> pixels);

    int count() const { return m_digits ? int(m_digits->size()) : 0; }
    // Null while there are none; ImageOrigin::Set throughout (joining marks them Mine).
    std::shared_ptr<const engine::Dataset> digits() const { return m_digits; }

    // How many of them the training set in use holds now (LabSession sets it when it joins).
    int inTrainingSet() const { return m_inTrainingSet; }
    void setInTrainingSet(int count);

signals:
    void added(int count);
    void changed(); // count() or inTrainingSet()

private:
    QString m_path;
    QString m_loadError;
    std::shared_ptr<const engine::Dataset> m_digits;
    int m_inTrainingSet = 0;
};

// Why a training set of fewer than 10 images, or of one class, teaches little, in the lesson's
// words; empty for a set that has neither problem.
QString smallSetWarning(const engine::Dataset& train);

} // namespace nnlab::app
