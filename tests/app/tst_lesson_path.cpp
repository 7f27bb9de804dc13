// The lesson's path as data (app/lab/lesson_path.h, issue 14): every concept of the lesson is
// reached by a step, every step is complete (a preset that exists, a question with its answer
// among the choices, a check, at most about 60 words), and each check, fed hand-made results,
// passes what matches the lesson's figure and fails what does not. The hand-made figures are the
// lesson's own printed arrays and the measurements in docs/BENCHMARKS.md.
#include "app/lab/lesson_path.h"

#include "engine/presets.h"

#include <QtTest>

#include <set>

using namespace nnlab;
using app::LessonCheck;
using app::LessonResult;
namespace checks = app::lessonchecks;

namespace {

engine::Vector vec(std::initializer_list<float> values)
{
    engine::Vector v(Eigen::Index(values.size()));
    Eigen::Index i = 0;
    for (const float x : values)
        v[i++] = x;
    return v;
}

engine::Vector filled(int n, float value)
{
    return engine::Vector::Constant(n, value);
}

double sigmoid(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

// A trace with `hInput` as h_input (and its sigmoid as h_output), `oOutput` as o_output, the
// lesson's targets for `label` and o_errors = target - o_output.
engine::LessonTrace trace(const engine::Vector& hInput, const engine::Vector& oOutput, int label)
{
    engine::LessonTrace t;
    t.hiddenInputs = {hInput};
    t.hiddenOutputs = {hInput.unaryExpr([](float x) { return float(sigmoid(x)); })};
    t.outputOutput = oOutput;
    t.target = filled(int(oOutput.size()), 0.01f);
    t.target[label] = 0.99f;
    t.outputErrors = t.target - oOutput;
    t.label = label;
    t.input = filled(784, 0.01f);
    return t;
}

// The lesson's o_output for its first digit (a 3) after the good-practice start, as it prints it.
engine::Vector lessonOutput()
{
    return vec({0.07373055f, 0.14887152f, 0.96694188f, 0.70200766f, 0.24295729f, 0.22478192f, 0.75462671f,
                0.66361842f, 0.37623992f, 0.47408493f});
}

engine::SweepPointSummary summary(const std::string& value, double testMean, double trainMean = 0, int runs = 5)
{
    engine::SweepPointSummary p;
    p.value = value;
    p.runs = runs;
    p.testAccuracyMean = p.testAccuracyMin = p.testAccuracyMax = testMean;
    p.trainAccuracyMean = trainMean;
    return p;
}

LessonResult sweepResult(std::vector<engine::SweepPointSummary> points)
{
    LessonResult r;
    r.sweeps.push_back(std::move(points));
    return r;
}

} // namespace

class TestLessonPath : public QObject
{
    Q_OBJECT

private slots:
    void everyConceptIsReached()
    {
        std::set<app::LessonConcept> reached;
        for (const app::LessonStep& s : app::lessonSteps())
            reached.insert(s.concepts.begin(), s.concepts.end());
        for (int c = 0; c < app::kLessonConceptCount; ++c)
            QVERIFY2(reached.count(app::LessonConcept(c)), qPrintable(app::conceptName(app::LessonConcept(c))));
    }

    void everyStepIsComplete()
    {
        std::set<QString> ids;
        QVERIFY(app::lessonSteps().size() >= 14);
        for (const app::LessonStep& s : app::lessonSteps()) {
            QVERIFY2(ids.insert(s.id).second, qPrintable(s.id));
            QVERIFY2(engine::findPreset(s.preset.toStdString()), qPrintable(s.id));
            QVERIFY2(s.text.split(QLatin1Char(' '), Qt::SkipEmptyParts).size() <= 62, qPrintable(s.id));
            QVERIFY2(s.question.choices.size() >= 2, qPrintable(s.id));
            QVERIFY2(s.question.right >= 0 && s.question.right < s.question.choices.size(), qPrintable(s.id));
            QVERIFY2(!s.question.why.isEmpty(), qPrintable(s.id));
            QVERIFY2(s.check != nullptr, qPrintable(s.id));
            QVERIFY2(!s.concepts.empty(), qPrintable(s.id));
            for (const app::LessonSweep& w : s.run.sweeps)
                QVERIFY2(engine::findPreset(w.preset.toStdString()), qPrintable(s.id));
            QCOMPARE(app::lessonStepIndex(s.id), int(&s - app::lessonSteps().data()));
        }
        QVERIFY(!app::findLessonStep(QStringLiteral("no-such-step")));
    }

    // The lesson's order: the toy net first, the data, ..., serving last.
    void stepsFollowTheLesson()
    {
        QStringList order{"toy-net", "data", "scaling", "first-errors", "backpropagation", "gradient-step",
                          "learning-rate", "first-100", "epochs", "hidden-nodes", "all-images", "optimizers",
                          "save-load", "serve"};
        int last = -1;
        for (const QString& id : order) {
            const int i = app::lessonStepIndex(id);
            QVERIFY2(i > last, qPrintable(id));
            last = i;
        }
    }

    // The first feed-forward and back-propagation are drawn on the network (issue 15); every
    // step's view is a dock of the window, or the curves.
    void networkViewSteps()
    {
        QCOMPARE(app::viewDockName(app::LessonView::Network), QStringLiteral("networkDock"));
        QCOMPARE(app::viewTitle(app::LessonView::Network), QStringLiteral("Network"));
        for (const char* id : {"toy-net", "raw-feed-forward", "backpropagation"})
            QVERIFY2(app::findLessonStep(QLatin1String(id))->view == app::LessonView::Network, id);
        QVERIFY(app::findLessonStep(QStringLiteral("backpropagation"))->text.contains(QStringLiteral("Network view")));
        for (const app::LessonStep& s : app::lessonSteps())
            QVERIFY2(s.view == app::LessonView::Curves || !app::viewDockName(s.view).isEmpty(), qPrintable(s.id));
    }

    void toyNet()
    {
        LessonResult r;
        r.layerSizes = {3, 5, 2};
        r.traces = {trace(vec({0.1f, -0.4f, 0.3f, 0.9f, -1.2f}), vec({0.62f, 0.71f}), 0)};
        const LessonCheck ok = checks::toyNet(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("(0.62, 0.71)")), qPrintable(ok.sentence));
        r.layerSizes = {784, 90, 10};
        QVERIFY(!checks::toyNet(r).passed);
        QVERIFY(!checks::toyNet(LessonResult{}).passed);
    }

    void data()
    {
        LessonResult r;
        r.label = 5;
        r.rows = r.cols = 28;
        r.pixels.assign(784, 0);
        r.pixels[300] = 255;
        const LessonCheck ok = checks::data(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("785 numbers")), qPrintable(ok.sentence));
        r.pixels[300] = 100; // no full ink: not a digit of MNIST
        QVERIFY(!checks::data(r).passed);
        r.pixels.resize(10);
        QVERIFY(!checks::data(r).passed);
    }

    void rawFeedForward()
    {
        LessonResult r;
        r.traces = {trace(filled(90, 2000.0f), lessonOutput(), 3)};
        const LessonCheck ok = checks::rawFeedForward(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("90 of 90")), qPrintable(ok.sentence));
        r.traces[0].hiddenOutputs[0][7] = 0.5f;
        const LessonCheck bad = checks::rawFeedForward(r);
        QVERIFY(!bad.passed);
        QVERIFY2(bad.sentence.contains(QLatin1String("89 of 90")), qPrintable(bad.sentence));
    }

    void whyItFails()
    {
        engine::Vector h = filled(90, 3000.0f);
        h[0] = 812.5f;
        LessonResult r;
        r.traces = {trace(h, lessonOutput(), 3)};
        const LessonCheck ok = checks::whyItFails(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("812.5")), qPrintable(ok.sentence));
        r.traces[0].hiddenInputs[0][1] = 1.5f; // where the sigmoid still bends
        QVERIFY(!checks::whyItFails(r).passed);
    }

    void scaling()
    {
        // sigmoid(-1.4) = 0.198, sigmoid(1.6) = 0.832: none against 0 or 1.
        engine::Vector h = filled(90, 0.2f);
        h[0] = -1.4f;
        h[1] = 1.6f;
        LessonResult r;
        r.traces = {trace(h, lessonOutput(), 3)};
        r.traces[0].input[100] = 1.0f;
        const LessonCheck ok = checks::scaling(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("0 of 90")) && ok.sentence.contains(QLatin1String("0.20 to 0.83")),
                 qPrintable(ok.sentence));
        LessonResult raw = r;
        raw.traces[0].input[100] = 255.0f; // an input left unscaled
        QVERIFY(!checks::scaling(raw).passed);
        LessonResult zeroOne = r;
        zeroOne.traces[0].target = filled(10, 0.0f); // 0/1 targets
        zeroOne.traces[0].target[3] = 1.0f;
        QVERIFY(!checks::scaling(zeroOne).passed);
        LessonResult saturated = r;
        saturated.traces[0].hiddenOutputs[0] = filled(90, 0.999f);
        QVERIFY(!checks::scaling(saturated).passed);
    }

    void initialisation()
    {
        engine::Vector spread = filled(90, 0.5f);
        engine::Vector some = filled(90, 0.5f);
        some.head(12).setConstant(6.0f); // 12 of 90 past sigmoid(4.6) = 0.99
        LessonResult r;
        r.traces = {trace(filled(90, 60.0f), lessonOutput(), 3), trace(some, lessonOutput(), 3),
                    trace(spread, lessonOutput(), 3)};
        const LessonCheck ok = checks::initialisation(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("rand 90 of 90, rand - 0.5 12, N(0, h_n^-0.5) 0")),
                 qPrintable(ok.sentence));
        std::swap(r.traces[0], r.traces[2]); // rand spread out: not the lesson's finding
        QVERIFY(!checks::initialisation(r).passed);
        r.traces.pop_back();
        QVERIFY(!checks::initialisation(r).passed);
    }

    void firstErrors()
    {
        // The lesson's first o_errors: +0.288 for its 3, the other nine negative.
        LessonResult r;
        r.traces = {trace(filled(90, 0.0f), lessonOutput(), 3)};
        const LessonCheck ok = checks::firstErrors(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("+0.29")) && ok.sentence.contains(QLatin1String("9 of the other 9")),
                 qPrintable(ok.sentence));
        r.traces[0].outputErrors = -r.traces[0].outputErrors; // the sign the wrong way round
        QVERIFY(!checks::firstErrors(r).passed);
    }

    void backpropagation()
    {
        // The lesson's first ten h_errors, the other 80 small.
        LessonResult r;
        r.traces = {trace(filled(90, 0.0f), lessonOutput(), 3)};
        engine::Vector h = filled(90, 0.01f);
        h.head(10) = vec({0.39443768f, -0.16865836f, 0.0304721f, -0.85442941f, -0.19828127f, -0.53651297f,
                          0.52033741f, -0.2781908f, -0.07071894f, -1.63579796f});
        r.traces[0].hiddenErrors = {h};
        const LessonCheck ok = checks::backpropagation(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("90 h_errors from 10 o_errors")) &&
                     ok.sentence.contains(QLatin1String("-1.64 at node 9")),
                 qPrintable(ok.sentence));
        r.traces[0].hiddenErrors = {filled(10, 0.1f)}; // one per output node: not sent back
        QVERIFY(!checks::backpropagation(r).passed);
    }

    void gradientStep()
    {
        LessonResult r;
        r.learningRate = 0.1f;
        engine::Vector after = lessonOutput();
        after[3] = 0.75f;
        after[2] = 0.90f;
        r.traces = {trace(filled(90, 0.0f), lessonOutput(), 3), trace(filled(90, 0.0f), after, 3)};
        const LessonCheck ok = checks::gradientStep(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("from 0.702 to 0.750")) && ok.sentence.contains(QLatin1String("l_r 0.1")),
                 qPrintable(ok.sentence));
        std::swap(r.traces[0], r.traces[1]); // a step uphill
        QVERIFY(!checks::gradientStep(r).passed);
    }

    void learningRate()
    {
        // nnlab-train --preset lesson-100 --sweep lr=0.001,0.01,0.1,1,10 --seeds 1:3 (5 epochs).
        const LessonCheck ok = checks::learningRate(sweepResult({summary("0.001", 0.1638), summary("0.01", 0.5532),
                                                                 summary("0.1", 0.6445), summary("1", 0.6650),
                                                                 summary("10", 0.1028)}));
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("Best at l_r 1;")) && ok.sentence.contains(QLatin1String("l_r 10: 0.103")),
                 qPrintable(ok.sentence));
        // Larger always better: the largest is best.
        QVERIFY(!checks::learningRate(sweepResult({summary("0.001", 0.16), summary("0.1", 0.64), summary("10", 0.70)})).passed);
        // A flat response: no end far below the best.
        QVERIFY(!checks::learningRate(sweepResult({summary("0.001", 0.60), summary("0.1", 0.64), summary("10", 0.10)})).passed);
        QVERIFY(!checks::learningRate(LessonResult{}).passed);
    }

    void first100()
    {
        // nnlab-train --preset lesson-100 --epochs 1, seeds 1-5: 0.5972 (docs/BENCHMARKS.md).
        const LessonCheck ok = checks::first100(sweepResult({summary("1", 0.5972)}));
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("0.597")), qPrintable(ok.sentence));
        QVERIFY(!checks::first100(sweepResult({summary("1", 0.3959)})).passed);
        QVERIFY(!checks::first100(sweepResult({summary("1", 0.5972, 0, 0)})).passed); // no finished run
    }

    void epochs()
    {
        const LessonCheck ok = checks::epochs(sweepResult({summary("1", 0.5972), summary("5", 0.6623)}));
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY(!checks::epochs(sweepResult({summary("1", 0.5972), summary("5", 0.60)})).passed);
    }

    void hiddenNodes()
    {
        // nnlab-train --preset lesson-100 --sweep hidden=90,150 --seeds 1:5: test 0.6623 / 0.6716, training
        // 0.998 / 1.0.
        const LessonCheck ok =
            checks::hiddenNodes(sweepResult({summary("90", 0.6623, 0.998), summary("150", 0.6716, 1.0)}));
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("overfitting")), qPrintable(ok.sentence));
        QVERIFY(!checks::hiddenNodes(sweepResult({summary("90", 0.95, 0.96), summary("150", 0.95, 0.97)})).passed);
    }

    void allImages()
    {
        // nnlab-train --preset lesson: 0.9596 after 2 epochs (docs/BENCHMARKS.md).
        const LessonCheck ok = checks::allImages(sweepResult({summary("100", 0.53), summary("60000", 0.9596)}));
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("0.960")), qPrintable(ok.sentence));
        QVERIFY(!checks::allImages(sweepResult({summary("100", 0.53), summary("60000", 0.90)})).passed);
    }

    void optimizers()
    {
        // nnlab-train --preset keras-sgd / keras-rmsprop: 0.8775 / 0.9643 (docs/BENCHMARKS.md).
        LessonResult r;
        r.sweeps = {{summary("5", 0.8775)}, {summary("5", 0.9643)}};
        const LessonCheck ok = checks::optimizers(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("SGD 0.87")) && ok.sentence.contains(QLatin1String("RMSprop 0.964")),
                 qPrintable(ok.sentence));
        std::swap(r.sweeps[0], r.sweeps[1]);
        QVERIFY(!checks::optimizers(r).passed);
        r.sweeps.pop_back();
        QVERIFY(!checks::optimizers(r).passed);
    }

    void saveLoad()
    {
        LessonResult r;
        r.testAccuracy = 0.6623;
        r.loadedAccuracy = 0.6623;
        r.sameWeights = true;
        r.fileBytes = 285'000;
        const LessonCheck ok = checks::saveLoad(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        QVERIFY2(ok.sentence.contains(QLatin1String("every weight came back")), qPrintable(ok.sentence));
        r.sameWeights = false;
        QVERIFY(!checks::saveLoad(r).passed);
        r.sameWeights = true;
        r.loadedAccuracy = 0.6622;
        QVERIFY(!checks::saveLoad(r).passed);
    }

    void serve()
    {
        LessonResult r;
        r.servedDigit = r.windowDigit = r.servedLabel = 7;
        const LessonCheck ok = checks::serve(r);
        QVERIFY2(ok.passed, qPrintable(ok.sentence));
        r.servedDigit = 1;
        QVERIFY(!checks::serve(r).passed);
        r.servedDigit = -1;
        QVERIFY(!checks::serve(r).passed);
    }
};

QTEST_APPLESS_MAIN(TestLessonPath)
#include "tst_lesson_path.moc"
