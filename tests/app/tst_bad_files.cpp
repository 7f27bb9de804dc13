// The malformed-input corpus (tests/data/bad, written by make-bad-files.py): every file gives its
// reader's FileError naming the file and what is wrong, never another exception or a crash; and a
// save that fails never touches the model file already there.
#include "app/common/image_ink.h"
#include "engine/csv_reader.h"
#include "engine/file_error.h"
#include "engine/idx_reader.h"
#include "engine/model_io.h"
#include "engine/sweep_file.h"
#include "tests/common/test_support.h"

#include <QtTest>

#include <cmath>
#include <csignal>

#include <sys/resource.h>

using namespace nnlab::engine;
using nnlab::test::folderEntries;

namespace {

const QString kCorpus = nnlab::test::sourceFile(QStringLiteral("tests/data/bad"));
const QString kManifest = QStringLiteral("EXPECTED.tsv");
const QString kGenerator = QStringLiteral("make-bad-files.py");
constexpr int kMinimumFiles = 40; // issue 7: "at least 40 hand-made bad files"

// One line of EXPECTED.tsv: file, reader, then the fragments its message must contain.
struct Expectation
{
    QString file;
    QString reader;
    QStringList fragments;
};

QList<Expectation> readManifest()
{
    QFile f(kCorpus + QLatin1Char('/') + kManifest);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    QList<Expectation> rows;
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).chopped(1);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        QStringList fields = line.split(QLatin1Char('\t'));
        if (fields.size() < 3)
            qFatal("%s: a line without fragments: %s", qPrintable(kManifest), qPrintable(line));
        const QString file = fields.takeFirst();
        const QString reader = fields.takeFirst();
        rows.append({file, reader, fields});
    }
    return rows;
}

// Two valid 28x28 images, for the label files that must be checked against images.
std::string twoImages(const QTemporaryDir& dir)
{
    QByteArray bytes = QByteArray::fromHex("00000803000000020000001c0000001c");
    bytes += QByteArray(2 * 28 * 28, '\0');
    QFile f(dir.filePath(QStringLiteral("two-images.idx")));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(f.fileName()));
    return f.fileName().toStdString();
}

// Runs the file through its reader; returns normally only if the reader accepted it.
void read(const QString& reader, const std::string& path, const QTemporaryDir& dir)
{
    if (reader == QLatin1String("idx-images"))
        readIdxImages(path);
    else if (reader == QLatin1String("idx-labels"))
        readIdxLabels(path);
    else if (reader == QLatin1String("idx-labels-for-2-images"))
        loadIdxDataset(twoImages(dir), path, digitClassNames(), "bad");
    else if (reader == QLatin1String("csv"))
        loadCsvDataset(path, digitClassNames());
    else if (reader == QLatin1String("nnlab"))
        loadModel(path);
    else if (reader == QLatin1String("npz"))
        loadNpz(path);
    else if (reader == QLatin1String("image"))
        nnlab::app::readDigitImage(path);
    else if (reader == QLatin1String("sweep"))
        loadSweepFile(path);
    else
        qFatal("unknown reader %s", qPrintable(reader));
}

// The lesson's 784-90-10 net: 285,904 bytes as .nnlab, big enough to be cut off mid-write.
Model lessonModel(float firstWeight = 0.5f)
{
    Architecture a;
    a.hidden = {90};
    Model m{Network(a), {}};
    m.network.initialize(Init::Lesson, 3);
    m.network.weights(0)(0, 0) = firstWeight;
    m.info.note = "lesson";
    return m;
}

// While alive, no file of this process may grow past `bytes`: write() then fails with EFBIG,
// half-way through a save, as on a full disk (and unlike a read-only folder, even as root).
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_old);
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN); // EFBIG instead of the default core dump
        rlimit small = m_old;
        small.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &small);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = SIG_DFL;
};

} // namespace

class TestBadFiles : public QObject
{
    Q_OBJECT

private slots:
    // A file added to the folder without an expectation, or an expectation without its file,
    // fails here; so does a corpus that shrinks below the 40.
    void manifestListsEveryFile()
    {
        QStringList onDisk = folderEntries(kCorpus);
        onDisk.removeAll(kManifest);
        onDisk.removeAll(kGenerator);
        QStringList listed;
        QMap<QString, int> perReader;
        for (const Expectation& e : readManifest()) {
            listed << e.file;
            ++perReader[e.reader];
        }
        listed.sort();
        QCOMPARE(listed.removeDuplicates(), 0);
        QCOMPARE(onDisk, listed);
        QVERIFY2(listed.size() >= kMinimumFiles, qPrintable(QString::number(listed.size())));
        for (auto it = perReader.cbegin(); it != perReader.cend(); ++it)
            qInfo("%3d files for %s", it.value(), qPrintable(it.key()));
    }

    void badFile_data()
    {
        QTest::addColumn<QString>("reader");
        QTest::addColumn<QStringList>("fragments");
        for (const Expectation& e : readManifest())
            QTest::newRow(qPrintable(e.file)) << e.reader << e.fragments;
    }

    void badFile()
    {
        QFETCH(QString, reader);
        QFETCH(QStringList, fragments);
        const QString name = QString::fromLatin1(QTest::currentDataTag());
        const std::string path = (kCorpus + QLatin1Char('/') + name).toStdString();
        QTemporaryDir dir;
        try {
            read(reader, path, dir);
            QFAIL("the bad file was accepted");
        } catch (const FileError& e) {
            const QString message = QString::fromStdString(e.what());
            QCOMPARE(QString::fromStdString(e.path()), QString::fromStdString(path));
            // "name (byte 4): reason", "name (line 2): reason" or "name: reason", on one line.
            QVERIFY2(message.startsWith(name + QLatin1String(" (")) ||
                         message.startsWith(name + QLatin1String(": ")),
                     qPrintable(message));
            QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
            for (const QString& fragment : fragments)
                QVERIFY2(message.contains(fragment),
                         qPrintable(message + QLatin1String("\n   expected: ") + fragment));
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QLatin1String("not a FileError: ") + QString::fromUtf8(e.what())));
        }
    }

    void failedSaveKeepsTheOldFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("failure");
        QTest::addColumn<QString>("reason"); // in the message
        const std::pair<const char*, const char*> failures[] = {
            {"non-finite weight", "not saved: the network has weights that are not finite numbers"},
            {"write cut off", "could not be saved: File too large"},
            {"folder is a file", "could not be saved: Not a directory"},
            {"missing folder", "could not be saved: No such file or directory"},
            {"target is a folder", "could not be saved: Is a directory"}};
        for (const char* file : {"model.nnlab", "model.npz"})
            for (const auto& [failure, reason] : failures)
                QTest::addRow("%s, %s", file, failure) << QString::fromLatin1(file)
                                                        << QString::fromLatin1(failure)
                                                        << QString::fromLatin1(reason);
    }

    // A model saved, then a save that must fail: the old file keeps every byte and no temporary
    // file is left beside it. (The app's own saves go through QSaveFile, tst_main_window.)
    void failedSaveKeepsTheOldFile()
    {
        QFETCH(QString, name);
        QFETCH(QString, failure);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        saveModelFile(path.toStdString(), lessonModel());
        const QString folder = QLatin1String("folder.") + QFileInfo(name).suffix();
        QVERIFY(QDir(dir.path()).mkdir(folder));
        const nnlab::test::SavedFile saved(path);
        QVERIFY(saved.bytes().size() > 200000);

        QString target = path;
        Model other = lessonModel(-0.25f);
        if (failure == QLatin1String("non-finite weight"))
            other.network.weights(1)(3, 7) = std::nanf("");
        else if (failure == QLatin1String("folder is a file"))
            target = path + QLatin1Char('/') + name;
        else if (failure == QLatin1String("missing folder"))
            target = dir.filePath(QLatin1String("no-such-folder/") + name);
        else if (failure == QLatin1String("target is a folder"))
            target = dir.filePath(folder);
        try {
            if (failure == QLatin1String("write cut off")) {
                const FileSizeLimit limit(64 * 1024); // a quarter of the model
                saveModelFile(target.toStdString(), other);
            } else {
                saveModelFile(target.toStdString(), other);
            }
            QFAIL("the save did not fail");
        } catch (const FileError& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith(QFileInfo(target).fileName() + QLatin1String(": ")),
                     qPrintable(message));
            QVERIFY2(message.contains(reason), qPrintable(message));
            QCOMPARE(QString::fromStdString(e.path()), target);
        }
        saved.verifyUnchanged(); // every byte kept, no temporary file left beside it
        if (QTest::currentTestFailed())
            return;
        QVERIFY(folderEntries(dir.filePath(folder)).isEmpty());
        QVERIFY(loadModelFile(path.toStdString()).network == lessonModel().network);
    }
};

QTEST_GUILESS_MAIN(TestBadFiles)
#include "tst_bad_files.moc"
