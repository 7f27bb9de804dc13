// What nnlab-train prints: a progress bar on a terminal, a line or a JSON record per epoch, a summary.
#pragma once

#include "engine/trainer.h"

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nnlab::app {

struct EpochReport
{
    int epoch = 0;  // 1-based
    int epochs = 0;
    double trainLoss = 0;     // mean over the epoch, as it was trained
    double trainAccuracy = 0;
    std::optional<double> testLoss;     // on the whole test set, if it was tested
    std::optional<double> testAccuracy;
    double seconds = 0;       // the training loop alone (no loading, no testing)
    double samplesPerSecond = 0;
    float learningRate = 0;   // l_r during the epoch
};

// "60000" -> "60,000", "0.4" -> "0s", "75" -> "1m15s".
std::string formatCount(std::uint64_t n);
std::string formatDuration(double seconds);

// True if stderr is a terminal that can redraw a line.
bool stderrIsTerminal();

// One line on stderr, redrawn in place: epoch, percent, running loss and accuracy, images/s, ETA.
class ProgressBar
{
public:
    ProgressBar(int epochs, std::size_t epochSize);
    void show(const engine::TrainingProgress& p);
    void clear(); // erase the line before anything else is printed

private:
    int m_epochs;
    std::size_t m_epochSize;
    double m_rate = 0; // images/s, smoothed over the reports
    bool m_visible = false;
};

// {"key":value,...} on one line: numbers, strings and null (for missing or non-finite values).
class JsonLine
{
public:
    JsonLine& add(std::string_view key, std::string_view value);
    JsonLine& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    JsonLine& add(std::string_view key, double value, int decimals = 6);
    JsonLine& add(std::string_view key, std::optional<double> value, int decimals = 6);
    JsonLine& add(std::string_view key, const std::vector<double>& values, int decimals = 6);
    template <std::integral T>
        requires(!std::same_as<T, bool>)
    JsonLine& add(std::string_view key, T value)
    {
        return addInteger(key, static_cast<std::int64_t>(value));
    }
    JsonLine& add(std::string_view key, bool value);
    JsonLine& addNull(std::string_view key);
    // A value written as it is: `json` must already be JSON (a number's canonical text).
    JsonLine& addRaw(std::string_view key, std::string_view json);
    std::string str() const { return m_text + "}"; }

private:
    JsonLine& addInteger(std::string_view key, std::int64_t value);
    void key(std::string_view k);
    std::string m_text = "{";
};

void printEpochText(const EpochReport& r);
void printEpochJson(const EpochReport& r);

} // namespace nnlab::app
