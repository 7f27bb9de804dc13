// Not written yet: fails until it is.
#include <QtTest>
class Todo : public QObject { Q_OBJECT private slots: void todo() { QFAIL("tst_model_file is not written yet"); } };
QTEST_APPLESS_MAIN(Todo)
#include "tst_model_file.moc"
