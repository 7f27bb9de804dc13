// A sweep as a CSV file (engine/sweep_file.h): the exact layout of a small sweep, written here by
// hand; every result, setting and number back bit for bit; the base preset's settings text for
// every preset; and each way a file can be bad refused with the line and one sentence.
#include "engine/file_error.h"
#include "engine/sweep_file.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <sstream>

using namespace nnlab::engine;

namespace {

SweepRunResult run(std::size_t index, const SweepSpec& spec, int epochs, std::string error = {})
{
    SweepRunResult r;
    r.index = index;
    r.valueIndex = index / spec.seeds.size();
    r.value = spec.values[r.valueIndex];
    r.seed = spec.seeds[index % spec.seeds.size()];
    r.setup = "784-90-10 sigmoid \xc2\xb7 SGD l_r " + r.value + " \xc2\xb7 batch 1, seed " +
              std::to_string(r.seed);
    r.error = std::move(error);
    for (int e = 1; e <= epochs; ++e) {
        SweepEpochResult x;
        x.epoch = e;
        x.trainLoss = 1.0 / (3.0 + double(index) + e); // thirds and sevenths: no short decimal
        x.trainAccuracy = 0.1 + 0.2 * e / 7.0;
        x.testLoss = 0.1 + 0.2;
        x.testAccuracy = std::nextafter(0.5 + 0.01 * double(index), 1.0);
        x.samplesSeen = std::uint64_t(100 * e);
        r.epochs.push_back(x);
        for (int k = 1; k <= 3; ++k)
            r.curve.push_back({e - 1 + k / 3.0, 0.9 / (k + e), 0.3 * k / e});
    }
    r.samples = r.epochs.empty() ? 37 : r.epochs.back().samplesSeen + (r.error.empty() ? 0 : 42);
    r.seconds = 0.25 * double(index) + 1e-9;
    return r;
}

// Three learning rates x two seeds, as a sweep cancelled after five runs: one diverged in epoch 2
// (its error has a comma and quotes), one diverged before its first epoch ended.
SweepFile sample()
{
    SweepFile s;
    s.nnlabVersion = "0.1.0";
    s.dataName = "MNIST, first 1,000";
    s.base = *findPreset("lesson-100");
    s.spec.knob = SweepKnob::LearningRate;
    s.spec.values = {"0.01", "0.1", "3"};
    s.spec.seeds = {1, 18446744073709551615u};
    s.results = {run(4, s.spec, 0, "diverged in epoch 1: the loss is not a finite number"),
                 run(0, s.spec, 2), run(2, s.spec, 1, "diverged in epoch 2: \"nan\", l_r too big"),
                 run(1, s.spec, 2), run(3, s.spec, 2)};
    return s;
}

std::string text(const SweepFile& s)
{
    std::ostringstream out;
    writeSweepFile(out, s);
    return out.str();
}

SweepFile read(const std::string& text, const std::string& path = "sweep.csv")
{
    std::istringstream in(text);
    return readSweepFile(in, path);
}

void comparePresets(const Preset& a, const Preset& b)
{
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.description, b.description);
    QVERIFY(a.architecture == b.architecture);
    QVERIFY(a.init == b.init);
    QCOMPARE(a.weightSeed, b.weightSeed);
    QVERIFY(a.training.optimizer == b.training.optimizer);
    QCOMPARE(a.training.batchSize, b.training.batchSize);
    QCOMPARE(a.training.shuffle, b.training.shuffle);
    QCOMPARE(a.training.seed, b.training.seed);
    QCOMPARE(a.training.threads, b.training.threads);
    QCOMPARE(a.training.trainingSize, b.training.trainingSize);
    QCOMPARE(a.training.lessonErrors, b.training.lessonErrors);
    QVERIFY(a.training.inputPath == b.training.inputPath);
    QCOMPARE(a.epochs, b.epochs);
    QCOMPARE(a.learningRateDecay, b.learningRateDecay);
}

// Exact equality, bits included (QCOMPARE on doubles allows a little slack).
void compareRuns(const SweepRunResult& a, const SweepRunResult& b)
{
    QCOMPARE(a.index, b.index);
    QCOMPARE(a.valueIndex, b.valueIndex);
    QCOMPARE(a.value, b.value);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(a.setup, b.setup);
    QCOMPARE(a.error, b.error);
    QVERIFY(a.seconds == b.seconds);
    QCOMPARE(a.samples, b.samples);
    QCOMPARE(a.epochs.size(), b.epochs.size());
    for (std::size_t i = 0; i < a.epochs.size(); ++i) {
        const SweepEpochResult &x = a.epochs[i], &y = b.epochs[i];
        QCOMPARE(x.epoch, y.epoch);
        QVERIFY(x.trainLoss == y.trainLoss && x.trainAccuracy == y.trainAccuracy);
        QVERIFY(x.testLoss == y.testLoss && x.testAccuracy == y.testAccuracy);
        QCOMPARE(x.samplesSeen, y.samplesSeen);
    }
    QCOMPARE(a.curve.size(), b.curve.size());
    for (std::size_t i = 0; i < a.curve.size(); ++i)
        QVERIFY(a.curve[i].epochFraction == b.curve[i].epochFraction &&
                a.curve[i].runningLoss == b.curve[i].runningLoss &&
                a.curve[i].runningAccuracy == b.curve[i].runningAccuracy);
}

// The 1-based number of the first line of `text` that starts with `prefix` (0 if none).
int lineOf(const std::string& text, const std::string& prefix)
{
    std::istringstream in(text);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line.starts_with(prefix))
            return n;
    return 0;
}

int lineExactly(const std::string& text, const std::string& whole)
{
    std::istringstream in(text);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
        if (line == whole)
            return n;
    return 0;
}

// `text` with the first line starting with `prefix` (or, for "=" and a line, that whole line)
// replaced by `replacement` (a "-" alone deletes it); fails the test if there is no such line.
std::string edited(const std::string& text, const std::string& prefix, const std::string& replacement)
{
    std::istringstream in(text);
    std::string out, line;
    bool done = false;
    while (std::getline(in, line)) {
        const bool match = prefix.starts_with('=') ? line == prefix.substr(1) : line.starts_with(prefix);
        if (!done && match) {
            done = true;
            if (replacement != "-")
                out += replacement + '\n';
            continue;
        }
        out += line + '\n';
    }
    if (!done)
        qFatal("no line starts with %s", prefix.c_str());
    return out;
}

} // namespace

class TestSweepFile : public QObject
{
    Q_OBJECT

private slots:
    // The layout as docs and the header comment describe it, written out by hand for a sweep of
    // one value and one seed (the explanation's prose lines are left out of the comparison).
    void layout()
    {
        SweepFile s;
        s.nnlabVersion = "0.1.0";
        s.dataName = "MNIST";
        s.base = *findPreset("lesson");
        s.spec.knob = SweepKnob::HiddenNodes;
        s.spec.values = {"200"};
        s.spec.seeds = {7};
        SweepRunResult r;
        r.value = "200";
        r.seed = 7;
        r.setup = "784-200-10, \"lesson\"";
        r.epochs = {{1, 0.25, 0.5, 0.125, 0.75, 60000}, {2, 0.5, 1, 0.0625, 1, 120000}};
        r.curve = {{0.5, 2.5, 0.25}, {1, 1.5, 0.5}};
        r.samples = 120000;
        r.seconds = 1.5;
        s.results = {r};
        const std::string written = text(s);
        std::vector<std::string> lines;
        bool prose = false;
        std::istringstream in(written);
        for (std::string line; std::getline(in, line);) {
            if (line == "#")
                prose = true;
            else if (!line.starts_with("# "))
                prose = false;
            if (!prose || line == "#")
                lines.push_back(line);
        }
        const std::vector<std::string> expected{
            "# nnlab sweep file, format 1",
            "# nnlab: 0.1.0",
            "# data: MNIST",
            "# knob: hidden",
            "# values: 200",
            "# seeds: 7",
            "# base: lesson",
            "# base description: " + findPreset("lesson")->description,
            "# base settings: inputs=784 hidden=90 outputs=10 activation=sigmoid output=sigmoid "
            "loss=squared-error biases=no scaling=lesson targets=lesson init=lesson weight-seed=1 optimizer=sgd "
            "lr=0.1 momentum=0.9 rho=0.9 beta1=0.9 beta2=0.999 epsilon=1e-07 batch=1 shuffle=no "
            "shuffle-seed=1 threads=0 train-size=all lesson-errors=yes input-path=auto epochs=2 "
            "decay=1",
            "#",
            "index,value,seed,epoch,train_loss,train_accuracy,test_loss,test_accuracy,samples,"
            "seconds,error,setup",
            "0,200,7,1,0.25,0.5,0.125,0.75,60000,1.5,,\"784-200-10, \"\"lesson\"\"\"",
            "0,200,7,2,0.5,1,0.0625,1,120000,1.5,,\"784-200-10, \"\"lesson\"\"\"",
            "#curve,0,0.5,2.5,0.25",
            "#curve,0,1,1.5,0.5",
            "#end,2,2"};
        QCOMPARE(lines, expected);
    }

    // Every field back, bit for bit, results in index order whatever order they were given in.
    void roundTrip()
    {
        const SweepFile s = sample();
        const SweepFile back = read(text(s));
        QCOMPARE(back.nnlabVersion, s.nnlabVersion);
        QCOMPARE(back.dataName, s.dataName);
        comparePresets(back.base, s.base);
        QVERIFY(back.spec.knob == s.spec.knob);
        QCOMPARE(back.spec.values, s.spec.values);
        QCOMPARE(back.spec.seeds, s.spec.seeds);
        QCOMPARE(back.results.size(), s.results.size());
        const std::size_t order[] = {1, 3, 2, 4, 0}; // sample()'s results by index
        for (std::size_t i = 0; i < back.results.size(); ++i) {
            compareRuns(back.results[i], s.results[order[i]]);
            if (QTest::currentTestFailed())
                qInfo("run %zu", i);
        }
        QCOMPARE(text(back), text(s)); // and written again, the same bytes
    }

    // A sweep saved before its first run ended (cancelled at once) opens with no results; each
    // knob's name is written and read back.
    void everyKnobAndNoResults()
    {
        for (const SweepKnobInfo& k : sweepKnobs()) {
            SweepFile s;
            s.base = *findPreset("lesson");
            s.spec.knob = k.knob;
            s.spec.values = {k.numeric ? std::string(k.knob == SweepKnob::LearningRate ? "0.5" : "2")
                                       : std::string(k.choices.front())};
            const SweepFile back = read(text(s));
            QVERIFY(back.spec.knob == k.knob);
            QCOMPARE(back.spec.values, s.spec.values);
            QVERIFY(back.results.empty());
        }
    }

    void presetSettings_data()
    {
        QTest::addColumn<QString>("name");
        for (const Preset& p : presets())
            QTest::newRow(p.name.c_str()) << QString::fromStdString(p.name);
    }

    // Every preset's settings through the text and back, every field.
    void presetSettings()
    {
        QFETCH(QString, name);
        Preset p = *findPreset(name.toStdString());
        p.training.trainingSize = name == "best" ? 12345 : p.training.trainingSize;
        p.training.inputPath = name == "keras-sgd" ? InputPath::Sparse : InputPath::Auto;
        p.training.threads = 3;
        p.weightSeed = 18446744073709551615u;
        p.learningRateDecay = 0.7f;
        Preset back = presetFromSettingsText(presetSettingsText(p));
        back.name = p.name;
        back.description = p.description;
        comparePresets(back, p);
    }

    void writerRefuses_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("why");
        QTest::newRow("index beyond the runs") << 6 << "run 6 is beyond the sweep's 6 runs";
        QTest::newRow("index twice") << 1 << "run 1 appears twice";
        QTest::newRow("not a finite figure") << -1 << "run 0's epoch 2 has a figure that is not a finite number";
    }

    void writerRefuses()
    {
        QFETCH(int, index);
        QFETCH(QString, why);
        SweepFile s = sample();
        if (index >= 0) {
            s.results.push_back(s.results[1]);
            s.results.back().index = std::size_t(index);
        } else {
            s.results[1].epochs[1].testLoss = std::nan("");
        }
        std::ostringstream out;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writeSweepFile(out, s));
        try {
            writeSweepFile(out, s);
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString::fromStdString(e.what()).startsWith(why), e.what());
        }
    }

    // Each row spoils one line of a good file (the sample, written): the line to change (by its
    // start), what it becomes ("-" deletes it), the fragment the message must hold, and where
    // the message must point: the changed line (empty), a line's start in the spoiled text, or
    // "=" and a whole line.
    void badFile_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QByteArray>("becomes");
        QTest::addColumn<QString>("fragment");
        QTest::addColumn<QString>("at");
        const std::string good = text(sample());
        auto row = [](const char* name, const std::string& line, const std::string& becomes,
                      const char* fragment, const char* at = "") {
            QTest::newRow(name) << QString::fromStdString(line)
                                << QByteArray(becomes.data(), qsizetype(becomes.size()))
                                << QString::fromUtf8(fragment) << QString::fromUtf8(at);
        };
        // The line starting with `prefix`, its field k (0-based; the last runs to the line's end)
        // replaced.
        auto field = [&](const std::string& prefix, int k, const std::string& value) {
            std::istringstream in(good);
            std::string line;
            while (std::getline(in, line) && !line.starts_with(prefix)) {
            }
            std::size_t begin = 0;
            for (int i = 0; i < k; ++i)
                begin = line.find(',', begin) + 1;
            const std::size_t end = k == 11 ? line.size() : line.find(',', begin);
            return line.substr(0, begin) + value + line.substr(end);
        };
        const std::string run0 = "0,0.01,1,1,", run0e2 = "0,0.01,1,2,", run1 = "1,0.01,";
        const std::string run2 = "2,0.1,1,1,", run2End = "2,0.1,1,,";
        std::string settings = presetSettingsText(sample().base);
        settings.replace(settings.find("lr=0.3"), 6, "lr=abc");

        row("not a sweep file", "# nnlab sweep", "0,0,0,255", "not an nnlab sweep file: it should begin with \"# nnlab sweep file, format 1\"");
        row("newer format", "# nnlab sweep", "# nnlab sweep file, format 2", "written by a newer nnlab (sweep file format 2); this one reads format 1");
        row("format not a number", "# nnlab sweep", "# nnlab sweep file, format one", "the sweep file format should be a whole number from 1, not \"one\"");
        row("unknown knob", "# knob:", "# knob: speed", "unknown knob \"speed\"");
        row("knob line missing", "# knob:", "-", "the header has no \"knob\" line", "=#");
        row("header line twice", "# data:", "# nnlab: 0.2.0", "the header gives nnlab twice");
        row("unknown header line", "# data:", "# colour: blue", "unknown header line \"colour\"");
        row("header not closed", "=#", "-", "unknown header line \"One row per run per epoch. index\"", "# One row");
        row("header line without a colon", "# data:", "# MNIST", "the header should hold \"# key: value\" lines up to a line holding only \"#\"; found \"# MNIST\"");
        row("value twice", "# values:", "# values: 0.01,0.1,0.01", "value 0.01 appears twice");
        row("value empty", "# values:", "# values: 0.01,,3", "value 2 is empty");
        row("value out of range", "# values:", "# values: 0.01,0.1,-3", "-3");
        row("values unclosed quote", "# values:", "# values: 0.01,\"0.1,3", "the values: a quoted field (field 2) has no closing quote");
        row("seed not a number", "# seeds:", "# seeds: 1,two", "seed \"two\" is not a whole number");
        row("seed twice", "# seeds:", "# seeds: 1,1", "seed 1 appears twice");
        row("seed negative", "# seeds:", "# seeds: 1,-2", "seed \"-2\" is not a whole number");
        row("base setting unknown", "# base settings:", "# base settings: colour=blue", "the base settings have an unknown setting \"colour\"");
        row("base setting not a number", "# base settings:", "# base settings: " + settings, "the base settings' lr=abc should be a number");
        row("base setting missing", "# base settings:", "# base settings: inputs=784", "the base settings have no hidden");
        std::string zeroRate = settings;
        zeroRate.replace(zeroRate.find("lr=abc"), 6, "lr=0");
        row("base settings not valid", "# base settings:", "# base settings: " + zeroRate, "the base settings are not valid: ");
        row("columns renamed", "index,", "run,value,seed,epoch,train_loss,train_accuracy,test_loss,test_accuracy,samples,seconds,error,setup", "the column names should be index,value,seed,epoch,");
        row("columns missing", "index,", "-", "the column names should be index,value", "0,0.01,1,1,");
        row("too few fields", run1, "1,0.01,18446744073709551615,1,0.2", "12 fields expected, found 5");
        row("unclosed quote", run1, field(run1, 11, "\"seed"), "a quoted field (field 12) has no closing quote");
        row("text after a quote", run1, field(run1, 11, "\"seed\"x"), "text after the closing quote of field 12");
        row("quote inside a field", run1, field(run1, 10, "a\"b"), "a quote inside field 11 that does not begin with one");
        row("index beyond the runs", run1, field(run1, 0, "6"), "run 6 is beyond the sweep's 6 runs (3 values x 2 seeds)");
        row("index not a number", run1, field(run1, 0, "one"), "index \"one\" is not a whole number");
        row("value not the header's", run1, field(run1, 1, "0.1"), "run 1's value is \"0.1\", but the header's values give it 0.01");
        row("seed not the header's", run1, field(run1, 2, "1"), "run 1's seed is 1, but the header's seeds give it 18446744073709551615");
        row("accuracy above 1", run0, field(run0, 5, "1.5"), "train_accuracy 1.5 is outside 0 to 1");
        row("loss below 0", run0, field(run0, 6, "-0.3"), "test_loss -0.3 is below 0");
        row("loss nan", run0, field(run0, 4, "nan"), "train_loss \"nan\" is not a number");
        row("loss inf", run0, field(run0, 6, "inf"), "test_loss \"inf\" is not a number");
        row("accuracy a percentage", run0, field(run0, 7, "50%"), "test_accuracy \"50%\" is not a number");
        row("samples negative", run0, field(run0, 8, "-100"), "samples \"-100\" is not a whole number");
        row("seconds empty", run0, field(run0, 9, ""), "seconds \"\" is not a number");
        row("epoch skipped", run0, "-", "run 0's epoch 2 comes first: a run's epochs go 1, 2, 3... in order", "0,0.01,1,2,");
        row("epoch twice", run0e2, field(run0e2, 3, "1"), "run 0's epoch 1 follows epoch 1: a run's epochs go 1, 2, 3... in order");
        row("epoch zero", run0, field(run0, 3, "0"), "epoch \"0\" should be a whole number 1 to 1,000,000, or empty on a run's end row");
        row("seconds differ", run0e2, field(run0e2, 9, "2"), "run 0's seconds differ from its first row's (line 22)");
        row("error differs", run0e2, field(run0e2, 10, "oops"), "run 0's error differs from its first row's (line 22)");
        row("setup differs", run0e2, field(run0e2, 11, "x"), "run 0's setup differs from its first row's (line 22)");
        row("samples go down", run0e2, field(run0e2, 8, "99"), "run 0's samples go down from 100 to 99");
        row("end row below the epochs", run2End, field(run2End, 8, "99"), "run 2's samples go down from 100 to 99");
        row("row after the end row", run2End, field(run2End, 0, "2") + "\n" + field(run2, 3, "2"), "run 2 has a row after its end row", "2,0.1,1,2,");
        row("end row with a loss", run2End, field(run2End, 4, "0.3"), "run 2's end row (epoch empty) should leave the losses and accuracies empty");
        row("not UTF-8", run1, field(run1, 11, "caf\xe9"), "the line is not UTF-8 text");
        row("NUL byte", run1, std::string("1,0.01,\0", 8), "a NUL byte: this is not a text file");
        row("line too long", run1, "1,0.01," + std::string(70000, '9'), "the line is longer than 65,536 bytes");
        row("curve of a run without rows", "#curve,0,", "#curve,5,0.5,0.3,0.2", "a curve point of run 5, which has no rows in the table above");
        row("curve goes back", "#curve,0,0.6", "#curve,0,0.1,0.3,0.2", "run 0's curve goes back from epoch 0.3333333333333333 to 0.1");
        row("curve accuracy above 1", "#curve,0,", "#curve,0,0.5,0.3,2", "the curve point's accuracy 2 is outside 0 to 1");
        row("curve point short", "#curve,0,", "#curve,0,0.5,0.3", "a curve point should be #curve,index,epochs,loss,accuracy; found \"#curve,0,0.5,0.3\"");
        row("row after the curves", "#curve,0,0.6", run0 + "0.2,0.5,0.3,0.5,100,1e-09,,x", "a table row after the curve points");
        row("row lost", "3,0.1,18446744073709551615,2,", "-", "the end line counts 9 rows and 21 curve points; the file has 8 and 21 (rows were lost or added)", "#end");
        row("cut short", "#end", "-", "the file ends early: its last line should be #end,ROWS,CURVE_POINTS", "#curve,3,2,");
        row("end line garbled", "#end", "#end,9", "the end line should be #end,ROWS,CURVE_POINTS; found \"#end,9\"");
        row("line after the end", "#end", "#end,9,21\n# a note", "a line after the end line", "# a note");
    }

    void badFile()
    {
        QFETCH(QString, line);
        QFETCH(QByteArray, becomes);
        QFETCH(QString, fragment);
        QFETCH(QString, at);
        const std::string good = text(sample());
        const std::string spoiled = edited(good, line.toStdString(), becomes.toStdString());
        int expected = 0;
        if (at.isEmpty() && line.startsWith(QLatin1Char('=')))
            expected = lineExactly(good, line.mid(1).toStdString());
        else if (at.isEmpty())
            expected = lineOf(good, line.toStdString());
        else if (at.startsWith(QLatin1Char('=')))
            expected = lineExactly(spoiled, at.mid(1).toStdString());
        else
            expected = lineOf(spoiled, at.toStdString());
        QVERIFY(expected > 0);
        try {
            read(spoiled, "/some/folder/my sweep.csv");
            QFAIL("the bad file was accepted");
        } catch (const FileError& e) {
            const QString message = QString::fromStdString(e.what());
            QCOMPARE(e.path(), std::string("/some/folder/my sweep.csv"));
            QCOMPARE(e.where(), FileError::Where::Line);
            QVERIFY2(message.startsWith(QStringLiteral("my sweep.csv (line %1): ").arg(expected)),
                     qPrintable(message));
            QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
            QVERIFY2(message.contains(fragment),
                     qPrintable(message + QLatin1String("\n   expected: ") + fragment));
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QLatin1String("not a FileError: ") + QString::fromUtf8(e.what())));
        }
    }

    // A file cut anywhere before its last line break is refused (the end line is last), and one
    // spoiled byte anywhere gives a FileError or reads, never anything else.
    void cutAnywhereOrSpoiledByte()
    {
        const std::string good = text(sample());
        for (std::size_t n = 0; n + 1 < good.size(); ++n) {
            try {
                read(good.substr(0, n));
                QFAIL(qPrintable(QStringLiteral("the file cut after %1 of %2 bytes was accepted").arg(n).arg(good.size())));
            } catch (const FileError&) {
            }
        }
        QCOMPARE(read(good.substr(0, good.size() - 1)).results.size(), std::size_t(5));
        int refused = 0;
        for (std::size_t i = 0; i < good.size(); ++i)
            for (char c : {'"', '\n', '9'}) {
                std::string spoiled = good;
                if (spoiled[i] == c)
                    continue;
                spoiled[i] = c;
                try {
                    read(spoiled);
                } catch (const FileError&) {
                    ++refused;
                } catch (const std::exception& e) {
                    QFAIL(qPrintable(QStringLiteral("byte %1 as '%2': not a FileError: %3")
                                         .arg(i).arg(QLatin1Char(c)).arg(QString::fromUtf8(e.what()))));
                }
            }
        QVERIFY(refused > 0);
    }

    void emptyAndMissingFiles()
    {
        try {
            read("");
            QFAIL("an empty file was accepted");
        } catch (const FileError& e) {
            QCOMPARE(std::string(e.what()), std::string("sweep.csv: the file is empty"));
        }
        QTemporaryDir dir;
        const std::string missing = dir.filePath(QStringLiteral("missing.csv")).toStdString();
        try {
            loadSweepFile(missing);
            QFAIL("a missing file was accepted");
        } catch (const FileError& e) {
            QCOMPARE(std::string(e.what()), std::string("missing.csv: the file does not exist"));
        }
        // Refused by its size before a byte is read (a sparse file: nothing is written).
        QFile huge(dir.filePath(QStringLiteral("huge.csv")));
        QVERIFY(huge.open(QIODevice::WriteOnly) && huge.resize(qint64(kMaxSweepFileBytes) + 1));
        huge.close();
        try {
            loadSweepFile(huge.fileName().toStdString());
            QFAIL("a file over the limit was accepted");
        } catch (const FileError& e) {
            QCOMPARE(std::string(e.what()), std::string("huge.csv: the file is 1,073,741,825 bytes, "
                                                        "more than the 1,073,741,824 a sweep file may have"));
        }
    }

    // From disk: what was written is what is read (CRLF line ends, as an editor may save them).
    void loadFromDisk()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sweep.csv"));
        std::string crlf;
        for (char c : text(sample()))
            crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(crlf.data(), qint64(crlf.size()));
        f.close();
        const SweepFile back = loadSweepFile(path.toStdString());
        QCOMPARE(back.results.size(), std::size_t(5));
        QCOMPARE(text(back), text(sample()));
    }
};

QTEST_APPLESS_MAIN(TestSweepFile)
#include "tst_sweep_file.moc"
