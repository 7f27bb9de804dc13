#include "model_document.h"

#include "app/bridge/dataset_predictions.h"

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

std::optional<float> ModelDocument::storedTestAccuracy(const engine::ModelInfo& info)
{
    if (info.testAccuracy)
        return info.testAccuracy;
    const auto& epochs = info.provenance.epochs;
    for (auto e = epochs.rbegin(); e != epochs.rend(); ++e)
        if (e->testAccuracy)
            return e->testAccuracy;
    return std::nullopt;
}

void ModelDocument::checkAccuracy(NetworkPtr network, std::optional<float> stored,
                                  std::shared_ptr<const engine::Dataset> test)
{
    dropAccuracyCheck();
    m_check = AccuracyCheck{m_path, stored, std::nullopt, test ? test->size() : 0};
    const bool measurable = network && m_check.images > 0;
    if (measurable) {
        if (!m_predictions) {
            m_predictions = new DatasetPredictions(this);
            connect(m_predictions, &DatasetPredictions::ready, this,
                    [this](bool, std::uint64_t serial, std::shared_ptr<const engine::Evaluation> result) {
                        if (serial != m_checkSerial || !result)
                            return; // an older check's, or one dropped
                        m_check.measured = result->accuracy;
                        m_check.images = result->count;
                        emit accuracyChecked(m_check);
                    });
        }
        m_predictions->request(std::move(network), std::move(test), true, m_checkSerial);
    }
    emit accuracyChecked(m_check);
}

void ModelDocument::dropAccuracyCheck()
{
    ++m_checkSerial;
    if (m_predictions)
        m_predictions->invalidate();
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
