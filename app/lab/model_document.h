// The model file the lab works on: open and save through engine/model_io (the file name's
// extension picks .nnlab or NumPy .npz), the modified flag and the recent files (QSettings);
// and an opened model's test accuracy, as its file stores it and measured again on the open
// test set.
#pragma once

#include "app/bridge/training_setup.h"

#include "engine/dataset.h"
#include "engine/model_file.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

class QSettings;

namespace nnlab::app {

class DatasetPredictions;

// What an opened model scores on the test set: the figure stored in its file, and the same
// network measured again now on the test set that is open (another test set, or a file
// edited since, can differ).
struct AccuracyCheck
{
    QString path;                   // the model file
    std::optional<float> stored;    // 0..1; none if the file stores no test accuracy
    std::optional<double> measured; // 0..1; none while it is being measured
    std::size_t images = 0;         // the open test set's images (0: none open)
};

class ModelDocument : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxRecent = 8;

    // settings: where the recent files are remembered ("recent/models"); not owned.
    explicit ModelDocument(QSettings* settings, QObject* parent = nullptr);

    // The file the model came from or was last saved to; empty for a new model.
    QString path() const { return m_path; }
    bool isModified() const { return m_modified; }
    void setModified(bool modified);
    QStringList recentFiles() const;

    // Reads a model file. On failure: nothing, and *error says why in one sentence naming the
    // file; the document is unchanged. The caller decides whether to adopt it (opened()).
    std::optional<engine::Model> read(const QString& path, QString* error) const;
    // The model read from `path` is now the document's: unmodified, first in the recent files.
    void opened(const QString& path);
    // A new model that has no file yet.
    void clear();
    // `path` leaves the recent files (a crash-recovery autosave opened through File > Open).
    void forgetRecent(const QString& path);
    // Writes `model` to `path` through QSaveFile (a failed save never harms an old file).
    // save: the document then is that file, unmodified; exportTo: the document stays the file
    // it was (the export joins the recent files).
    bool save(const QString& path, const engine::Model& model, QString* error);
    bool exportTo(const QString& path, const engine::Model& model, QString* error);
    // `path`, with `extension` (".nnlab", ".npz") added if it names no model format.
    static QString withModelExtension(const QString& path, const QString& extension);

    // The test accuracy a model file stores: its info's, else the last one its history
    // (provenance) measured at an epoch end; none if it has neither.
    static std::optional<float> storedTestAccuracy(const engine::ModelInfo& info);
    // Measures `network`, just opened from path(), on `test` off the GUI thread (the whole-set
    // predictions' own pool): accuracyChecked at once (measured still empty) and again with the
    // figure. A newer check or dropAccuracyCheck() makes an older one's figure never arrive.
    void checkAccuracy(NetworkPtr network, std::optional<float> stored,
                       std::shared_ptr<const engine::Dataset> test);
    // The opened network was replaced (other weights, other data): its measurement is dropped.
    void dropAccuracyCheck();

signals:
    void changed();       // path or modified flag
    void recentChanged(); // the recent files
    void accuracyChecked(const nnlab::app::AccuracyCheck& check);

private:
    bool write(const QString& path, const engine::Model& model, QString* error) const;
    void remember(const QString& path);

    QSettings* m_settings;
    QString m_path;
    bool m_modified = false;
    DatasetPredictions* m_predictions = nullptr; // made at the first check
    AccuracyCheck m_check;                       // the check under way
    std::uint64_t m_checkSerial = 0;             // its number: older figures are dropped
};

} // namespace nnlab::app
