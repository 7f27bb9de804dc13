// The monkey's catalogue: 24 kinds of things a person might do to the main window, picked from a
// seeded generator (tests/ui/tst_monkey, and the soak, tests/ui/soak_window).
#pragma once

#include <QString>

#include <cstdint>
#include <random>

namespace nnlab::ui {
class DigitCanvas;
class MainWindow;
} // namespace nnlab::ui

namespace nnlab::test {

class MonkeyActions
{
public:
    static constexpr int kKinds = 24;

    // scratchFolder: where writeBadFiles() puts the corrupt CSV and model that kind 17 opens.
    MonkeyActions(ui::MainWindow* window, std::uint32_t seed, const QString& scratchFolder);

    bool writeBadFiles();
    // A number in [0, n) from the generator.
    int pick(int n) { return int(m_rng() % std::uint32_t(n)); }
    // One action of `kind` (0 .. kKinds-1), then the events it posted and the questions or
    // messages it opened answered either way:
    //   0-2 Space (start / pause), 3 Stop, 4 Step, 5 Reset, 6 the l_r slider to an end,
    //   7 hidden nodes 1 ... 1024 or 99,999, 8 hidden layers 0-3, 9 activation, 10 output,
    //   11 optimizer, 12 batch size up to 1,000,000, 13 training-set size, 14 a preset,
    //   15 a stroke on the canvas, 16 Esc or Ctrl+Z there, 17 a corrupt CSV or model opened,
    //   18 a dock closed or reopened, 19 a digit inspected, 20 the inspector's step,
    //   21 a confusion cell clicked, 22 gallery filters, 23 curves cleared or log-scaled.
    void perform(int kind);
    // Answers whatever question or message is open, either way (not Save: its file dialog
    // would wait for a name).
    void answerDialogs();
    static void settle();

private:
    void stroke(ui::DigitCanvas* canvas);

    ui::MainWindow* m_window;
    std::mt19937 m_rng;
    QString m_badCsv, m_badModel;
};

} // namespace nnlab::test
