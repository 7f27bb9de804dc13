// The model file the lab works on: open and save through engine/model_io (the file name's
// extension picks .nnlab or NumPy .npz), the modified flag and the recent files (QSettings).
#pragma once

#include "engine/model_file.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

class QSettings;

namespace nnlab::app {

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

signals:
    void changed();       // path or modified flag
    void recentChanged(); // the recent files

private:
    bool write(const QString& path, const engine::Model& model, QString* error) const;
    void remember(const QString& path);

    QSettings* m_settings;
    QString m_path;
    bool m_modified = false;
};

} // namespace nnlab::app
