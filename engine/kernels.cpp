#include "kernels.h"

#include <cstdlib>
#include <string_view>

extern "C" const nnlab::engine::KernelTable* nnlab_kernels_sse2();
extern "C" const nnlab::engine::KernelTable* nnlab_kernels_avx2();
extern "C" const nnlab::engine::KernelTable* nnlab_kernels_avx512();

namespace nnlab::engine {

namespace {

bool cpuHasAvx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
bool cpuHasAvx512()
{
    return cpuHasAvx2() && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
}

const KernelTable* choose()
{
    __builtin_cpu_init();
    const char* forced = std::getenv("NNLAB_ISA");
    const std::string_view want = forced ? forced : "";
    if (want == "sse2")
        return nnlab_kernels_sse2();
    if (want == "avx2" && cpuHasAvx2())
        return nnlab_kernels_avx2();
    if (cpuHasAvx512() && (want.empty() || want == "avx512"))
        return nnlab_kernels_avx512();
    if (cpuHasAvx2())
        return nnlab_kernels_avx2();
    return nnlab_kernels_sse2();
}

} // namespace

const KernelTable& kernels()
{
    static const KernelTable* table = choose();
    return *table;
}

int availableKernelTables(const KernelTable** out, int capacity)
{
    __builtin_cpu_init();
    int n = 0;
    auto add = [&](const KernelTable* t) {
        if (n < capacity)
            out[n++] = t;
    };
    if (cpuHasAvx512())
        add(nnlab_kernels_avx512());
    if (cpuHasAvx2())
        add(nnlab_kernels_avx2());
    add(nnlab_kernels_sse2());
    return n;
}

} // namespace nnlab::engine
