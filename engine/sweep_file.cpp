#include "sweep_file.h"

#include "file_error.h"
#include "number_text.h"
#include "provenance.h" // isValidUtf8

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <istream>
#include <map>
#include <ostream>
#include <set>

namespace nnlab::engine {

namespace {

constexpr std::string_view kFirstLinePrefix = "# nnlab sweep file, format ";
constexpr std::string_view kColumns = "index,value,seed,epoch,train_loss,train_accuracy,test_loss,"
                                      "test_accuracy,samples,seconds,error,setup";
constexpr std::size_t kColumnCount = 12;
constexpr std::string_view kCurvePrefix = "#curve,";
constexpr std::string_view kEndPrefix = "#end,";
constexpr int kMaxEpoch = 1'000'000;

// The header's keys, in the order they are written.
constexpr std::string_view kNnlabKey = "nnlab";
constexpr std::string_view kDataKey = "data";
constexpr std::string_view kKnobKey = "knob";
constexpr std::string_view kValuesKey = "values";
constexpr std::string_view kSeedsKey = "seeds";
constexpr std::string_view kBaseKey = "base";
constexpr std::string_view kDescriptionKey = "base description";
constexpr std::string_view kSettingsKey = "base settings";
constexpr std::string_view kHeaderKeys[] = {kNnlabKey, kDataKey,        kKnobKey,    kValuesKey,
                                            kSeedsKey, kBaseKey, kDescriptionKey, kSettingsKey};

// What the columns mean, for whoever opens the file (the reader skips these lines).
constexpr std::string_view kExplanation =
    "# One row per run per epoch. index: the run's place in the sweep (value's position x seeds +\n"
    "# seed's position); value: the knob's value; seed: the initial weights' and the shuffling's;\n"
    "# epoch: 1, 2, ...; train_loss, train_accuracy: over the epoch as it was trained; test_loss,\n"
    "# test_accuracy: on the whole test set after the epoch; samples: trained by the epoch's end;\n"
    "# seconds: the run's training and testing time; error: why the run stopped early, else empty;\n"
    "# setup: the run's settings. A run that stopped early ends with a row whose epoch is empty\n"
    "# (the samples it trained in all). Runs a cancelled sweep never finished have no rows.\n"
    "# After the table, each run's learning curve (about 50 points per epoch) as comment lines\n"
    "# #curve,index,epochs trained,mean loss,mean accuracy (of the samples since the previous\n"
    "# point), and #end,rows,curve points. pandas: read_csv(path, comment='#').\n";

std::string inQuotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

// ---- CSV fields: quoted when they hold a comma or a quote; one line each ---------------------

std::string oneLine(std::string_view s)
{
    std::string out(s);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return out;
}

std::string csvField(std::string_view raw)
{
    const std::string s = oneLine(raw);
    if (s.find_first_of(",\"") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + '"';
}

// Splits a CSV line (RFC 4180 quoting, no line breaks inside fields). Returns why not, or empty.
std::string splitCsv(std::string_view line, std::vector<std::string>& fields)
{
    fields.assign(1, std::string());
    std::size_t i = 0;
    while (i <= line.size()) {
        std::string& field = fields.back();
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= line.size())
                    return "a quoted field (field " + std::to_string(fields.size()) +
                           ") has no closing quote";
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += line[i++];
            }
            if (i < line.size() && line[i] != ',')
                return "text after the closing quote of field " + std::to_string(fields.size());
        } else {
            while (i < line.size() && line[i] != ',') {
                if (line[i] == '"')
                    return "a quote inside field " + std::to_string(fields.size()) +
                           " that does not begin with one";
                field += line[i++];
            }
        }
        if (i >= line.size())
            break;
        ++i; // the comma
        fields.emplace_back();
    }
    return {};
}

std::string csvRecord(const std::vector<std::string>& fields)
{
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0)
            out += ',';
        out += csvField(fields[i]);
    }
    return out;
}

// ---- The base preset as key=value pairs --------------------------------------------------------

std::string_view yesNo(bool b) { return b ? "yes" : "no"; }

std::string_view inputPathName(InputPath p)
{
    switch (p) {
    case InputPath::Dense: return "dense";
    case InputPath::Sparse: return "sparse";
    case InputPath::Auto: break;
    }
    return "auto";
}

std::string hiddenText(const std::vector<int>& hidden)
{
    if (hidden.empty())
        return "none";
    std::string out;
    for (std::size_t i = 0; i < hidden.size(); ++i) {
        if (i > 0)
            out += ',';
        out += std::to_string(hidden[i]);
    }
    return out;
}

// One setting: its key, how it is written, how it is read (false: not a valid value).
struct Setting
{
    std::string_view key;
    std::string (*write)(const Preset&);
    bool (*read)(std::string_view, Preset&);
    std::string_view expected; // "a whole number", "yes or no"...
};

template <typename T>
bool readEnum(std::string_view text, T& out, std::optional<T> (*parse)(std::string_view))
{
    const std::optional<T> v = parse(text);
    if (v)
        out = *v;
    return v.has_value();
}

bool readBool(std::string_view text, bool& out)
{
    if (text != "yes" && text != "no")
        return false;
    out = text == "yes";
    return true;
}

bool readInt(std::string_view text, int& out, int min, int max)
{
    int v = 0;
    if (!parseWhole(text, v) || v < min || v > max)
        return false;
    out = v;
    return true;
}

bool readHidden(std::string_view text, std::vector<int>& out)
{
    out.clear();
    if (text == "none")
        return true;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        int n = 0;
        if (!readInt(text.substr(start, comma - start), n, 1, kMaxLayerSize) ||
            out.size() >= std::size_t(kMaxHiddenLayers))
            return false;
        out.push_back(n);
        if (comma == std::string_view::npos)
            return true;
        start = comma + 1;
    }
}

const std::vector<Setting>& settings()
{
    using P = Preset;
    using V = std::string_view;
    static const std::vector<Setting> all{
        {"inputs", [](const P& p) { return std::to_string(p.architecture.inputs); },
         [](V t, P& p) { return readInt(t, p.architecture.inputs, 1, kMaxLayerSize); },
         "a whole number 1 to 65536"},
        {"hidden", [](const P& p) { return hiddenText(p.architecture.hidden); },
         [](V t, P& p) { return readHidden(t, p.architecture.hidden); },
         "\"none\" or layer sizes 1 to 65536 separated by commas (at most 64)"},
        {"outputs", [](const P& p) { return std::to_string(p.architecture.outputs); },
         [](V t, P& p) { return readInt(t, p.architecture.outputs, 1, kMaxLayerSize); },
         "a whole number 1 to 65536"},
        {"activation", [](const P& p) { return std::string(toString(p.architecture.hiddenActivation)); },
         [](V t, P& p) { return readEnum(t, p.architecture.hiddenActivation, parseActivation); },
         "sigmoid, tanh or relu"},
        {"output", [](const P& p) { return std::string(toString(p.architecture.output)); },
         [](V t, P& p) { return readEnum(t, p.architecture.output, parseOutput); },
         "sigmoid or softmax"},
        {"loss", [](const P& p) { return std::string(toString(p.architecture.loss)); },
         [](V t, P& p) { return readEnum(t, p.architecture.loss, parseLoss); },
         "squared-error or cross-entropy"},
        {"biases", [](const P& p) { return std::string(yesNo(p.architecture.biases)); },
         [](V t, P& p) { return readBool(t, p.architecture.biases); }, "yes or no"},
        {"scaling", [](const P& p) { return std::string(toString(p.architecture.scaling)); },
         [](V t, P& p) { return readEnum(t, p.architecture.scaling, parseScaling); },
         "lesson or unit"},
        {"init", [](const P& p) { return std::string(toString(p.init)); },
         [](V t, P& p) { return readEnum(t, p.init, parseInit); },
         "lesson, fan-in, keras-normal, glorot or he"},
        {"weight-seed", [](const P& p) { return std::to_string(p.weightSeed); },
         [](V t, P& p) { return parseWhole(t, p.weightSeed); }, "a whole number"},
        {"optimizer", [](const P& p) { return std::string(toString(p.training.optimizer.kind)); },
         [](V t, P& p) { return readEnum(t, p.training.optimizer.kind, parseOptimizer); },
         "sgd, momentum, rmsprop or adam"},
        {"lr", [](const P& p) { return shortestText(p.training.optimizer.learningRate); },
         [](V t, P& p) { return parseFinite(t, p.training.optimizer.learningRate); }, "a number"},
        {"momentum", [](const P& p) { return shortestText(p.training.optimizer.momentum); },
         [](V t, P& p) { return parseFinite(t, p.training.optimizer.momentum); }, "a number"},
        {"rho", [](const P& p) { return shortestText(p.training.optimizer.rho); },
         [](V t, P& p) { return parseFinite(t, p.training.optimizer.rho); }, "a number"},
        {"beta1", [](const P& p) { return shortestText(p.training.optimizer.beta1); },
         [](V t, P& p) { return parseFinite(t, p.training.optimizer.beta1); }, "a number"},
        {"beta2", [](const P& p) { return shortestText(p.training.optimizer.beta2); },
         [](V t, P& p) { return parseFinite(t, p.training.optimizer.beta2); }, "a number"},
        {"epsilon", [](const P& p) { return shortestText(p.training.optimizer.epsilon); },
         [](V t, P& p) { return parseFinite(t, p.training.optimizer.epsilon); }, "a number"},
        {"batch", [](const P& p) { return std::to_string(p.training.batchSize); },
         [](V t, P& p) { return readInt(t, p.training.batchSize, 1, 65536); },
         "a whole number 1 to 65536"},
        {"shuffle", [](const P& p) { return std::string(yesNo(p.training.shuffle)); },
         [](V t, P& p) { return readBool(t, p.training.shuffle); }, "yes or no"},
        {"shuffle-seed", [](const P& p) { return std::to_string(p.training.seed); },
         [](V t, P& p) { return parseWhole(t, p.training.seed); }, "a whole number"},
        {"threads", [](const P& p) { return std::to_string(p.training.threads); },
         [](V t, P& p) { return readInt(t, p.training.threads, 0, 256); },
         "a whole number 0 to 256"},
        {"train-size",
         [](const P& p) {
             return p.training.trainingSize == SIZE_MAX ? std::string("all")
                                                        : std::to_string(p.training.trainingSize);
         },
         [](V t, P& p) {
             if (t == "all") {
                 p.training.trainingSize = SIZE_MAX;
                 return true;
             }
             return parseWhole(t, p.training.trainingSize) && p.training.trainingSize >= 1 &&
                    p.training.trainingSize < SIZE_MAX;
         },
         "\"all\" or a whole number of images"},
        {"lesson-errors", [](const P& p) { return std::string(yesNo(p.training.lessonErrors)); },
         [](V t, P& p) { return readBool(t, p.training.lessonErrors); }, "yes or no"},
        {"input-path", [](const P& p) { return std::string(inputPathName(p.training.inputPath)); },
         [](V t, P& p) {
             for (InputPath path : {InputPath::Auto, InputPath::Dense, InputPath::Sparse})
                 if (t == inputPathName(path)) {
                     p.training.inputPath = path;
                     return true;
                 }
             return false;
         },
         "auto, dense or sparse"},
        {"epochs", [](const P& p) { return std::to_string(p.epochs); },
         [](V t, P& p) { return readInt(t, p.epochs, 1, kMaxEpoch); },
         "a whole number 1 to 1000000"},
        {"decay", [](const P& p) { return shortestText(p.learningRateDecay); },
         [](V t, P& p) { return parseFinite(t, p.learningRateDecay) && p.learningRateDecay > 0; },
         "a number above 0"},
    };
    return all;
}

// ---- Reading lines --------------------------------------------------------------------------

// One line without its line break (and a CR before it); false at the end of the stream.
// Throws (as a reason) if the line is longer than the limit or holds a NUL byte.
struct LineReader
{
    std::istream& in;
    std::uint64_t number = 0; // 1-based, of the line last read

    bool next(std::string& line)
    {
        line.clear();
        ++number; // messages about this line name it, even before it is whole
        std::streambuf* buffer = in.rdbuf();
        bool any = false;
        for (;;) {
            const int c = buffer->sbumpc();
            if (c == std::char_traits<char>::eof())
                break;
            any = true;
            if (c == '\n')
                break;
            if (c == '\0')
                throw std::runtime_error("a NUL byte: this is not a text file");
            if (line.size() >= kMaxSweepFileLineBytes)
                throw std::runtime_error("the line is longer than " +
                                         byteCount(kMaxSweepFileLineBytes));
            line += char(c);
        }
        if (!any) {
            --number; // the end: messages name the last line
            return false;
        }
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (number == 1 && line.starts_with("\xEF\xBB\xBF")) // a BOM an editor added
            line.erase(0, 3);
        return true;
    }
};

// The fields of a data row being checked, with the line's reasons.
class RowParser
{
public:
    explicit RowParser(const std::vector<std::string>& fields) : m_fields(fields) {}

    std::uint64_t whole(std::size_t column, std::string_view name) const
    {
        std::uint64_t v = 0;
        if (!parseWhole(std::string_view(m_fields[column]), v))
            throw std::runtime_error(std::string(name) + " " + inQuotes(m_fields[column]) +
                                     " is not a whole number");
        return v;
    }
    double nonNegative(std::size_t column, std::string_view name) const
    {
        const double v = finite(column, name);
        if (v < 0)
            throw std::runtime_error(std::string(name) + " " + m_fields[column] + " is below 0");
        return v;
    }
    double fraction(std::size_t column, std::string_view name) const
    {
        const double v = finite(column, name);
        if (v < 0 || v > 1)
            throw std::runtime_error(std::string(name) + " " + m_fields[column] +
                                     " is outside 0 to 1");
        return v;
    }
    double finite(std::size_t column, std::string_view name) const
    {
        double v = 0;
        if (!parseFinite(std::string_view(m_fields[column]), v))
            throw std::runtime_error(std::string(name) + " " + inQuotes(m_fields[column]) +
                                     " is not a number");
        return v;
    }

private:
    const std::vector<std::string>& m_fields;
};

enum Column : std::size_t {
    IndexColumn, ValueColumn, SeedColumn, EpochColumn, TrainLossColumn, TrainAccuracyColumn,
    TestLossColumn, TestAccuracyColumn, SamplesColumn, SecondsColumn, ErrorColumn, SetupColumn
};

// A run as its rows build it up.
struct RunRows
{
    SweepRunResult result;
    std::uint64_t firstLine = 0;
    bool ended = false;          // its end row (epoch empty) was read
    std::uint64_t endSamples = 0;
    std::string secondsText;     // as written, to compare later rows with
};

std::vector<std::string> splitList(std::string_view text, char separator)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = text.find(separator, start);
        out.emplace_back(text.substr(start, at - start));
        if (at == std::string_view::npos)
            return out;
        start = at + 1;
    }
}

std::string runName(std::size_t index) { return "run " + std::to_string(index); }

} // namespace

std::string presetSettingsText(const Preset& preset)
{
    std::string out;
    for (const Setting& s : settings()) {
        if (!out.empty())
            out += ' ';
        out += std::string(s.key) + "=" + s.write(preset);
    }
    return out;
}

Preset presetFromSettingsText(const std::string& text)
{
    Preset p;
    std::set<std::string_view> seen;
    for (const std::string& pair : splitList(text, ' ')) {
        const std::size_t eq = pair.find('=');
        if (pair.empty() || eq == std::string::npos)
            throw SweepError("the base settings should be key=value pairs separated by one "
                             "space; found " + inQuotes(pair));
        const std::string_view key = std::string_view(pair).substr(0, eq);
        const std::string_view value = std::string_view(pair).substr(eq + 1);
        const auto setting = std::find_if(settings().begin(), settings().end(),
                                          [&](const Setting& s) { return s.key == key; });
        if (setting == settings().end())
            throw SweepError("the base settings have an unknown setting " + inQuotes(key));
        if (!seen.insert(setting->key).second)
            throw SweepError("the base settings give " + std::string(key) + " twice");
        if (!setting->read(value, p))
            throw SweepError("the base settings' " + pair + " should be " +
                             std::string(setting->expected));
    }
    for (const Setting& s : settings())
        if (!seen.contains(s.key))
            throw SweepError("the base settings have no " + std::string(s.key));
    if (const std::string why = p.architecture.validate(); !why.empty())
        throw SweepError("the base network is not valid: " + why);
    if (const std::string why = p.training.validate(); !why.empty())
        throw SweepError("the base settings are not valid: " + why);
    return p;
}

void writeSweepFile(std::ostream& out, const SweepFile& sweep)
{
    const SweepSpec& spec = sweep.spec;
    if (spec.values.empty() || spec.seeds.empty())
        throw std::invalid_argument(spec.values.empty() ? "the sweep has no values"
                                                        : "the sweep has no seeds");
    std::vector<const SweepRunResult*> runs;
    std::set<std::size_t> indices;
    for (const SweepRunResult& r : sweep.results) {
        if (r.index >= spec.runCount() || !indices.insert(r.index).second)
            throw std::invalid_argument(runName(r.index) +
                                        (r.index >= spec.runCount()
                                             ? " is beyond the sweep's " +
                                                   std::to_string(spec.runCount()) + " runs"
                                             : " appears twice"));
        if (r.value != spec.values[r.index / spec.seeds.size()] ||
            r.seed != spec.seeds[r.index % spec.seeds.size()])
            throw std::invalid_argument(runName(r.index) + " has value " + r.value + " and seed " +
                                        std::to_string(r.seed) + ", not the sweep's");
        runs.push_back(&r);
    }
    std::sort(runs.begin(), runs.end(),
              [](const SweepRunResult* a, const SweepRunResult* b) { return a->index < b->index; });

    std::vector<std::string> seeds;
    for (std::uint64_t s : spec.seeds)
        seeds.push_back(std::to_string(s));
    out << kFirstLinePrefix << kSweepFileFormat << '\n'
        << "# " << kNnlabKey << ": " << oneLine(sweep.nnlabVersion) << '\n'
        << "# " << kDataKey << ": " << oneLine(sweep.dataName) << '\n'
        << "# " << kKnobKey << ": " << knobInfo(spec.knob).name << '\n'
        << "# " << kValuesKey << ": " << csvRecord(spec.values) << '\n'
        << "# " << kSeedsKey << ": " << csvRecord(seeds) << '\n'
        << "# " << kBaseKey << ": " << oneLine(sweep.base.name) << '\n'
        << "# " << kDescriptionKey << ": " << oneLine(sweep.base.description) << '\n'
        << "# " << kSettingsKey << ": " << presetSettingsText(sweep.base) << '\n'
        << "#\n"
        << kExplanation << kColumns << '\n';

    std::size_t rows = 0, points = 0;
    for (const SweepRunResult* r : runs) {
        const std::vector<std::string> tail{shortestText(r->seconds), r->error, r->setup};
        auto row = [&](const std::string& epoch, const std::vector<std::string>& figures) {
            std::vector<std::string> fields{std::to_string(r->index), r->value,
                                            std::to_string(r->seed), epoch};
            fields.insert(fields.end(), figures.begin(), figures.end());
            fields.insert(fields.end(), tail.begin(), tail.end());
            out << csvRecord(fields) << '\n';
            ++rows;
        };
        for (const SweepEpochResult& e : r->epochs) {
            for (double v : {e.trainLoss, e.trainAccuracy, e.testLoss, e.testAccuracy})
                if (!std::isfinite(v))
                    throw std::invalid_argument(runName(r->index) + "'s epoch " +
                                                std::to_string(e.epoch) +
                                                " has a figure that is not a finite number");
            row(std::to_string(e.epoch),
                {shortestText(e.trainLoss), shortestText(e.trainAccuracy), shortestText(e.testLoss),
                 shortestText(e.testAccuracy), std::to_string(e.samplesSeen)});
        }
        if (!r->error.empty() || r->epochs.empty() || r->samples != r->epochs.back().samplesSeen)
            row("", {"", "", "", "", std::to_string(r->samples)});
    }
    for (const SweepRunResult* r : runs)
        for (const SweepCurvePoint& p : r->curve) {
            out << kCurvePrefix << r->index << ',' << shortestText(p.epochFraction) << ','
                << shortestText(p.runningLoss) << ',' << shortestText(p.runningAccuracy) << '\n';
            ++points;
        }
    out << kEndPrefix << rows << ',' << points << '\n';
}

SweepFile readSweepFile(std::istream& in, const std::string& path)
{
    LineReader lines{in};
    auto fail = [&](const std::string& reason) -> FileError {
        return FileError(path, FileError::Where::Line, lines.number, reason);
    };
    std::string line;
    try {
        // The first line: what the file is.
        if (!lines.next(line))
            throw FileError(path, "the file is empty");
        if (!line.starts_with(kFirstLinePrefix))
            throw fail("not an nnlab sweep file: it should begin with " +
                       inQuotes(std::string(kFirstLinePrefix) + std::to_string(kSweepFileFormat)));
        int format = 0;
        if (!parseWhole(std::string_view(line).substr(kFirstLinePrefix.size()), format) ||
            format < 1)
            throw fail("the sweep file format should be a whole number from 1, not " +
                       inQuotes(line.substr(kFirstLinePrefix.size())));
        if (format > kSweepFileFormat)
            throw fail("written by a newer nnlab (sweep file format " + std::to_string(format) +
                       "); this one reads format " + std::to_string(kSweepFileFormat));

        // The header block: "# key: value" lines up to a line holding only "#".
        std::map<std::string_view, std::pair<std::string, std::uint64_t>> header;
        for (;;) {
            if (!lines.next(line))
                throw fail("the file ends inside its header (no line holding only \"#\")");
            if (line == "#")
                break;
            const std::size_t colon = line.find(':');
            if (!line.starts_with("# ") || colon == std::string::npos)
                throw fail("the header should hold \"# key: value\" lines up to a line holding "
                           "only \"#\"; found " + inQuotes(line));
            const std::string key = line.substr(2, colon - 2);
            const auto known = std::find(std::begin(kHeaderKeys), std::end(kHeaderKeys), key);
            if (known == std::end(kHeaderKeys))
                throw fail("unknown header line " + inQuotes(key));
            std::string value = line.substr(colon + 1);
            if (value.starts_with(' '))
                value.erase(0, 1);
            if (!isValidUtf8(value))
                throw fail("the header's " + key + " is not UTF-8 text");
            if (!header.emplace(*known, std::pair{value, lines.number}).second)
                throw fail("the header gives " + key + " twice");
        }
        for (std::string_view key : kHeaderKeys)
            if (!header.contains(key))
                throw fail("the header has no \"" + std::string(key) + "\" line");
        auto headerLine = [&](std::string_view key, const std::string& reason) {
            return FileError(path, FileError::Where::Line, header[key].second, reason);
        };

        SweepFile sweep;
        sweep.nnlabVersion = header[kNnlabKey].first;
        sweep.dataName = header[kDataKey].first;
        SweepSpec& spec = sweep.spec;
        const std::string& knobName = header[kKnobKey].first;
        const std::optional<SweepKnob> knob = parseSweepKnob(knobName);
        if (!knob)
            throw headerLine(kKnobKey, "unknown knob " + inQuotes(knobName));
        spec.knob = *knob;

        try {
            sweep.base = presetFromSettingsText(header[kSettingsKey].first);
        } catch (const SweepError& e) {
            throw headerLine(kSettingsKey, e.what());
        }
        sweep.base.name = header[kBaseKey].first;
        sweep.base.description = header[kDescriptionKey].first;

        const std::string& seedsText = header[kSeedsKey].first;
        spec.seeds.clear(); // not SweepSpec's default 1, 2, 3
        for (const std::string& s : splitList(seedsText, ',')) {
            std::uint64_t seed = 0;
            if (!parseWhole(std::string_view(s), seed))
                throw headerLine(kSeedsKey, "seed " + inQuotes(s) + " is not a whole number");
            if (std::find(spec.seeds.begin(), spec.seeds.end(), seed) != spec.seeds.end())
                throw headerLine(kSeedsKey, "seed " + s + " appears twice");
            if (spec.seeds.size() >= kMaxSweepFileSeeds)
                throw headerLine(kSeedsKey, "more than " + withThousands(kMaxSweepFileSeeds) +
                                                " seeds");
            spec.seeds.push_back(seed);
        }
        if (const std::string why = splitCsv(header[kValuesKey].first, spec.values); !why.empty())
            throw headerLine(kValuesKey, "the values: " + why);
        if (spec.values.size() > kMaxSweepFileValues)
            throw headerLine(kValuesKey, "more than " + withThousands(kMaxSweepFileValues) +
                                             " values");
        if (spec.runCount() > kMaxSweepFileRuns)
            throw headerLine(kValuesKey, withThousands(spec.values.size()) + " values x " +
                                             withThousands(spec.seeds.size()) + " seeds are more than " +
                                             withThousands(kMaxSweepFileRuns) + " runs");
        for (std::size_t i = 0; i < spec.values.size(); ++i) {
            const std::string& v = spec.values[i];
            if (v.empty())
                throw headerLine(kValuesKey, "value " + std::to_string(i + 1) + " is empty");
            if (std::find(spec.values.begin(), spec.values.begin() + i, v) !=
                spec.values.begin() + i)
                throw headerLine(kValuesKey, "value " + v + " appears twice");
            try {
                sweepRunPreset(sweep.base, spec.knob, v, spec.seeds.front(), SIZE_MAX);
            } catch (const SweepError& e) {
                throw headerLine(kValuesKey, e.what());
            }
        }

        // Prose up to the column names.
        for (;;) {
            if (!lines.next(line))
                throw fail("the file ends before the column names");
            if (line.starts_with('#'))
                continue;
            if (line != kColumns)
                throw fail("the column names should be " + std::string(kColumns) + "; found " +
                           inQuotes(line));
            break;
        }

        // The table, the curve points, the end line.
        std::map<std::size_t, RunRows> runs;
        std::vector<std::string> fields;
        std::size_t rows = 0, points = 0;
        bool ended = false;
        while (lines.next(line)) {
            if (line.empty())
                continue;
            if (ended)
                throw fail("a line after the end line");
            if (!isValidUtf8(line))
                throw fail("the line is not UTF-8 text");
            if (line.starts_with(kEndPrefix)) {
                const std::vector<std::string> counts =
                    splitList(std::string_view(line).substr(kEndPrefix.size()), ',');
                std::size_t wantRows = 0, wantPoints = 0;
                if (counts.size() != 2 || !parseWhole(std::string_view(counts[0]), wantRows) ||
                    !parseWhole(std::string_view(counts[1]), wantPoints))
                    throw fail("the end line should be #end,ROWS,CURVE_POINTS; found " +
                               inQuotes(line));
                if (wantRows != rows || wantPoints != points)
                    throw fail("the end line counts " + withThousands(wantRows) + " rows and " +
                               withThousands(wantPoints) + " curve points; the file has " +
                               withThousands(rows) + " and " + withThousands(points) +
                               " (rows were lost or added)");
                ended = true;
                continue;
            }
            if (line.starts_with(kCurvePrefix)) {
                const std::vector<std::string> f =
                    splitList(std::string_view(line).substr(kCurvePrefix.size()), ',');
                if (f.size() != 4)
                    throw fail("a curve point should be #curve,index,epochs,loss,accuracy; found " +
                               inQuotes(line));
                const RowParser p(f);
                const std::uint64_t index = p.whole(0, "the curve point's run index");
                const auto run = runs.find(index);
                if (run == runs.end())
                    throw fail("a curve point of " + runName(index) +
                               ", which has no rows in the table above");
                SweepCurvePoint point;
                point.epochFraction = p.nonNegative(1, "the curve point's epochs");
                point.runningLoss = p.nonNegative(2, "the curve point's loss");
                point.runningAccuracy = p.fraction(3, "the curve point's accuracy");
                std::vector<SweepCurvePoint>& curve = run->second.result.curve;
                if (!curve.empty() && point.epochFraction < curve.back().epochFraction)
                    throw fail(runName(index) + "'s curve goes back from epoch " +
                               shortestText(curve.back().epochFraction) + " to " +
                               shortestText(point.epochFraction));
                curve.push_back(point);
                ++points;
                continue;
            }
            if (line.starts_with('#'))
                continue; // a comment someone added
            if (points > 0)
                throw fail("a table row after the curve points");

            if (const std::string why = splitCsv(line, fields); !why.empty())
                throw fail(why);
            if (fields.size() != kColumnCount)
                throw fail(std::to_string(kColumnCount) + " fields expected, found " +
                           std::to_string(fields.size()));
            const RowParser p(fields);
            const std::uint64_t index = p.whole(IndexColumn, "index");
            if (index >= spec.runCount())
                throw fail(runName(index) + " is beyond the sweep's " +
                           withThousands(spec.runCount()) + " runs (" +
                           withThousands(spec.values.size()) + " values x " +
                           withThousands(spec.seeds.size()) + " seeds)");
            const std::size_t valueIndex = index / spec.seeds.size();
            const std::uint64_t seed = spec.seeds[index % spec.seeds.size()];
            if (fields[ValueColumn] != spec.values[valueIndex])
                throw fail(runName(index) + "'s value is " + inQuotes(fields[ValueColumn]) +
                           ", but the header's values give it " + spec.values[valueIndex]);
            if (p.whole(SeedColumn, "seed") != seed)
                throw fail(runName(index) + "'s seed is " + fields[SeedColumn] +
                           ", but the header's seeds give it " + std::to_string(seed));
            const double seconds = p.nonNegative(SecondsColumn, "seconds");
            const std::uint64_t samples = p.whole(SamplesColumn, "samples");

            auto [at, isNew] = runs.try_emplace(index);
            RunRows& run = at->second;
            SweepRunResult& r = run.result;
            if (isNew) {
                run.firstLine = lines.number;
                run.secondsText = fields[SecondsColumn];
                r.index = index;
                r.valueIndex = valueIndex;
                r.value = spec.values[valueIndex];
                r.seed = seed;
                r.seconds = seconds;
                r.error = fields[ErrorColumn];
                r.setup = fields[SetupColumn];
            } else {
                const std::string first = " (line " + withThousands(run.firstLine) + ")";
                if (run.ended)
                    throw fail(runName(index) + " has a row after its end row (the row whose "
                               "epoch is empty)");
                if (fields[SecondsColumn] != run.secondsText)
                    throw fail(runName(index) + "'s seconds differ from its first row's" + first);
                if (fields[ErrorColumn] != r.error)
                    throw fail(runName(index) + "'s error differs from its first row's" + first);
                if (fields[SetupColumn] != r.setup)
                    throw fail(runName(index) + "'s setup differs from its first row's" + first);
            }
            const std::uint64_t before = r.epochs.empty() ? 0 : r.epochs.back().samplesSeen;
            if (samples < before)
                throw fail(runName(index) + "'s samples go down from " + withThousands(before) +
                           " to " + withThousands(samples));
            if (fields[EpochColumn].empty()) {
                for (std::size_t c : {TrainLossColumn, TrainAccuracyColumn, TestLossColumn,
                                      TestAccuracyColumn})
                    if (!fields[c].empty())
                        throw fail(runName(index) + "'s end row (epoch empty) should leave the "
                                   "losses and accuracies empty");
                run.ended = true;
                run.endSamples = samples;
            } else {
                SweepEpochResult e;
                std::uint64_t epoch = 0;
                if (!parseWhole(std::string_view(fields[EpochColumn]), epoch) || epoch < 1 ||
                    epoch > std::uint64_t(kMaxEpoch))
                    throw fail("epoch " + inQuotes(fields[EpochColumn]) +
                               " should be a whole number 1 to " + withThousands(kMaxEpoch) +
                               ", or empty on a run's end row");
                if (epoch != r.epochs.size() + 1)
                    throw fail(runName(index) + "'s epoch " + std::to_string(epoch) +
                               (r.epochs.empty() ? " comes first"
                                                 : " follows epoch " +
                                                       std::to_string(r.epochs.back().epoch)) +
                               ": a run's epochs go 1, 2, 3... in order");
                e.epoch = int(epoch);
                e.trainLoss = p.nonNegative(TrainLossColumn, "train_loss");
                e.trainAccuracy = p.fraction(TrainAccuracyColumn, "train_accuracy");
                e.testLoss = p.nonNegative(TestLossColumn, "test_loss");
                e.testAccuracy = p.fraction(TestAccuracyColumn, "test_accuracy");
                e.samplesSeen = samples;
                r.epochs.push_back(e);
            }
            ++rows;
        }
        if (!ended)
            throw fail("the file ends early: its last line should be #end,ROWS,CURVE_POINTS");

        for (auto& [index, run] : runs) {
            SweepRunResult& r = run.result;
            r.samples = run.ended ? run.endSamples : r.epochs.back().samplesSeen;
            sweep.results.push_back(std::move(r));
        }
        return sweep;
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const FileError*>(&e))
            throw;
        throw fail(e.what()); // a line too long, a NUL byte, a field that is not a number
    }
}

SweepFile loadSweepFile(const std::string& path)
{
    const std::uint64_t size = requireNonEmptyFile(path);
    if (size > kMaxSweepFileBytes)
        throw FileError(path, "the file is " + byteCount(size) + ", more than the " +
                                  withThousands(kMaxSweepFileBytes) + " a sweep file may have");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be opened for reading");
    return readSweepFile(in, path);
}

} // namespace nnlab::engine
