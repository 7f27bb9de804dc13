#include "command_line.h"

#include "engine/file_error.h"

#include <cstdio>
#include <new>

namespace nnlab::app {

int runCommand(const char* program, const std::function<int()>& body)
{
    try {
        return body();
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return kExitUsage;
    } catch (const Interrupted& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return kExitInterrupted;
    } catch (const engine::FileError& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.withFullPath().c_str());
        return kExitFailure;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "%s: out of memory\n", program);
        return kExitFailure;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return kExitFailure;
    } catch (...) {
        std::fprintf(stderr, "%s: unexpected error\n", program);
        return kExitFailure;
    }
}

bool answerHelpOrVersion(int argc, char** argv, const char* program, std::string_view help,
                         const char* version)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fwrite(help.data(), 1, help.size(), stdout);
            return true;
        }
        if (arg == "--version") {
            std::printf("%s %s\n", program, version);
            return true;
        }
    }
    return false;
}

} // namespace nnlab::app
