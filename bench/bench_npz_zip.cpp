// nnlab's ZIP reader (engine/zip_archive.h) against Debian's libzip on the same .npz archives in
// memory (docs/model-format.md, "The ZIP reader, and why not libzip"): the CPU time to open an
// archive and read every entry whole, CRC-checked; what each says about each damaged file given;
// and how the two agree on thousands of damaged copies of the valid files given.
//   bench_npz_zip WORKDIR FILE...   (FILE: .npz files, valid ones are also mutated)
#include "engine/file_error.h"
#include "engine/npz.h"
#include "engine/zip_archive.h"

#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace nnlab::engine;

namespace {

constexpr ZipFormat kNpzFormat{"an .npz file", "an .npz of a network", 4096};
constexpr int kRuns = 15;
constexpr int kMutationsPerFile = 600;

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Every entry whole through the engine's reader; the message of the first failure, or "".
std::string readAllEngine(const std::string& bytes)
{
    const std::string path = "bench.npz";
    try {
        ZipReader zip(bytes, path, kNpzFormat);
        for (std::size_t i = 0; i < zip.entries().size(); ++i)
            zip.read(i, zip.entries()[i].size);
    } catch (const FileError& e) {
        return e.reason();
    }
    return {};
}

// The same through libzip: libzip's message (and ZIP_ER_ code), or "". strict adds
// ZIP_CHECKCONS (local headers against the central directory, trailing data).
std::string readAllLibzip(const std::string& bytes, bool strict)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    zip_t* za = source ? zip_open_from_source(source, ZIP_RDONLY | (strict ? ZIP_CHECKCONS : 0), &error)
                       : nullptr;
    if (!za) {
        const std::string why = std::string("open: ") + zip_error_strerror(&error) + " (ZIP_ER " +
                                std::to_string(zip_error_code_zip(&error)) + ")";
        if (source)
            zip_source_free(source);
        zip_error_fini(&error);
        return why;
    }
    std::string why;
    for (zip_int64_t i = 0; i < zip_get_num_entries(za, 0) && why.empty(); ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za, zip_uint64_t(i), 0, &st) != 0) {
            why = std::string("stat: ") + zip_strerror(za);
        } else if (st.size > (std::uint64_t(1) << 31)) {
            why = "stat: above 2 GiB (the caller's own check)";
        } else if (zip_file_t* f = zip_fopen_index(za, zip_uint64_t(i), 0); !f) {
            why = std::string("fopen: ") + zip_strerror(za) + " (ZIP_ER " +
                  std::to_string(zip_error_code_zip(zip_get_error(za))) + ")";
        } else {
            // Read until libzip says the end: it checks the CRC-32 only on the read that returns 0.
            std::string out(st.size + 1, '\0');
            zip_uint64_t got = 0;
            zip_int64_t n = 1;
            while (n > 0 && got < out.size()) {
                n = zip_fread(f, out.data() + got, out.size() - got);
                got += n > 0 ? zip_uint64_t(n) : 0;
            }
            if (n < 0)
                why = std::string("fread: ") + zip_file_strerror(f);
            else if (got != st.size)
                why = "fread: " + std::to_string(got) + " of " + std::to_string(st.size) + " bytes";
            zip_fclose(f);
        }
    }
    zip_discard(za);
    zip_error_fini(&error);
    return why;
}

// The least CPU time of this thread over kRuns calls, in ms: the machine may be shared.
template <typename F>
double cpuMs(F f)
{
    double best = 1e300;
    for (int i = 0; i < kRuns; ++i) {
        timespec a, b;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        f();
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        best = std::min(best, double(b.tv_sec - a.tv_sec) * 1e3 + double(b.tv_nsec - a.tv_nsec) / 1e6);
    }
    return best;
}

void writeBenchModel(std::vector<int> hidden, const std::string& stem)
{
    Architecture a;
    a.inputs = 784;
    a.outputs = 10;
    a.hidden = std::move(hidden);
    a.biases = true;
    a.hiddenActivation = Activation::ReLU;
    a.output = Output::Softmax;
    a.loss = Loss::CrossEntropy;
    Model m{Network(a), {}};
    m.network.initialize(Init::Glorot, 7);
    saveNpz(stem + "-stored.npz", m, NpzCompression::Stored);
    saveNpz(stem + "-deflated.npz", m, NpzCompression::Deflated);
}

// Truncations, then byte, bit, u16 and u32 changes at random places (fixed seed).
std::vector<std::string> mutations(const std::string& b, std::mt19937& rng)
{
    std::vector<std::string> out;
    for (std::size_t k = 0; k < b.size(); k += std::max<std::size_t>(1, b.size() / 200))
        out.push_back(b.substr(0, k));
    const auto below = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    const std::uint32_t u32s[] = {0, 0xffffffffu, 0xffff, 1u << 31};
    const std::uint16_t u16s[] = {0, 0xffff, 8, 12, 1};
    for (int i = 0; i < kMutationsPerFile; ++i) {
        std::string m = b;
        for (std::size_t n = 1 + below(2) * below(4); n > 0; --n) {
            const std::size_t at = below(m.size());
            const std::size_t kind = below(4);
            if (kind == 0)
                m[at] = char(below(256));
            else if (kind == 1)
                m[at] = char(m[at] ^ (1 << below(8)));
            else if (kind == 2 && at + 4 <= m.size())
                for (int j = 0; j < 4; ++j)
                    m[at + std::size_t(j)] = char(u32s[below(4)] >> (8 * j));
            else if (at + 2 <= m.size())
                for (int j = 0; j < 2; ++j)
                    m[at + std::size_t(j)] = char(u16s[below(5)] >> (8 * j));
        }
        out.push_back(std::move(m));
    }
    out.push_back(b + "garbage");
    return out;
}

// "W1.npy inflates to 12 of ..." -> "N.npy inflates to N of ...": one kind of message.
std::string kind(const std::string& message)
{
    static const std::regex numbers("[0-9][0-9,]*"), names("[A-Za-z_]+N?\\.npy");
    return std::regex_replace(std::regex_replace(message, numbers, "N"), names, "E.npy");
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_npz_zip WORKDIR [FILE.npz...]\n");
        return 2;
    }
    const std::string dir = argv[1];
    std::filesystem::create_directories(dir);
    std::printf("libzip %s, zlib %s\n\n", zip_libzip_version(), zlibVersion());

    std::printf("CPU ms to read every entry (least of %d)\tMB\tnnlab\tlibzip\tlibzip/nnlab\tloadNpz\n", kRuns);
    writeBenchModel({512, 256}, dir + "/784-512-256-10");
    writeBenchModel({3072, 3072}, dir + "/784-3072-3072-10");
    for (const char* name : {"784-512-256-10-stored", "784-512-256-10-deflated", "784-3072-3072-10-stored",
                             "784-3072-3072-10-deflated"}) {
        const std::string path = dir + "/" + name + ".npz";
        const std::string bytes = slurp(path);
        const double ours = cpuMs([&] { readAllEngine(bytes); });
        const double theirs = cpuMs([&] { readAllLibzip(bytes, false); });
        const double load = cpuMs([&] { loadNpz(path); });
        std::printf("%s\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\n", name, double(bytes.size()) / 1e6, ours,
                    theirs, theirs / ours, load);
    }

    std::printf("\nfile\tnnlab (loadNpz)\tlibzip\tlibzip with ZIP_CHECKCONS\n");
    std::vector<std::string> valid;
    for (int i = 2; i < argc; ++i) {
        const std::string path = argv[i];
        const std::string bytes = slurp(path);
        std::string ours = "accepted";
        try {
            loadNpz(path);
            valid.push_back(bytes);
        } catch (const FileError& e) {
            ours = e.reason();
        }
        const std::string loose = readAllLibzip(bytes, false), strict = readAllLibzip(bytes, true);
        std::printf("%s\t%s\t%s\t%s\n", std::filesystem::path(path).filename().c_str(), ours.c_str(),
                    loose.empty() ? "accepted" : loose.c_str(), strict.empty() ? "accepted" : strict.c_str());
    }

    std::mt19937 rng(1234);
    std::vector<std::string> damaged;
    for (const std::string& b : valid)
        for (std::string& m : mutations(b, rng))
            damaged.push_back(std::move(m));
    for (const bool strict : {false, true}) {
        std::map<std::string, int> agreement;
        std::set<std::string> ourKinds, theirKinds;
        std::map<std::string, int> onlyOurs; // what nnlab says where libzip reads the archive
        for (const std::string& b : damaged) {
            const std::string ours = readAllEngine(b), theirs = readAllLibzip(b, strict);
            ++agreement[std::string(ours.empty() ? "nnlab reads" : "nnlab refuses") +
                        (theirs.empty() ? ", libzip reads" : ", libzip refuses")];
            if (!ours.empty())
                ourKinds.insert(kind(ours));
            if (!ours.empty() && theirs.empty())
                ++onlyOurs[kind(ours)];
            if (!theirs.empty())
                theirKinds.insert(kind(theirs));
        }
        std::printf("\n%zu damaged copies of the %zu valid files, libzip%s:\n", damaged.size(),
                    valid.size(), strict ? " with ZIP_CHECKCONS" : "");
        for (const auto& [what, n] : agreement)
            std::printf("  %-34s %6d\n", what.c_str(), n);
        std::printf("  kinds of message: nnlab %zu, libzip %zu\n", ourKinds.size(), theirKinds.size());
        for (const std::string& k : theirKinds)
            std::printf("    libzip: %s\n", k.c_str());
        for (const auto& [k, n] : onlyOurs)
            std::printf("  only nnlab refuses, %d: %s\n", n, k.c_str());
    }
    return 0;
}
