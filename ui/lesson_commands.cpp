#include "lesson_commands.h"

#include "lesson_panel.h"
#include "main_window.h"
#include "network_view.h"
#include "on_screen.h"
#include "sweep_commands.h"

#include "app/lab/lesson_session.h"
#include "app/server/prediction_service.h"
#include "engine/worked_example.h"

#include <QAbstractButton>
#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>

namespace nnlab::ui {

namespace engine = nnlab::engine;

namespace {

// The window's menu titled `title` ("&Help"), or null.
QMenu* menuOf(QMainWindow* window, const QString& title)
{
    for (QAction* a : window->menuBar()->actions())
        if (a->menu() && a->text() == title)
            return a->menu();
    return nullptr;
}

QString initName(engine::Init init)
{
    const std::string_view name = engine::toString(init);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

} // namespace

LessonCommands::LessonCommands(MainWindow* window, QSettings* settings, bool offerOnFirstStart)
    : QObject(window), m_window(window),
      m_session(new app::LessonSession(window->session(), window->sweeps()->session(), settings, this)),
      m_panel(new LessonPanel), m_dock(new QDockWidget(tr("Lesson"), window)),
      m_open(new QAction(tr("&Lesson"), this))
{
    m_session->setPresetApplier([window](const QString& preset) { window->applyPreset(preset); });
    m_session->setServeHandler([](const engine::Model& model, const QByteArray& body) {
        // What nnlab-serve answers POST /predict with, without the socket.
        return app::PredictionService(model, QStringLiteral("lesson.nnlab"))
            .answer("POST", u"/predict", "application/json", body)
            .body;
    });

    m_dock->setObjectName(QStringLiteral("lessonDock"));
    auto* scroll = m_scroll = new QScrollArea; // as the Controls: its size hint stays a column's, not the text's
    scroll->setObjectName(QStringLiteral("lessonPanelScroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(m_panel);
    m_dock->setWidget(scroll);
    setViewShortcut(m_dock, QKeySequence(Qt::CTRL | Qt::Key_9), [this] { open(); });
    m_dock->toggleViewAction()->setToolTip(tr("The lesson as a path through the lab, one step at a time (Ctrl+9)"));
    // A tab beside the Controls, which a step sets itself: every view a step shows (the
    // weights, the bottom tabs, the curves) stays in sight beside the lesson.
    // Until it is first opened it stays out of the Controls' tabs (a hidden tab still sizes them).
    window->addDockWidget(Qt::LeftDockWidgetArea, m_dock);
    m_dock->hide();

    m_open->setShortcut(QKeySequence(Qt::Key_F1));
    m_open->setToolTip(tr("Walk through the lesson in the lab: each step sets the lab up, asks what you expect, "
                          "runs, and checks the result against the lesson's figure (F1)"));
    connect(m_open, &QAction::triggered, this, &LessonCommands::open);
    if (QMenu* help = menuOf(window, tr("&Help")))
        help->insertAction(help->actions().value(0), m_open);
    if (QMenu* view = menuOf(window, tr("&View"))) { // after the other views, before the separator
        const QList<QAction*> items = view->actions();
        const auto separator = std::find_if(items.begin(), items.end(), [](QAction* a) { return a->isSeparator(); });
        view->insertAction(separator == items.end() ? nullptr : *separator, m_dock->toggleViewAction());
    }

    using L = app::LessonSession;
    connect(m_panel, &LessonPanel::setUpClicked, m_session, &L::setUp);
    connect(m_panel, &LessonPanel::answerChosen, m_session, &L::answerCurrent);
    connect(m_panel, &LessonPanel::runClicked, m_session, &L::run);
    connect(m_panel, &LessonPanel::backClicked, m_session, &L::back);
    connect(m_panel, &LessonPanel::nextClicked, m_session, &L::next);
    connect(m_session, &L::currentChanged, this, &LessonCommands::showCurrent);
    connect(m_session, &L::answered, m_panel, [this](int, int choice) { m_panel->showAnswer(choice); });
    connect(m_session, &L::setUpDone, this, &LessonCommands::showView);
    connect(m_session, &L::runStarted, m_panel, [this] { m_panel->showRunning(true); });
    connect(m_session, &L::checked, this, &LessonCommands::showChecked);
    connect(m_session, &L::failed, this, [this](const QString& why) {
        m_panel->showRunning(false);
        m_panel->showFailure(why);
    });
    showCurrent();

    if (offerOnFirstStart && settings && !settings->value(kOfferedKey, false).toBool()) {
        settings->setValue(kOfferedKey, true);
        // Once the window is on screen with its docks laid out: tabbed in while the window was
        // being built, the lesson undid the docks' first sizes (the Controls took the window's
        // height, the Weights shrank to a strip; found in a real window).
        QTimer::singleShot(0, this, [this, window] {
            open();
            window->statusBar()->showMessage(
                tr("New here? The Lesson view walks you through the lesson (Help ▸ Lesson, F1)."), 15000);
        });
    }
}

void LessonCommands::open()
{
    QDockWidget* controls = m_window->dock(QStringLiteral("controlsDock"));
    if (controls && m_window->tabifiedDockWidgets(controls).isEmpty())
        m_window->tabifyDockWidget(controls, m_dock);
    m_dock->show();
    m_dock->raise();
    m_panel->setFocus();
}

void LessonCommands::bringIntoView(QWidget* widget)
{
    QTimer::singleShot(0, m_scroll, [this, widget] {
        // The panel's new text sized first (its layout request may still wait in the queue).
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        m_scroll->ensureWidgetVisible(widget, 0, 12);
    });
}

void LessonCommands::showCurrent()
{
    const int i = m_session->currentIndex();
    m_panel->showStep(m_session->current(), i, m_session->count(), m_session->passedCount(), m_session->answer(i),
                      m_session->verdict(i));
}

void LessonCommands::showView(int index)
{
    const app::LessonStep& step = m_session->steps()[std::size_t(index)];
    QDockWidget* d = m_window->dock(app::viewDockName(step.view));
    if (step.view == app::LessonView::Inspector && m_window->isDataReady()) {
        m_window->inspect(false, 0); // the lesson's first training image, in the inspector
    } else if (NetworkView* net = d ? d->findChild<NetworkView*>() : nullptr) {
        // The toy net 3-5-2 for the lesson's first step; else the digit net on the lesson's first
        // training image, back-propagation at its errors carried back.
        app::NetworkViewModel* model = net->model();
        if (step.run.toyNet) {
            model->setMode(app::NetworkViewModel::Mode::Toy);
            model->setToySize(engine::kLessonToyInputs, engine::kLessonToyHidden, engine::kLessonToyOutputs);
            model->setPhase(app::NetworkPhase::Forward);
        } else {
            model->setMode(app::NetworkViewModel::Mode::Digits);
            const bool back = std::count(step.concepts.begin(), step.concepts.end(), app::LessonConcept::Backpropagation);
            model->setPhase(back ? app::NetworkPhase::Carried : app::NetworkPhase::Forward);
            if (m_window->isDataReady())
                m_window->scheduler()->inspect(false, 0);
        }
        d->show();
        d->raise();
    } else if (d) {
        d->show();
        d->raise();
    }
    if (d && d->isVisible()) { // big enough to read: a bottom view 420 pixels high, the weights as wide
        const bool bottom = m_window->dockWidgetArea(d) == Qt::BottomDockWidgetArea;
        if (bottom && d->height() < 420)
            m_window->resizeDocks({d}, {420}, Qt::Vertical);
        else if (!bottom && d->width() < 420)
            m_window->resizeDocks({d}, {420}, Qt::Horizontal);
    }
    if (d) { // its title highlighted for a few seconds: look here
        const QString before = d->styleSheet();
        d->setStyleSheet(QStringLiteral("QDockWidget::title { background: palette(highlight); }"));
        QTimer::singleShot(3000, d, [d, before] { d->setStyleSheet(before); });
    }
    bringIntoView(m_panel->runButton()); // the question above it, then Run: below the text on a short column
    m_window->statusBar()->showMessage(tr("Lesson: %1 set up; look at %2.")
                                           .arg(step.title, app::viewTitle(step.view)),
                                       6000);
}

void LessonCommands::showChecked(int index)
{
    m_panel->showRunning(false);
    const app::LessonStep& step = m_session->steps()[std::size_t(index)];
    if (const auto verdict = m_session->verdict(index))
        m_panel->showVerdict(*verdict, step.question, m_session->answer(index), m_session->passedCount());
    // Where a feed-forward ran: this digit's h_input values on the sigmoid, one set per init.
    const app::LessonResult& r = m_session->lastResult();
    std::vector<std::vector<double>> sets;
    QStringList names;
    if (step.run.kind == app::LessonRunKind::FeedForward && !step.run.toyNet)
        for (std::size_t t = 0; t < r.traces.size(); ++t) {
            if (r.traces[t].hiddenInputs.empty())
                continue;
            const engine::Vector& h = r.traces[t].hiddenInputs[0];
            sets.emplace_back(h.data(), h.data() + h.size());
            names << (t < r.inits.size() ? tr("h_input, init %1").arg(initName(r.inits[t]))
                                         : tr("h_input"));
        }
    m_panel->showSigmoid(sets, names);
    bringIntoView(m_panel->verdictLabel()); // what the check found, in sight
}

} // namespace nnlab::ui
