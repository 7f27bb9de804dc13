// The Lesson view (issue 14): one step of the lesson at a time, its text, Set up, its question
// with choices, Run, the check's verdict (with the sigmoid and this digit's h_input values on it
// where a feed-forward ran), Back / Next and the progress. It shows what it is given and emits
// what the learner asks for; app::LessonSession does the work.
#pragma once

#include "app/lab/lesson_path.h"

#include <QWidget>

#include <optional>
#include <vector>

class QAbstractButton;
class QButtonGroup;
class QCustomPlot;
class QGroupBox;
class QLabel;
class QPushButton;
class QRadioButton;

namespace nnlab::ui {

class LessonPanel : public QWidget
{
    Q_OBJECT

public:
    explicit LessonPanel(QWidget* parent = nullptr);

    // Step `index` of `count` (0-based), with `passed` checks passed in all, the learner's
    // answer and the step's last verdict, if any.
    void showStep(const app::LessonStep& step, int index, int count, int passed, std::optional<int> answer,
                  const std::optional<app::LessonCheck>& verdict);
    void showAnswer(int choice); // Run becomes possible
    void showRunning(bool running);
    // The check of the run just ended; `answer` against the question's right choice.
    void showVerdict(const app::LessonCheck& check, const app::LessonQuestion& question, std::optional<int> answer,
                     int passed);
    // Each set of h_input values (one per init, named) as dots on the sigmoid; none hides the plot.
    void showSigmoid(const std::vector<std::vector<double>>& hInputs, const QStringList& names);
    void showFailure(const QString& why);

    QAbstractButton* setUpButton() const;
    QAbstractButton* runButton() const;
    QAbstractButton* backButton() const;
    QAbstractButton* nextButton() const;
    QList<QRadioButton*> choiceButtons() const { return m_choices; }
    QString verdictText() const;
    QWidget* verdictLabel() const;
    QString progressText() const;
    QCustomPlot* sigmoidPlot() const { return m_plot; }

signals:
    void setUpClicked();
    void answerChosen(int choice);
    void runClicked();
    void backClicked();
    void nextClicked();

private:
    void updateRunEnabled();

    QLabel* m_progress;
    QLabel* m_title;
    QLabel* m_text;
    QLabel* m_concepts;
    QPushButton* m_setUp;
    QLabel* m_setUpHint;
    QGroupBox* m_questionBox;
    QLabel* m_question;
    QButtonGroup* m_group;
    QList<QRadioButton*> m_choices;
    QPushButton* m_run;
    QLabel* m_verdict;
    QLabel* m_why;
    QCustomPlot* m_plot;
    QPushButton* m_back;
    QPushButton* m_next;
    bool m_running = false;
    int m_index = 0, m_count = 0;
};

} // namespace nnlab::ui
