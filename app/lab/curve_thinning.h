// How a learning curve's points are kept bounded: the curves view and the runs table thin a
// series alike, so that a run restored from a workspace has the very points the window drew.
#pragma once

#include <QVector>

namespace nnlab::app {

// Halves a series (x in epochs, its loss and accuracy) by averaging neighbouring points; an odd
// newest point is kept as it is. The curve keeps its shape; memory stays bounded.
inline void halveByAveraging(QVector<double>& x, QVector<double>& loss, QVector<double>& accuracy)
{
    const qsizetype n = x.size() / 2;
    for (qsizetype i = 0; i < n; ++i) {
        x[i] = (x[2 * i] + x[2 * i + 1]) / 2;
        loss[i] = (loss[2 * i] + loss[2 * i + 1]) / 2;
        accuracy[i] = (accuracy[2 * i] + accuracy[2 * i + 1]) / 2;
    }
    if (x.size() % 2) {
        x[n] = x.back();
        loss[n] = loss.back();
        accuracy[n] = accuracy.back();
    }
    const qsizetype kept = n + x.size() % 2;
    x.resize(kept);
    loss.resize(kept);
    accuracy.resize(kept);
}

} // namespace nnlab::app
