// Finding the bundled files: from a program in the build tree, through the environment variable,
// and one clear sentence when they are nowhere to be found.
#include "app/common/bundled_files.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
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
        QTest::newRow("MNIST") << Bundled::Mnist << "data/mnist"
                               << "NNLAB_DATA_DIR";
        QTest::newRow("default model") << Bundled::DefaultModel << "resources/models/default.nnlab"
                                       << "NNLAB_MODEL";
        QTest::newRow("lesson's test CSV") << Bundled::LessonTestCsv << "data/mnist_test_10.csv"
                                           << QString();
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
        QTemporaryDir program, current;
        QVERIFY(program.isValid() && current.isValid());
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(current.path()));
        const nnlab::app::BundledPath found = findBundled(what, program.path().toStdString());
        QVERIFY(QDir::setCurrent(before));
        QVERIFY(!found);
        QVERIFY(found.path.empty());
        const QString missing = QString::fromStdString(found.missing);
        // "the default model (resources/models/default.nnlab) is not in /tmp/x, a folder above it
        // or the current folder /tmp/y; set NNLAB_MODEL to where it is"
        QVERIFY2(missing.contains(QLatin1Char('(') + relative + QLatin1Char(')')),
                 qPrintable(missing));
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
