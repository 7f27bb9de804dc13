// The lesson's network (engine/lesson_network): query() and train() on a 3-5-2 net with fixed
// weights against figures computed independently, in double, by the lesson's own loop in Python.
#include "engine/lesson_network.h"

#include <QtTest>

#include <cmath>

using namespace nnlab::engine;

namespace {

// The fixture and the lesson's loop that computed the figures below (Python 3, double; np.dot
// written out as sums, "%.9g"):
//
//   w_i_h = [[0.9, -0.3, 0.2], [0.1, 0.8, -0.5], [-0.7, 0.4, 0.3], [0.2, 0.2, -0.9],
//            [0.5, -0.6, 0.1]]
//   w_h_o = [[0.3, -0.8, 0.5, 0.1, -0.2], [-0.4, 0.6, 0.2, -0.7, 0.9]]
//   pixels, labels, l_r = [[200, 0, 90], [12, 255, 140], [77, 180, 3]], [1, 0, 1], 0.3
//   sigmoid = lambda x: 1 / (1 + math.exp(-x))
//   dot = lambda w, v: [sum(a * b for a, b in zip(row, v)) for row in w]
//   for s in range(3):
//       input = [p / 255.0 * 0.99 + 0.01 for p in pixels[s]]
//       target = [0.99 if o == labels[s] else 0.01 for o in range(2)]
//       h_input = dot(w_i_h, input); h_output = [sigmoid(x) for x in h_input]
//       o_input = dot(w_h_o, h_output); o_output = [sigmoid(x) for x in o_input]
//       o_errors = [t - o for t, o in zip(target, o_output)]
//       h_errors = dot(list(zip(*w_h_o)), o_errors)
//       w_h_o = [[w_h_o[o][h] + l_r * o_errors[o] * o_output[o] * (1 - o_output[o]) * h_output[h]
//                 for h in range(5)] for o in range(2)]
//       w_i_h = [[w_i_h[h][i] + l_r * h_errors[h] * h_output[h] * (1 - h_output[h]) * input[i]
//                 for i in range(3)] for h in range(5)]
const std::vector<std::vector<double>> kWih = {
    {0.9, -0.3, 0.2}, {0.1, 0.8, -0.5}, {-0.7, 0.4, 0.3}, {0.2, 0.2, -0.9}, {0.5, -0.6, 0.1}};
const std::vector<std::vector<double>> kWho = {{0.3, -0.8, 0.5, 0.1, -0.2},
                                               {-0.4, 0.6, 0.2, -0.7, 0.9}};
const std::uint8_t kPixels[3][3] = {{200, 0, 90}, {12, 255, 140}, {77, 180, 3}};
const int kLabels[3] = {1, 0, 1};
const float kLr = 0.3f;

// The first sample's values.
const std::vector<double> kHInput = {0.776705882, -0.0930588235, -0.438705882, -0.164176471,
                                     0.423176471};
const std::vector<double> kHOutput = {0.684969722, 0.476752069, 0.392049375, 0.459047826,
                                      0.604243101};
const std::vector<double> kOInput = {-0.0548298886, 0.31295854};
const std::vector<double> kOOutput = {0.486295961, 0.577607242};
const std::vector<double> kOErrors = {-0.476295961, 0.412392758};
const std::vector<double> kHErrors = {-0.307845891, 0.628472423, -0.155669429, -0.336304526,
                                      0.466412674};
// The weights after the first sample, and after all three.
const std::vector<std::vector<double>> kWihAfter1 = {{0.884326688, -0.300199287, 0.192837402},
                                                     {0.136990489, 0.800470335, -0.483095596},
                                                     {-0.708754194, 0.39988869, 0.295999392},
                                                     {0.180296052, 0.199749464, -0.909004572},
                                                     {0.526315661, -0.599665395, 0.11202608}};
const std::vector<std::vector<double>> kWhoAfter1 = {
    {0.275549757, -0.817017838, 0.486005655, 0.0836141215, -0.221568677},
    {-0.379324656, 0.614390436, 0.211833743, -0.686143954, 0.918238666}};
const std::vector<std::vector<double>> kWihAfter3 = {{0.878824048, -0.2889924, 0.207503208},
                                                     {0.147064839, 0.775726222, -0.512615242},
                                                     {-0.711854467, 0.400670243, 0.300768164},
                                                     {0.174222935, 0.214378901, -0.891390543},
                                                     {0.534569097, -0.620877419, 0.0872481483}};
const std::vector<std::vector<double>> kWhoAfter3 = {
    {0.275739561, -0.814233075, 0.492650253, 0.0813591578, -0.221593668},
    {-0.382657489, 0.607548721, 0.201498907, -0.686995245, 0.915704233}};

Matrix matrixOf(const std::vector<std::vector<double>>& rows)
{
    Matrix m(Eigen::Index(rows.size()), Eigen::Index(rows[0].size()));
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c)
            m(r, c) = float(rows[std::size_t(r)][std::size_t(c)]);
    return m;
}

// Largest |engine - figure|, for a vector or a matrix.
double worst(const Vector& v, const std::vector<double>& figures)
{
    double w = 0;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        w = std::max(w, std::abs(v[i] - figures[std::size_t(i)]));
    return w;
}

double worst(const Matrix& m, const std::vector<std::vector<double>>& figures)
{
    double w = 0;
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        w = std::max(w, worst(m.row(r).transpose(), figures[std::size_t(r)]));
    return w;
}

} // namespace

class TestLessonNetwork : public QObject
{
    Q_OBJECT

private slots:
    void inputAndTarget()
    {
        const Vector input = lessonInput(kPixels[0], 3);
        QCOMPARE(input.size(), Eigen::Index(3));
        QVERIFY(std::abs(input[0] - (200 / 255.0 * 0.99 + 0.01)) < 1e-7);
        QVERIFY(std::abs(input[1] - 0.01) < 1e-7); // a blank pixel is 0.01, never 0
        QVERIFY(std::abs(input[2] - (90 / 255.0 * 0.99 + 0.01)) < 1e-7);
        const Vector target = lessonTarget(1, 2);
        QCOMPARE(target[0], 0.01f);
        QCOMPARE(target[1], 0.99f);
    }

    void queryAndErrorsMatchTheFigures()
    {
        const Matrix w_i_h = matrixOf(kWih), w_h_o = matrixOf(kWho);
        const Vector input = lessonInput(kPixels[0], 3);
        const LessonPass q = lessonQuery(w_i_h, w_h_o, input);
        QVERIFY(worst(q.h_input, kHInput) < 1e-6);
        QVERIFY(worst(q.h_output, kHOutput) < 1e-6);
        QVERIFY(worst(q.o_input, kOInput) < 1e-6);
        QVERIFY(worst(q.o_output, kOOutput) < 1e-6);

        const LessonPass p = lessonBackpropagate(w_i_h, w_h_o, input, lessonTarget(kLabels[0], 2));
        QVERIFY(worst(p.o_output, kOOutput) < 1e-6);
        QVERIFY(worst(p.o_errors, kOErrors) < 1e-6);
        QVERIFY(worst(p.h_errors, kHErrors) < 1e-6);
    }

    void trainMatchesTheFigures_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("one sample") << 1;
        QTest::newRow("three samples in a row") << 3;
    }

    void trainMatchesTheFigures()
    {
        QFETCH(int, count);
        Matrix w_i_h = matrixOf(kWih), w_h_o = matrixOf(kWho);
        for (int s = 0; s < count; ++s) {
            const LessonPass p = lessonTrain(w_i_h, w_h_o, lessonInput(kPixels[s], 3),
                                             lessonTarget(kLabels[s], 2), kLr);
            if (s == 0) { // the values before the update
                QVERIFY(worst(p.o_errors, kOErrors) < 1e-6);
                QVERIFY(worst(p.h_errors, kHErrors) < 1e-6);
            }
        }
        const double wih = worst(w_i_h, count == 1 ? kWihAfter1 : kWihAfter3);
        const double who = worst(w_h_o, count == 1 ? kWhoAfter1 : kWhoAfter3);
        QVERIFY2(wih < 1e-6, qPrintable(QString("w_i_h off by %1").arg(wih)));
        QVERIFY2(who < 1e-6, qPrintable(QString("w_h_o off by %1").arg(who)));
    }

    void recognisesTheLessonsNet()
    {
        Architecture a;
        QVERIFY(isLessonNetwork(a)); // the default is the lesson's 784-90-10
        a.scaling = Scaling::UnitRange;
        QVERIFY(isLessonNetwork(a));
        Architecture two = a;
        two.hidden = {90, 30};
        QVERIFY(!isLessonNetwork(two));
        Architecture tanh = a;
        tanh.hiddenActivation = Activation::Tanh;
        QVERIFY(!isLessonNetwork(tanh));
        Architecture biases = a;
        biases.biases = true;
        QVERIFY(!isLessonNetwork(biases));
        Architecture softmax = a;
        softmax.output = Output::Softmax;
        softmax.loss = Loss::CrossEntropy;
        QVERIFY(!isLessonNetwork(softmax));
    }
};

QTEST_APPLESS_MAIN(TestLessonNetwork)
#include "tst_lesson_network.moc"
