// The floor under a mini-batch epoch: only the matrix products of keras-sgd (784-90-10, batch
// 200, 300 batches), split across threads exactly as the trainer splits them, inputs in cache.
// Usage: bench_gemm_bound [threads]
#include "engine/kernels.h"
#include "engine/thread_pool.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
using namespace nnlab::engine;
int main(int argc, char** argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    const auto& k = kernels(); ThreadPool pool(threads);
    const int n = 200, in = 784, h = 90, o = 10;
    std::vector<float> W(h*in, 0.01f), X(in*n, 0.5f), A(h*n), D(h*n, 0.1f), G(h*in), W2(o*h, 0.1f), A2(o*n), D2(o*n, 0.1f), G2(o*h);
    for (int rep = 0; rep < 3; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (int b = 0; b < 300; ++b) {
        pool.parallelRanges(n, 8, [&](std::int64_t c0, std::int64_t c1){ k.forward(h, int(c1-c0), in, W.data(), nullptr, X.data()+c0*in, A.data()+c0*h, KernelActivation::ReLU); });
        k.forward(o, n, h, W2.data(), nullptr, A.data(), A2.data(), KernelActivation::Identity);
        k.backward(o, n, h, W2.data(), D2.data(), A.data(), D.data(), KernelActivation::ReLU);
        pool.parallelRanges(in, 16, [&](std::int64_t c0, std::int64_t c1){ k.gemm(false, true, int(c1-c0), h, n, 0.005f, X.data()+c0, in, D.data(), h, 0.0f, G.data()+c0, in); });
        pool.parallelRanges(h*in, 64, [&](std::int64_t e0, std::int64_t e1){ k.sgd(W.data()+e0, G.data()+e0, e1-e0, 1e-9f); });
    }
    printf("threads %d: %.3f s per 300 batches\n", threads, std::chrono::duration<double>(std::chrono::steady_clock::now()-t0).count());
    }
}
