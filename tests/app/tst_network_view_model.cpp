// The network view's state without widgets (issue 15): every number it shows against the
// engine's own traceSample / traceValues, errorFlow and backQuery (on a 784-90-10 net and on the
// toy net); the lesson's worked example; the phases in order; the shortcut against the exact
// gradient; back-query rate-limited and idle while hidden; custom and bad targets; the nets
// back-query does not apply to.
#include "app/lab/network_view_model.h"

#include "engine/back_query.h"
#include "engine/worked_example.h"
#include "tests/common/test_support.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace nnlab;
using app::LinkRef;
using app::NetworkPhase;
using app::NetworkViewModel;
using app::NodeRef;
using engine::Vector;

namespace {

constexpr double k4Decimals = 1e-4;

// A made-up digit: a blob of ink, the rest background.
std::vector<std::uint8_t> somePixels()
{
    std::vector<std::uint8_t> p(784, 0);
    for (int r = 6; r < 22; ++r)
        for (int c = 10; c < 18; ++c)
            p[std::size_t(r * 28 + c)] = std::uint8_t((r * 37 + c * 11) % 256);
    return p;
}

app::TrainingSetup setupWithRate(float l_r)
{
    app::TrainingSetup s;
    s.training.optimizer.learningRate = l_r;
    return s;
}

bool near(double a, double b, double tolerance = k4Decimals)
{
    return std::abs(a - b) < tolerance;
}

} // namespace

class TestNetworkViewModel : public QObject
{
    Q_OBJECT

    // Every number of the model against the engine's trace and flow of the same net and input.
    static void compareWithEngine(const NetworkViewModel& m, const engine::Network& net,
                                  const engine::LessonTrace& t, const engine::ErrorFlow& f)
    {
        const std::vector<int> sizes = net.architecture().layerSizes();
        QCOMPARE(m.layerSizes(), sizes);
        const int last = int(sizes.size()) - 1;
        for (int k = 0; k <= last; ++k)
            for (int i = 0; i < sizes[std::size_t(k)]; ++i) {
                const NodeRef n{k, i};
                const float sum = k == 0 ? t.input[i] : k == last ? t.outputInput[i] : t.hiddenInputs[std::size_t(k - 1)][i];
                const float out = k == 0 ? t.input[i] : k == last ? t.outputOutput[i] : t.hiddenOutputs[std::size_t(k - 1)][i];
                QVERIFY2(near(m.nodeSum(n), sum), qPrintable(QStringLiteral("sum of %1 %2").arg(k).arg(i)));
                QVERIFY2(near(m.nodeOutput(n), out), qPrintable(QStringLiteral("output of %1 %2").arg(k).arg(i)));
                if (k > 0)
                    QVERIFY2(near(*m.nodeError(n), f.layers[std::size_t(k - 1)].errors[i]),
                             qPrintable(QStringLiteral("error of %1 %2").arg(k).arg(i)));
                else
                    QVERIFY(!m.nodeError(n));
            }
        for (int o = 0; o < sizes.back(); ++o)
            QVERIFY(near(m.target(o), t.target[o]));
        for (int l = 0; l < last; ++l) {
            const engine::LayerFlow& lf = f.layers[std::size_t(l)];
            for (int j = 0; j < sizes[std::size_t(l + 1)]; ++j)
                for (int i = 0; i < sizes[std::size_t(l)]; ++i) {
                    const LinkRef link{l, j, i};
                    QVERIFY(near(m.weight(link), net.weights(l)(j, i)));
                    QVERIFY(near(m.update(link), lf.update(j, i), 1e-6));
                    QVERIFY(near(m.after(link), lf.after(j, i)));
                    if (l == 0)
                        QVERIFY(!m.carried(link));
                    else
                        QVERIFY(near(*m.carried(link), lf.carried(j, i)));
                }
        }
    }

private slots:
    void digitNetIsTheEnginesTrace_data()
    {
        QTest::addColumn<bool>("lessonErrors");
        QTest::newRow("the lesson's shortcut") << true;
        QTest::newRow("the exact gradient") << false;
    }
    void digitNetIsTheEnginesTrace()
    {
        QFETCH(bool, lessonErrors);
        const app::NetworkPtr net = test::lessonNetwork({90}, 3);
        const std::vector<std::uint8_t> pixels = somePixels();
        NetworkViewModel m;
        m.setOnScreen(true);
        m.setSetup(setupWithRate(0.2f));
        m.setNetwork(net);
        m.setImage(pixels, 7, QStringLiteral("Test image 0"));
        m.setLessonErrors(lessonErrors);
        QVERIFY(m.ready());
        const engine::LessonTrace t = engine::traceSample(*net, pixels.data(), 7, lessonErrors);
        compareWithEngine(m, *net, t, engine::errorFlow(*net, t, 0.2f, lessonErrors));
        if (QTest::currentTestFailed())
            return;
        // The other choice, for the difference, is the engine's too.
        const engine::ErrorFlow other = engine::errorFlow(*net, t, 0.2f, !lessonErrors);
        QVERIFY((m.otherFlow().layers[0].errors - other.layers[0].errors).cwiseAbs().maxCoeff() < 1e-5f);
        // The back-query strip: the engine's images, pixel by pixel.
        const engine::Batch images = engine::backQueryAllOutputs(*net);
        QCOMPARE(m.backQueryCount(), 10);
        QVERIFY((m.backQueryImages() - images).cwiseAbs().maxCoeff() < k4Decimals);
    }

    void toyNetIsTheEnginesTrace()
    {
        NetworkViewModel m;
        m.setOnScreen(true);
        m.setMode(NetworkViewModel::Mode::Toy);
        QCOMPARE(m.layerSizes(), (std::vector<int>{3, 5, 2})); // the lesson's toy net to begin with
        m.setToySize(4, 5, 2);
        m.setToyInput(3, 0.25f);
        m.setToyTarget(1, 0.7f);
        m.setToyWeight({1, 1, 4}, -0.35f);
        m.setToyLearningRate(0.5f);
        QVERIFY(m.ready());
        QCOMPARE(m.layerSizes(), (std::vector<int>{4, 5, 2}));
        QVERIFY(m.isSmall());
        QCOMPARE(m.shownLinks().size(), std::size_t(4 * 5 + 5 * 2)); // every link
        const engine::Network& net = *m.network();
        QCOMPARE(net.weights(1)(1, 4), -0.35f);
        QCOMPARE(m.toyInput()[3], 0.25f);
        const engine::LessonTrace t = engine::traceValues(net, m.toyInput(), m.toyTarget(), true);
        QCOMPARE(t.target[1], 0.7f);
        compareWithEngine(m, net, t, engine::errorFlow(net, t, 0.5f, true));
        // Keeping the update: the weights after it are the toy net's now.
        const engine::Matrix after = engine::errorFlow(net, t, 0.5f, true).layers[0].after;
        m.setPhase(NetworkPhase::Update);
        m.applyToyUpdate();
        QCOMPARE(m.phase(), NetworkPhase::Forward);
        QVERIFY((m.network()->weights(0) - after).cwiseAbs().maxCoeff() < 1e-7f);
    }

    // The lesson's worked example, exactly: -0.79, -0.79 x 0.6 = -0.474, -0.79 x 0.4 = -0.316.
    void workedExample()
    {
        NetworkViewModel m;
        m.setOnScreen(true);
        m.loadWorkedExample();
        QCOMPARE(m.mode(), NetworkViewModel::Mode::Toy);
        QVERIFY(m.ready());
        QCOMPARE(m.layerSizes(), (std::vector<int>{3, 3, 3}));
        QCOMPARE(m.selected(), (NodeRef{2, 0}));
        QVERIFY(std::abs(m.nodeOutput({2, 0}) - 0.8) < 1e-6);
        QVERIFY(std::abs(m.target(0) - 0.01) < 1e-6);
        QVERIFY(std::abs(*m.nodeError({2, 0}) - -0.79) < 1e-6);
        QVERIFY(std::abs(m.weight({1, 0, 0}) - 0.6) < 1e-6);
        QVERIFY(std::abs(m.weight({1, 0, 1}) - 0.4) < 1e-6);
        QVERIFY(std::abs(*m.carried({1, 0, 0}) - -0.474) < 1e-6);
        QVERIFY(std::abs(*m.carried({1, 0, 1}) - -0.316) < 1e-6);
        // Hidden node 1's error is the sum of what its links carry.
        const double sum = *m.carried({1, 0, 0}) + *m.carried({1, 1, 0}) + *m.carried({1, 2, 0});
        QVERIFY(std::abs(*m.nodeError({1, 0}) - sum) < 1e-6);
        m.setPhase(NetworkPhase::Carried);
        QVERIFY2(m.linkText({1, 0, 0}).contains(QStringLiteral("-0.79 x 0.6 = -0.474")), qPrintable(m.linkText({1, 0, 0})));
        QVERIFY2(m.linkText({1, 0, 1}).contains(QStringLiteral("-0.79 x 0.4 = -0.316")), qPrintable(m.linkText({1, 0, 1})));
        const engine::ToyExample ex = engine::lessonWorkedExample();
        const engine::LessonTrace t = engine::traceValues(ex.net, ex.input, ex.target, true);
        compareWithEngine(m, ex.net, t, engine::errorFlow(ex.net, t, engine::kToyLearningRate, true));
    }

    void phasesStepInOrder()
    {
        NetworkViewModel m;
        m.setOnScreen(true);
        m.loadWorkedExample();
        QSignalSpy phases(&m, &NetworkViewModel::phaseChanged);
        QCOMPARE(m.phase(), NetworkPhase::Forward);
        m.stepBack(); // nothing before the feed-forward
        QCOMPARE(phases.count(), 0);
        const NetworkPhase order[] = {NetworkPhase::Targets, NetworkPhase::OutputErrors, NetworkPhase::Carried,
                                      NetworkPhase::HiddenErrors, NetworkPhase::Update};
        QStringList captions{m.caption()};
        for (NetworkPhase p : order) {
            m.stepForward();
            QCOMPARE(m.phase(), p);
            QCOMPARE(phases.takeLast().at(0).value<NetworkPhase>(), p);
            QVERIFY(!captions.contains(m.caption()));
            captions << m.caption();
        }
        m.stepForward(); // nothing after the update
        QCOMPARE(m.phase(), NetworkPhase::Update);
        QCOMPARE(phases.count(), 0);
        QVERIFY(m.caption().contains(QStringLiteral("l_r = 0.3")));
        m.stepBack();
        QCOMPARE(m.phase(), NetworkPhase::HiddenErrors);
        QVERIFY(m.caption().contains(QStringLiteral("h_errors")));
        m.resetPhase();
        QCOMPARE(m.phase(), NetworkPhase::Forward);
        // Play: one phase after another on its own, until paused.
        m.play();
        QVERIFY(m.isPlaying());
        QTRY_COMPARE_WITH_TIMEOUT(m.phase(), NetworkPhase::Targets, 3000);
        m.pause();
        QVERIFY(!m.isPlaying());
    }

    void shortcutOrExactGradient()
    {
        NetworkViewModel m;
        m.setOnScreen(true);
        m.loadWorkedExample();
        m.setPhase(NetworkPhase::HiddenErrors);
        m.selectNode({1, 0});
        QVERIFY(m.flow().lessonErrors);
        const float shortcut = *m.nodeError({1, 0});
        QVERIFY(std::abs(shortcut - -0.9196364911038075) < 1e-5); // worked in Python
        QVERIFY(m.differenceText().contains(QStringLiteral("-0.9196")));
        QVERIFY(m.differenceText().contains(QStringLiteral("-0.1471")));
        m.setLessonErrors(false);
        QVERIFY(!m.flow().lessonErrors);
        QVERIFY(std::abs(*m.nodeError({1, 0}) - -0.14707347766226575) < 1e-5);
        // The output layer sends its delta: o_errors x o_output x (1 - o_output), times the weight.
        const double o = m.nodeOutput({2, 0});
        QVERIFY(std::abs(*m.carried({1, 0, 0}) - -0.79 * o * (1 - o) * 0.6) < 1e-6);
        // The output layer's update is the same either way.
        QVERIFY(std::abs(m.update({1, 0, 0}) - -0.02886973654684316) < 1e-6);
        m.setPhase(NetworkPhase::Forward);
        QVERIFY(m.differenceText().isEmpty()); // nothing sent back yet
    }

    void sumWrittenOut()
    {
        NetworkViewModel m;
        m.setOnScreen(true);
        m.loadWorkedExample();
        m.selectNode({1, 0});
        const QString text = m.sumText();
        // h_input of hidden node 1: 0.9 x 0.9 + 0.3 x 0.1 + 0.4 x 0.8 = 1.16, sigmoid 0.7613.
        QVERIFY2(text.contains(QStringLiteral("h_input = 1.16")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("sigmoid(1.16) = 0.7613")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("0.9 x 0.9 = 0.81")), qPrintable(text));
    }

    void backQueryIsRateLimited()
    {
        NetworkViewModel m;
        QSignalSpy refreshed(&m, &NetworkViewModel::backQueryChanged);
        m.setOnScreen(true);
        m.setNetwork(test::lessonNetwork({20}, 1));
        QCOMPARE(refreshed.count(), 1); // the first at once
        // A burst of snapshots for a second, one every 20 ms: at most one every 333 ms follows.
        app::NetworkPtr last;
        QElapsedTimer clock;
        clock.start();
        for (std::uint64_t seed = 2; clock.elapsed() < 1000; ++seed) {
            last = test::lessonNetwork({20}, seed);
            m.setNetwork(last);
            QTest::qWait(20);
        }
        const int during = refreshed.count() - 1;
        QVERIFY2(during >= 1 && during <= 4, qPrintable(QString::number(during)));
        // The newest weights are shown once the interval has passed.
        QTRY_VERIFY((m.backQueryImages() - engine::backQueryAllOutputs(*last)).cwiseAbs().maxCoeff() < 1e-6f);
        QCOMPARE(m.backQueryRefreshes(), refreshed.count());
    }

    void nothingWhileHidden()
    {
        NetworkViewModel m;
        QSignalSpy refreshed(&m, &NetworkViewModel::backQueryChanged);
        QSignalSpy changed(&m, &NetworkViewModel::changed);
        m.setNetwork(test::lessonNetwork({20}, 1));
        m.setImage(somePixels(), 3, QStringLiteral("Test image 1"));
        for (std::uint64_t seed = 2; seed < 10; ++seed) {
            m.setNetwork(test::lessonNetwork({20}, seed));
            QTest::qWait(50);
        }
        QCOMPARE(refreshed.count(), 0);
        QCOMPARE(changed.count(), 0);
        QVERIFY(!m.ready());
        m.setOnScreen(true); // shown: it catches up once
        QCOMPARE(refreshed.count(), 1);
        QVERIFY(m.ready());
        QCOMPARE(m.trace().label, 3);
        m.setOnScreen(false);
        m.setNetwork(test::lessonNetwork({20}, 11));
        QTest::qWait(400);
        QCOMPARE(refreshed.count(), 1);
    }

    void customTargets()
    {
        const app::NetworkPtr net = test::lessonNetwork({30}, 4);
        NetworkViewModel m;
        m.setOnScreen(true);
        m.setNetwork(net);
        QCOMPARE(m.setCustomTarget(QStringLiteral("4 and 9")), QString());
        QVERIFY(m.hasCustomTarget());
        QCOMPARE(m.backQueryCount(), 11);
        Vector target = Vector::Constant(10, 0.01f);
        target[4] = target[9] = 0.99f;
        QVERIFY((m.backQueryImages().col(10) - engine::backQuery(*net, target)).cwiseAbs().maxCoeff() < 1e-6f);

        QCOMPARE(m.setCustomTarget(QStringLiteral("0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.5")), QString());
        Vector ten(10);
        ten << 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.5f;
        QVERIFY((m.backQueryImages().col(10) - engine::backQuery(*net, ten)).cwiseAbs().maxCoeff() < 1e-6f);

        // Bad ones: one sentence, and the last good target stays.
        for (const QString& bad : {QStringLiteral("4 12"), QStringLiteral("0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1"),
                                   QStringLiteral("0.1 0.2 0.3 0.4 x 0.6 0.7 0.8 0.9 0.5")}) {
            const QString why = m.setCustomTarget(bad);
            QVERIFY2(!why.isEmpty() && why.endsWith(QLatin1Char('.')) && !why[0].isLower(), qPrintable(why));
            QVERIFY2(!why.contains(QStringLiteral(". ")), qPrintable(why)); // one sentence
            QCOMPARE(m.customTargetProblem(), why);
            QVERIFY((m.backQueryImages().col(10) - engine::backQuery(*net, ten)).cwiseAbs().maxCoeff() < 1e-6f);
        }
        QVERIFY(m.customTargetProblem().contains(QStringLiteral("1"))); // the engine names the output
        QCOMPARE(m.setCustomTarget(QString()), QString());
        QCOMPARE(m.backQueryCount(), 10);
    }

    void backQueryImageFedForward()
    {
        const app::NetworkPtr net = test::lessonNetwork({30}, 4);
        NetworkViewModel m;
        m.setOnScreen(true);
        m.setNetwork(net);
        m.feedBackQueryImage(6);
        QVERIFY(m.ready());
        QCOMPARE(m.trace().label, 6);
        QVERIFY(m.source().contains(QStringLiteral("6")));
        for (int i = 0; i < 784; ++i) // the image as pixels, scaled back: within one pixel's step
            QVERIFY(std::abs(m.trace().input[i] - m.backQueryImages()(i, 6)) <= 0.99 / 255 / 2 + 1e-6);
    }

    void netsItDoesNotApplyTo_data()
    {
        QTest::addColumn<engine::Activation>("activation");
        QTest::addColumn<engine::Output>("output");
        QTest::addColumn<engine::Loss>("loss");
        QTest::addColumn<bool>("biases");
        QTest::newRow("softmax") << engine::Activation::Sigmoid << engine::Output::Softmax << engine::Loss::CrossEntropy << false;
        QTest::newRow("relu") << engine::Activation::ReLU << engine::Output::Sigmoid << engine::Loss::SquaredError << false;
        QTest::newRow("biases") << engine::Activation::Sigmoid << engine::Output::Sigmoid << engine::Loss::SquaredError << true;
    }
    void netsItDoesNotApplyTo()
    {
        QFETCH(engine::Activation, activation);
        QFETCH(engine::Output, output);
        QFETCH(engine::Loss, loss);
        QFETCH(bool, biases);
        auto net = std::make_shared<const engine::Network>(test::makeModel({16}, biases, activation, output, loss).network);
        NetworkViewModel m;
        m.setOnScreen(true);
        m.setNetwork(net);
        const QString why = m.backQueryUnavailable();
        QCOMPARE(why, QString::fromStdString(engine::backQueryUnavailable(net->architecture())));
        QVERIFY(!why.isEmpty());
        QCOMPARE(m.backQueryCount(), 0);
        // The forward and backward passes still work on it.
        m.setImage(somePixels(), 2, QStringLiteral("Test image 2"));
        QVERIFY(m.ready());
        const engine::LessonTrace t = engine::traceSample(*net, somePixels().data(), 2, true);
        compareWithEngine(m, *net, t, engine::errorFlow(*net, t, 0.1f, true));
    }

    // A hidden layer wider than 300: the strongest 300 drawn, said in a note; a big layer's links
    // are the strongest terms into the selected node.
    void wideLayersThinned()
    {
        NetworkViewModel m;
        m.setOnScreen(true);
        m.setNetwork(test::lessonNetwork({512}, 2));
        m.setImage(somePixels(), 1, QStringLiteral("Test image 5"));
        QVERIFY(m.isThinned(1));
        QCOMPARE(int(m.shownNodes(1).size()), NetworkViewModel::kMaxNodesDrawn);
        QVERIFY(m.thinnedNote().contains(QStringLiteral("300 of 512")));
        QCOMPARE(m.selected(), (NodeRef{2, m.trace().predicted})); // the answer, at first
        QCOMPARE(int(m.shownLinks().size()), NetworkViewModel::kLinksShown);
        m.selectNode({1, m.shownNodes(1)[5]});
        QCOMPARE(int(m.shownLinks().size()), NetworkViewModel::kLinksShown);
        // The strongest: no link left out carries a larger term w x x than one shown.
        const engine::Matrix& w = m.network()->weights(0);
        const int j = m.shownNodes(1)[5];
        float weakestShown = 1e9f;
        for (const LinkRef& l : m.shownLinks()) {
            QCOMPARE(l.to, j);
            weakestShown = std::min(weakestShown, std::abs(w(j, l.from) * m.trace().input[l.from]));
        }
        int stronger = 0;
        for (int i = 0; i < 784; ++i)
            stronger += std::abs(w(j, i) * m.trace().input[i]) > weakestShown;
        QCOMPARE(stronger, NetworkViewModel::kLinksShown - 1);
    }
};

QTEST_GUILESS_MAIN(TestNetworkViewModel)
#include "tst_network_view_model.moc"
