#include "sweep_panel.h"

#include "plot_style.h"
#include "sweep_chart.h"

#include "engine/presets.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace nnlab::ui {

namespace engine = nnlab::engine;
using app::SweepSession;
using State = app::SweepSession::State;

namespace {

const QString kControls = QStringLiteral("controls");

QString text(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// What each knob is, in the lesson's words, for its entry in the knob box.
QString knobToolTip(engine::SweepKnob knob)
{
    using K = engine::SweepKnob;
    switch (knob) {
    case K::LearningRate:
        return SweepPanel::tr("The lesson's l_r: how much of each update the weights take. The smaller the steps, "
                              "the more accurate, but the slower it learns; too large and it overshoots. "
                              "Log steps suit it: 0.01:1:8:log is eight rates from 0.01 to 1.");
    case K::HiddenNodes:
        return SweepPanel::tr("Nodes in every hidden layer (the lesson's 90). More nodes can fit more, but the "
                              "lesson warns that fewer generalise better to digits never seen.");
    case K::HiddenLayers:
        return SweepPanel::tr("Hidden layers, each as wide as the first (0: the inputs straight to the outputs).");
    case K::Epochs:
        return SweepPanel::tr("Times through the training set. Seeing the same images again lets the network "
                              "accumulate more knowledge, until training accuracy runs away from test accuracy.");
    case K::TrainingImages:
        return SweepPanel::tr("The first n training images: the lesson's 100 against its 60,000.");
    case K::BatchSize:
        return SweepPanel::tr("Images per weight update: 1 is the lesson's update after every image.");
    case K::Optimizer:
        return SweepPanel::tr("How the errors move the weights: the lesson's plain SGD, or momentum, RMSprop, Adam.");
    case K::Activation:
        return SweepPanel::tr("The hidden layers' activation function: the lesson's sigmoid, tanh or ReLU.");
    case K::Init:
        return SweepPanel::tr("How the initial weights are drawn: the lesson's rule or the libraries' (fan-in, "
                              "Keras normal, Glorot, He), or the lesson's first tries: rand (0..1, all positive) "
                              "and rand-0.5 (-0.5..0.5).");
    case K::Scaling:
        return SweepPanel::tr("The inputs: the lesson's x/255*0.99+0.01, x/255, or the raw pixels 0-255 of its "
                              "first attempt (every h_output 1, nothing learns).");
    case K::Targets:
        return SweepPanel::tr("The squared error's targets: the lesson's 0.01/0.99, or 0/1, which ask a sigmoid "
                              "for values it never reaches.");
    }
    return {};
}

// Values worth a first look for each knob; every choice of a knob that is not a number.
QString suggestedValues(engine::SweepKnob knob)
{
    using K = engine::SweepKnob;
    switch (knob) {
    case K::LearningRate: return QStringLiteral("0.01:1:8:log");
    case K::HiddenNodes: return QStringLiteral("10, 30, 90, 200");
    case K::HiddenLayers: return QStringLiteral("0, 1, 2");
    case K::Epochs: return QStringLiteral("1:5:5");
    case K::TrainingImages: return QStringLiteral("100, 1000, 10000, 60000");
    case K::BatchSize: return QStringLiteral("1, 10, 100");
    default: break;
    }
    QStringList all;
    for (const std::string_view c : engine::knobInfo(knob).choices)
        all << text(c);
    return all.join(QStringLiteral(", "));
}

// A sweep's knob, values and seeds as the fields show them (a sweep opened from a file).
SweepSession::Settings fieldsOf(const engine::SweepSpec& spec, const QString& base)
{
    QStringList values, seeds;
    for (const std::string& v : spec.values)
        values << QString::fromStdString(v);
    for (const std::uint64_t s : spec.seeds)
        seeds << QString::number(s);
    return {text(engine::knobInfo(spec.knob).name), values.join(QStringLiteral(", ")), seeds.join(QStringLiteral(", ")), base};
}

QString duration(double seconds)
{
    if (seconds < 90)
        return SweepPanel::tr("%1 s").arg(std::max(1, int(std::lround(seconds))));
    return SweepPanel::tr("%1 min").arg(std::lround(seconds / 60));
}

} // namespace

SweepPanel::SweepPanel(SweepSession* session, std::function<app::TrainingSetup()> controls,
                       std::function<app::DataPair()> data, QWidget* parent)
    : QWidget(parent), m_session(session), m_controls(std::move(controls)), m_data(std::move(data)),
      m_knob(new QComboBox), m_values(new QLineEdit), m_seeds(new QLineEdit), m_base(new QComboBox),
      m_message(new QLabel), m_progress(new QProgressBar), m_progressText(new QLabel), m_chart(new SweepChart),
      m_start(new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("Start s&weep"), this)),
      m_pause(new QAction(QIcon::fromTheme(QStringLiteral("media-playback-pause")), tr("&Pause sweep"), this)),
      m_cancel(new QAction(QIcon::fromTheme(QStringLiteral("process-stop")), tr("&Cancel sweep"), this)),
      m_startButton(new QToolButton), m_pauseButton(new QToolButton), m_cancelButton(new QToolButton)
{
    setObjectName(QStringLiteral("sweepPanel"));
    auto* intro = new QLabel(tr("<b>Can we do better?</b> One run cannot say. Train one knob over several values, "
                                "each from several seeds: the mean says which value is better, the band whether "
                                "the difference is more than chance."));
    intro->setWordWrap(true);

    for (const engine::SweepKnobInfo& k : engine::sweepKnobs()) {
        m_knob->addItem(tr("%1 (%2)").arg(text(k.label), text(k.name)), text(k.name));
        m_knob->setItemData(m_knob->count() - 1, knobToolTip(k.knob), Qt::ToolTipRole);
    }
    m_knob->setToolTip(tr("The one setting that differs between the runs; everything else is the base setup's."));
    m_values->setToolTip(tr("A list (0.03, 0.1, 0.3) or a range FROM:TO:STEPS, with :log for steps that "
                            "multiply (0.01:1:8:log). Each value is one point of the chart."));
    m_seeds->setToolTip(tr("Each value is trained once per seed: the seed draws the initial weights and the "
                           "order of the images. One run cannot answer \"can we do better?\": on the first 100 "
                           "images seeds alone move the accuracy after one epoch from about 0.57 to 0.62. The "
                           "line is the mean over the seeds, the band their lowest to highest. A list (1, 2, 3) "
                           "or a range (1:5)."));
    m_base->addItem(tr("The controls now"), kControls);
    m_base->setItemData(0, tr("Every setting as the Controls show it, the knob's aside"), Qt::ToolTipRole);
    for (const engine::Preset& p : engine::presets()) {
        m_base->addItem(tr("Preset %1").arg(QString::fromStdString(p.name)), QString::fromStdString(p.name));
        m_base->setItemData(m_base->count() - 1, QString::fromStdString(p.description), Qt::ToolTipRole);
    }
    m_base->setToolTip(tr("The setup every run starts from; the sweep changes only the knob and the seed."));

    auto* form = new QFormLayout;
    const std::pair<QString, QWidget*> rows[] = {
        {tr("&Knob"), m_knob}, {tr("Values to tr&y"), m_values}, {tr("Seeds"), m_seeds}, {tr("Startin&g from"), m_base}};
    for (const auto& [label, field] : rows) {
        auto* l = new QLabel(label);
        l->setBuddy(field);
        form->addRow(l, field);
    }
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_message);

    m_start->setToolTip(tr("Train every value from every seed, one run per core (Enter in a field does the same)"));
    m_pause->setToolTip(tr("Hold every run at its next image; Resume goes on exactly as if never paused"));
    m_cancel->setToolTip(tr("Stop the runs under way; the chart keeps the runs that finished"));
    auto* buttons = new QHBoxLayout;
    for (const auto& [button, action] : {std::pair{m_startButton, m_start}, {m_pauseButton, m_pause}, {m_cancelButton, m_cancel}}) {
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setFocusPolicy(Qt::StrongFocus); // reachable with Tab
        buttons->addWidget(button);
    }
    buttons->addStretch(1);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("no sweep yet"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setToolTip(tr("Runs finished; the time left and the images per second over every core"));
    auto* progress = new QHBoxLayout;
    progress->addWidget(m_progress, 1);
    progress->addWidget(m_progressText);

    // The fields on the left, the chart beside them: the view is a wide tab along the bottom.
    auto* fields = new QWidget;
    fields->setMaximumWidth(420);
    auto* column = new QVBoxLayout(fields);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(intro);
    column->addLayout(form);
    column->addLayout(buttons);
    column->addLayout(progress);
    column->addStretch(1);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(6, 6, 6, 6);
    row->addWidget(fields);
    row->addWidget(m_chart, 1);
    setTabOrder(m_knob, m_values);
    setTabOrder(m_values, m_seeds);
    setTabOrder(m_seeds, m_base);
    setTabOrder(m_base, m_startButton);
    setTabOrder(m_startButton, m_pauseButton);
    setTabOrder(m_pauseButton, m_cancelButton);
    setTabOrder(m_cancelButton, m_chart->tabs());

    connect(m_knob, &QComboBox::activated, this, &SweepPanel::onKnobChosen);
    connect(m_values, &QLineEdit::textChanged, this, &SweepPanel::check);
    connect(m_seeds, &QLineEdit::textChanged, this, &SweepPanel::check);
    connect(m_base, &QComboBox::currentIndexChanged, this, &SweepPanel::check);
    for (QLineEdit* edit : {m_values, m_seeds})
        connect(edit, &QLineEdit::returnPressed, m_start, &QAction::trigger);
    connect(m_start, &QAction::triggered, this, &SweepPanel::start);
    connect(m_pause, &QAction::triggered, this, [this] {
        if (m_session->state() == State::Paused)
            m_session->resume();
        else
            m_session->pause();
    });
    connect(m_cancel, &QAction::triggered, m_session, &SweepSession::cancel);

    using S = SweepSession;
    connect(m_session, &S::started, this, [this] {
        if (!m_startingFromFields) // the lesson's sweep: the fields say what the chart shows
            setSettings(fieldsOf(m_session->spec(), baseFieldFor(m_session->base().name)));
        showSweep();
        m_progress->setFormat(tr("%v of %m runs"));
        m_progress->setRange(0, int(m_session->spec().runCount()));
        m_progress->setValue(0);
        m_progressText->clear();
        showMessage({}, false);
    });
    connect(m_session, &S::opened, this, [this](const QString& path) {
        setSettings(fieldsOf(m_session->spec(), m_base->currentData().toString()));
        showSweep();
        m_progress->setFormat(tr("%v of %m runs"));
        m_progress->setRange(0, int(m_session->spec().runCount()));
        m_progress->setValue(0);
        m_progressText->clear();
        showMessage(tr("Opened %1.").arg(QFileInfo(path).fileName()), false);
    });
    connect(m_session, &S::runFinished, this, [this] {
        scheduleChart();
        if (!m_session->isRunning()) // a file's runs
            m_progress->setValue(int(m_session->results().size()));
    });
    connect(m_session, &S::progressed, this, &SweepPanel::onProgressed);
    connect(m_session, &S::stateChanged, this, &SweepPanel::onStateChanged);
    connect(m_session, &S::finished, this, [this] {
        updateChart(); // whole when finished() reaches anyone else
        m_progress->setValue(m_progress->maximum());
        m_progressText->clear();
        showMessage(tr("Done: %1 runs. Rest the mouse on a point for its runs; click it for their learning curves.")
                        .arg(m_session->results().size()),
                    false);
    });
    connect(m_session, &S::cancelled, this, [this] {
        updateChart();
        m_progressText->clear();
        showMessage(tr("Cancelled: the chart keeps the %1 runs that finished.").arg(m_session->results().size()), false);
    });
    connect(m_session, &S::failed, this, [this](const QString& why) {
        showMessage(why, true);
        emit failed(why);
    });

    setSettings(m_session->rememberedSettings());
    onStateChanged(m_session->state());
}

SweepSession::Settings SweepPanel::settings() const
{
    return {m_knob->currentData().toString(), m_values->text().trimmed(), m_seeds->text().trimmed(),
            m_base->currentData().toString()};
}

void SweepPanel::setSettings(const SweepSession::Settings& s)
{
    const QSignalBlocker blockValues(m_values), blockSeeds(m_seeds), blockBase(m_base);
    const int knob = m_knob->findData(s.knob);
    m_knob->setCurrentIndex(knob < 0 ? 0 : knob);
    m_values->setText(knob < 0 ? suggestedValues(engine::SweepKnob::LearningRate) : s.values);
    m_seeds->setText(s.seeds);
    const int base = m_base->findData(s.base);
    m_base->setCurrentIndex(base < 0 ? 0 : base);
    check();
}

void SweepPanel::onKnobChosen()
{
    const auto knob = engine::parseSweepKnob(m_knob->currentData().toString().toStdString());
    if (knob)
        m_values->setText(suggestedValues(*knob)); // a learning rate's values mean nothing to another knob
}

engine::Preset SweepPanel::basePreset() const
{
    const QString name = m_base->currentData().toString();
    if (name != kControls)
        if (const auto preset = engine::findPreset(name.toStdString()))
            return *preset;
    return m_controls().toPreset(tr("the controls"));
}

QString SweepPanel::baseName() const
{
    return m_base->currentData().toString() == kControls ? tr("the controls") : m_base->currentData().toString();
}

// The fields as the engine reads them, and every run's setup as it would start: the first
// problem in words, else what the sweep will do.
void SweepPanel::check()
{
    const auto knob = engine::parseSweepKnob(m_knob->currentData().toString().toStdString());
    const app::DataPair data = m_data();
    m_whyNot.clear();
    QString plan;
    try {
        const std::vector<std::string> values = engine::parseSweepValues(*knob, m_values->text().toStdString());
        const std::vector<std::uint64_t> seeds = engine::parseSeeds(m_seeds->text().toStdString());
        if (!data.isValid()) {
            m_whyNot = tr("The data is still loading.");
        } else {
            const engine::Preset base = basePreset();
            for (const std::string& v : values)
                engine::sweepRunPreset(base, *knob, v, seeds.front(), data.train->size());
            plan = tr("%1 values × %2 seeds = %3 runs on %4.")
                       .arg(values.size())
                       .arg(seeds.size())
                       .arg(values.size() * seeds.size())
                       .arg(data.name);
        }
    } catch (const std::exception& e) { // engine::SweepError: one sentence
        m_whyNot = QString::fromUtf8(e.what());
    }
    if (!m_session->isRunning())
        showMessage(m_whyNot.isEmpty() ? plan : m_whyNot, !m_whyNot.isEmpty());
    onStateChanged(m_session->state());
}

bool SweepPanel::start()
{
    check();
    if (!m_whyNot.isEmpty() || m_session->isRunning())
        return false;
    m_startingFromFields = true;
    const bool started = m_session->start(basePreset(), settings(), m_data());
    m_startingFromFields = false;
    return started;
}

QString SweepPanel::baseFieldFor(const std::string& presetName) const
{
    const QString name = QString::fromStdString(presetName);
    return m_base->findData(name) >= 0 ? name : m_base->currentData().toString();
}

void SweepPanel::showSweep()
{
    const engine::SweepSpec& spec = m_session->spec();
    m_chart->setSweep(spec.knob, spec.values);
    const std::string base = m_session->base().name;
    m_chart->setCaption(tr("%1: %2 values × %3 seeds, from %4 on %5")
                            .arg(text(engine::knobInfo(spec.knob).label))
                            .arg(spec.values.size())
                            .arg(spec.seeds.size())
                            .arg(base.empty() ? tr("a setup") : QString::fromStdString(base),
                                 m_session->dataName().isEmpty() ? tr("its data") : m_session->dataName()));
    scheduleChart();
}

void SweepPanel::scheduleChart()
{
    if (m_chartPending)
        return;
    m_chartPending = true;
    QTimer::singleShot(0, this, [this] {
        if (m_chartPending)
            updateChart();
    });
}

void SweepPanel::updateChart()
{
    m_chartPending = false;
    m_chart->setPoints(m_session->summary(), m_session->results());
}

void SweepPanel::onStateChanged(State state)
{
    const bool idle = state == State::Idle;
    m_start->setEnabled(idle && m_whyNot.isEmpty());
    m_pause->setEnabled(state == State::Running || state == State::Paused);
    m_pause->setText(state == State::Paused ? tr("&Resume sweep") : tr("&Pause sweep"));
    m_pause->setIcon(QIcon::fromTheme(state == State::Paused ? QStringLiteral("media-playback-start")
                                                             : QStringLiteral("media-playback-pause")));
    m_cancel->setEnabled(state == State::Running || state == State::Paused);
    if (state == State::Paused)
        m_progressText->setText(tr("paused"));
}

void SweepPanel::onProgressed(int runsDone, int runCount, double secondsLeft, double samplesPerSecond)
{
    m_progress->setRange(0, std::max(1, runCount));
    m_progress->setValue(runsDone);
    QStringList parts;
    if (secondsLeft >= 0)
        parts << tr("about %1 left").arg(duration(secondsLeft));
    if (samplesPerSecond > 0)
        parts << tr("%1 images/s").arg(QLocale().toString(qlonglong(std::llround(samplesPerSecond))));
    m_progressText->setText(parts.join(QStringLiteral(" · ")));
}

void SweepPanel::showMessage(const QString& message, bool error)
{
    m_message->setText(message);
    QPalette p = m_message->palette();
    p.setColor(QPalette::WindowText, error ? answerColor(false, palette()) : palette().color(QPalette::WindowText));
    m_message->setPalette(p);
}

} // namespace nnlab::ui
