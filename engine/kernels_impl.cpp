// The kernels of kernels.h, written once with Eigen and compiled once per ISA level. The build
// localises every symbol of each compiled copy except its entry point nnlab_kernels_<isa>(), so
// the copies' Eigen instantiations never mix (see engine/CMakeLists.txt).
#include "kernels.h"

#include "activation.h"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <immintrin.h>
#include <utility>

#ifndef NNLAB_KERNEL_ISA
#error "NNLAB_KERNEL_ISA must name the ISA level this copy is compiled for"
#endif
#define NNLAB_CAT2(a, b) a##b
#define NNLAB_CAT(a, b) NNLAB_CAT2(a, b)
#define NNLAB_STR2(a) #a
#define NNLAB_STR(a) NNLAB_STR2(a)

namespace {

using nnlab::engine::KernelActivation;
using RowMajorMap = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
using ColMap = Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>>;
using ConstColMap = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>>;
using ConstVecMap = Eigen::Map<const Eigen::VectorXf>;
using ArrMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrMap = Eigen::Map<const Eigen::ArrayXf>;

// Native SIMD vectors of this ISA level (GCC vector extensions), for the hand-fused loops.
#if defined(__AVX512F__)
constexpr int kLanes = 16;
#elif defined(__AVX__)
constexpr int kLanes = 8;
#else
constexpr int kLanes = 4;
#endif
typedef float Vf __attribute__((vector_size(kLanes * sizeof(float))));
typedef float VfUnaligned __attribute__((vector_size(kLanes * sizeof(float)), aligned(4)));

inline Vf load(const float* p) { return *reinterpret_cast<const VfUnaligned*>(p); }
inline void store(float* p, Vf v) { *reinterpret_cast<VfUnaligned*>(p) = v; }
inline Vf splat(float s) { return Vf{} + s; }

// y = f(y) for n values (activation.h).
void activate(float* y, Eigen::Index n, KernelActivation f)
{
    ArrMap a(y, n);
    nnlab::engine::activate(f, a);
}

void forward(int m, int n, int k, const float* W, const float* b, const float* X, float* Y,
             KernelActivation f)
{
    ColMap y(Y, m, n);
    y.noalias() = RowMajorMap(W, m, k) * ConstColMap(X, k, n);
    if (b)
        y.colwise() += ConstVecMap(b, m);
    activate(Y, Eigen::Index(m) * n, f);
}

void backward(int m, int n, int k, const float* W, const float* D, const float* A, float* E,
              KernelActivation f)
{
    ColMap e(E, k, n);
    e.noalias() = RowMajorMap(W, m, k).transpose() * ConstColMap(D, m, n);
    // Times the slope, written with the activation's own output (activation.h).
    const ConstArrMap a(A, Eigen::Index(k) * n);
    ArrMap ea(E, Eigen::Index(k) * n);
    nnlab::engine::multiplyBySlope(f, ea, a);
}

void gemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc)
{
    using Strided = Eigen::Map<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
    Eigen::Map<Eigen::MatrixXf, 0, Eigen::OuterStride<>> c(C, m, n, Eigen::OuterStride<>(ldc));
    const Strided a(A, transA ? k : m, transA ? m : k, Eigen::OuterStride<>(lda));
    const Strided b(B, transB ? n : k, transB ? k : n, Eigen::OuterStride<>(ldb));
    if (beta == 0.0f)
        c.setZero();
    else if (beta != 1.0f)
        c *= beta;
    if (transA && transB)
        c.noalias() += alpha * (a.transpose() * b.transpose());
    else if (transA)
        c.noalias() += alpha * (a.transpose() * b);
    else if (transB)
        c.noalias() += alpha * (a * b.transpose());
    else
        c.noalias() += alpha * (a * b);
}

void sgd(float* w, const float* g, std::int64_t n, float lr)
{
    ArrMap(w, n) -= lr * ConstArrMap(g, n);
}

void momentum(float* w, float* v, const float* g, std::int64_t n, float lr, float mu)
{
    ArrMap vel(v, n);
    vel = mu * vel - lr * ConstArrMap(g, n);
    ArrMap(w, n) += vel;
}

void rmsprop(float* w, float* s, const float* g, std::int64_t n, float lr, float rho, float eps)
{
    ArrMap sq(s, n);
    const ConstArrMap grad(g, n);
    sq = rho * sq + (1.0f - rho) * grad.square();
    ArrMap(w, n) -= lr * grad / (sq.sqrt() + eps);
}

void adam(float* w, float* m, float* v, const float* g, std::int64_t n, float lr, float beta1,
          float beta2, float eps, float correction1, float correction2)
{
    ArrMap mm(m, n), vv(v, n);
    const ConstArrMap grad(g, n);
    mm = beta1 * mm + (1.0f - beta1) * grad;
    vv = beta2 * vv + (1.0f - beta2) * grad.square();
    // m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)
    ArrMap(w, n) -= lr * (mm / correction1) / ((vv / correction2).sqrt() + eps);
}

// kLanes pixels (bytes) widened to floats.
inline Vf bytesToFloats(const std::uint8_t* p)
{
#if defined(__AVX512F__)
    return Vf(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))));
#elif defined(__AVX2__)
    return Vf(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))));
#else
    std::int32_t word;
    std::memcpy(&word, p, sizeof word);
    const __m128i zero = _mm_setzero_si128();
    const __m128i bytes = _mm_cvtsi32_si128(word);
    return Vf(_mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_unpacklo_epi8(bytes, zero), zero)));
#endif
}

void scalePixels(const std::uint8_t* src, float* dst, std::int64_t n, nnlab::engine::InputScale s)
{
    // x/255*0.99+0.01 (the lesson), x/255 or x, kLanes pixels at a time.
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        store(dst + i, nnlab::engine::scaledPixel(bytesToFloats(src + i), s));
    for (; i < n; ++i)
        dst[i] = nnlab::engine::scaledPixel(float(src[i]), s);
}

// The lesson's per-sample step, one row at a time, two vectors per iteration.
void updateRows(int k, float* W, float* b, const float* step, const float* x, int r0, int r1)
{
    for (int r = r0; r < r1; ++r) {
        float* w = W + std::ptrdiff_t(r) * k;
        const float s = step[r];
        const Vf sv = splat(s);
        int j = 0;
        for (; j + 2 * kLanes <= k; j += 2 * kLanes) {
            store(w + j, load(w + j) - sv * load(x + j));
            store(w + j + kLanes, load(w + j + kLanes) - sv * load(x + j + kLanes));
        }
        for (; j < k; ++j)
            w[j] -= s * x[j];
        if (b)
            b[r] -= s;
    }
}

// The sparse first layer. A block of up to kBlockVecs vectors of hidden nodes is kept in
// registers twice over (even and odd nonzeros, so consecutive multiply-adds do not wait for
// each other): 12 accumulators + a broadcast + a load fit AVX2's and SSE2's 16 registers.
// Wider layers are walked block by block.
constexpr int kBlockVecs = 6;
constexpr int kBlockFloats = kBlockVecs * kLanes;

int sparsePixels(const std::uint8_t* src, int n, const float* table,
                 [[maybe_unused]] nnlab::engine::InputScale s, std::int32_t* index, float* value)
{
    // An all-zero run of bytes (most of a digit's border) costs one compare.
    const __m128i zero = _mm_setzero_si128();
    int count = 0;
    int p = 0;
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__)
    // 64 bytes at a time; in each, the nonzero lanes' pixel numbers and pixels (as floats) of
    // its four quarters packed in registers and stored whole (count <= p, so 16 lanes from
    // count fit in n entries): no branch per pixel or quarter. Then the packed pixels are
    // scaled, 16 at a time, by the table's own formula: the same bits as the lookup, without
    // a gather per quarter.
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (; p + 64 <= n; p += 64) {
        const __m512i bytes = _mm512_loadu_si512(src + p);
        const __mmask64 nonzero = _mm512_cmpneq_epi8_mask(bytes, _mm512_setzero_si512());
        if (nonzero == 0)
            continue;
#pragma GCC unroll 4
        for (int q = 0; q < 4; ++q) {
            const __mmask16 m = __mmask16(nonzero >> (16 * q));
            const __m512i at = _mm512_add_epi32(_mm512_set1_epi32(p + 16 * q), lane);
            const __m512 pixel = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(
                _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + p + 16 * q))));
            _mm512_storeu_si512(index + count, _mm512_maskz_compress_epi32(m, at));
            _mm512_storeu_ps(value + count, _mm512_maskz_compress_ps(m, pixel));
            count += __builtin_popcount(unsigned(m));
        }
    }
    int e = 0;
    for (; e + kLanes <= count; e += kLanes)
        store(value + e, nnlab::engine::scaledPixel(load(value + e), s));
    for (; e < count; ++e)
        value[e] = nnlab::engine::scaledPixel(value[e], s);
#endif
    // The rest 16 bytes at a time, each nonzero pixel's value looked up.
    for (; p + 16 <= n; p += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + p));
        unsigned nonzero = ~unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero))) & 0xFFFFu;
        for (; nonzero != 0; nonzero &= nonzero - 1) {
            const int q = p + __builtin_ctz(nonzero);
            index[count] = q;
            value[count] = table[src[q]];
            ++count;
        }
    }
    for (; p < n; ++p) {
        if (src[p] != 0) {
            index[count] = p;
            value[count] = table[src[p]];
            ++count;
        }
    }
    return count;
}

// Hidden nodes rb..rb+rows of every sample: b + sum_e value_e * W^T[index_e, :], V vectors.
template <int V>
void sparseForwardBlock(int rb, int rows, int n, const float* WT, int ldw, const float* b,
                        const std::int32_t* count, const std::int32_t* index, const float* value,
                        int stride, float* Y, int ldy, KernelActivation f)
{
    for (int j = 0; j < n; ++j) {
        Vf even[V], odd[V];
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v) {
            even[v] = b ? load(b + rb + v * kLanes) : splat(0.0f);
            odd[v] = splat(0.0f);
        }
        const std::int32_t* idx = index + std::ptrdiff_t(j) * stride;
        const float* val = value + std::ptrdiff_t(j) * stride;
        const int c = count[j];
        int e = 0;
        for (; e + 2 <= c; e += 2) {
            const float* w0 = WT + std::ptrdiff_t(idx[e]) * ldw + rb;
            const float* w1 = WT + std::ptrdiff_t(idx[e + 1]) * ldw + rb;
            const Vf x0 = splat(val[e]), x1 = splat(val[e + 1]);
#pragma GCC unroll 8
            for (int v = 0; v < V; ++v) {
                even[v] += x0 * load(w0 + v * kLanes);
                odd[v] += x1 * load(w1 + v * kLanes);
            }
        }
        if (e < c) {
            const float* w0 = WT + std::ptrdiff_t(idx[e]) * ldw + rb;
            const Vf x0 = splat(val[e]);
#pragma GCC unroll 8
            for (int v = 0; v < V; ++v)
                even[v] += x0 * load(w0 + v * kLanes);
        }
        // The activation on whole vectors (the padding's lanes too), then the rows kept.
        alignas(64) float out[V * kLanes];
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v)
            store(out + v * kLanes, even[v] + odd[v]);
        activate(out, V * kLanes, f);
        std::memcpy(Y + std::ptrdiff_t(j) * ldy + rb, out, sizeof(float) * std::size_t(rows));
    }
}

// G^T[p, rb..rb+rows] = base + alpha sum_e value_e * D[rb.., sample_e] for pixels p0..p1.
template <int V>
void sparseGradientBlock(int rb, const float* D, int ldd, float alpha, const std::int32_t* count,
                         const nnlab::engine::PixelEntry* entries, int stride, const float* base,
                         float* GT, int ldg, int p0, int p1)
{
    const Vf a = splat(alpha);
    for (int p = p0; p < p1; ++p) {
        Vf even[V], odd[V];
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v)
            even[v] = odd[v] = splat(0.0f);
        const nnlab::engine::PixelEntry* list = entries + std::ptrdiff_t(p) * stride;
        const int c = count[p];
        int e = 0;
        for (; e + 2 <= c; e += 2) {
            const float* d0 = D + std::ptrdiff_t(list[e].sample) * ldd + rb;
            const float* d1 = D + std::ptrdiff_t(list[e + 1].sample) * ldd + rb;
            const Vf x0 = splat(list[e].value), x1 = splat(list[e + 1].value);
#pragma GCC unroll 8
            for (int v = 0; v < V; ++v) {
                even[v] += x0 * load(d0 + v * kLanes);
                odd[v] += x1 * load(d1 + v * kLanes);
            }
        }
        if (e < c) {
            const float* d0 = D + std::ptrdiff_t(list[e].sample) * ldd + rb;
            const Vf x0 = splat(list[e].value);
#pragma GCC unroll 8
            for (int v = 0; v < V; ++v)
                even[v] += x0 * load(d0 + v * kLanes);
        }
        float* g = GT + std::ptrdiff_t(p) * ldg + rb;
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v)
            store(g + v * kLanes,
                  (base ? load(base + rb + v * kLanes) : splat(0.0f)) + a * (even[v] + odd[v]));
    }
}

// W^T[index_e, rb..rb+rows] -= value_e * step[rb..] for one sample's nonzeros, V vectors of the
// step kept in registers.
template <int V>
void sparseStepBlock(int rb, float* WT, int ldw, int count, const std::int32_t* index,
                     const float* value, const float* step)
{
    Vf s[V];
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v)
        s[v] = load(step + rb + v * kLanes);
    // Last pixel first: the forward pass just read the same rows first to last, so the rows it
    // read last (one image's rows are about L1's size) are still in L1.
    for (int e = count - 1; e >= 0; --e) {
        float* w = WT + std::ptrdiff_t(index[e]) * ldw + rb;
        const Vf x = splat(value[e]);
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v)
            store(w + v * kLanes, load(w + v * kLanes) - x * s[v]);
    }
}

template <int... V>
constexpr auto forwardBlocks(std::integer_sequence<int, V...>)
{
    return std::array{&sparseForwardBlock<V + 1>...};
}
template <int... V>
constexpr auto gradientBlocks(std::integer_sequence<int, V...>)
{
    return std::array{&sparseGradientBlock<V + 1>...};
}
template <int... V>
constexpr auto stepBlocks(std::integer_sequence<int, V...>)
{
    return std::array{&sparseStepBlock<V + 1>...};
}
constexpr auto kForwardBlocks = forwardBlocks(std::make_integer_sequence<int, kBlockVecs>());
constexpr auto kStepBlocks = stepBlocks(std::make_integer_sequence<int, kBlockVecs>());
constexpr auto kGradientBlocks = gradientBlocks(std::make_integer_sequence<int, kBlockVecs>());

void sparseForward(int m, int n, const float* WT, int ldw, const float* b,
                   const std::int32_t* count, const std::int32_t* index, const float* value,
                   int stride, float* Y, int ldy, KernelActivation f)
{
    for (int rb = 0; rb < m; rb += kBlockFloats) {
        const int rows = std::min(kBlockFloats, m - rb);
        kForwardBlocks[std::size_t((rows + kLanes - 1) / kLanes - 1)](
            rb, rows, n, WT, ldw, b, count, index, value, stride, Y, ldy, f);
    }
}

void sparseWeightGradient(int m, const float* D, int ldd, float alpha, const std::int32_t* count,
                          const nnlab::engine::PixelEntry* entries, int stride, const float* base,
                          float* GT, int ldg, int p0, int p1)
{
    for (int rb = 0; rb < m; rb += kBlockFloats) {
        const int rows = std::min(kBlockFloats, m - rb);
        kGradientBlocks[std::size_t((rows + kLanes - 1) / kLanes - 1)](
            rb, D, ldd, alpha, count, entries, stride, base, GT, ldg, p0, p1);
    }
}

void sparseStep(int m, float* WT, int ldw, int count, const std::int32_t* index,
                const float* value, const float* step)
{
    for (int rb = 0; rb < m; rb += kBlockFloats) {
        const int rows = std::min(kBlockFloats, m - rb);
        kStepBlocks[std::size_t((rows + kLanes - 1) / kLanes - 1)](rb, WT, ldw, count, index,
                                                                   value, step);
    }
}

// The first n < kLanes floats at p as a vector, the rest of its lanes 0; and its first n lanes
// stored at p (the ragged end of a row that is not padded).
inline Vf loadFirst(const float* p, int n)
{
#if defined(__AVX512F__)
    return Vf(_mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p));
#else
    alignas(64) float part[kLanes] = {};
    std::memcpy(part, p, sizeof(float) * std::size_t(n));
    return load(part);
#endif
}

inline void storeFirst(float* p, Vf v, int n)
{
#if defined(__AVX512F__)
    _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), __m512(v));
#else
    alignas(64) float part[kLanes];
    store(part, v);
    std::memcpy(p, part, sizeof(float) * std::size_t(n));
#endif
}

// The sum of a vector's lanes, pairwise (a few shuffles, not kLanes dependent adds).
inline float sumLanes(Vf v)
{
#if defined(__AVX512F__)
    return _mm512_reduce_add_ps(__m512(v));
#else
#if defined(__AVX__)
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(__m256(v)), _mm256_extractf128_ps(__m256(v), 1));
#else
    __m128 x = __m128(v);
#endif
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 1));
    return _mm_cvtss_f32(x);
#endif
}

void lessonOutputStep(int outputs, int hidden, float* W, const float* h, int label, float lo,
                      float hi, float lr, bool passErrors, float* o, float* delta, float* step)
{
    // o = sigmoid(W h), one row of W at a time; the sigmoid on whole vectors of sums.
    constexpr int kSums = (nnlab::engine::kMaxLessonOutputs + kLanes - 1) / kLanes * kLanes;
    alignas(64) float sums[kSums];
    for (int j = 0; j < outputs; ++j) {
        const float* w = W + std::ptrdiff_t(j) * hidden;
        Vf even = splat(0.0f), odd = splat(0.0f);
        int i = 0;
        for (; i + 2 * kLanes <= hidden; i += 2 * kLanes) {
            even += load(w + i) * load(h + i);
            odd += load(w + i + kLanes) * load(h + i + kLanes);
        }
        for (; i + kLanes <= hidden; i += kLanes)
            even += load(w + i) * load(h + i);
        if (i < hidden)
            odd += loadFirst(w + i, hidden - i) * loadFirst(h + i, hidden - i);
        sums[j] = sumLanes(even + odd);
    }
    const int padded = (outputs + kLanes - 1) / kLanes * kLanes;
    std::fill(sums + outputs, sums + padded, 0.0f);
    activate(sums, padded, KernelActivation::Sigmoid);
    std::copy(sums, sums + outputs, o);
    // delta = (o - t) o (1 - o), as loss.cpp writes it; the outputs' steps lr * delta; what
    // goes back: delta, or the lesson's o - t.
    float outStep[nnlab::engine::kMaxLessonOutputs], back[nnlab::engine::kMaxLessonOutputs];
    for (int j = 0; j < outputs; ++j) {
        const float error = o[j] - (j == label ? hi : lo);
        delta[j] = error * (o[j] * (1.0f - o[j]));
        outStep[j] = lr * delta[j];
        back[j] = passErrors ? error : delta[j];
    }
    // Column block by column block of W: the error passed back, W^T back, with W as it was,
    // then W -= lr delta h^T; and the step below, lr * (W^T back) h (1 - h).
    for (int i = 0; i < hidden; i += kLanes) {
        const int n = std::min(kLanes, hidden - i);
        const Vf hv = n == kLanes ? load(h + i) : loadFirst(h + i, n);
        Vf e = splat(0.0f);
        for (int j = 0; j < outputs; ++j) {
            float* w = W + std::ptrdiff_t(j) * hidden + i;
            const Vf wv = n == kLanes ? load(w) : loadFirst(w, n);
            e += splat(back[j]) * wv;
            const Vf moved = wv - splat(outStep[j]) * hv;
            if (n == kLanes)
                store(w, moved);
            else
                storeFirst(w, moved, n);
        }
        const Vf s = splat(lr) * (e * (hv * (splat(1.0f) - hv)));
        if (n == kLanes)
            store(step + i, s);
        else
            storeFirst(step + i, s, n);
    }
}

// One tile of the transpose: kTile rows of A become kTile rows of B.
#if defined(__AVX__)
constexpr int kTile = 8;
inline void transposeTile(const float* a, int lda, float* b, int ldb)
{
    __m256 r[8], t[8];
    for (int i = 0; i < 8; ++i)
        r[i] = _mm256_loadu_ps(a + std::ptrdiff_t(i) * lda);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; ++i) {
        _mm256_storeu_ps(b + std::ptrdiff_t(i) * ldb, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
        _mm256_storeu_ps(b + std::ptrdiff_t(i + 4) * ldb,
                         _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
    }
}
#else
constexpr int kTile = 4;
inline void transposeTile(const float* a, int lda, float* b, int ldb)
{
    __m128 r0 = _mm_loadu_ps(a), r1 = _mm_loadu_ps(a + lda), r2 = _mm_loadu_ps(a + 2 * lda),
           r3 = _mm_loadu_ps(a + 3 * std::ptrdiff_t(lda));
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(b, r0);
    _mm_storeu_ps(b + ldb, r1);
    _mm_storeu_ps(b + 2 * ldb, r2);
    _mm_storeu_ps(b + 3 * std::ptrdiff_t(ldb), r3);
}
#endif

void transpose(int rows, int cols, const float* A, int lda, float* B, int ldb)
{
    const int fullRows = rows / kTile * kTile, fullCols = cols / kTile * kTile;
    for (int r = 0; r < fullRows; r += kTile)
        for (int c = 0; c < fullCols; c += kTile)
            transposeTile(A + std::ptrdiff_t(r) * lda + c, lda, B + std::ptrdiff_t(c) * ldb + r,
                          ldb);
    // The ragged edges, element by element.
    for (int r = 0; r < rows; ++r)
        for (int c = r < fullRows ? fullCols : 0; c < cols; ++c)
            B[std::ptrdiff_t(c) * ldb + r] = A[std::ptrdiff_t(r) * lda + c];
}

const nnlab::engine::KernelTable kTable{
    NNLAB_STR(NNLAB_KERNEL_ISA), forward, backward, gemm, sgd, momentum, rmsprop, adam,
    scalePixels, updateRows, sparsePixels, sparseForward, sparseWeightGradient, sparseStep,
    lessonOutputStep, transpose};

} // namespace

extern "C" __attribute__((visibility("default"))) const nnlab::engine::KernelTable*
NNLAB_CAT(nnlab_kernels_, NNLAB_KERNEL_ISA)()
{
    return &kTable;
}
