// Not written yet: fails until it is.
#include <QtTest>
class Todo : public QObject { Q_OBJECT private slots: void todo() { QFAIL("tst_idx_reader is not written yet"); } };
QTEST_APPLESS_MAIN(Todo)
#include "tst_idx_reader.moc"
