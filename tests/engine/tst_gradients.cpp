// Not written yet: fails until it is.
#include <QtTest>
class Todo : public QObject { Q_OBJECT private slots: void todo() { QFAIL("tst_gradients is not written yet"); } };
QTEST_APPLESS_MAIN(Todo)
#include "tst_gradients.moc"
