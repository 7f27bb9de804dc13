#include "kernels.h"

#include <cstdlib>
#include <string_view>

// The baseline copy is always built; the others unless NNLAB_KERNEL_LEVELS leaves them out (the
// TSan and fuzz presets, whose checks do not depend on the vector width, build sse2 alone).
extern "C" const nnlab::engine::KernelTable* nnlab_kernels_sse2();
#ifdef NNLAB_KERNELS_AVX2
extern "C" const nnlab::engine::KernelTable* nnlab_kernels_avx2();
#endif
#ifdef NNLAB_KERNELS_AVX512
extern "C" const nnlab::engine::KernelTable* nnlab_kernels_avx512();
#endif

namespace nnlab::engine {

namespace {

// A level counts only when its copy is built and the CPU runs it.
bool cpuHasAvx2()
{
#ifdef NNLAB_KERNELS_AVX2
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}
bool cpuHasAvx512()
{
#ifdef NNLAB_KERNELS_AVX512
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#else
    return false;
#endif
}

const KernelTable* avx2Table()
{
#ifdef NNLAB_KERNELS_AVX2
    return nnlab_kernels_avx2();
#else
    return nullptr;
#endif
}
const KernelTable* avx512Table()
{
#ifdef NNLAB_KERNELS_AVX512
    return nnlab_kernels_avx512();
#else
    return nullptr;
#endif
}

const KernelTable* choose()
{
    __builtin_cpu_init();
    const char* forced = std::getenv("NNLAB_ISA");
    const std::string_view want = forced ? forced : "";
    if (want == "sse2")
        return nnlab_kernels_sse2();
    if (want == "avx2" && cpuHasAvx2())
        return avx2Table();
    if (cpuHasAvx512() && (want.empty() || want == "avx512"))
        return avx512Table();
    if (cpuHasAvx2())
        return avx2Table();
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
        add(avx512Table());
    if (cpuHasAvx2())
        add(avx2Table());
    add(nnlab_kernels_sse2());
    return n;
}

PixelValues::PixelValues(Scaling scaling)
{
    const InputScale s = inputScale(scaling);
    offset = s.offset;
    scale = InputScale{s.range, 0.0f, s.divisor};
    for (int byte = 0; byte < 256; ++byte)
        table[std::size_t(byte)] = scaledPixel(float(byte), scale);
}

} // namespace nnlab::engine
