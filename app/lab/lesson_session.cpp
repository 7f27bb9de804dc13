#include "lesson_session.h"

#include "app/lab/lab_session.h"
#include "app/lab/sweep_session.h"

#include "engine/evaluation.h"
#include "engine/model_io.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

#include <algorithm>
#include <exception>

namespace nnlab::app {

namespace engine = nnlab::engine;

namespace {
// The toy net's input: three "pixels" that the lesson's scaling makes 0.90, 0.11 and 0.81.
constexpr std::uint8_t kToyPixels[3] = {230, 25, 205};
constexpr int kToyLabel = 0;
} // namespace

LessonSession::LessonSession(LabSession* lab, SweepSession* sweeps, QSettings* settings, QObject* parent)
    : QObject(parent), m_lab(lab), m_sweeps(sweeps), m_settings(settings)
{
    if (m_settings) {
        m_current = std::max(0, lessonStepIndex(m_settings->value("lesson/step").toString()));
        for (const LessonStep& s : steps()) {
            const QString key = QStringLiteral("lesson/%1/").arg(s.id);
            if (const QVariant a = m_settings->value(key + "answer"); a.isValid())
                m_answers[s.id] = a.toInt();
            if (const QVariant v = m_settings->value(key + "check"); v.isValid())
                m_verdicts[s.id] = {m_settings->value(key + "passed").toBool(), v.toString()};
        }
    }
    connect(m_sweeps, &SweepSession::finished, this, [this] {
        if (!m_awaitsSweep)
            return;
        m_awaitsSweep = false;
        m_result.knobs.push_back(m_sweeps->spec().knob);
        m_result.sweeps.push_back(m_sweeps->summary());
        // Queued: the sweep session is idle once its finished() has returned.
        QMetaObject::invokeMethod(this, &LessonSession::startNextSweep, Qt::QueuedConnection);
    });
    connect(m_sweeps, &SweepSession::cancelled, this, [this] {
        if (m_awaitsSweep)
            fail(QStringLiteral("The sweep was cancelled before it ended."));
    });
    connect(m_sweeps, &SweepSession::failed, this, [this](const QString& why) {
        if (m_awaitsSweep)
            fail(why);
    });
    TrainingController* c = m_lab->controller();
    connect(c, &TrainingController::finished, this, [this] {
        if (m_awaitsTraining) {
            m_awaitsTraining = false;
            afterTraining();
        }
    });
    for (auto signal : {&TrainingController::diverged, &TrainingController::failed})
        connect(c, signal, this, [this](const QString& why) {
            if (m_awaitsTraining)
                fail(why);
        });
}

LessonSession::~LessonSession() = default;

void LessonSession::setCurrent(int index)
{
    index = std::clamp(index, 0, count() - 1);
    if (index == m_current)
        return;
    m_current = index;
    remember();
    emit currentChanged(index);
}

std::optional<int> LessonSession::answer(int index) const
{
    if (index < 0 || index >= count())
        return std::nullopt;
    const auto it = m_answers.find(steps()[std::size_t(index)].id);
    return it == m_answers.end() ? std::nullopt : std::optional<int>(it->second);
}

void LessonSession::answerCurrent(int choice)
{
    if (choice < 0 || choice >= current().question.choices.size())
        return;
    m_answers[current().id] = choice;
    remember();
    emit answered(m_current, choice);
}

std::optional<LessonCheck> LessonSession::verdict(int index) const
{
    if (index < 0 || index >= count())
        return std::nullopt;
    const auto it = m_verdicts.find(steps()[std::size_t(index)].id);
    return it == m_verdicts.end() ? std::nullopt : std::optional<LessonCheck>(it->second);
}

int LessonSession::passedCount() const
{
    int n = 0;
    for (int i = 0; i < count(); ++i)
        n += passed(i);
    return n;
}

void LessonSession::restart()
{
    m_answers.clear();
    m_verdicts.clear();
    if (m_settings) // every step's answer and check; whether the lesson was offered stays
        for (const LessonStep& s : steps())
            m_settings->remove(QStringLiteral("lesson/%1").arg(s.id));
    m_setUp = -1;
    const bool moved = m_current != 0;
    m_current = 0;
    remember();
    if (moved)
        emit currentChanged(0);
}

void LessonSession::remember()
{
    if (!m_settings)
        return;
    m_settings->setValue("lesson/step", current().id);
    for (const auto& [id, choice] : m_answers)
        m_settings->setValue(QStringLiteral("lesson/%1/answer").arg(id), choice);
    for (const auto& [id, check] : m_verdicts) {
        m_settings->setValue(QStringLiteral("lesson/%1/passed").arg(id), check.passed);
        m_settings->setValue(QStringLiteral("lesson/%1/check").arg(id), check.sentence);
    }
}

std::optional<engine::Preset> LessonSession::fittedPreset(const QString& name) const
{
    const auto preset = engine::findPreset(name.toStdString());
    if (!preset)
        return std::nullopt;
    return m_lab->fitToData(TrainingSetup::fromPreset(*preset)).toPreset(name);
}

void LessonSession::setUp()
{
    if (m_running)
        return;
    const LessonStep& step = current();
    if (m_applyPreset) {
        m_applyPreset(step.preset);
    } else if (const auto preset = engine::findPreset(step.preset.toStdString()); preset && m_lab->hasData()) {
        const TrainingSetup setup = m_lab->fitToData(TrainingSetup::fromPreset(*preset));
        m_lab->configure(setup, m_lab->initialNetworkFor(setup));
    }
    m_setUp = m_current;
    emit setUpDone(m_current);
}

bool LessonSession::run()
{
    if (m_running) {
        emit failed(QStringLiteral("A step is still running."));
        return false;
    }
    if (!answer(m_current)) {
        emit failed(QStringLiteral("Answer the question first: what do you expect?"));
        return false;
    }
    if (!m_lab->hasData()) {
        emit failed(QStringLiteral("The data is still loading."));
        return false;
    }
    const LessonStep& step = current();
    const bool trains = step.run.kind == LessonRunKind::SaveLoad || step.run.kind == LessonRunKind::Serve;
    if (trains && m_lab->controller()->isRunning()) {
        emit failed(QStringLiteral("The window is training: pause it first."));
        return false;
    }
    if (step.run.kind == LessonRunKind::Serve && !m_serve) {
        emit failed(QStringLiteral("This window has no nnlab-serve handler to ask."));
        return false;
    }
    if (!isSetUp())
        setUp();
    m_running = true;
    m_runningIndex = m_current;
    m_result = {};
    emit runStarted(m_current);
    try {
        switch (step.run.kind) {
        case LessonRunKind::ShowDigit: showDigit(); break;
        case LessonRunKind::FeedForward: feedForward(step); break;
        case LessonRunKind::OneStep: oneStep(step); break;
        case LessonRunKind::Sweeps:
            m_nextSweep = 0;
            startNextSweep();
            break;
        case LessonRunKind::SaveLoad:
        case LessonRunKind::Serve:
            m_awaitsTraining = true;
            m_lab->controller()->start();
            break;
        }
    } catch (const std::exception& e) {
        fail(QString::fromUtf8(e.what()));
    }
    return true;
}

void LessonSession::showDigit()
{
    const engine::Dataset& train = *m_lab->data().train;
    m_result.label = train.labels[0];
    m_result.rows = train.rows;
    m_result.cols = train.cols;
    m_result.pixels.assign(train.image(0), train.image(0) + train.pixelsPerImage());
    finish(m_result);
}

void LessonSession::feedForward(const LessonStep& step)
{
    const auto preset = fittedPreset(step.preset);
    if (!preset)
        return fail(QStringLiteral("No preset named %1.").arg(step.preset));
    engine::Architecture arch = preset->architecture;
    const engine::Dataset& train = *m_lab->data().train;
    const std::uint8_t* pixels = train.image(0);
    int label = train.labels[0];
    if (step.run.toyNet) {
        arch.inputs = 3;
        arch.hidden = {5};
        arch.outputs = 2;
        pixels = kToyPixels;
        label = kToyLabel;
    }
    m_result.layerSizes = arch.layerSizes();
    m_result.inits = step.run.inits.empty() ? std::vector<engine::Init>{preset->init} : step.run.inits;
    for (const engine::Init init : m_result.inits) {
        engine::Network net(arch);
        net.initialize(init, preset->weightSeed);
        m_result.traces.push_back(engine::traceSample(net, pixels, label, preset->training.lessonErrors));
    }
    finish(m_result);
}

void LessonSession::oneStep(const LessonStep& step)
{
    const auto preset = fittedPreset(step.preset);
    if (!preset)
        return fail(QStringLiteral("No preset named %1.").arg(step.preset));
    const engine::Dataset& train = *m_lab->data().train;
    engine::Network net(preset->architecture);
    net.initialize(preset->init, preset->weightSeed);
    const float lr = preset->training.optimizer.learningRate;
    const bool lessonErrors = preset->training.lessonErrors;
    m_result.layerSizes = preset->architecture.layerSizes();
    m_result.learningRate = lr;
    m_result.traces.push_back(engine::trainOneSample(net, train.image(0), train.labels[0], lr, lessonErrors));
    m_result.traces.push_back(engine::traceSample(net, train.image(0), train.labels[0], lessonErrors));
    finish(m_result);
}

void LessonSession::startNextSweep()
{
    if (!m_running || m_runningIndex < 0)
        return;
    const LessonStep& step = steps()[std::size_t(m_runningIndex)];
    if (m_nextSweep >= step.run.sweeps.size())
        return finish(m_result);
    const LessonSweep& s = step.run.sweeps[m_nextSweep++];
    const auto base = fittedPreset(s.preset);
    if (!base)
        return fail(QStringLiteral("No preset named %1.").arg(s.preset));
    engine::SweepSpec spec;
    spec.knob = s.knob;
    try {
        spec.values = engine::parseSweepValues(s.knob, s.values.toStdString());
        spec.seeds = engine::parseSeeds(s.seeds.toStdString());
    } catch (const engine::SweepError& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    m_awaitsSweep = true;
    if (!m_sweeps->start(*base, spec, m_lab->data()) && m_awaitsSweep)
        fail(QStringLiteral("The sweep could not start."));
}

void LessonSession::afterTraining()
{
    if (!m_running || m_runningIndex < 0)
        return;
    const std::optional<engine::Model> model = m_lab->currentModel();
    if (!model)
        return fail(QStringLiteral("There is no trained network."));
    const engine::Dataset& test = *m_lab->data().test;
    try {
        if (steps()[std::size_t(m_runningIndex)].run.kind == LessonRunKind::SaveLoad) {
            m_files = std::make_unique<QTemporaryDir>();
            const QString path = m_files->filePath(QStringLiteral("lesson.nnlab"));
            engine::saveModelFile(path.toStdString(), *model);
            const engine::Model loaded = engine::loadModelFile(path.toStdString());
            m_result.testAccuracy = engine::evaluate(model->network, test).accuracy;
            m_result.loadedAccuracy = engine::evaluate(loaded.network, test).accuracy;
            m_result.sameWeights = loaded.network == model->network;
            m_result.fileBytes = QFileInfo(path).size();
        } else {
            // A client's request: the first test image's 784 pixels as JSON.
            QJsonArray pixels;
            for (int i = 0; i < test.pixelsPerImage(); ++i)
                pixels.append(int(test.image(0)[i]));
            const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("pixels"), pixels}}).toJson();
            const QJsonObject answer = QJsonDocument::fromJson(m_serve(*model, body)).object();
            m_result.servedDigit = answer.value(QStringLiteral("digit")).toInt(-1);
            m_result.windowDigit = engine::traceSample(model->network, test.image(0), test.labels[0], false).predicted;
            m_result.servedLabel = test.labels[0];
        }
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    finish(m_result);
}

void LessonSession::finish(const LessonResult& result)
{
    if (!m_running)
        return;
    const int index = m_runningIndex;
    m_running = false;
    m_runningIndex = -1;
    const LessonStep& step = steps()[std::size_t(index)];
    const LessonCheck check = step.check(result);
    m_verdicts[step.id] = check;
    remember();
    emit checked(index, check);
}

void LessonSession::fail(const QString& why)
{
    m_awaitsSweep = false;
    m_awaitsTraining = false;
    m_running = false;
    m_runningIndex = -1;
    emit failed(why);
}

} // namespace nnlab::app
