// The model document without a window (app/lab/model_document.h): save and open through
// engine/model_io (.nnlab or NumPy .npz by the file name), the modified flag, the recent files,
// and failures that name the file and leave the document and any old file as they were.
#include "app/lab/model_document.h"

#include "engine/model_io.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using nnlab::app::ModelDocument;
namespace engine = nnlab::engine;

class TestModelDocument : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static engine::Model makeModel(std::uint64_t seed)
    {
        engine::Model m;
        engine::Architecture a;
        a.hidden = {12};
        m.network = engine::Network(a);
        m.network.initialize(engine::Init::Lesson, seed);
        m.info.samplesSeen = 42;
        m.info.testAccuracy = 0.5f;
        return m;
    }
    QString file(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void saveAndOpenBothFormats_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("nnlab model") << QStringLiteral("a.nnlab");
        QTest::newRow("numpy archive") << QStringLiteral("a.npz");
        QTest::newRow("extension in capitals") << QStringLiteral("b.NPZ");
    }
    void saveAndOpenBothFormats()
    {
        QFETCH(QString, name);
        QSettings settings(file(QStringLiteral("s1.ini")), QSettings::IniFormat);
        ModelDocument doc(&settings);
        QSignalSpy changed(&doc, &ModelDocument::changed);
        doc.setModified(true);
        QVERIFY(doc.isModified());
        const engine::Model model = makeModel(3);
        QString why;
        QVERIFY2(doc.save(file(name), model, &why), qPrintable(why));
        QVERIFY(!doc.isModified());
        QCOMPARE(doc.path(), file(name));
        QCOMPARE(changed.count(), 2);
        // The engine reads it back by its name, whatever the document did.
        QVERIFY(engine::loadModelFile(file(name).toStdString()).network == model.network);
        const auto read = doc.read(file(name), &why);
        QVERIFY(read);
        QVERIFY(read->network == model.network);
    }

    void badFileNamesItAndChangesNothing()
    {
        QSettings settings(file(QStringLiteral("s2.ini")), QSettings::IniFormat);
        ModelDocument doc(&settings);
        QString why;
        QVERIFY(doc.save(file(QStringLiteral("good.nnlab")), makeModel(1), &why));
        QFile f(file(QStringLiteral("garbage.nnlab")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("NNLABMDL but then nothing sensible at all");
        f.close();
        QVERIFY(!doc.read(file(QStringLiteral("garbage.nnlab")), &why));
        QVERIFY2(why.contains(QLatin1String("garbage.nnlab")), qPrintable(why));
        QCOMPARE(doc.path(), file(QStringLiteral("good.nnlab")));
        QCOMPARE(doc.recentFiles().size(), 1);
    }

    void failedSaveChangesNothing()
    {
        QSettings settings(file(QStringLiteral("s3.ini")), QSettings::IniFormat);
        ModelDocument doc(&settings);
        QString why;
        const QString path = file(QStringLiteral("keep.nnlab"));
        QVERIFY(doc.save(path, makeModel(1), &why));
        doc.setModified(true);
        // A save that cannot be committed: an error naming the file; the document and the
        // old file stay as they were.
        const QByteArray before = [&] { QFile f(path); f.open(QIODevice::ReadOnly); return f.readAll(); }();
        QVERIFY(!doc.save(file(QStringLiteral("no-such-folder/x.nnlab")), makeModel(2), &why));
        QVERIFY(why.contains(QLatin1String("x.nnlab")));
        QCOMPARE(doc.path(), path);
        QVERIFY(doc.isModified());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }

    void exportLeavesTheDocumentItsFile()
    {
        QSettings settings(file(QStringLiteral("s4.ini")), QSettings::IniFormat);
        ModelDocument doc(&settings);
        QString why;
        QVERIFY(doc.save(file(QStringLiteral("own.nnlab")), makeModel(1), &why));
        doc.setModified(true);
        QVERIFY(doc.exportTo(file(QStringLiteral("w.npz")), makeModel(1), &why));
        QCOMPARE(doc.path(), file(QStringLiteral("own.nnlab")));
        QVERIFY(doc.isModified());
        QCOMPARE(doc.recentFiles().first(), file(QStringLiteral("w.npz")));
    }

    void recentFilesNewestFirstWithoutRepeats()
    {
        QSettings settings(file(QStringLiteral("s5.ini")), QSettings::IniFormat);
        ModelDocument doc(&settings);
        QSignalSpy recent(&doc, &ModelDocument::recentChanged);
        QString why;
        for (int i = 0; i < ModelDocument::kMaxRecent + 2; ++i)
            QVERIFY(doc.save(file(QStringLiteral("m%1.nnlab").arg(i)), makeModel(1), &why));
        QVERIFY(doc.save(file(QStringLiteral("m5.nnlab")), makeModel(1), &why));
        const QStringList list = doc.recentFiles();
        QCOMPARE(list.size(), ModelDocument::kMaxRecent);
        QCOMPARE(list.first(), file(QStringLiteral("m5.nnlab")));
        QCOMPARE(list.count(file(QStringLiteral("m5.nnlab"))), 1);
        QCOMPARE(list.at(1), file(QStringLiteral("m%1.nnlab").arg(ModelDocument::kMaxRecent + 1)));
        QCOMPARE(recent.count(), ModelDocument::kMaxRecent + 3);
        doc.opened(file(QStringLiteral("m0.nnlab")));
        QCOMPARE(doc.recentFiles().first(), file(QStringLiteral("m0.nnlab")));
        QCOMPARE(doc.path(), file(QStringLiteral("m0.nnlab")));
        doc.clear();
        QVERIFY(doc.path().isEmpty());
    }

    void modelExtensionIsAddedWhenNoneIsKnown()
    {
        QCOMPARE(ModelDocument::withModelExtension(QStringLiteral("/a/model"), QStringLiteral(".nnlab")),
                 QStringLiteral("/a/model.nnlab"));
        QCOMPARE(ModelDocument::withModelExtension(QStringLiteral("/a/w.npz"), QStringLiteral(".nnlab")),
                 QStringLiteral("/a/w.npz"));
        QCOMPARE(ModelDocument::withModelExtension(QStringLiteral("/a/w.txt"), QStringLiteral(".npz")),
                 QStringLiteral("/a/w.txt.npz"));
    }
};

QTEST_GUILESS_MAIN(TestModelDocument)
#include "tst_model_document.moc"
