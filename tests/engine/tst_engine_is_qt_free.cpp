// The engine must stay Qt-free: fails naming the file and line of any Qt include under engine/.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <regex>

class TestEngineIsQtFree : public QObject
{
    Q_OBJECT

private slots:
    void noQtIncludes()
    {
        const std::filesystem::path engine = std::filesystem::path(NNLAB_SOURCE_DIR) / "engine";
        QVERIFY(std::filesystem::is_directory(engine));
        // #include <QFoo>, <QtCore/...> or "Q..." (moc cannot read raw string literals)
        const std::regex qtInclude("^\\s*#\\s*include\\s*[<\"](Q[A-Za-z]|Qt)");
        int files = 0;
        QStringList offenders;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(engine)) {
            const auto ext = entry.path().extension();
            if (ext != ".h" && ext != ".cpp")
                continue;
            ++files;
            std::ifstream in(entry.path());
            std::string line;
            for (int n = 1; std::getline(in, line); ++n)
                if (std::regex_search(line, qtInclude))
                    offenders << QString("%1:%2: %3").arg(QString::fromStdString(entry.path().string())).arg(n).arg(QString::fromStdString(line));
        }
        QVERIFY2(files > 10, "the engine sources were not found");
        QVERIFY2(offenders.isEmpty(), qPrintable("Qt in the engine: " + offenders.join("; ")));
    }
};

QTEST_APPLESS_MAIN(TestEngineIsQtFree)
#include "tst_engine_is_qt_free.moc"
