#!/usr/bin/env python3
"""A learning-rate sweep of nnlab-train against the lesson's own numpy loop (issue 16, point 4).

The lesson's loop, written here from its math (784-90-10, sigmoid, no biases, inputs
x/255*0.99+0.01, targets 0.01/0.99, w_i_h ~ N(0, h_n^-0.5), w_h_o ~ N(0, o_n^-0.5), one update per
image in file order, float64 as numpy computes it):
    h_output = sigmoid(w_i_h x);  o_output = sigmoid(w_h_o h_output)
    o_errors = t - o_output;      h_errors = w_h_o^T o_errors
    w_h_o += l_r (o_errors * o_output * (1 - o_output)) h_output^T
    w_i_h += l_r (h_errors * h_output * (1 - h_output)) x^T
trained for one epoch on the first N MNIST training images, then tested on all 10,000 test images.
Two checks for each learning rate:

1. The same start. numpy draws the initial weights from its seeds 1-3 (np.random.RandomState) and
   trains them; nnlab-train loads the very same weights (saved with np.savez, converted by
   nnlab-model convert) and trains them too. The two accuracies may differ only by float32 against
   float64 rounding: at most --same-start-tolerance (0.002, 20 of 10,000 test images).
2. The sweep's points. nnlab-train --sweep trains the same learning rates from nnlab's own seeds
   1-3, whose random weights are not numpy's. Its mean over seeds must agree with numpy's mean over
   its seeds within the spread over seeds (the highest minus the lowest accuracy of all six runs):
   the two sets differ by their random initial weights alone.

The figures are fixed for a given build (fixed seeds, one trainer thread per run); another build's
floating-point rounding (the ASan build, say) may move an accuracy by a few test images.

Exit status: 0 passed, 1 failed, 77 skipped (numpy is not installed for this Python).
Usage: sweep_numpy_check.py --nnlab-train BIN --nnlab-model BIN --data-dir data/mnist
                            [--train-size 6000] [--lr 0.1,0.3] [--seeds 1,2,3]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77

try:
    import numpy as np
except ImportError:
    print(f"skipped: numpy is not installed for {sys.executable} "
          "(scripts/deps.sh installs Debian's python3-numpy)")
    sys.exit(SKIP)


def read_idx(path, count=None):
    """An IDX file (raw or .gz) of uint8 images or labels, the first `count` entries."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    array = np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)
    return array[:count] if count else array


def idx_path(folder, name):
    for candidate in (name, name + ".gz"):
        if os.path.exists(os.path.join(folder, candidate)):
            return os.path.join(folder, candidate)
    sys.exit(f"no {name}[.gz] in {folder}")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def initial_weights(seed):
    """The lesson's initial weights from numpy's seed `seed`: (w_i_h, w_h_o)."""
    i_n, h_n, o_n = 784, 90, 10
    rng = np.random.RandomState(seed)
    return (rng.normal(0.0, pow(h_n, -0.5), (h_n, i_n)),
            rng.normal(0.0, pow(o_n, -0.5), (o_n, h_n)))


def lesson_epoch(images, labels, l_r, weights):
    """One epoch of the lesson's per-sample loop from `weights`: the trained (w_i_h, w_h_o)."""
    i_n, o_n = 784, 10
    w_i_h, w_h_o = (w.copy() for w in weights)
    inputs = images.reshape(len(images), i_n) / 255.0 * 0.99 + 0.01
    for x, label in zip(inputs, labels):
        x = x.reshape(i_n, 1)
        target = np.full((o_n, 1), 0.01)
        target[label] = 0.99
        h_output = sigmoid(np.dot(w_i_h, x))
        o_output = sigmoid(np.dot(w_h_o, h_output))
        o_errors = target - o_output
        h_errors = np.dot(w_h_o.T, o_errors)
        w_h_o += l_r * np.dot(o_errors * o_output * (1.0 - o_output), h_output.T)
        w_i_h += l_r * np.dot(h_errors * h_output * (1.0 - h_output), x.T)
    return w_i_h, w_h_o


def accuracy(w_i_h, w_h_o, images, labels):
    x = images.reshape(len(images), 784).T / 255.0 * 0.99 + 0.01
    o_output = sigmoid(np.dot(w_h_o, sigmoid(np.dot(w_i_h, x))))
    return float(np.mean(np.argmax(o_output, axis=0) == labels))


def nnlab_from(weights, args, l_r, scratch):
    """nnlab-train's test accuracy after one epoch from numpy's `weights`, on one thread."""
    npz, model = os.path.join(scratch, "start.npz"), os.path.join(scratch, "start.nnlab")
    np.savez(npz, w_i_h=weights[0], w_h_o=weights[1])
    subprocess.run([args.nnlab_model, "convert", npz, model], check=True, capture_output=True)
    out = subprocess.run([args.nnlab_train, "--preset", "lesson", "--load", model,
                          "--data-dir", args.data_dir, "--train-size", str(args.train_size),
                          "--epochs", "1", "--lr", l_r, "--threads", "1", "--json"],
                         check=True, capture_output=True, text=True).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if line["type"] == "epoch"][-1]["test_accuracy"]


def figures(values):
    return ", ".join(f"{a:.4f}" for a in values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnlab-train", required=True)
    parser.add_argument("--nnlab-model", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--train-size", type=int, default=6000)
    parser.add_argument("--lr", default="0.1,0.3")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--same-start-tolerance", type=float, default=0.002)
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]

    out = subprocess.run([args.nnlab_train, "--preset", "lesson", "--data-dir", args.data_dir,
                          "--train-size", str(args.train_size), "--epochs", "1",
                          "--sweep", "lr=" + args.lr, "--seeds", args.seeds, "--json"],
                         check=True, capture_output=True, text=True).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    sweep = {}
    for line in lines:
        if line["type"] == "sweep_run":
            sweep.setdefault(float(line["value"]), []).append(line["test_accuracy"][-1])

    train_images = read_idx(idx_path(args.data_dir, "train-images-idx3-ubyte"), args.train_size)
    train_labels = read_idx(idx_path(args.data_dir, "train-labels-idx1-ubyte"), args.train_size)
    test_images = read_idx(idx_path(args.data_dir, "t10k-images-idx3-ubyte"))
    test_labels = read_idx(idx_path(args.data_dir, "t10k-labels-idx1-ubyte"))

    failures = 0
    print(f"one epoch on the first {args.train_size:,} images, tested on {len(test_labels):,}; "
          f"seeds {args.seeds}")
    with tempfile.TemporaryDirectory() as scratch:
        for l_r in args.lr.split(","):
            starts = [initial_weights(seed) for seed in seeds]
            numpy_runs = [accuracy(*lesson_epoch(train_images, train_labels, float(l_r), start),
                                   test_images, test_labels) for start in starts]
            nnlab_runs = [nnlab_from(start, args, l_r, scratch) for start in starts]
            gap = max(abs(a - b) for a, b in zip(numpy_runs, nnlab_runs))
            same = gap <= args.same_start_tolerance
            print(f"l_r {l_r}, numpy's starts: numpy {figures(numpy_runs)}; "
                  f"nnlab {figures(nnlab_runs)}; largest gap {gap:.4f} "
                  f"({'within' if same else 'ABOVE'} {args.same_start_tolerance})")

            points = sweep[float(l_r)]
            spread = max(points + numpy_runs) - min(points + numpy_runs)
            mean_gap = abs(sum(points) / len(points) - sum(numpy_runs) / len(numpy_runs))
            agree = mean_gap <= spread
            print(f"l_r {l_r}, the sweep's points (nnlab's seeds): {figures(points)}, mean "
                  f"{sum(points) / len(points):.4f}; numpy's mean {sum(numpy_runs) / len(numpy_runs):.4f};"
                  f" gap {mean_gap:.4f} ({'within' if agree else 'ABOVE'} the spread over seeds "
                  f"{spread:.4f})")
            failures += (not same) + (not agree)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
