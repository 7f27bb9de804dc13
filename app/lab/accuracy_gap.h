// The overfitting gap of a run: where its training accuracy lies above its test accuracy, the
// band between the two curves as they are drawn (straight lines between points). The learning
// curves shade it; the net remembers its training images better than it reads new ones.
#pragma once

#include <QVector>

#include <algorithm>

namespace nnlab::app {

struct AccuracyGap
{
    // The band's edges at each x (epochs): `test` below, `top` = max(training, test) above, so
    // that the band is empty where the test accuracy is the higher.
    QVector<double> x, test, top;

    // ∫ max(0, training − test) dx over the band, in accuracy × epochs (exact: the edges are
    // straight between the points, and a point sits wherever the two curves cross).
    double area() const
    {
        double sum = 0;
        for (qsizetype i = 1; i < x.size(); ++i)
            sum += (x[i] - x[i - 1]) * ((top[i] - test[i]) + (top[i - 1] - test[i - 1])) / 2;
        return sum;
    }
};

namespace detail {

// The polyline (xs, ys) at x, for xs[0] <= x <= xs.back() (xs ascending; at a repeated x the
// later point counts).
inline double valueAt(const QVector<double>& xs, const QVector<double>& ys, double x)
{
    const auto after = std::upper_bound(xs.begin(), xs.end(), x);
    const qsizetype i = std::max<qsizetype>(1, std::min<qsizetype>(after - xs.begin(), xs.size() - 1));
    const double x0 = xs[i - 1], x1 = xs[i];
    if (x >= x1 || x1 <= x0)
        return ys[i];
    return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - x0) / (x1 - x0);
}

} // namespace detail

// The gap between training accuracy (trainX, train) and test accuracy (testX, test), over the
// epochs both curves cover; empty unless each has two points there. x ascending in both.
inline AccuracyGap accuracyGap(const QVector<double>& trainX, const QVector<double>& train,
                               const QVector<double>& testX, const QVector<double>& test)
{
    AccuracyGap gap;
    if (trainX.size() < 2 || testX.size() < 2)
        return gap;
    const double from = std::max(trainX.front(), testX.front());
    const double to = std::min(trainX.back(), testX.back());
    if (!(from < to))
        return gap;
    // Every point of either curve in [from, to]: between two of them both curves are straight.
    QVector<double> xs{from, to};
    for (const QVector<double>* s : {&trainX, &testX})
        for (double x : *s)
            if (x > from && x < to)
                xs.append(x);
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());

    auto add = [&gap](double x, double training, double tested) {
        gap.x.append(x);
        gap.test.append(tested);
        gap.top.append(std::max(training, tested));
    };
    double lastX = 0, lastDiff = 0, lastTest = 0;
    for (qsizetype i = 0; i < xs.size(); ++i) {
        const double x = xs[i];
        const double tr = detail::valueAt(trainX, train, x);
        const double te = detail::valueAt(testX, test, x);
        const double diff = tr - te;
        if (i > 0 && ((lastDiff > 0 && diff < 0) || (lastDiff < 0 && diff > 0))) {
            // The curves cross between the two points: the band closes there.
            const double share = lastDiff / (lastDiff - diff);
            const double crossTest = lastTest + share * (te - lastTest);
            add(lastX + share * (x - lastX), crossTest, crossTest);
        }
        add(x, tr, te);
        lastX = x;
        lastDiff = diff;
        lastTest = te;
    }
    return gap;
}

} // namespace nnlab::app
