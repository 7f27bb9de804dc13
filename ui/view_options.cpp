#include "view_options.h"

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QMenu>
#include <QPointer>
#include <QScrollArea>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace nnlab::ui {

namespace {

// The application's look before any view option changed it: what "off" goes back to. One per
// process, as the application font, palette and style are.
struct Normal
{
    QFont font;
    QPalette palette;
    QString style;
};

const Normal& normal()
{
    static const Normal n{QApplication::font(), QApplication::palette(), QApplication::style()->name()};
    return n;
}

class WidthKeeper : public QObject
{
public:
    explicit WidthKeeper(QScrollArea* scroll) : QObject(scroll), m_scroll(scroll), m_view(scroll->widget())
    {
        m_view->installEventFilter(this);
        fit();
    }

    // Only the view's own layout and font changes: while the scroll area is being destroyed
    // (its children go first) it is no longer a QScrollArea, so nothing here may ask it.
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if ((event->type() == QEvent::LayoutRequest || event->type() == QEvent::FontChange) && watched == m_view)
            fit();
        return QObject::eventFilter(watched, event);
    }

private:
    void fit() { m_scroll->setMinimumWidth(m_view->sizeHint().width() + 24); } // + scroll bar

    QScrollArea* m_scroll;
    QWidget* m_view;
};

} // namespace

ViewOptions::ViewOptions(QSettings* settings, bool restore, bool dark, QWidget* window)
    : QObject(window), m_settings(settings), m_dark(new QAction(tr("&Dark colours"), this)),
      m_presentation(new QAction(tr("&Presentation mode"), this))
{
    normal(); // remembered before anything changes
    m_dark->setCheckable(true);
    m_dark->setToolTip(tr("Light text on a dark background, for a dim room. The plots' axes, grid "
                          "and text change with it; the weight colours keep their meaning "
                          "(blue negative, white zero, red positive)."));
    m_presentation->setCheckable(true);
    m_presentation->setShortcut(QKeySequence(Qt::Key_F11));
    m_presentation->setToolTip(tr("Larger text in every panel and plot, to be read on a projector "
                                  "from the back of the room (F11). Press F11 again for normal "
                                  "text."));
    window->addAction(m_dark);
    window->addAction(m_presentation);

    const bool darkOn = dark || (restore && m_settings->value(kDarkKey, false).toBool());
    const bool presentingOn = restore && m_settings->value(kPresentationKey, false).toBool();
    m_dark->setChecked(darkOn);
    m_presentation->setChecked(presentingOn);
    if (darkOn)
        setDark(true);
    if (presentingOn)
        setPresenting(true);
    connect(m_dark, &QAction::toggled, this, [this](bool on) {
        setDark(on);
        m_settings->setValue(kDarkKey, on);
        m_settings->sync();
    });
    connect(m_presentation, &QAction::toggled, this, [this](bool on) {
        setPresenting(on);
        m_settings->setValue(kPresentationKey, on);
        m_settings->sync();
    });
}

void ViewOptions::addTo(QMenu* view)
{
    view->addSeparator();
    view->addAction(m_dark);
    view->addAction(m_presentation);
    view->setToolTipsVisible(true);
}

QPalette ViewOptions::darkPalette()
{
    const QColor window(45, 45, 48), base(30, 30, 32), text(232, 232, 232), disabled(130, 130, 130);
    const QColor highlight(42, 130, 218);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(55, 55, 58));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Light, QColor(75, 75, 78));
    p.setColor(QPalette::Midlight, QColor(62, 62, 65));
    p.setColor(QPalette::Mid, QColor(40, 40, 42));
    p.setColor(QPalette::Dark, QColor(25, 25, 27));
    p.setColor(QPalette::Shadow, QColor(10, 10, 10));
    p.setColor(QPalette::Link, QColor(100, 170, 240));
    p.setColor(QPalette::LinkVisited, QColor(170, 140, 240));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(80, 80, 84));
    return p;
}

void ViewOptions::keepWideEnough(QScrollArea* scroll)
{
    new WidthKeeper(scroll);
}

namespace {

// Holds a view at the scroll area's whole size, and asks only for the view's minimum: a scroll
// area sizes a widget with a height-for-width layout (wrapped labels, a square canvas) by that
// height, so the view would scroll even where its minimum fits.
class ViewHolder : public QWidget
{
public:
    explicit ViewHolder(QWidget* view) : m_view(view) { view->setParent(this); }
    QSize minimumSizeHint() const override { return m_view ? m_view->minimumSizeHint() : QSize(); }
    QSize sizeHint() const override { return m_view ? m_view->sizeHint() : QSize(); }

protected:
    void resizeEvent(QResizeEvent*) override
    {
        if (m_view)
            m_view->setGeometry(rect());
    }
    bool event(QEvent* e) override
    {
        if (e->type() == QEvent::LayoutRequest)
            updateGeometry(); // the view's minimum changed (a larger font)
        return QWidget::event(e);
    }

private:
    QPointer<QWidget> m_view;
};

} // namespace

QScrollArea* ViewOptions::scrollable(QWidget* view)
{
    auto* scroll = new QScrollArea;
    scroll->setObjectName(view->objectName() + QStringLiteral("Scroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(new ViewHolder(view));
    return scroll;
}

void ViewOptions::setDark(bool on)
{
    if (on) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    } else {
        if (QStyle* style = QStyleFactory::create(normal().style))
            QApplication::setStyle(style);
        QApplication::setPalette(normal().palette);
    }
}

void ViewOptions::setPresenting(bool on)
{
    QFont font = normal().font;
    if (on && font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * kPresentationScale);
    else if (on)
        font.setPixelSize(int(font.pixelSize() * kPresentationScale + 0.5));
    QApplication::setFont(font);
}

} // namespace nnlab::ui
