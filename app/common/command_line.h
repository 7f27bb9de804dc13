// What nnlab's command-line programs share: the usage error, the exit codes, one line on stderr
// for every failure, --help and --version.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nnlab::app {

// A bad flag or value: the program prints "<program>: <what>" and exits with kExitUsage.
struct UsageError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// Ctrl-C or SIGTERM stopped the program: it prints "<program>: <what>" and exits with
// kExitInterrupted.
struct Interrupted : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

inline constexpr int kExitUsage = 2;         // bad flags or values
inline constexpr int kExitFailure = 1;       // missing or corrupt files, diverged training, no memory
inline constexpr int kExitInterrupted = 130; // 128 + SIGINT, as shells report it

// Runs a program's body: its exit code, or for anything it throws one line on stderr
// ("nnlab-model: <why>", a FileError with the file's whole path) and kExitUsage, kExitInterrupted
// or kExitFailure. No exception leaves it.
int runCommand(const char* program, const std::function<int()>& body);

// --help / -h (prints `help`) or --version (prints "<program> <version>") anywhere among the
// arguments: true when one was answered, and the program exits with 0.
bool answerHelpOrVersion(int argc, char** argv, const char* program, std::string_view help,
                         const char* version);

} // namespace nnlab::app
