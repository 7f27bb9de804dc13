// Finding the bundled files: from a program in the build tree, from one installed in a prefix,
// through the environment variable, and one clear sentence when they are nowhere to be found.
#include "app/common/bundled_files.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <stdexcept>

using nnlab::app::Bundled;
using nnlab::app::findBundled;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(Bundled)

class TestBundledFiles : public QObject
{
    Q_OBJECT

    static void forget()
    {
        qunsetenv("NNLAB_DATA_DIR");
        qunsetenv("NNLAB_MODEL");
    }

    static void rows()
    {
        QTest::addColumn<Bundled>("what");
        QTest::addColumn<QString>("relative");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("installed"); // below <prefix>/share/nnlab
        QTest::addColumn<QString>("probe");     // the file in it that must be there, if a folder
        QTest::newRow("MNIST") << Bundled::Mnist << "data/mnist"
                               << "NNLAB_DATA_DIR"
                               << "mnist"
                               << "train-images-idx3-ubyte.gz";
        QTest::newRow("default model") << Bundled::DefaultModel << "resources/models/default.nnlab"
                                       << "NNLAB_MODEL"
                                       << "models/default.nnlab" << QString();
        QTest::newRow("lesson's test CSV") << Bundled::LessonTestCsv << "data/mnist_test_10.csv"
                                           << QString() << "mnist_test_10.csv" << QString();
    }

    static fs::path testProgramFolder() { return fs::read_symlink("/proc/self/exe").parent_path(); }

    static void touch(const fs::path& file)
    {
        fs::create_directories(file.parent_path());
        std::ofstream(file) << "x";
    }

private slots:
    void init() { forget(); }
    void cleanupTestCase() { forget(); }

    // This test program lives in build/<preset>/tests/app, below the source tree.
    void findsThemFromTheBuildTree_data() { rows(); }
    void findsThemFromTheBuildTree()
    {
        QFETCH(Bundled, what);
        QFETCH(QString, relative);
        const nnlab::app::BundledPath found = findBundled(what);
        QVERIFY2(found, found.missing.c_str());
        QVERIFY(found.missing.empty());
        QVERIFY(fs::equivalent(found.path, fs::path(NNLAB_SOURCE_DIR) / relative.toStdString()));
        QCOMPARE(found.require(), found.path);
    }

    // A program in <prefix>/bin (cmake --install) takes <prefix>/share/nnlab's copy, never the
    // source tree's, even with the prefix inside the build tree, from where a search upwards
    // would reach the source tree; the variable still wins.
    void findsThemUnderTheInstallPrefix_data() { rows(); }
    void findsThemUnderTheInstallPrefix()
    {
        QFETCH(Bundled, what);
        QFETCH(QString, relative);
        QFETCH(QString, variable);
        QFETCH(QString, installed);
        QFETCH(QString, probe);
        QTemporaryDir dir(QString::fromStdString(testProgramFolder().string()) +
                          QStringLiteral("/prefix-XXXXXX"));
        QVERIFY(dir.isValid());
        const fs::path prefix = dir.path().toStdString();
        const fs::path bin = prefix / "bin";
        const fs::path source = fs::path(NNLAB_SOURCE_DIR) / relative.toStdString();
        fs::create_directories(bin);

        // Nothing installed yet: the search upwards from <prefix>/bin reaches the source tree.
        const nnlab::app::BundledPath before = findBundled(what, bin);
        QVERIFY2(before, before.missing.c_str());
        QVERIFY(fs::equivalent(before.path, source));

        const fs::path copy = prefix / "share/nnlab" / installed.toStdString();
        touch(probe.isEmpty() ? copy : copy / probe.toStdString());
        const nnlab::app::BundledPath found = findBundled(what, bin);
        QVERIFY2(found, found.missing.c_str());
        QCOMPARE(found.path, copy.string());
        QVERIFY(!fs::equivalent(found.path, source));

        if (!variable.isEmpty()) {
            qputenv(variable.toUtf8().constData(), "/nowhere/else");
            QCOMPARE(findBundled(what, bin).path, std::string("/nowhere/else"));
        }
    }

    // The variable is taken as given: a missing file there is reported by whoever opens it.
    void theVariableWins_data() { rows(); }
    void theVariableWins()
    {
        QFETCH(Bundled, what);
        QFETCH(QString, variable);
        if (variable.isEmpty())
            QSKIP("no variable overrides it");
        qputenv(variable.toUtf8().constData(), "/nowhere/else");
        QCOMPARE(findBundled(what).path, std::string("/nowhere/else"));
    }

    void saysWhatIsMissingAndWhere_data() { rows(); }
    void saysWhatIsMissingAndWhere()
    {
        QFETCH(Bundled, what);
        QFETCH(QString, relative);
        QFETCH(QString, variable);
        QFETCH(QString, installed);
        QTemporaryDir program, current;
        QVERIFY(program.isValid() && current.isValid());
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(current.path()));
        const nnlab::app::BundledPath found = findBundled(what, program.path().toStdString());
        QVERIFY(QDir::setCurrent(before));
        QVERIFY(!found);
        QVERIFY(found.path.empty());
        const QString missing = QString::fromStdString(found.missing);
        // "the default model (resources/models/default.nnlab) is not in
        // /tmp/share/nnlab/models/default.nnlab, /tmp/x, a folder above it or the current folder
        // /tmp/y; set NNLAB_MODEL to where it is"
        QVERIFY2(missing.contains(QLatin1Char('(') + relative + QLatin1Char(')')),
                 qPrintable(missing));
        const QString prefixCopy =
            QDir::cleanPath(program.path() + QStringLiteral("/../share/nnlab/") + installed);
        QVERIFY2(missing.contains(prefixCopy + QStringLiteral(", ")), qPrintable(missing));
        QVERIFY2(missing.contains(program.path()), qPrintable(missing));
        QVERIFY2(missing.contains(current.path()), qPrintable(missing));
        if (!variable.isEmpty())
            QVERIFY2(missing.contains(QStringLiteral("; set ") + variable + QStringLiteral(" to ")),
                     qPrintable(missing));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, found.require());
        try {
            found.require();
        } catch (const std::runtime_error& e) {
            QCOMPARE(std::string(e.what()), found.missing);
        }
    }

    // Debian's Fashion-MNIST has one place; either it is there or the message names the package.
    void fashionMnistIsFoundOrNamesItsPackage()
    {
        const nnlab::app::BundledPath found = findBundled(Bundled::FashionMnist);
        const bool installed =
            fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") ||
            fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte");
        QCOMPARE(bool(found), installed);
        if (installed)
            QCOMPARE(found.path, std::string("/usr/share/datasets/fashion-mnist"));
        else
            QVERIFY2(found.missing.find("dataset-fashion-mnist") != std::string::npos,
                     found.missing.c_str());
    }
};

QTEST_APPLESS_MAIN(TestBundledFiles)
#include "tst_bundled_files.moc"
