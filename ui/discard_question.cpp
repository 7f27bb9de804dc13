#include "discard_question.h"

#include "app/lab/lab_session.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QLocale>
#include <QMessageBox>
#include <QSettings>

#include <memory>

namespace nnlab::ui {

DiscardQuestion::DiscardQuestion(QWidget* window, QSettings* settings, app::LabSession* session,
                                 std::function<bool()> save)
    : QObject(window), m_window(window), m_settings(settings), m_session(session), m_save(std::move(save))
{
    m_session->setAskBeforeDiscard(m_settings->value(kSettingsKey, true).toBool());
}

QMessageBox* DiscardQuestion::makeBox(const QString& why, const char* objectName)
{
    const QString learned =
        tr("Since its weights were last saved, the network has learned from %1 images. Save it first?")
            .arg(QLocale().toString(qulonglong(m_session->samplesSinceKept())));
    auto* box = new QMessageBox(QMessageBox::Question, tr("Keep what the network learned?"),
                                why + QStringLiteral("\n\n") + learned,
                                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, m_window);
    box->setObjectName(QLatin1String(objectName));
    box->setDefaultButton(QMessageBox::Save);
    box->setEscapeButton(QMessageBox::Cancel);
    box->button(QMessageBox::Discard)->setToolTip(tr("Throw away what was learned"));
    box->setCheckBox(new QCheckBox(tr("Don't ask again")));
    return box;
}

void DiscardQuestion::rememberDontAsk(QMessageBox* box)
{
    if (!box->checkBox()->isChecked())
        return;
    m_session->setAskBeforeDiscard(false);
    m_settings->setValue(kSettingsKey, false);
}

void DiscardQuestion::ask(const QString& why, const std::function<void()>& replace, const std::function<void()>& keep,
                          bool resume)
{
    app::TrainingController* controller = m_session->controller();
    const bool wasRunning = controller->isRunning();
    const bool running = wasRunning && resume;
    if (!m_enabled || !m_session->needsAskingBeforeDiscard()) {
        replace();
        if (running)
            controller->start(); // the training goes on, with the new weights
        return;
    }
    if (wasRunning)
        controller->pause();
    QMessageBox* box = makeBox(why, "discardQuestion");
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, replace, keep, running, controller] {
        const auto answer = box->standardButton(box->clickedButton());
        const bool letGo = answer == QMessageBox::Discard || (answer == QMessageBox::Save && m_save());
        if (letGo) {
            rememberDontAsk(box);
            replace();
        } else if (keep) {
            keep();
        }
        if (running)
            controller->start();
    });
    box->open();
}

bool DiscardQuestion::askBeforeQuit()
{
    if (!m_session->needsAskingBeforeDiscard())
        return true;
    if (m_session->controller()->isRunning())
        m_session->controller()->pause();
    const std::unique_ptr<QMessageBox> box(makeBox(tr("The window is closing."), "saveOnQuitQuestion"));
    const int answer = box->exec();
    const bool close = answer == QMessageBox::Discard || (answer == QMessageBox::Save && m_save());
    if (close)
        rememberDontAsk(box.get());
    return close;
}

} // namespace nnlab::ui
