#include "monkey_actions.h"

#include "tests/common/window_fixture.h"
#include "ui/confusion_matrix.h"
#include "ui/control_panel.h"
#include "ui/digit_canvas.h"
#include "ui/digit_gallery.h"
#include "ui/draw_panel.h"
#include "ui/learning_curves.h"
#include "ui/log_slider.h"
#include "ui/main_window.h"
#include "ui/step_inspector.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QtTest>

namespace nnlab::test {

MonkeyActions::MonkeyActions(ui::MainWindow* window, std::uint32_t seed, const QString& scratchFolder)
    : m_window(window), m_rng(seed), m_badCsv(QDir(scratchFolder).filePath(QStringLiteral("bad_train.csv"))),
      m_badModel(QDir(scratchFolder).filePath(QStringLiteral("bad.nnlab")))
{
}

bool MonkeyActions::writeBadFiles()
{
    for (const QString& path : {m_badCsv, m_badModel}) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write("7,1,2,banana\n\xff\xfe garbage") < 0)
            return false;
    }
    return true;
}

void MonkeyActions::answerDialogs()
{
    for (QMessageBox* box : m_window->findChildren<QMessageBox*>()) {
        if (!box->isVisible())
            continue;
        QList<QAbstractButton*> buttons = box->buttons();
        buttons.removeAll(box->button(QMessageBox::Save));
        if (!buttons.isEmpty())
            QTest::mouseClick(buttons[pick(int(buttons.size()))], Qt::LeftButton);
    }
}

void MonkeyActions::settle()
{
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents();
}

void MonkeyActions::stroke(ui::DigitCanvas* canvas)
{
    const QRect s = canvas->square();
    auto point = [&] { return QPointF(s.left() + pick(s.width() + 40) - 20, s.top() + pick(s.height() + 40) - 20); };
    QPointF p = point();
    QTest::mousePress(canvas, Qt::LeftButton, {}, p.toPoint());
    for (int i = 0, n = 1 + pick(30); i < n; ++i) {
        p = point();
        QMouseEvent move(QEvent::MouseMove, p, canvas->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(canvas, &move);
    }
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, p.toPoint());
}

void MonkeyActions::perform(int kind)
{
    ui::ControlPanel* c = m_window->controls();
    static const QStringList presets{"lesson", "lesson-100", "keras-sgd", "keras-rmsprop", "best", "default"};
    static const QStringList docks{"controlsDock", "weightsDock", "confusionDock", "galleryDock", "inspectorDock", "drawDock"};
    switch (kind) {
    case 0: case 1: case 2:
        QTest::keyClick(m_window, Qt::Key_Space); // start / pause
        break;
    case 3:
        QTest::keyClick(m_window, Qt::Key_Period, Qt::ControlModifier); // stop
        break;
    case 4:
        QTest::keyClick(m_window, Qt::Key_Right, Qt::ControlModifier); // step
        break;
    case 5:
        QTest::keyClick(m_window, Qt::Key_R, Qt::ControlModifier); // reset
        break;
    case 6: { // the learning-rate slider to an extreme or anywhere
        QSlider* s = c->learningRate()->slider();
        s->setFocus();
        QTest::keyClick(s, pick(3) == 0 ? Qt::Key_Home : pick(2) ? Qt::Key_End : Qt::Key_PageUp);
        break;
    }
    case 7:
        typeInto(c->hiddenNodes(0), QString::number(pick(2) ? 1 + pick(1024) : (pick(2) ? 1 : 99999)));
        break;
    case 8:
        typeInto(c->hiddenLayers(), QString::number(pick(4)));
        break;
    case 9:
        c->activation()->setCurrentIndex(pick(3));
        break;
    case 10:
        c->outputLoss()->setCurrentIndex(pick(2));
        break;
    case 11:
        c->optimizer()->setCurrentIndex(pick(4));
        break;
    case 12:
        typeInto(c->batchSize(), QString::number(pick(2) ? 1 + pick(300) : 1000000));
        break;
    case 13:
        typeInto(c->trainingSize(), QString::number(pick(2) ? 100 : 100 + pick(60000)));
        break;
    case 14:
        m_window->applyPreset(presets[pick(int(presets.size()))]);
        break;
    case 15:
        stroke(m_window->drawPanel()->canvas());
        break;
    case 16:
        m_window->drawPanel()->canvas()->setFocus();
        QTest::keyClick(m_window->drawPanel()->canvas(), pick(2) ? Qt::Key_Escape : Qt::Key_Z,
                        pick(2) ? Qt::NoModifier : Qt::ControlModifier);
        break;
    case 17:
        if (pick(2))
            m_window->openDataFiles({m_badCsv});
        else
            m_window->openModel(m_badModel);
        break;
    case 18: { // close or reopen a dock
        QDockWidget* d = m_window->dock(docks[pick(int(docks.size()))]);
        d->toggleViewAction()->trigger();
        break;
    }
    case 19:
        m_window->inspect(pick(2), std::size_t(pick(10000)));
        break;
    case 20:
        QTest::mouseClick(m_window->inspector()->stepButton(), Qt::LeftButton);
        break;
    case 21: {
        ui::ConfusionMatrix* m = m_window->confusion();
        QTest::mouseClick(m, Qt::LeftButton, {}, m->cellRect(pick(10), pick(10)).center());
        break;
    }
    case 22:
        m_window->gallery()->setChoice()->setCurrentIndex(pick(2));
        m_window->gallery()->trueLabelChoice()->setCurrentIndex(pick(11));
        break;
    default:
        if (pick(2))
            m_window->curves()->clearRuns();
        else
            m_window->curves()->setLogLoss(!m_window->curves()->logLoss());
        break;
    }
    settle();
    answerDialogs();
    settle();
}

} // namespace nnlab::test
