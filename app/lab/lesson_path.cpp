#include "lesson_path.h"

#include <algorithm>
#include <cmath>

namespace nnlab::app {

namespace engine = nnlab::engine;
using C = LessonConcept;
using engine::SweepKnob;

QString conceptName(LessonConcept c)
{
    static const char* const kNames[kLessonConceptCount] = {
        "nodes", "layers", "weights", "activation", "data", "input scaling", "target scaling",
        "initialisation", "feed-forward", "error", "back-propagation", "gradient descent",
        "learning rate", "epochs", "hidden nodes", "overfitting", "training-set size",
        "optimizers", "save and load", "deploy"};
    return QString::fromLatin1(kNames[int(c)]);
}

QString viewDockName(LessonView v)
{
    switch (v) {
    case LessonView::Curves: return {};
    case LessonView::Weights: return QStringLiteral("weightsDock");
    case LessonView::Inspector: return QStringLiteral("inspectorDock");
    case LessonView::Digits: return QStringLiteral("galleryDock");
    case LessonView::Sweep: return QStringLiteral("sweepDock");
    case LessonView::Draw: return QStringLiteral("drawDock");
    case LessonView::Network: return QStringLiteral("networkDock");
    }
    return {};
}

QString viewTitle(LessonView v)
{
    switch (v) {
    case LessonView::Curves: return QStringLiteral("Learning curves");
    case LessonView::Weights: return QStringLiteral("Weights");
    case LessonView::Inspector: return QStringLiteral("Step inspector");
    case LessonView::Digits: return QStringLiteral("Digits");
    case LessonView::Sweep: return QStringLiteral("Sweep");
    case LessonView::Draw: return QStringLiteral("Draw");
    case LessonView::Network: return QStringLiteral("Network");
    }
    return {};
}

double lessonSigmoid(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

namespace {

QString fixed(double x, int decimals = 2)
{
    return QString::number(x, 'f', decimals);
}

LessonCheck verdict(bool passed, const QString& sentence)
{
    return {passed, sentence};
}

const engine::LessonTrace* firstTrace(const LessonResult& r)
{
    return r.traces.empty() || r.traces[0].hiddenOutputs.empty() ? nullptr : &r.traces[0];
}

// h_output values a sigmoid has pressed flat against 0 or 1: above 0.99 or below 0.01.
int saturated(const engine::Vector& h)
{
    int n = 0;
    for (Eigen::Index i = 0; i < h.size(); ++i)
        n += h[i] > 0.99f || h[i] < 0.01f;
    return n;
}

int above(const engine::Vector& h, float limit)
{
    int n = 0;
    for (Eigen::Index i = 0; i < h.size(); ++i)
        n += h[i] > limit;
    return n;
}

// The summary of `value` in sweep `sweep`, or null.
const engine::SweepPointSummary* point(const LessonResult& r, std::size_t sweep, const std::string& value)
{
    if (sweep >= r.sweeps.size())
        return nullptr;
    for (const engine::SweepPointSummary& p : r.sweeps[sweep])
        if (p.value == value && p.runs > 0)
            return &p;
    return nullptr;
}

QString mean(const engine::SweepPointSummary& p)
{
    return fixed(p.testAccuracyMean, 3);
}

QString noSweep()
{
    return QStringLiteral("The sweep gave no finished runs to check.");
}

} // namespace

namespace lessonchecks {

LessonCheck toyNet(const LessonResult& r)
{
    const engine::LessonTrace* t = firstTrace(r);
    if (!t || r.layerSizes != std::vector<int>{3, 5, 2})
        return verdict(false, QStringLiteral("The toy net should be 3-5-2: 3 inputs, 5 hidden nodes, 2 outputs."));
    const engine::Vector& o = t->outputOutput;
    const bool inside = o.size() == 2 && o.minCoeff() > 0.0f && o.maxCoeff() < 1.0f &&
                        t->hiddenOutputs[0].size() == 5;
    return verdict(inside, QStringLiteral("w_i_h is 5 x 3 and w_h_o is 2 x 5: 25 weights. o_output is (%1, %2)%3")
                               .arg(fixed(o.size() > 0 ? o[0] : 0), fixed(o.size() > 1 ? o[1] : 0),
                                    inside ? QStringLiteral(", both between 0 and 1 as a sigmoid gives.")
                                           : QStringLiteral(": not two values between 0 and 1.")));
}

LessonCheck data(const LessonResult& r)
{
    if (r.pixels.empty() || int(r.pixels.size()) != r.rows * r.cols)
        return verdict(false, QStringLiteral("No image was read."));
    const auto [lo, hi] = std::minmax_element(r.pixels.begin(), r.pixels.end());
    const bool ok = r.rows == 28 && r.cols == 28 && r.label >= 0 && r.label <= 9 && *lo == 0 && *hi >= 250;
    return verdict(ok, QStringLiteral("Label %1, then %2 pixels (%3 x %4) from %5 to %6: %7 numbers on its CSV row.")
                           .arg(r.label)
                           .arg(r.pixels.size())
                           .arg(r.rows)
                           .arg(r.cols)
                           .arg(int(*lo))
                           .arg(int(*hi))
                           .arg(r.pixels.size() + 1));
}

LessonCheck rawFeedForward(const LessonResult& r)
{
    const engine::LessonTrace* t = firstTrace(r);
    if (!t)
        return verdict(false, QStringLiteral("No feed-forward was run."));
    const engine::Vector& h = t->hiddenOutputs[0];
    const int n = above(h, 0.99f);
    return verdict(n == h.size() && h.size() > 0,
                   QStringLiteral("%1 h_output is above 0.99: %2 of %3.")
                       .arg(n == h.size() ? QStringLiteral("Every") : QStringLiteral("Not every"))
                       .arg(n)
                       .arg(h.size()));
}

LessonCheck whyItFails(const LessonResult& r)
{
    const engine::LessonTrace* t = firstTrace(r);
    if (!t)
        return verdict(false, QStringLiteral("No feed-forward was run."));
    const engine::Vector& h = t->hiddenInputs[0];
    const double lo = h.minCoeff();
    // Beyond 5 the sigmoid is flat: sigmoid(5) = 0.9933, and every larger h_input gives nearly 1.
    return verdict(lo > 5.0, QStringLiteral("The smallest h_input is %1, the largest %2: %3")
                                 .arg(fixed(lo, 1), fixed(h.maxCoeff(), 1),
                                      lo > 5.0 ? QStringLiteral("all far right of 5, where the sigmoid is flat at 1.")
                                               : QStringLiteral("some are where the sigmoid still bends.")));
}

LessonCheck scaling(const LessonResult& r)
{
    const engine::LessonTrace* t = firstTrace(r);
    if (!t)
        return verdict(false, QStringLiteral("No feed-forward was run."));
    const float lo = t->input.minCoeff(), hi = t->input.maxCoeff();
    const float tLo = t->target.minCoeff(), tHi = t->target.maxCoeff();
    const engine::Vector& h = t->hiddenOutputs[0];
    const int flat = saturated(h);
    const bool ok = lo >= 0.0099f && hi <= 1.0001f && std::abs(tLo - 0.01f) < 1e-6f &&
                    std::abs(tHi - 0.99f) < 1e-6f && flat * 10 < h.size();
    return verdict(ok, QStringLiteral("Inputs from %1 to %2, targets %3 and %4; %5 of %6 h_output pressed against 0 or 1 "
                                      "(h_output from %7 to %8).")
                           .arg(fixed(lo), fixed(hi), fixed(tLo), fixed(tHi))
                           .arg(flat)
                           .arg(h.size())
                           .arg(fixed(h.minCoeff()), fixed(h.maxCoeff())));
}

LessonCheck initialisation(const LessonResult& r)
{
    // traces[0]: rand (0..1), [1]: rand - 0.5, [2]: N(0, h_n^-0.5), all on scaled inputs.
    if (r.traces.size() != 3)
        return verdict(false, QStringLiteral("Three feed-forwards were expected: rand, rand - 0.5 and N(0, h_n^-0.5)."));
    int flat[3];
    for (int i = 0; i < 3; ++i)
        flat[i] = saturated(r.traces[std::size_t(i)].hiddenOutputs[0]);
    const int n = int(r.traces[0].hiddenOutputs[0].size());
    const bool ok = flat[0] * 10 >= n * 9 && flat[2] * 20 <= n && flat[2] <= flat[1];
    return verdict(ok, QStringLiteral("h_output pressed against 0 or 1: rand %1 of %4, rand - 0.5 %2, N(0, h_n^-0.5) %3.")
                           .arg(flat[0])
                           .arg(flat[1])
                           .arg(flat[2])
                           .arg(n));
}

LessonCheck firstErrors(const LessonResult& r)
{
    const engine::LessonTrace* t = firstTrace(r);
    if (!t || t->label < 0 || t->label >= t->outputErrors.size())
        return verdict(false, QStringLiteral("No errors were computed."));
    const engine::Vector& e = t->outputErrors;
    const float own = e[t->label];
    int negative = 0;
    for (Eigen::Index i = 0; i < e.size(); ++i)
        negative += i != t->label && e[i] < 0.0f;
    const bool ok = own > 0.0f && negative >= int(e.size()) - 2;
    return verdict(ok, QStringLiteral("o_errors for the %1 is %2 (target %3, o_output %4); %5 of the other %6 are negative.")
                           .arg(t->label)
                           .arg(QString::asprintf("%+.2f", double(own)), fixed(t->target[t->label]),
                                fixed(t->outputOutput[t->label]))
                           .arg(negative)
                           .arg(e.size() - 1));
}

LessonCheck backpropagation(const LessonResult& r)
{
    const engine::LessonTrace* t = firstTrace(r);
    if (!t || t->hiddenErrors.empty())
        return verdict(false, QStringLiteral("No errors were sent back."));
    const engine::Vector& h = t->hiddenErrors[0];
    Eigen::Index at = 0;
    const float largest = h.size() > 0 ? h.cwiseAbs().maxCoeff(&at) : 0.0f;
    const bool ok = h.size() == t->hiddenOutputs[0].size() && h.allFinite() && largest > 0.0f &&
                    t->outputErrors.size() == t->outputOutput.size();
    return verdict(ok, QStringLiteral("%1 h_errors from %2 o_errors, one per hidden node; the largest is %3 at node %4.")
                           .arg(h.size())
                           .arg(t->outputErrors.size())
                           .arg(QString::asprintf("%+.2f", h.size() > 0 ? double(h[at]) : 0.0))
                           .arg(at));
}

LessonCheck gradientStep(const LessonResult& r)
{
    if (r.traces.size() != 2 || r.traces[0].label < 0)
        return verdict(false, QStringLiteral("The step needs the values before and after it."));
    const engine::LessonTrace& before = r.traces[0];
    const engine::LessonTrace& after = r.traces[1];
    const int k = before.label;
    const double e0 = 0.5 * double(before.outputErrors.squaredNorm());
    const double e1 = 0.5 * double(after.outputErrors.squaredNorm());
    const bool ok = after.outputOutput[k] > before.outputOutput[k] && e1 < e0;
    return verdict(ok, QStringLiteral("o_output for the %1 went from %2 to %3 in one step with l_r %4; "
                                      "the error 1/2 sum o_errors^2 from %5 to %6.")
                           .arg(k)
                           .arg(fixed(before.outputOutput[k], 3), fixed(after.outputOutput[k], 3))
                           .arg(double(r.learningRate))
                           .arg(fixed(e0, 3), fixed(e1, 3)));
}

LessonCheck learningRate(const LessonResult& r)
{
    if (r.sweeps.empty() || r.sweeps[0].size() < 3)
        return verdict(false, noSweep());
    const auto& s = r.sweeps[0];
    const auto best = std::max_element(s.begin(), s.end(), [](const auto& a, const auto& b) {
        return a.testAccuracyMean < b.testAccuracyMean;
    });
    QStringList means;
    for (const engine::SweepPointSummary& p : s)
        means << QStringLiteral("l_r %1: %2").arg(QString::fromStdString(p.value), mean(p));
    // Too small hardly moves in 5 epochs, too large overshoots: both ends far below the best.
    const double b = best->testAccuracyMean;
    const bool ok = best != s.begin() && best != s.end() - 1 && s.front().testAccuracyMean < b - 0.2 &&
                    s.back().testAccuracyMean < b - 0.2;
    return verdict(ok, QStringLiteral("Mean test accuracy: %1. Best at l_r %2%3")
                           .arg(means.join(QStringLiteral(", ")), QString::fromStdString(best->value),
                                ok ? QStringLiteral("; the smallest l_r hardly moves, the largest overshoots.")
                                   : QStringLiteral(", not what the lesson found.")));
}

LessonCheck first100(const LessonResult& r)
{
    const engine::SweepPointSummary* p = point(r, 0, "1");
    if (!p)
        return verdict(false, noSweep());
    const bool ok = std::abs(p->testAccuracyMean - 0.6) <= 0.06;
    return verdict(ok, QStringLiteral("Mean test accuracy over %1 seeds: %2 (from %3 to %4); the lesson: about 0.6.")
                           .arg(p->runs)
                           .arg(mean(*p), fixed(p->testAccuracyMin, 3), fixed(p->testAccuracyMax, 3)));
}

LessonCheck epochs(const LessonResult& r)
{
    const engine::SweepPointSummary* one = point(r, 0, "1");
    const engine::SweepPointSummary* five = point(r, 0, "5");
    if (!one || !five)
        return verdict(false, noSweep());
    const bool ok = five->testAccuracyMean > one->testAccuracyMean + 0.03;
    return verdict(ok, QStringLiteral("Mean test accuracy: 1 epoch %1, 5 epochs %2 (the lesson, one run each: 0.40 and 0.69).")
                           .arg(mean(*one), mean(*five)));
}

LessonCheck hiddenNodes(const LessonResult& r)
{
    const engine::SweepPointSummary* small = point(r, 0, "90");
    const engine::SweepPointSummary* big = point(r, 0, "150");
    if (!small || !big)
        return verdict(false, noSweep());
    const double gap = big->trainAccuracyMean - big->testAccuracyMean;
    const bool ok = gap >= 0.2;
    return verdict(ok, QStringLiteral("Test accuracy: 90 hidden nodes %1, 150 %2. With 150, training accuracy %3 against "
                                      "test %2: %4")
                           .arg(mean(*small), mean(*big), fixed(big->trainAccuracyMean, 3),
                                ok ? QStringLiteral("the net learned its 100 images, not digits (overfitting).")
                                   : QStringLiteral("no clear gap.")));
}

LessonCheck allImages(const LessonResult& r)
{
    const engine::SweepPointSummary* few = point(r, 0, "100");
    const engine::SweepPointSummary* all = point(r, 0, "60000");
    if (!few || !all)
        return verdict(false, noSweep());
    const bool ok = std::abs(all->testAccuracyMean - 0.96) <= 0.015 && all->testAccuracyMean > few->testAccuracyMean;
    return verdict(ok, QStringLiteral("2 epochs on all 60,000 images: %1 (the lesson: about 0.96); on the first 100: %2.")
                           .arg(mean(*all), mean(*few)));
}

LessonCheck optimizers(const LessonResult& r)
{
    if (r.sweeps.size() != 2 || r.sweeps[0].empty() || r.sweeps[1].empty() || r.sweeps[0][0].runs == 0 ||
        r.sweeps[1][0].runs == 0)
        return verdict(false, noSweep());
    const engine::SweepPointSummary& sgd = r.sweeps[0][0];
    const engine::SweepPointSummary& rms = r.sweeps[1][0];
    const bool ok = std::abs(sgd.testAccuracyMean - 0.88) <= 0.02 && std::abs(rms.testAccuracyMean - 0.964) <= 0.01;
    return verdict(ok, QStringLiteral("After 5 epochs: SGD %1, RMSprop %2 (the lesson's Keras: 0.880 and 0.964).")
                           .arg(mean(sgd), mean(rms)));
}

LessonCheck saveLoad(const LessonResult& r)
{
    if (!r.testAccuracy || !r.loadedAccuracy)
        return verdict(false, QStringLiteral("The model was not saved and loaded."));
    const bool ok = r.sameWeights && *r.testAccuracy == *r.loadedAccuracy;
    return verdict(ok, QStringLiteral("Test accuracy %1 before saving and %2 after loading (%3 bytes); %4")
                           .arg(fixed(*r.testAccuracy, 4), fixed(*r.loadedAccuracy, 4))
                           .arg(r.fileBytes)
                           .arg(r.sameWeights ? QStringLiteral("every weight came back.")
                                              : QStringLiteral("the weights differ.")));
}

LessonCheck serve(const LessonResult& r)
{
    if (r.servedDigit < 0 || r.windowDigit < 0)
        return verdict(false, QStringLiteral("nnlab-serve's handler gave no digit."));
    const bool ok = r.servedDigit == r.windowDigit;
    return verdict(ok, QStringLiteral("nnlab-serve answers %1 for the first test image, the window %2 (its label: %3).")
                           .arg(r.servedDigit)
                           .arg(r.windowDigit)
                           .arg(r.servedLabel));
}

} // namespace lessonchecks

namespace {

LessonQuestion ask(QString text, QStringList choices, int right, QString why)
{
    return {std::move(text), std::move(choices), right, std::move(why)};
}

LessonRun feedForward(std::vector<engine::Init> inits = {})
{
    LessonRun r;
    r.kind = LessonRunKind::FeedForward;
    r.inits = std::move(inits);
    return r;
}

LessonRun sweeps(std::vector<LessonSweep> list)
{
    LessonRun r;
    r.kind = LessonRunKind::Sweeps;
    r.sweeps = std::move(list);
    return r;
}

LessonRun ofKind(LessonRunKind kind)
{
    LessonRun r;
    r.kind = kind;
    return r;
}

std::vector<LessonStep> makeSteps()
{
    namespace k = lessonchecks;
    std::vector<LessonStep> s;

    LessonRun toy = feedForward();
    toy.toyNet = true;
    s.push_back({"toy-net", "Nodes, layers and weights",
                 "A network is layers of nodes. The lesson's toy net has 3 input nodes, 5 hidden and 2 output "
                 "nodes; every node is linked to every node of the next layer by a weight. The weights between "
                 "two layers form a matrix, receiving nodes by sending nodes. Each node passes its weighted sum "
                 "through the sigmoid, its activation.",
                 {C::Nodes, C::Layers, C::Weights, C::Activation}, "lesson", LessonData::All, LessonView::Network,
                 ask("How many weights link the 3 inputs to the 5 hidden nodes?", {"8", "15", "5"}, 1,
                     "One weight per pair: 5 receiving x 3 sending, a 5 x 3 matrix w_i_h."),
                 toy, &k::toyNet});

    s.push_back({"data", "The data: a digit as numbers",
                 "MNIST holds 70,000 handwritten digits of 28 x 28 pixels. The lesson reads them as CSV: each "
                 "row is the label, then the 784 pixels from 0 (background) to 255 (full ink), row by row. The "
                 "Digits view shows the images; the step inspector shows one of them.",
                 {C::Data}, "lesson-100", LessonData::First100, LessonView::Inspector,
                 ask("How many numbers are on one CSV row?", {"784", "785", "28"}, 1,
                     "The label first, then 28 x 28 = 784 pixels."),
                 ofKind(LessonRunKind::ShowDigit), &k::data});

    // The lesson's first, broken attempt (issue 14 point 2: raw inputs, rand weights).
    s.push_back({"raw-feed-forward", "The first feed-forward: raw pixels, rand weights",
                 "The lesson's first try feeds the raw pixels, 0 to 255, through weights drawn by np.random.rand, "
                 "all between 0 and 1. Feed-forward: h_input = w_i_h . input, h_output = sigmoid(h_input), then the "
                 "same again to o_output.",
                 {C::FeedForward, C::Weights}, "lesson-first-attempt", LessonData::First100, LessonView::Network,
                 ask("What will h_output look like?",
                     {"Spread between 0 and 1", "All close to 1", "All close to 0"}, 1,
                     "Hundreds of positive pixels times positive weights give huge sums; the sigmoid of a huge sum is 1."),
                 feedForward(), &k::rawFeedForward});

    s.push_back({"why-it-fails", "Why it fails: the flat sigmoid",
                 "The sigmoid changes only between about -5 and 5; beyond, it is flat at 0 or 1. Look where this "
                 "digit's h_input values land on the curve: a node whose output is 1 whatever the input tells the "
                 "next layer nothing, and its slope, close to 0, lets it learn nothing.",
                 {C::Activation, C::FeedForward}, "lesson-first-attempt", LessonData::First100, LessonView::Inspector,
                 ask("Where are this digit's h_input values?",
                     {"Between -5 and 5", "Around 10", "In the hundreds or more"}, 2,
                     "Sums of up to 784 pixels of 255 times weights near 0.5: thousands."),
                 feedForward(), &k::whyItFails});

    s.push_back({"scaling", "Scaling inputs and targets",
                 "The lesson scales each pixel to x / 255 * 0.99 + 0.01: between 0.01 and 1, never 0, since a 0 "
                 "input stops the weights behind it from learning. Targets become 0.01 and 0.99, because a "
                 "sigmoid never reaches 0 or 1. With the lesson's centred weights, N(0, h_n^-0.5), h_output now spreads out.",
                 {C::InputScaling, C::TargetScaling, C::Initialisation}, "lesson", LessonData::All, LessonView::Inspector,
                 ask("Between which values are the scaled inputs?", {"0 and 255", "0.01 and 1", "-1 and 1"}, 1,
                     "x / 255 lies in 0..1; times 0.99 plus 0.01 gives 0.01..1."),
                 feedForward(), &k::scaling});

    s.push_back({"initialisation", "Initialising the weights",
                 "Weights from rand are all positive, but links can work against a class too. rand - 0.5 centres "
                 "them on 0; the lesson's choice, a normal distribution N(0, h_n^-0.5), also narrows them as "
                 "layers grow. Run feeds this digit, scaled, through all three.",
                 {C::Initialisation}, "lesson", LessonData::All, LessonView::Inspector,
                 ask("Which start leaves the fewest h_output stuck at 0 or 1?",
                     {"rand", "rand - 0.5", "N(0, h_n^-0.5)"}, 2,
                     "Centred and narrow: the sums stay where the sigmoid still bends."),
                 feedForward({engine::Init::Rand, engine::Init::RandCentered, engine::Init::Lesson}),
                 &k::initialisation});

    s.push_back({"first-errors", "The first errors",
                 "Before any training the output is a guess. Its errors are o_errors = target - o_output: positive "
                 "where the output should rise (the true digit, target 0.99), negative where it should fall "
                 "(the others, target 0.01).",
                 {C::Error, C::FeedForward}, "lesson", LessonData::All, LessonView::Inspector,
                 ask("Before training, which o_errors is positive?",
                     {"The true digit's", "All of them", "None"}, 0,
                     "Only the true digit's target, 0.99, is above a fresh o_output."),
                 feedForward(), &k::firstErrors});

    s.push_back({"backpropagation", "Back-propagating the errors",
                 "Each hidden node shares in the output errors through the weights that link them: "
                 "h_errors = w_h_o^T . o_errors. A strong link carries a large share of the blame back. The "
                 "Network view steps through it: o_errors, what each link carries back, their sums.",
                 {C::Backpropagation}, "lesson", LessonData::All, LessonView::Network,
                 ask("How many h_errors does the 784-90-10 net have?", {"10", "90", "784"}, 1,
                     "One per hidden node: w_h_o^T is 90 x 10, o_errors has 10."),
                 feedForward(), &k::backpropagation});

    s.push_back({"gradient-step", "One step of gradient descent",
                 "Gradient descent moves every weight a little downhill on the error: "
                 "w_h_o += l_r * (o_errors * o_output * (1 - o_output)) . h_output^T, and likewise w_i_h with "
                 "h_errors. Run takes one such step on this digit and feeds it forward again.",
                 {C::GradientDescent, C::LearningRate}, "lesson", LessonData::All, LessonView::Inspector,
                 ask("After one step on this 5, its o_output for 5 will…", {"rise", "fall", "stay the same"}, 0,
                     "The step moves the weights so that this output comes closer to its target 0.99."),
                 ofKind(LessonRunKind::OneStep), &k::gradientStep});

    s.push_back({"learning-rate", "The learning rate",
                 "l_r scales each step. Too large and each image overwrites what the last one taught; too small "
                 "and the net hardly moves. Run trains the first 100 images for 5 epochs at l_r from 0.001 to 10, "
                 "from two random starts each, and plots the test accuracy.",
                 {C::LearningRate}, "lesson-100", LessonData::First100, LessonView::Sweep,
                 ask("Which l_r learns best in 5 epochs?", {"0.001", "0.1 to 1", "10"}, 1,
                     "0.001 hardly moves the weights in 500 steps; 10 overshoots and pins the sigmoids at 0 or 1."),
                 sweeps({{"lesson-100", SweepKnob::LearningRate, "0.001,0.01,0.1,1,10", "1:2"}}), &k::learningRate});

    s.push_back({"first-100", "Training on the first 100 images",
                 "Training repeats feed-forward, errors and update for every image. The lesson trains on its "
                 "first 100 images once, l_r 0.3, then tests on images it never saw (here all 10,000 test "
                 "images, so that the figure is steady). Run does so from five random starts.",
                 {C::FeedForward, C::GradientDescent, C::TrainingSetSize}, "lesson-100", LessonData::First100,
                 LessonView::Sweep,
                 ask("What test accuracy will one pass over 100 images give?", {"About 0.1", "About 0.6", "About 0.95"},
                     1, "Far better than guessing (0.1), far from good: 100 images are few."),
                 sweeps({{"lesson-100", SweepKnob::Epochs, "1", "1:5"}}), &k::first100});

    s.push_back({"epochs", "Epochs: the same images again",
                 "Can we do better? One epoch is one pass over the training set. Going over the same 100 images "
                 "5 times lets the weights settle further. Run compares 1 and 5 epochs, five random starts each.",
                 {C::Epochs}, "lesson-100", LessonData::First100, LessonView::Sweep,
                 ask("Will 5 epochs beat 1 on the test images?", {"Yes", "No, the same", "No, worse"}, 0,
                     "The lesson's run went from 0.40 to 0.69."),
                 sweeps({{"lesson-100", SweepKnob::Epochs, "1,5", "1:5"}}), &k::epochs});

    s.push_back({"hidden-nodes", "More hidden nodes, and overfitting",
                 "The lesson tries 150 hidden nodes instead of 90. More nodes can fit the training images ever "
                 "better, yet generalise worse: overfitting, learning the 100 images rather than digits. Watch the "
                 "dashed training accuracy against the test accuracy.",
                 {C::HiddenNodes, C::Overfitting}, "lesson-100", LessonData::First100, LessonView::Sweep,
                 ask("After 5 epochs on 100 images, training accuracy is…",
                     {"far above test accuracy", "about the same", "below it"}, 0,
                     "The net has seen these 100 images five times; the test images never."),
                 sweeps({{"lesson-100", SweepKnob::HiddenNodes, "90,150", "1:5"}}), &k::hiddenNodes});

    s.push_back({"all-images", "All 60,000 images",
                 "Another way to do better: more data. The lesson's full run trains 2 epochs on all 60,000 images "
                 "at l_r 0.1. Run compares it with the first 100 images, same settings.",
                 {C::TrainingSetSize}, "lesson", LessonData::All, LessonView::Sweep,
                 ask("What test accuracy will 60,000 images give?", {"About 0.7", "About 0.96", "1.0"}, 1,
                     "The lesson: more than 90 %; nnlab and numpy get about 0.96."),
                 sweeps({{"lesson", SweepKnob::TrainingImages, "100,60000", "1"}}), &k::allImages});

    s.push_back({"optimizers", "Keras: SGD against RMSprop",
                 "The lesson rebuilds the net in Keras: ReLU hidden nodes, softmax outputs, batches of 200. Plain "
                 "SGD reaches 0.88 in 5 epochs; RMSprop, which scales each weight's step by its recent gradients, "
                 "0.96. Run trains both.",
                 {C::Optimizers}, "keras-sgd", LessonData::All, LessonView::Sweep,
                 ask("Which optimizer ends higher after 5 epochs?", {"SGD", "RMSprop", "The same"}, 1,
                     "RMSprop adapts each weight's step size."),
                 sweeps({{"keras-sgd", SweepKnob::Epochs, "5", "1"}, {"keras-rmsprop", SweepKnob::Epochs, "5", "1"}}),
                 &k::optimizers});

    s.push_back({"save-load", "Saving and loading a model",
                 "A trained net is its weights. Saving writes them to a file; loading reads them back, and the "
                 "loaded net must answer exactly as the saved one. Run trains in the window, saves, loads and "
                 "tests both.",
                 {C::SaveLoad}, "lesson-100", LessonData::First100, LessonView::Curves,
                 ask("After loading, the test accuracy will be…", {"the same", "a little lower", "random"}, 0,
                     "The file holds every weight exactly."),
                 ofKind(LessonRunKind::SaveLoad), &k::saveLoad});

    s.push_back({"serve", "Serving the model",
                 "To deploy a model, nnlab-serve answers requests over HTTP: POST /predict with 784 pixels returns "
                 "the digit. Run trains in the window and asks nnlab-serve's handler about the first test image, "
                 "as a client would (nnlab-serve --model your.nnlab).",
                 {C::Deploy}, "lesson-100", LessonData::First100, LessonView::Draw,
                 ask("Will the server answer as the window does?", {"Yes", "No"}, 0,
                     "The same weights and the same feed-forward."),
                 ofKind(LessonRunKind::Serve), &k::serve});
    return s;
}

} // namespace

const std::vector<LessonStep>& lessonSteps()
{
    static const std::vector<LessonStep> steps = makeSteps();
    return steps;
}

const LessonStep* findLessonStep(const QString& id)
{
    const int i = lessonStepIndex(id);
    return i < 0 ? nullptr : &lessonSteps()[std::size_t(i)];
}

int lessonStepIndex(const QString& id)
{
    const auto& s = lessonSteps();
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i].id == id)
            return int(i);
    return -1;
}

} // namespace nnlab::app
