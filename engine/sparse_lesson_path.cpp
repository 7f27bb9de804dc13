// The lesson's per-sample SGD on sparse inputs: w_i_h kept as V + r 1^T, so each sample
// multiplies and updates only the columns of its nonzero pixels.
//
// Every input is x = c 1 + v: c = pixels.offset (0.01 for the lesson's scaling, 0 for x/255),
// v = 0 for a blank pixel (81% of MNIST's). One sample's step, s = l_r * h_delta (d[0] holds
// the gradient, so w_i_h -= s x^T is the lesson's w_i_h += l_r * h_step . input^T), is
//     w_i_h -= c s 1^T + s v^T
// a rank-one term along the all-ones vector and a term on the nonzero pixels' columns. With
//     w_i_h = V + r 1^T            (V: h_n x i_n, r: h_n)
// it is r -= c s and V -= s v^T (nonzero columns only), and the forward sum is
//     h_input = w_i_h x + b = V v + (1^T v) r + c (w_i_h 1) + b
// with the row sums w_i_h 1 moved by -(c i_n + 1^T v) s at every step. Per sample that is
// 2 x h_n x nnz multiply-adds (nnz: the nonzero pixels, 150 of 784 on average in MNIST) instead
// of the dense 2 x h_n x i_n. V is kept transposed (V^T: one row of h_n weights per pixel, the
// sparse kernels' layout).
#include "trainer_impl.h"

#include "loss.h"

#include <cmath>
#include <tuple>

namespace nnlab::engine {

using namespace trainer_detail;
using Clock = std::chrono::steady_clock;

// The lesson's per-sample SGD on up to kSparseLessonBlock samples, each seeing the weights as
// the sample before it left them. Blocks end at multiples of kSparseLessonBlock in the epoch
// (or after one sample for step(), or early when asked to stop); at each block's end r is
// folded into V, so V^T alone holds w_i_h^T there and a slice that ends there and the next
// one that reloads w_i_h go on with the same bits as one long slice. Progress is reported
// every kLessonBlock samples, as the dense path reports it; a progress callback that changes
// the weights, the batch size or the optimizer ends the block there.
std::size_t Trainer::runSparseLessonBlock(Clock::time_point deadline,
                                          const ContinueCallback& shouldContinue,
                                          bool mustRunOne, bool& stopped)
{
    if (!mustRunOne && ((shouldContinue && !shouldContinue()) || Clock::now() >= deadline)) {
        stopped = shouldContinue && !shouldContinue();
        return 0;
    }
    Impl& im = *m_impl;
    const KernelTable& k = kernels();
    const Architecture& arch = m_network.architecture();
    const int inputs = arch.inputs;
    const int rows0 = int(m_network.weights(0).rows());
    if (!im.lessonLoaded)
        loadSparseLesson();
    const int ldT = int(im.lessonVT.cols());
    const float c = im.pixels.offset;
    const std::size_t toBoundary = kSparseLessonBlock - m_cursor % kSparseLessonBlock;
    const int block = m_oneBatch ? 1
                                 : int(std::min<std::size_t>(toBoundary, m_order.size() - m_cursor));

    // The lesson's own network (one hidden layer of sigmoids, sigmoid outputs, squared error,
    // no biases) takes the fused kernel for its output layer; the same arithmetic as
    // sampleForwardBackward and updateLaterLayers up to the order of the sums.
    const bool fusedOutput = m_network.layerCount() == 2 && !arch.biases &&
                             layerActivation(arch, 0) == KernelActivation::Sigmoid &&
                             arch.output == Output::Sigmoid && arch.loss == Loss::SquaredError &&
                             arch.outputs <= kMaxLessonOutputs;
    int done = 0;
    while (done < block) {
        if (done > 0 && shouldContinue && !shouldContinue()) {
            stopped = true;
            break;
        }
        const std::size_t sample = m_order[m_cursor];
        const int label = m_train.labels[sample];
        // v: the sample's nonzero pixels, and 1^T v.
        const int count = k.sparsePixels(m_train.image(sample), inputs, im.pixels.table.data(),
                                         im.pixels.scale, im.lessonIndex.data(),
                                         im.lessonValue.data());
        const float sumV = Eigen::Map<const Eigen::ArrayXf>(im.lessonValue.data(), count).sum();
        // h_output = f(h_input), h_input = V v + (1^T v) r + c (w_i_h 1) + b, into a[0].
        im.lessonShift = c * im.lessonRowSum + sumV * im.lessonR;
        if (arch.biases)
            im.lessonShift.head(rows0) += m_network.bias(0);
        k.sparseForward(rows0, 1, im.lessonVT.data(), ldT, im.lessonShift.data(), &count,
                        im.lessonIndex.data(), im.lessonValue.data(), inputs, im.a[0].data(),
                        rows0, layerActivation(arch, 0));
        // The later layers, forward and back, their steps, and s = l_r * h_delta.
        const float lr = m_optimizer.settings().learningRate;
        double loss;
        bool correct;
        if (fusedOutput) {
            float* o = im.a[1].data();
            k.lessonOutputStep(arch.outputs, rows0, m_network.weights(1).data(), im.a[0].data(),
                               label, targetValue(arch, false), targetValue(arch, true), lr,
                               m_config.lessonErrors, o, im.d[1].data(), im.lessonStep.data());
            loss = outputLoss(arch, o, arch.outputs, label);
            correct = argmax(o, arch.outputs) == label;
        } else {
            std::tie(loss, correct) = sampleForwardBackward(label, true);
        }
        if (!std::isfinite(loss)) {
            m_diverged = true;
            return std::size_t(done);
        }
        if (!fusedOutput) {
            updateLaterLayers();
            im.lessonStep.head(rows0) = lr * Eigen::Map<const Vector>(im.d[0].data(), rows0);
        }
        // V -= s v^T, r -= c s, w_i_h 1 -= (c i_n + 1^T v) s, b -= s.
        k.sparseStep(rows0, im.lessonVT.data(), ldT, count, im.lessonIndex.data(),
                     im.lessonValue.data(), im.lessonStep.data());
        if (c != 0.0f)
            im.lessonR -= c * im.lessonStep;
        im.lessonRowSum -= (c * float(inputs) + sumV) * im.lessonStep;
        if (arch.biases)
            m_network.bias(0) -= im.lessonStep.head(rows0);
        im.lessonStale = true;
        countSamples(1, loss, correct);
        ++done;
        if (m_cursor % kLessonBlock == 0 && done < block) {
            reportIfDue(false);
            if (!im.lessonLoaded || !perSampleSgd())
                break;
        }
    }
    if (im.lessonLoaded)
        foldSparseLesson();
    return std::size_t(done);
}

// V^T = w_i_h^T, r = 0, and the row sums, from the network's weights.
void Trainer::loadSparseLesson()
{
    Impl& im = *m_impl;
    const Matrix& w = m_network.weights(0);
    const Eigen::Index rows0 = w.rows(), inputs = w.cols();
    const Eigen::Index ldT = paddedRow(int(rows0));
    reserveBatch(1);
    if (im.lessonVT.rows() != inputs || im.lessonVT.cols() != ldT) {
        im.lessonVT = Matrix::Zero(inputs, ldT); // the padding stays 0
        im.lessonR = im.lessonRowSum = im.lessonStep = im.lessonShift = Vector::Zero(ldT);
        im.lessonIndex.assign(std::size_t(inputs), 0);
        im.lessonValue.assign(std::size_t(inputs), 0.0f);
    }
    kernels().transpose(int(rows0), int(inputs), w.data(), int(inputs), im.lessonVT.data(),
                        int(ldT));
    im.lessonR.setZero();
    sumSparseLessonRows();
    im.lessonLoaded = true;
    im.lessonStale = false;
}

// w_i_h 1 = V 1 (r is 0 here): the sum of V^T's rows, pixel by pixel in one fixed order.
void Trainer::sumSparseLessonRows()
{
    Impl& im = *m_impl;
    im.lessonRowSum.setZero();
    for (Eigen::Index p = 0; p < im.lessonVT.rows(); ++p)
        im.lessonRowSum += im.lessonVT.row(p).transpose();
}

// V += r 1^T, r = 0: the same w_i_h, held by V alone; its row sums afresh, so their running
// updates never drift for more than a block. (r is 0 for inputs without an offset.)
void Trainer::foldSparseLesson()
{
    Impl& im = *m_impl;
    if ((im.lessonR.array() != 0.0f).any()) {
        im.lessonVT.rowwise() += im.lessonR.transpose();
        im.lessonR.setZero();
    }
    sumSparseLessonRows();
}

// The network's w_i_h = V + r 1^T, when the sparse path has moved V or r since it was written
// (between slices and whenever the weights are read: network(), snapshot(), state()).
void Trainer::syncFirstLayer() const
{
    Impl& im = *m_impl;
    if (!im.lessonStale)
        return;
    Matrix& w = m_network.weights(0);
    const int rows0 = int(w.rows()), inputs = int(w.cols());
    kernels().transpose(inputs, rows0, im.lessonVT.data(), int(im.lessonVT.cols()), w.data(),
                        inputs);
    if ((im.lessonR.array() != 0.0f).any())
        w.colwise() += im.lessonR.head(rows0);
    im.lessonStale = false;
}

// Back to the network's weights as the only copy: before another path trains, at the end of
// every slice.
void Trainer::leaveSparseLesson()
{
    syncFirstLayer();
    m_impl->lessonLoaded = false;
}

} // namespace nnlab::engine
