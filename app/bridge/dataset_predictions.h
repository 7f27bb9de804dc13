// Predictions of a network snapshot on a whole dataset, computed off the GUI thread
// (QtConcurrent) for the gallery and the confusion matrix. One job per set at a time: a request
// made while one runs replaces any older waiting request; results for replaced data are dropped.
#pragma once

#include "training_setup.h"

#include "engine/evaluation.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace nnlab::app {

class DatasetPredictions : public QObject
{
    Q_OBJECT

public:
    explicit DatasetPredictions(QObject* parent = nullptr);
    ~DatasetPredictions() override;

    // test: which of the two sets `data` is; networkSerial: the caller's number for `network`
    // (the result says both back, so that answers of an older network can be told apart).
    void request(NetworkPtr network, std::shared_ptr<const engine::Dataset> data, bool test,
                 std::uint64_t networkSerial = 0);
    // Forget running and waiting jobs (new data, closing): running ones stop within a few
    // milliseconds and their results are never delivered.
    void invalidate();
    bool busy() const { return m_running[0] || m_running[1]; }
    // Blocks until running jobs end (the destructor does this).
    void waitForIdle();

signals:
    void ready(bool test, std::uint64_t networkSerial, std::shared_ptr<const nnlab::engine::Evaluation> result);

private:
    struct Request
    {
        NetworkPtr network;
        std::shared_ptr<const engine::Dataset> data;
        std::uint64_t networkSerial = 0;
    };
    void launch(bool test, Request request);

    int m_generation = 0;
    // Set by invalidate(): running jobs stop at their next chunk of 500 images.
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    bool m_running[2] = {false, false};
    std::optional<Request> m_waiting[2];
    QList<QFuture<void>> m_futures;
    // Its own thread: Qt's raster engine uses the global pool to draw, so long evaluations
    // there would stall painting.
    QThreadPool m_pool;
};

} // namespace nnlab::app
