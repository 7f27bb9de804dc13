// What nnlab-train prints: a progress bar on a terminal, a line or a JSON record per epoch, a summary.
#include "train_report.h"

#include "engine/file_error.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nnlab::app {

namespace {

constexpr int kBarWidth = 20;        // '#' and '.' cells of the bar
constexpr double kRateSmoothing = 0.3; // weight of the newest images/s in the ETA's average

int terminalColumns()
{
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20)
        return size.ws_col;
    return 80;
}

} // namespace

std::string formatCount(std::uint64_t n) { return engine::withThousands(n); }

std::string formatDuration(double seconds)
{
    const long s = std::lround(std::max(0.0, seconds));
    char text[32];
    if (s < 60)
        std::snprintf(text, sizeof text, "%lds", s);
    else if (s < 3600)
        std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
    else
        std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, s / 60 % 60);
    return text;
}

bool stderrIsTerminal()
{
    const char* term = std::getenv("TERM");
    return isatty(STDERR_FILENO) && !(term && std::strcmp(term, "dumb") == 0);
}

ProgressBar::ProgressBar(int epochs, std::size_t epochSize)
    : m_epochs(epochs), m_epochSize(std::max<std::size_t>(1, epochSize))
{
}

void ProgressBar::show(const engine::TrainingProgress& p)
{
    if (p.samplesPerSecond > 0)
        m_rate = m_rate > 0 ? kRateSmoothing * p.samplesPerSecond + (1 - kRateSmoothing) * m_rate
                            : p.samplesPerSecond;
    const double epochDone = double(p.cursor) / double(m_epochSize);
    const double total = double(m_epochs) * double(m_epochSize);
    const double left = std::max(0.0, total - double(p.samplesSeen));

    char head[32], tail[160];
    std::snprintf(head, sizeof head, "epoch %d/%d ", p.epoch + 1, m_epochs);
    std::snprintf(tail, sizeof tail, "%3.0f%%  loss %.4f  acc %.3f  %s img/s  ETA %s",
                  epochDone * 100, p.runningLoss, p.runningAccuracy,
                  formatCount(std::uint64_t(std::llround(p.samplesPerSecond))).c_str(),
                  m_rate > 0 ? formatDuration(left / m_rate).c_str() : "?");
    // Never wider than the terminal, or the line would wrap and stop redrawing in place: the bar
    // shrinks first, then the line is cut.
    const int columns = terminalColumns() - 1;
    const int room = columns - int(std::strlen(head) + std::strlen(tail)) - 3;
    std::string text = head;
    if (const int cells = std::min(kBarWidth, room); cells >= 5) {
        const int filled = std::clamp(int(epochDone * cells), 0, cells);
        text += '[' + std::string(std::size_t(filled), '#') +
                std::string(std::size_t(cells - filled), '.') + "] ";
    }
    text += tail;
    text.resize(std::min(text.size(), std::size_t(columns)));
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    std::fflush(stderr);
    m_visible = true;
}

void ProgressBar::clear()
{
    if (!m_visible)
        return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    m_visible = false;
}

void JsonLine::key(std::string_view k)
{
    if (m_text.size() > 1)
        m_text += ',';
    m_text += '"';
    m_text += k; // keys are our own identifiers
    m_text += "\":";
}

JsonLine& JsonLine::add(std::string_view k, std::string_view value)
{
    key(k);
    m_text += '"';
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            m_text += '\\';
            m_text += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(c));
            m_text += escaped;
        } else {
            m_text += c;
        }
    }
    m_text += '"';
    return *this;
}

JsonLine& JsonLine::add(std::string_view k, double value, int decimals)
{
    if (!std::isfinite(value))
        return addNull(k);
    key(k);
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    m_text += text;
    return *this;
}

JsonLine& JsonLine::add(std::string_view k, std::optional<double> value, int decimals)
{
    return value ? add(k, *value, decimals) : addNull(k);
}

JsonLine& JsonLine::add(std::string_view k, const std::vector<double>& values, int decimals)
{
    key(k);
    m_text += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            m_text += ',';
        char text[64];
        if (std::isfinite(values[i]))
            std::snprintf(text, sizeof text, "%.*f", decimals, values[i]);
        else
            std::snprintf(text, sizeof text, "null");
        m_text += text;
    }
    m_text += ']';
    return *this;
}

JsonLine& JsonLine::addRaw(std::string_view k, std::string_view json)
{
    key(k);
    m_text += json;
    return *this;
}

JsonLine& JsonLine::addInteger(std::string_view k, std::int64_t value)
{
    key(k);
    m_text += std::to_string(value);
    return *this;
}

JsonLine& JsonLine::add(std::string_view k, bool value)
{
    key(k);
    m_text += value ? "true" : "false";
    return *this;
}

JsonLine& JsonLine::addNull(std::string_view k)
{
    key(k);
    m_text += "null";
    return *this;
}

void printEpochText(const EpochReport& r)
{
    std::printf("epoch %d/%d  train loss %.4f accuracy %.4f", r.epoch, r.epochs, r.trainLoss,
                r.trainAccuracy);
    if (r.testLoss && r.testAccuracy)
        std::printf("  |  test loss %.4f accuracy %.4f", *r.testLoss, *r.testAccuracy);
    std::printf("  |  %.3f s, %s images/s\n", r.seconds,
                formatCount(std::uint64_t(std::llround(r.samplesPerSecond))).c_str());
    std::fflush(stdout);
}

void printEpochJson(const EpochReport& r)
{
    JsonLine line;
    line.add("type", "epoch")
        .add("epoch", r.epoch)
        .add("train_loss", r.trainLoss)
        .add("train_accuracy", r.trainAccuracy)
        .add("test_loss", r.testLoss)
        .add("test_accuracy", r.testAccuracy)
        .add("seconds", r.seconds)
        .add("samples_per_second", r.samplesPerSecond, 1)
        .add("learning_rate", double(r.learningRate), 8);
    std::puts(line.str().c_str());
    std::fflush(stdout);
}

} // namespace nnlab::app
