#include "lesson_panel.h"

#include "plot_style.h"

#include <qcustomplot.h>

#include <QButtonGroup>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

#include <algorithm>

namespace nnlab::ui {

namespace {

QLabel* wrapped(const QString& objectName)
{
    auto* l = new QLabel;
    l->setObjectName(objectName);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

} // namespace

LessonPanel::LessonPanel(QWidget* parent)
    : QWidget(parent), m_progress(wrapped(QStringLiteral("lessonProgress"))),
      m_title(wrapped(QStringLiteral("lessonTitle"))), m_text(wrapped(QStringLiteral("lessonText"))),
      m_concepts(wrapped(QStringLiteral("lessonConcepts"))), m_setUp(new QPushButton(tr("Set up"))),
      m_setUpHint(wrapped(QStringLiteral("lessonSetUpHint"))), m_questionBox(new QGroupBox(tr("Before you run"))),
      m_question(wrapped(QStringLiteral("lessonQuestion"))), m_group(new QButtonGroup(this)),
      m_run(new QPushButton(tr("Run"))), m_verdict(wrapped(QStringLiteral("lessonVerdict"))),
      m_why(wrapped(QStringLiteral("lessonWhy"))), m_plot(new QCustomPlot), m_back(new QPushButton(tr("Back"))),
      m_next(new QPushButton(tr("Next")))
{
    setObjectName(QStringLiteral("lessonPanel"));
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_title->setFont(big);
    m_setUp->setObjectName(QStringLiteral("lessonSetUp"));
    m_run->setObjectName(QStringLiteral("lessonRun"));
    m_back->setObjectName(QStringLiteral("lessonBack"));
    m_next->setObjectName(QStringLiteral("lessonNext"));
    // Keyboard: Tab to a button and Enter presses it (Space starts training everywhere); Alt+1,
    // Alt+2, Alt+3 choose an answer.
    for (QPushButton* b : {m_setUp, m_run, m_back, m_next})
        b->setAutoDefault(true);
    m_setUp->setToolTip(tr("Sets the lab up for this step: its preset, its data and the view to look at"));
    m_run->setToolTip(tr("Runs the step, then checks what happened against the lesson's figure"));

    auto* q = new QVBoxLayout(m_questionBox);
    q->addWidget(m_question);
    m_group->setExclusive(true);
    connect(m_group, &QButtonGroup::idClicked, this, [this](int id) {
        emit answerChosen(id);
    });

    m_plot->setObjectName(QStringLiteral("lessonSigmoid"));
    m_plot->setMinimumHeight(160);
    m_plot->xAxis->setLabel(QStringLiteral("h_input"));
    m_plot->yAxis->setLabel(QStringLiteral("sigmoid(h_input)"));
    m_plot->yAxis->setRange(-0.05, 1.05);
    m_plot->legend->setVisible(true);
    followPalette(m_plot);
    m_plot->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_back);
    buttons->addStretch();
    buttons->addWidget(m_next);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_progress);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addWidget(m_concepts);
    layout->addWidget(m_setUp);
    layout->addWidget(m_setUpHint);
    layout->addWidget(m_questionBox);
    layout->addWidget(m_run);
    layout->addWidget(m_verdict);
    layout->addWidget(m_why);
    layout->addWidget(m_plot, 1);
    layout->addStretch();
    layout->addLayout(buttons);

    connect(m_setUp, &QPushButton::clicked, this, &LessonPanel::setUpClicked);
    connect(m_run, &QPushButton::clicked, this, &LessonPanel::runClicked);
    connect(m_back, &QPushButton::clicked, this, &LessonPanel::backClicked);
    connect(m_next, &QPushButton::clicked, this, &LessonPanel::nextClicked);
}

void LessonPanel::showStep(const app::LessonStep& step, int index, int count, int passed, std::optional<int> answer,
                           const std::optional<app::LessonCheck>& verdict)
{
    m_index = index;
    m_count = count;
    m_progress->setText(tr("Step %1 of %2 · %3 checked").arg(index + 1).arg(count).arg(passed));
    m_title->setText(step.title);
    m_text->setText(step.text);
    QStringList concepts;
    for (const app::LessonConcept c : step.concepts)
        concepts << app::conceptName(c);
    m_concepts->setText(tr("Teaches: %1").arg(concepts.join(QStringLiteral(", "))));
    const QString where = step.view == app::LessonView::Curves ? tr("the learning curves")
                                                               : tr("the %1 view").arg(app::viewTitle(step.view));
    m_setUpHint->setText(tr("Preset %1 on %2; look at %3.")
                             .arg(step.preset,
                                  step.data == app::LessonData::First100 ? tr("the first 100 images")
                                                                         : tr("all 60,000 images"),
                                  where));
    m_question->setText(step.question.text);
    for (QRadioButton* b : std::as_const(m_choices)) {
        m_group->removeButton(b);
        delete b;
    }
    m_choices.clear();
    auto* box = static_cast<QVBoxLayout*>(m_questionBox->layout());
    for (int i = 0; i < step.question.choices.size(); ++i) {
        auto* b = new QRadioButton(QStringLiteral("&%1  %2").arg(i + 1).arg(step.question.choices[i]));
        b->setObjectName(QStringLiteral("lessonChoice%1").arg(i));
        m_group->addButton(b, i);
        box->addWidget(b);
        m_choices << b;
    }
    if (answer && *answer >= 0 && *answer < m_choices.size())
        m_choices[*answer]->setChecked(true);
    m_verdict->clear();
    m_why->clear();
    if (verdict)
        showVerdict(*verdict, step.question, answer, passed);
    m_plot->hide();
    m_back->setEnabled(index > 0);
    m_next->setEnabled(index + 1 < count);
    updateRunEnabled();
}

void LessonPanel::showAnswer(int choice)
{
    if (choice >= 0 && choice < m_choices.size())
        m_choices[choice]->setChecked(true);
    updateRunEnabled();
}

void LessonPanel::showRunning(bool running)
{
    m_running = running;
    if (running) {
        m_verdict->setText(tr("Running…"));
        m_verdict->setStyleSheet({});
        m_why->clear();
    }
    m_setUp->setEnabled(!running);
    updateRunEnabled();
}

void LessonPanel::showVerdict(const app::LessonCheck& check, const app::LessonQuestion& question,
                              std::optional<int> answer, int passed)
{
    m_verdict->setText((check.passed ? tr("✓ As the lesson found: %1") : tr("✗ Not what the lesson found: %1"))
                           .arg(check.sentence));
    m_verdict->setStyleSheet(QStringLiteral("color: %1").arg(answerColor(check.passed, palette()).name()));
    if (answer && *answer >= 0 && *answer < question.choices.size())
        m_why->setText(*answer == question.right
                           ? tr("Your answer, %1, was right. %2").arg(question.choices[*answer], question.why)
                           : tr("You answered %1; the answer is %2. %3")
                                 .arg(question.choices[*answer], question.choices.value(question.right), question.why));
    m_progress->setText(tr("Step %1 of %2 · %3 checked").arg(m_index + 1).arg(m_count).arg(passed));
}

void LessonPanel::showSigmoid(const std::vector<std::vector<double>>& hInputs, const QStringList& names)
{
    m_plot->clearGraphs();
    if (hInputs.empty()) {
        m_plot->hide();
        return;
    }
    double lo = -10, hi = 10;
    for (const auto& set : hInputs)
        for (const double x : set) {
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
    const double margin = 0.05 * (hi - lo);
    lo -= margin;
    hi += margin;
    QVector<double> xs, ys;
    for (int i = 0; i <= 400; ++i) {
        const double x = lo + (hi - lo) * i / 400.0;
        xs << x;
        ys << app::lessonSigmoid(x);
    }
    QCPGraph* curve = m_plot->addGraph();
    curve->setName(tr("sigmoid"));
    curve->setData(xs, ys, true);
    curve->setPen(QPen(palette().color(QPalette::Text), 1.5));
    static const QColor kColours[] = {QColor(0xd6, 0x27, 0x28), QColor(0xff, 0x7f, 0x0e), QColor(0x1f, 0x77, 0xb4)};
    for (std::size_t s = 0; s < hInputs.size(); ++s) {
        QVector<double> px, py;
        for (const double x : hInputs[s]) {
            px << x;
            py << app::lessonSigmoid(x);
        }
        QCPGraph* dots = m_plot->addGraph();
        dots->setName(names.value(int(s)));
        dots->setLineStyle(QCPGraph::lsNone);
        dots->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kColours[s % 3], 5));
        dots->setData(px, py);
    }
    m_plot->xAxis->setRange(lo, hi);
    m_plot->show();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LessonPanel::showFailure(const QString& why)
{
    m_verdict->setText(why);
    m_verdict->setStyleSheet(QStringLiteral("color: %1").arg(answerColor(false, palette()).name()));
}

QAbstractButton* LessonPanel::setUpButton() const
{
    return m_setUp;
}

QAbstractButton* LessonPanel::runButton() const
{
    return m_run;
}

QAbstractButton* LessonPanel::backButton() const
{
    return m_back;
}

QAbstractButton* LessonPanel::nextButton() const
{
    return m_next;
}

QWidget* LessonPanel::verdictLabel() const
{
    return m_verdict;
}

QString LessonPanel::verdictText() const
{
    return m_verdict->text();
}

QString LessonPanel::progressText() const
{
    return m_progress->text();
}

void LessonPanel::updateRunEnabled()
{
    m_run->setEnabled(!m_running && m_group->checkedId() >= 0);
    m_back->setEnabled(!m_running && m_index > 0);
    m_next->setEnabled(!m_running && m_index + 1 < m_count);
}

} // namespace nnlab::ui
