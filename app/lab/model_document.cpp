#include "model_document.h"

#include "engine/file_error.h"
#include "engine/model_io.h"

#include <QSaveFile>
#include <QSettings>

#include <sstream>

namespace nnlab::app {

namespace engine = nnlab::engine;

ModelDocument::ModelDocument(QSettings* settings, QObject* parent)
    : QObject(parent), m_settings(settings)
{
}

void ModelDocument::setModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    emit changed();
}

QStringList ModelDocument::recentFiles() const
{
    return m_settings->value("recent/models").toStringList();
}

std::optional<engine::Model> ModelDocument::read(const QString& path, QString* error) const
{
    try {
        return engine::loadModelFile(path.toStdString());
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

void ModelDocument::opened(const QString& path)
{
    m_path = path;
    m_modified = false;
    remember(path);
    emit changed();
}

void ModelDocument::clear()
{
    m_path.clear();
    m_modified = false;
    emit changed();
}

bool ModelDocument::exportTo(const QString& path, const engine::Model& model, QString* error)
{
    if (!write(path, model, error))
        return false;
    remember(path);
    return true;
}

bool ModelDocument::write(const QString& path, const engine::Model& model, QString* error) const
{
    const std::string name = path.toStdString();
    std::ostringstream bytes;
    try {
        const auto format = engine::modelFormatOf(name);
        if (!format)
            throw engine::FileError(name, "is neither an nnlab model (.nnlab) nor a NumPy archive (.npz)");
        if (*format == engine::ModelFormat::Npz)
            engine::writeNpz(bytes, model, name); // w_i_h, w_h_o... for numpy
        else
            engine::writeModel(bytes, model, name);
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    const std::string data = bytes.str();
    QSaveFile file(path); // all or nothing: an old file survives a failed write
    if (file.open(QIODevice::WriteOnly) && file.write(data.data(), qint64(data.size())) == qint64(data.size()) &&
        file.commit())
        return true;
    if (error)
        *error = tr("%1 could not be written: %2").arg(path, file.errorString());
    return false;
}

bool ModelDocument::save(const QString& path, const engine::Model& model, QString* error)
{
    if (!write(path, model, error))
        return false;
    m_path = path;
    m_modified = false;
    remember(path);
    emit changed();
    return true;
}

QString ModelDocument::withModelExtension(const QString& path, const QString& extension)
{
    return engine::modelFormatOf(path.toStdString()) ? path : path + extension;
}

void ModelDocument::forgetRecent(const QString& path)
{
    QStringList recent = recentFiles();
    if (recent.removeAll(path) == 0)
        return;
    m_settings->setValue("recent/models", recent);
    emit recentChanged();
}

void ModelDocument::remember(const QString& path)
{
    QStringList recent = recentFiles();
    recent.removeAll(path);
    recent.prepend(path);
    m_settings->setValue("recent/models", recent.mid(0, kMaxRecent));
    emit recentChanged();
}

} // namespace nnlab::app
