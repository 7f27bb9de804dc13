// The engine must stay Qt-free: fails naming the file and line of any Qt include or Qt link under engine/.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Hand-written matchers: GCC 12 warns inside <regex> under the sanitizers.

std::string_view skipSpaces(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isLetter(char c) { return isLower(c) || (c >= 'A' && c <= 'Z'); }
bool isWordChar(char c) { return isLetter(c) || (c >= '0' && c <= '9') || c == '_'; }

// A C++ include of a Qt header: <QString>, <QtCore/QObject>, <QtCore>, "QVector", <qglobal.h>.
bool isQtInclude(std::string_view line)
{
    line = skipSpaces(line);
    if (!line.starts_with('#'))
        return false;
    line = skipSpaces(line.substr(1));
    if (!line.starts_with("include"))
        return false;
    line = skipSpaces(line.substr(7));
    if (line.size() < 3 || (line[0] != '<' && line[0] != '"'))
        return false;
    const char close = line[0] == '<' ? '>' : '"';
    const std::string_view name = line.substr(1, line.find(close, 1) - 1);
    if (name.size() >= 2 && name[0] == 'Q' && isLetter(name[1]))
        return true;
    // Qt's lower-case headers, <qglobal.h>; a quoted "quantize.h" is the project's own.
    if (close != '>' || name.size() < 4 || name[0] != 'q' || !name.ends_with(".h"))
        return false;
    for (const char c : name.substr(0, name.size() - 2))
        if (!isLower(c) && !(c >= '0' && c <= '9') && c != '_')
            return false;
    return true;
}

std::string lowerCase(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return out;
}

// A CMake line that brings Qt in: Qt6::Core, find_package(Qt6 ...), qt_add_...(, qt6_...(.
bool isQtCMake(std::string_view line)
{
    const std::string code = lowerCase(line.substr(0, line.find('#'))); // comments may say "Qt"
    for (const char* target : {"qt::", "qt5::", "qt6::"})
        if (code.find(target) != std::string::npos)
            return true;
    for (std::size_t at = code.find("find_package"); at != std::string::npos;
         at = code.find("find_package", at + 1)) {
        std::string_view rest = skipSpaces(std::string_view(code).substr(at + 12));
        if (rest.starts_with('(') && skipSpaces(rest.substr(1)).starts_with("qt"))
            return true;
    }
    // A command named qt_... or qt6_...: the word starts the line or follows a non-word character.
    for (std::size_t at = code.find("qt"); at != std::string::npos; at = code.find("qt", at + 1)) {
        if (at > 0 && isWordChar(code[at - 1]))
            continue;
        std::size_t end = at + 2;
        if (end < code.size() && code[end] == '6')
            ++end;
        if (end >= code.size() || code[end] != '_')
            continue;
        while (end < code.size() && isWordChar(code[end]))
            ++end;
        if (skipSpaces(std::string_view(code).substr(end)).starts_with('('))
            return true;
    }
    return false;
}

bool isCMakeFile(const fs::path& path)
{
    return path.filename() == "CMakeLists.txt" || path.extension() == ".cmake";
}

// "engine/network.h:12: #include <QString>" for each offending line of one file.
QStringList qtUsesIn(const fs::path& path, const fs::path& base)
{
    QStringList found;
    std::ifstream in(path, std::ios::binary);
    const bool cmake = isCMakeFile(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (cmake ? isQtCMake(line) : isQtInclude(line))
            found << QString::fromStdString(fs::relative(path, base).generic_string() + ":" +
                                            std::to_string(number) + ": " + line);
    }
    return found;
}

// Every regular file below dir, whatever its extension.
QStringList qtUsesBelow(const fs::path& dir, const fs::path& base, int* files)
{
    QStringList found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file())
            continue;
        ++*files;
        found << qtUsesIn(entry.path(), base);
    }
    return found;
}

} // namespace

class TestEngineIsQtFree : public QObject
{
    Q_OBJECT

private slots:
    // The scanner itself, on one-line files: it must catch what it is for, and only that.
    void scannerFindsQt_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("isQt");

        QTest::newRow("Qt class header") << "a.h" << "#include <QString>" << true;
        QTest::newRow("Qt module path") << "a.cpp" << "#include <QtCore/QObject>" << true;
        QTest::newRow("Qt module header") << "a.cpp" << "#include <QtCore>" << true;
        QTest::newRow("quoted Qt header") << "a.h" << "#include \"QVector\"" << true;
        QTest::newRow("spaced directive") << "a.hpp" << "  #  include   <QList>" << true;
        QTest::newRow("lower-case Qt header") << "a.inl" << "#include <qglobal.h>" << true;
        QTest::newRow("no extension") << "kernels" << "#include <QtConcurrent>" << true;
        QTest::newRow("CMake link") << "CMakeLists.txt"
                                    << "target_link_libraries(e PRIVATE Qt6::Core)" << true;
        QTest::newRow("CMake find_package") << "CMakeLists.txt" << "find_package(Qt6 REQUIRED)"
                                            << true;
        QTest::newRow("CMake qt_add") << "x.cmake" << "qt_add_executable(e main.cpp)" << true;
        QTest::newRow("Eigen") << "a.h" << "#include <Eigen/Dense>" << false;
        QTest::newRow("std queue") << "a.h" << "#include <queue>" << false;
        QTest::newRow("own header starting with q") << "a.cpp" << "#include \"quantize.h\""
                                                    << false;
        QTest::newRow("comment naming a Qt class") << "a.h" << "// not a QString: std::string"
                                                   << false;
        QTest::newRow("CMake comment") << "CMakeLists.txt" << "set(X ON) # Qt-free, no Qt6::Core"
                                       << false;
        QTest::newRow("CMake AUTOMOC property") << "CMakeLists.txt"
                                                << "set_target_properties(e PROPERTIES AUTOMOC OFF)"
                                                << false;
    }

    void scannerFindsQt()
    {
        QFETCH(QString, fileName);
        QFETCH(QString, line);
        QFETCH(bool, isQt);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path base = dir.path().toStdString();
        const fs::path file = base / "engine" / fileName.toStdString();
        fs::create_directories(file.parent_path());
        {
            std::ofstream out(file);
            out << "// a file\n" << line.toStdString() << "\n";
        }
        int files = 0;
        const QStringList found = qtUsesBelow(base / "engine", base, &files);
        QCOMPARE(files, 1);
        QCOMPARE(found.size(), isQt ? 1 : 0);
        if (isQt) // names the file and the line
            QCOMPARE(found.first(), "engine/" + fileName + ":2: " + line);
    }

    void engineHasNoQt()
    {
        const fs::path source = NNLAB_SOURCE_DIR;
        const fs::path engine = source / "engine";
        QVERIFY2(fs::is_directory(engine), qPrintable("no folder " + QString::fromStdString(engine.string())));
        int files = 0;
        const QStringList found = qtUsesBelow(engine, source, &files);
        QVERIFY2(files > 10, "the engine sources were not found");
        QVERIFY2(found.isEmpty(), qPrintable("Qt in the engine:\n  " + found.join("\n  ")));
    }
};

QTEST_APPLESS_MAIN(TestEngineIsQtFree)
#include "tst_engine_is_qt_free.moc"
