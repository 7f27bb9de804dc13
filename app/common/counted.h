// A count and its noun in English, "1 epoch" but "5 epochs", for messages and labels.
#pragma once

#include <QLocale>
#include <QString>

namespace nnlab::app {

// The count in the user's locale ("60,000") and `one` for exactly one, else `many`.
inline QString counted(qint64 n, const QString& one, const QString& many)
{
    return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

} // namespace nnlab::app
