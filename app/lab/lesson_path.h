// The lesson as a path through the lab (issue 14): its steps in the lesson's order, as data,
// and each step's check, a plain function of what its run gave. No widgets, no state: the
// session (lesson_session.h) runs the steps, the panel (ui/lesson_panel.h) shows them.
#pragma once

#include "engine/architecture.h"
#include "engine/step_trace.h"
#include "engine/sweep.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace nnlab::app {

// The lesson's concepts; every one is taught by at least one step (README: "The lesson, step by
// step").
enum class LessonConcept {
    Nodes, Layers, Weights, Activation, Data, InputScaling, TargetScaling, Initialisation,
    FeedForward, Error, Backpropagation, GradientDescent, LearningRate, Epochs, HiddenNodes,
    Overfitting, TrainingSetSize, Optimizers, SaveLoad, Deploy,
};
inline constexpr int kLessonConceptCount = int(LessonConcept::Deploy) + 1;
QString conceptName(LessonConcept c); // "input and target scaling"

// The view a step shows and highlights (the docks' objectName, the curves for Curves).
enum class LessonView { Curves, Weights, Inspector, Digits, Sweep, Draw, Network };
QString viewDockName(LessonView v); // "inspectorDock"; empty for the curves (the centre)
QString viewTitle(LessonView v);    // "Step inspector"

// What the step trains on: the lesson's first 100 images or all 60,000.
enum class LessonData { First100, All };

// What Run does.
enum class LessonRunKind {
    ShowDigit,   // the first training image, as its CSV row and as 28 x 28 pixels
    FeedForward, // one feed-forward of the first training image (or the toy net's input), once per init
    OneStep,     // one gradient-descent step on the first training image, and a feed-forward after it
    Sweeps,      // one or more sweeps (SweepSession), one after the other
    SaveLoad,    // train in the window, save the model, load it again, test both
    Serve,       // train in the window, then ask nnlab-serve's handler about the first test image
};

// One sweep of a step: a preset as the base, the knob, its values and the seeds.
struct LessonSweep
{
    QString preset;       // "lesson-100"
    engine::SweepKnob knob = engine::SweepKnob::Epochs;
    QString values;       // "1,5" as the Sweep view's values field takes them
    QString seeds;        // "1:5"
};

struct LessonRun
{
    LessonRunKind kind = LessonRunKind::FeedForward;
    bool toyNet = false;               // FeedForward on the lesson's 3-5-2 net, not the digit net
    std::vector<engine::Init> inits;   // FeedForward: one feed-forward per init (empty: the preset's)
    std::vector<LessonSweep> sweeps;   // Sweeps
};

struct LessonQuestion
{
    QString text;
    QStringList choices;
    int right = 0;  // index into choices
    QString why;    // one line, shown once answered
};

// What a run gave; each kind fills its part.
struct LessonResult
{
    // ShowDigit: the first training image.
    int label = -1;
    int rows = 0, cols = 0;
    std::vector<std::uint8_t> pixels;
    // FeedForward: one trace per init (inits[i]); OneStep: the trace before and after the step.
    std::vector<int> layerSizes;               // of the net fed forward: {784, 90, 10}, {3, 5, 2}
    std::vector<engine::Init> inits;
    std::vector<engine::LessonTrace> traces;
    float learningRate = 0;                    // OneStep's l_r
    // Sweeps: each sweep's knob and summary (mean, min, max over seeds per value).
    std::vector<engine::SweepKnob> knobs;
    std::vector<std::vector<engine::SweepPointSummary>> sweeps;
    // SaveLoad: the test accuracy before saving and after loading, and whether every weight
    // came back; Serve: the digit the handler answered, the window's answer, the image's label.
    std::optional<double> testAccuracy, loadedAccuracy;
    bool sameWeights = false;
    qint64 fileBytes = 0;
    int servedDigit = -1, windowDigit = -1, servedLabel = -1;
};

struct LessonCheck
{
    bool passed = false;
    QString sentence; // with the figure: "every h_output is above 0.99: 90 of 90"
};

using LessonCheckFunction = LessonCheck (*)(const LessonResult&);

struct LessonStep
{
    QString id;    // "first-100", what progress is remembered by
    QString title;
    QString text;  // at most about 60 words
    std::vector<LessonConcept> concepts;
    // Set up: a preset, the data, the view to show.
    QString preset;
    LessonData data = LessonData::All;
    LessonView view = LessonView::Curves;
    LessonQuestion question;
    LessonRun run;
    LessonCheckFunction check = nullptr;
};

// Every step in the lesson's order.
const std::vector<LessonStep>& lessonSteps();
const LessonStep* findLessonStep(const QString& id);
int lessonStepIndex(const QString& id); // -1 if there is none

// The sigmoid the lesson uses, for the checks' figures and the panel's curve.
double lessonSigmoid(double x);

// The checks, one per step; each says pass or fail in a sentence with the figure.
namespace lessonchecks {
LessonCheck toyNet(const LessonResult& r);
LessonCheck data(const LessonResult& r);
LessonCheck rawFeedForward(const LessonResult& r);
LessonCheck whyItFails(const LessonResult& r);
LessonCheck scaling(const LessonResult& r);
LessonCheck initialisation(const LessonResult& r);
LessonCheck firstErrors(const LessonResult& r);
LessonCheck backpropagation(const LessonResult& r);
LessonCheck gradientStep(const LessonResult& r);
LessonCheck learningRate(const LessonResult& r);
LessonCheck first100(const LessonResult& r);
LessonCheck epochs(const LessonResult& r);
LessonCheck hiddenNodes(const LessonResult& r);
LessonCheck allImages(const LessonResult& r);
LessonCheck optimizers(const LessonResult& r);
LessonCheck saveLoad(const LessonResult& r);
LessonCheck serve(const LessonResult& r);
} // namespace lessonchecks

} // namespace nnlab::app
