// What a QCustomPlot graph holds, as lists a test can compare: its keys (x) and values (y).
#pragma once

#include <QVector>
#include <qcustomplot.h>

namespace nnlab::test {

inline QVector<double> keys(QCPGraph* g)
{
    QVector<double> k;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        k << it->key;
    return k;
}

inline QVector<double> values(QCPGraph* g)
{
    QVector<double> v;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        v << it->value;
    return v;
}

} // namespace nnlab::test
