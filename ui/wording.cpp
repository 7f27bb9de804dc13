#include "wording.h"

#include <QCoreApplication>

namespace nnlab::ui {

QString indefiniteArticle(const QString& name)
{
    const QString s = name.trimmed();
    bool number = !s.isEmpty();
    for (const QChar c : s)
        number = number && c.isDigit();
    bool an = false;
    if (number) {
        // Read aloud: eight, eighty, eight hundred...; eleven and eighteen (thousand, million).
        an = s.startsWith(QLatin1Char('8'))
             || (s.size() % 3 == 2
                 && (s.startsWith(QLatin1String("11")) || s.startsWith(QLatin1String("18"))));
    } else if (!s.isEmpty()) {
        an = QStringLiteral("aeiouAEIOU").contains(s.front());
    }
    return an ? QCoreApplication::translate("nnlab::ui", "an")
              : QCoreApplication::translate("nnlab::ui", "a");
}

QString withArticle(const QString& name)
{
    return indefiniteArticle(name) + QLatin1Char(' ') + name;
}

} // namespace nnlab::ui
