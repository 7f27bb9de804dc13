// The hot numeric kernels (matrix products, activations, optimizer steps), compiled once per
// x86-64 level (baseline SSE2, AVX2+FMA, AVX-512) and picked at run time from what the CPU has.
// Every matrix is a raw pointer: weights row-major (out x in), batches column-major (one
// sample per column). Callers split work across threads by the column or row ranges.
#pragma once

#include "architecture.h"

#include <array>
#include <cstdint>

namespace nnlab::engine {

// The most outputs KernelTable::lessonOutputStep takes.
constexpr int kMaxLessonOutputs = 64;

// Activation codes shared by all kernel builds (Identity = no activation, for softmax outputs).
enum class KernelActivation : int { Identity = 0, Sigmoid = 1, Tanh = 2, ReLU = 3 };

// One nonzero input of a sparse batch listed by pixel: the sample it is in, and its value.
struct PixelEntry
{
    std::int32_t sample;
    float value;
};

struct KernelTable
{
    const char* isa; // "avx512", "avx2", "sse2"

    // Y (m x n) = f(W X + b): W m x k row-major, X k x n, b m or null.
    void (*forward)(int m, int n, int k, const float* W, const float* b, const float* X, float* Y,
                    KernelActivation f);
    // E (k x n) = (W^T D) .* f'(A): back-propagates errors through W (m x k row-major) and the
    // previous layer's activation, whose derivative is written in terms of its output A (k x n).
    void (*backward)(int m, int n, int k, const float* W, const float* D, const float* A, float* E,
                     KernelActivation f);

    // BLAS-style C = alpha op(A) op(B) + beta C, column-major with leading dimensions; op is the
    // transpose when transA / transB. (A row-major m x k weight matrix is a column-major k x m
    // one with ld = k.)
    void (*gemm)(bool transA, bool transB, int m, int n, int k, float alpha, const float* A,
                 int lda, const float* B, int ldb, float beta, float* C, int ldc);

    // Optimizer steps over n floats.
    void (*sgd)(float* w, const float* g, std::int64_t n, float lr);
    void (*momentum)(float* w, float* v, const float* g, std::int64_t n, float lr, float mu);
    void (*rmsprop)(float* w, float* s, const float* g, std::int64_t n, float lr, float rho,
                    float eps);
    void (*adam)(float* w, float* m, float* v, const float* g, std::int64_t n, float lr,
                 float beta1, float beta2, float eps, float correction1, float correction2);

    // dst = scaledPixel(x, s) for n pixels: x/255*0.99+0.01 (the lesson), x/255, or x itself.
    void (*scalePixels)(const std::uint8_t* src, float* dst, std::int64_t n, InputScale s);

    // The lesson's per-sample step on rows r0..r1 of W (m x k row-major), b may be null:
    //   W[r,:] -= step[r] * x;  b[r] -= step[r]
    void (*updateRows)(int k, float* W, float* b, const float* step, const float* x, int r0,
                       int r1);

    // The first layer on sparse inputs (most pixels 0). A sparse batch of n samples keeps, for
    // sample j, count[j] nonzeros at index[j * stride + e] (pixel numbers, ascending) with
    // values value[j * stride + e]. W^T is the transpose of an m x k weight matrix: row p holds
    // input p's m weights, row stride ldw. The kernels read and write whole SIMD vectors: up to
    // m rounded up to a multiple of 16 floats of each row of W^T, G^T, b and each column of D;
    // callers that split the m nodes across threads split them at multiples of 16.
    //
    // The nonzero pixels of one image of n bytes: index = p, value = table[src[p]] for every
    // src[p] != 0, where table[b] = scaledPixel(b, s) (so a copy may compute it instead of
    // looking it up; s.offset must be 0). Returns their number; index and value must hold n
    // entries.
    int (*sparsePixels)(const std::uint8_t* src, int n, const float* table, InputScale s,
                        std::int32_t* index, float* value);
    // Y (m x n, column stride ldy) = f(W X + b) for a sparse X:
    //     Y[:, j] = f(b + sum_e value * W^T[index, :]).  b is padded like a row of W^T, or null.
    void (*sparseForward)(int m, int n, const float* WT, int ldw, const float* b,
                          const std::int32_t* count, const std::int32_t* index,
                          const float* value, int stride, float* Y, int ldy, KernelActivation f);
    // Rows p0..p1 of G^T = base + alpha (D X^T)^T, the transposed weight gradient (row stride
    // ldg; D m x n, column stride ldd, padded). X comes by pixel: pixel p is nonzero in count[p]
    // samples, entries[p * stride + e] (samples ascending), so
    //     G^T[p, :] = base + alpha sum_e value * D[:, sample]
    // base is padded like a row of G^T, or null (zero).
    void (*sparseWeightGradient)(int m, const float* D, int ldd, float alpha,
                                 const std::int32_t* count, const PixelEntry* entries, int stride,
                                 const float* base, float* GT, int ldg, int p0, int p1);
    // The lesson's per-sample step on one sparse sample's columns of W (m x k), kept as W^T:
    //     W^T[index_e, :] -= value_e * step   for e < count
    // (whole vectors of W^T's rows and of step, as above; step zero padded).
    void (*sparseStep)(int m, float* WT, int ldw, int count, const std::int32_t* index,
                       const float* value, const float* step);
    // The rest of the lesson's per-sample step once its hidden outputs h = sigmoid(h_input) are
    // known, for one hidden layer, sigmoid outputs, squared error, no biases (W: outputs x
    // hidden, row-major; outputs <= kMaxLessonOutputs):
    //     o = sigmoid(W h),  delta = (o - t) o (1 - o)   (t: lo, hi at label; delta is dE/do_input)
    //     step = lr * (W^T back) .* h (1 - h)            (with W as it was: the layer below's step)
    //     W -= lr * delta h^T
    // back is delta (the exact gradient) or, with passErrors, the lesson's o - t (-o_errors).
    // Writes o, delta (outputs) and step (hidden).
    void (*lessonOutputStep)(int outputs, int hidden, float* W, const float* h, int label,
                             float lo, float hi, float lr, bool passErrors, float* o, float* delta,
                             float* step);
    // B = A^T: A rows x cols row-major with row stride lda, B cols x rows with row stride ldb.
    void (*transpose)(int rows, int cols, const float* A, int lda, float* B, int ldb);
};

// The sparse kernels' rows (above): m floats read and written as paddedRow(m), m rounded up to a
// multiple of kRowAlign (one 64-byte line per 16 floats); threads split the m nodes at multiples
// of kRowAlign.
constexpr int kRowAlign = 16;
constexpr int paddedRow(int m) { return (m + kRowAlign - 1) / kRowAlign * kRowAlign; }

// What sparsePixels takes for a scaling. Every input is x = offset + v, with v = 0 for a blank
// pixel: v's formula (the scaling's without its offset) and its value for every byte.
struct PixelValues
{
    explicit PixelValues(Scaling scaling);
    float offset = 0;                // 0.01 for the lesson's scaling, else 0
    InputScale scale;                // table[b] = scaledPixel(b, scale)
    std::array<float, 256> table{};
};

// The table for this CPU, chosen once. NNLAB_ISA=sse2|avx2|avx512 in the environment forces one
// (a level the CPU lacks falls back to the best it has).
const KernelTable& kernels();
// Every table this CPU can run, best first (for tests that compare levels).
int availableKernelTables(const KernelTable** out, int capacity);

} // namespace nnlab::engine
