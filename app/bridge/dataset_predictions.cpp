#include "dataset_predictions.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace nnlab::app {

DatasetPredictions::DatasetPredictions(QObject* parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(1);
}

DatasetPredictions::~DatasetPredictions()
{
    waitForIdle();
}

void DatasetPredictions::waitForIdle()
{
    for (QFuture<void>& f : m_futures)
        f.waitForFinished();
    m_futures.clear();
}

void DatasetPredictions::invalidate()
{
    ++m_generation;
    m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_waiting[0].reset();
    m_waiting[1].reset();
}

void DatasetPredictions::request(NetworkPtr network, std::shared_ptr<const engine::Dataset> data, bool test,
                                 std::uint64_t networkSerial)
{
    if (!network || !data || data->size() == 0)
        return;
    Request r{std::move(network), std::move(data), networkSerial};
    if (m_running[test ? 0 : 1])
        m_waiting[test ? 0 : 1] = std::move(r);
    else
        launch(test, std::move(r));
}

void DatasetPredictions::launch(bool test, Request request)
{
    const int slot = test ? 0 : 1;
    m_running[slot] = true;
    const int generation = m_generation;
    auto result = std::make_shared<std::shared_ptr<const engine::Evaluation>>();
    QFuture<void> future = QtConcurrent::run(&m_pool, [request, result, cancel = m_cancel] {
        try {
            auto e = engine::evaluateUnlessStopped(*request.network, *request.data, SIZE_MAX,
                                                   [&cancel] { return !cancel->load(); });
            if (e)
                *result = std::make_shared<const engine::Evaluation>(std::move(*e));
        } catch (const std::exception&) {
            // A network that does not fit this data (replaced meanwhile): no result.
        }
    });
    auto* watcher = new QFutureWatcher<void>(this);
    const std::uint64_t serial = request.networkSerial;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, test, slot, generation, result, serial] {
        watcher->deleteLater();
        m_running[slot] = false;
        m_futures.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
        if (generation == m_generation && *result)
            emit ready(test, serial, *result);
        if (m_waiting[slot]) {
            Request next = std::move(*m_waiting[slot]);
            m_waiting[slot].reset();
            launch(test, std::move(next));
        }
    });
    watcher->setFuture(future);
    m_futures.append(future);
}

} // namespace nnlab::app
