#include "crash_recovery.h"

#include "app/bridge/training_controller.h"
#include "app/lab/lab_session.h"
#include "engine/model_file.h"
#include "main_window.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

#include <sstream>

namespace nnlab::ui {

namespace {

// The network as .nnlab bytes (engine::writeModel of LabSession::currentModel()).
std::optional<QByteArray> modelBytes(const app::LabSession* session)
{
    const std::optional<engine::Model> model = session->currentModel();
    if (!model)
        return std::nullopt;
    try {
        std::ostringstream out;
        engine::writeModel(out, *model, "autosave");
        return QByteArray::fromStdString(out.str());
    } catch (const std::exception&) { // a network the file format refuses (non-finite): keep the last
        return std::nullopt;
    }
}

} // namespace

CrashRecovery::CrashRecovery(MainWindow* window, const QString& folder)
    : QObject(window), m_window(window), m_autosave(folder)
{
    m_autosave.begin();
    app::RunRegistry* runs = window->session()->runs();
    setRuns([runs] { return runs->toWorkspace(); }, [runs](const QByteArray& workspace) {
        QString why;
        return runs->fromWorkspace(workspace, &why) ? QString() : why;
    });
    m_autosave.watch(window->controller());
    connect(window->controller(), &app::TrainingController::runStarted, this, [this] { m_restoredUnsaved = false; });
    connect(window->document(), &app::ModelDocument::changed, this, [this] {
        if (!m_window->document()->path().isEmpty())
            m_restoredUnsaved = false; // saved
    });
}

void CrashRecovery::finishCleanly()
{
    if (m_restoredUnsaved)
        m_autosave.finishKeeping();
    else
        m_autosave.finishCleanly();
}

void CrashRecovery::setRuns(app::Autosave::WorkspaceBytes save, RestoreRuns restore)
{
    m_autosave.setSources([session = m_window->session()] { return modelBytes(session); }, std::move(save));
    m_restoreRuns = std::move(restore);
}

void CrashRecovery::tell(const QString& title, const QString& text)
{
    emit message(text);
    if (m_answer == Answer::Ask)
        QMessageBox::warning(m_window, title, text);
}

void CrashRecovery::offer()
{
    if (!m_autosave.hasLeftover())
        return;
    QString why;
    m_leftover = m_autosave.readLeftover(&why);
    if (!m_leftover) {
        tell(tr("The autosave cannot be restored"), why);
        return;
    }
    std::istringstream in(m_leftover->model.toStdString());
    const engine::Model model = engine::readModel(in, "autosave"); // read once already: it reads
    const QString text =
        tr("nnlab ended without closing while a network was training. Its last autosave, from %1, "
           "holds that network (%2, trained on %3 images)%4.")
            .arg(QLocale().toString(m_leftover->savedAt, QLocale::ShortFormat),
                 QString::fromStdString(model.network.architecture().describe()),
                 QLocale().toString(qulonglong(model.info.samplesSeen)),
                 m_leftover->workspace.isEmpty() ? QString() : tr(" and the runs table"));
    emit offered(text);
    if (m_answer != Answer::Ask) {
        answer(m_answer);
        return;
    }
    m_box = new QMessageBox(QMessageBox::Question, tr("Restore the network that was training?"), text,
                            QMessageBox::NoButton, m_window);
    m_box->setObjectName(QStringLiteral("recoveryQuestion"));
    m_box->setInformativeText(tr("Set aside keeps its files, renamed with today's date, in %1. "
                                 "Later asks again the next time nnlab starts.")
                                  .arg(QFileInfo(m_autosave.slotFolder()).absolutePath()));
    QPushButton* restoreButton = m_box->addButton(tr("Restore"), QMessageBox::AcceptRole);
    restoreButton->setToolTip(tr("Make the saved network the current one, with its runs, as an unsaved model"));
    m_box->addButton(tr("Set aside"), QMessageBox::DestructiveRole)
        ->setToolTip(tr("Start from a new network; the autosave is renamed, not deleted"));
    QPushButton* later = m_box->addButton(tr("Later"), QMessageBox::RejectRole);
    later->setToolTip(tr("Start from a new network and ask again at the next start"));
    m_box->setDefaultButton(restoreButton);
    m_box->setEscapeButton(later);
    m_box->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_box, &QMessageBox::finished, this, [this, restoreButton, later] {
        QAbstractButton* clicked = m_box->clickedButton();
        m_box = nullptr;
        answer(clicked == restoreButton ? Answer::Restore : clicked == later || !clicked ? Answer::Later
                                                                                          : Answer::SetAside);
    });
    m_box->open();
}

void CrashRecovery::answer(Answer answer)
{
    switch (answer) {
    case Answer::Restore:
        restore();
        break;
    case Answer::SetAside:
        m_autosave.setAside(QStringLiteral("discarded"));
        break;
    case Answer::Ask:
    case Answer::Later:
        m_autosave.postpone();
        break;
    }
    m_leftover.reset();
}

// The network through File > Open model's path (its checks and messages), then as a model with
// no file yet that asks to be saved; the runs through the runs table's own reader.
void CrashRecovery::restore()
{
    if (!m_window->openModel(m_autosave.modelPath())) {
        const QString where = m_autosave.setAside(QStringLiteral("not-restored"));
        tell(tr("The autosave cannot be restored"),
             tr("The saved network does not fit this window's data or controls. It was set aside as %1.").arg(where));
        return;
    }
    m_window->document()->forgetRecent(m_autosave.modelPath()); // not a file of the learner's
    m_window->document()->clear();
    m_window->document()->setModified(true);
    m_autosave.adoptLeftover();
    m_restoredUnsaved = true;
    if (m_restoreRuns && !m_leftover->workspace.isEmpty()) {
        if (const QString why = m_restoreRuns(m_leftover->workspace); !why.isEmpty()) {
            const QString kept = m_autosave.workspacePath() + QStringLiteral(".corrupt-") +
                                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
            QFile::copy(m_autosave.workspacePath(), kept);
            tell(tr("The runs table cannot be restored"),
                 tr("The network was restored, but not its runs: %1 They were set aside as %2.").arg(why, kept));
        }
    }
    emit restored(m_leftover->model, m_leftover->workspace);
}

} // namespace nnlab::ui
