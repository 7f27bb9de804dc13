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

QString dataSourceChoice(app::DataSource source)
{
    switch (source) {
    case app::DataSource::Mnist:
        return QCoreApplication::translate("MainWindow", "MNIST handwritten digits");
    case app::DataSource::FashionMnist:
        return QCoreApplication::translate("MainWindow", "Fashion-MNIST clothes");
    case app::DataSource::Files:
        break;
    }
    return QCoreApplication::translate("MainWindow", "Open IDX or CSV files…");
}

QString aboutText()
{
    return QCoreApplication::translate("nnlab::ui::MainWindow",
                                       "<h3>nnlab %1</h3><p>A lab for learning how neural networks work: "
                                       "the classic network from scratch (784-90-10, sigmoid, one image at "
                                       "a time) and its modern versions, learning live on real MNIST.</p>"
                                       "<p>MNIST: Y. LeCun, C. Cortes, C. Burges (CC BY-SA 3.0).</p>")
        .arg(QCoreApplication::applicationVersion());
}

} // namespace nnlab::ui
