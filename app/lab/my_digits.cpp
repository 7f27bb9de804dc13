#include "my_digits.h"

#include "app/common/counted.h"
#include "engine/csv_reader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <set>

namespace nnlab::app {

namespace engine = nnlab::engine;

namespace {
constexpr int kDigitSide = 28;         // MNIST's 28x28 images
constexpr std::size_t kFewImages = 10; // fewer than one image per digit
} // namespace

MyDigits::MyDigits(const QString& path, QObject* parent) : QObject(parent)
{
    setPath(path.isEmpty() ? defaultPath() : path);
}

QString MyDigits::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/my-digits.csv");
}

void MyDigits::setPath(const QString& path)
{
    m_path = path;
    m_loadError.clear();
    m_digits.reset();
    if (QFileInfo(path).size() > 0) {
        try {
            m_digits = std::make_shared<const engine::Dataset>(engine::loadCsvDataset(
                path.toStdString(), engine::digitClassNames(), kDigitSide, kDigitSide));
        } catch (const std::exception& e) {
            m_loadError = QString::fromUtf8(e.what());
        }
    }
    emit changed();
}

QString MyDigits::add(int label, std::span<const std::uint8_t> pixels)
{
    if (label < 0 || label > 9 || pixels.size() != std::size_t(kDigitSide * kDigitSide))
        return tr("A digit is a 28×28 image with a label 0 to 9.");
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    if (!file.open(QIODevice::Append | QIODevice::Text))
        return tr("%1 could not be opened for writing: %2").arg(m_path, file.errorString());
    QByteArray line = QByteArray::number(label);
    for (const std::uint8_t p : pixels)
        line += ',' + QByteArray::number(p);
    line += '\n';
    if (file.write(line) != line.size() || !file.flush())
        return tr("%1 could not be written: %2").arg(m_path, file.errorString());
    file.close();

    auto next = std::make_shared<engine::Dataset>();
    if (m_digits) {
        *next = *m_digits;
    } else {
        next->name = QFileInfo(m_path).fileName().toStdString();
        next->rows = next->cols = kDigitSide;
        next->classNames = engine::digitClassNames();
    }
    next->labels.push_back(std::uint8_t(label));
    next->pixels.insert(next->pixels.end(), pixels.begin(), pixels.end());
    m_digits = std::move(next);
    emit added(count());
    emit changed();
    return {};
}

void MyDigits::setInTrainingSet(int n)
{
    if (n == m_inTrainingSet) return;
    m_inTrainingSet = n;
    emit changed();
}

QString smallSetWarning(const engine::Dataset& train)
{
    const std::set<std::uint8_t> classes(train.labels.begin(), train.labels.end());
    const bool few = train.size() < kFewImages;
    const bool oneClass = classes.size() == 1 && train.classCount() > 1;
    if (!few && !oneClass) return {};
    const QString name = QString::fromStdString(train.name);
    QString text =
        few ? MyDigits::tr("%1 holds only %2")
                  .arg(name, app::counted(qint64(train.size()), MyDigits::tr("training image"),
                                          MyDigits::tr("training images")))
            : MyDigits::tr("%1 holds %n training images", nullptr, int(train.size())).arg(name);
    if (oneClass) {
        const QString c = QString::fromStdString(train.classNames[*classes.begin()]);
        text +=
            MyDigits::tr(", all of them %1s. A network learns only what its training set shows it: "
                         "every step pulls the o_output of %1 towards its target 0.99 and the "
                         "other nine towards 0.01, whatever the image. Trained only on %1s, it "
                         "answers %1 for everything, and gets right only the test digits that are "
                         "%1s (about 10%).")
                .arg(c);
    } else {
        text += MyDigits::tr(", fewer than one per digit: too few observations to learn ten digits "
                             "from (the lesson starts with 100 and reaches about 60%).");
    }
    return text + MyDigits::tr(
                      " Your own digits join MNIST's 60,000 training images when MNIST is "
                      "the data (the lesson's \"other training set\"): choose MNIST "
                      "handwritten digits as the data, then Train on my digits in the Draw view.");
}

} // namespace nnlab::app
