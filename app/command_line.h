// What nnlab's command-line programs share: the usage error, the exit codes, one line on stderr
// for every failure, and the bundled files of the source tree a program was built in.
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

inline constexpr int kExitUsage = 2;   // bad flags or values
inline constexpr int kExitFailure = 1; // missing or corrupt files, diverged training, no memory

// Runs a program's body: its exit code, or for anything it throws one line on stderr
// ("nnlab-model: <why>", a FileError with the file's whole path) and kExitUsage or kExitFailure.
int runCommand(const char* program, const std::function<int()>& body);

// --help / -h (prints `help`) or --version (prints "<program> <version>") anywhere among the
// arguments: true when one was answered, and the program exits with 0.
bool answerHelpOrVersion(int argc, char** argv, const char* program, std::string_view help,
                         const char* version);

// $<environmentVariable> if set, else `relative` (e.g. "resources/models/default.nnlab") in the
// nearest folder above the executable that has it (the source tree holding build/<preset>/app),
// else `relative` itself, for the current folder.
std::string findBundledFile(const std::string& relative, const char* environmentVariable);

} // namespace nnlab::app
