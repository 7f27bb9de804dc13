#!/usr/bin/env python3
"""A learning-rate sweep of nnlab-train against the lesson's own numpy loop (issue 16, point 4).

The lesson's loop, written here from its math (784-90-10, sigmoid, no biases, inputs
x/255*0.99+0.01, targets 0.01/0.99, w_i_h ~ N(0, h_n^-0.5), w_h_o ~ N(0, o_n^-0.5), one update per
image in file order, float64 as numpy computes it):
    h_output = sigmoid(w_i_h x);  o_output = sigmoid(w_h_o h_output)
    o_errors = t - o_output;      h_errors = w_h_o^T o_errors
    w_h_o += l_r (o_errors * o_output * (1 - o_output)) h_output^T
    w_i_h += l_r (h_errors * h_output * (1 - h_output)) x^T
trained for one epoch on the first N MNIST training images from seeds 1-3 (numpy's own random
weights, so not nnlab's), then tested on all 10,000 test images. nnlab-train --sweep trains the
same points from its seeds 1-3. Each numpy accuracy must lie in the sweep's min-max band over its
seeds widened by that spread on either side ([min - spread, max + spread]): the two differ by
their random initial weights alone, as the sweep's seeds differ among themselves.

Exit status: 0 passed, 1 failed, 77 skipped (numpy is not installed for this Python).
Usage: sweep_numpy_check.py --nnlab-train BIN --data-dir data/mnist [--train-size 6000]
                            [--lr 0.1,0.3] [--seeds 1,2,3]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys

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


def lesson_epoch(images, labels, l_r, seed):
    """One epoch of the lesson's per-sample loop from numpy's seed `seed`: (w_i_h, w_h_o)."""
    i_n, h_n, o_n = 784, 90, 10
    rng = np.random.RandomState(seed)
    w_i_h = rng.normal(0.0, pow(h_n, -0.5), (h_n, i_n))
    w_h_o = rng.normal(0.0, pow(o_n, -0.5), (o_n, h_n))
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnlab-train", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--train-size", type=int, default=6000)
    parser.add_argument("--lr", default="0.1,0.3")
    parser.add_argument("--seeds", default="1,2,3")
    args = parser.parse_args()

    out = subprocess.run([args.nnlab_train, "--preset", "lesson", "--data-dir", args.data_dir,
                          "--train-size", str(args.train_size), "--epochs", "1",
                          "--sweep", "lr=" + args.lr, "--seeds", args.seeds, "--json"],
                         check=True, capture_output=True, text=True).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    runs = {}
    for line in lines:
        if line["type"] == "sweep_run":
            runs.setdefault(float(line["value"]), []).append(line["test_accuracy"][-1])

    train_images = read_idx(idx_path(args.data_dir, "train-images-idx3-ubyte"), args.train_size)
    train_labels = read_idx(idx_path(args.data_dir, "train-labels-idx1-ubyte"), args.train_size)
    test_images = read_idx(idx_path(args.data_dir, "t10k-images-idx3-ubyte"))
    test_labels = read_idx(idx_path(args.data_dir, "t10k-labels-idx1-ubyte"))

    failures = 0
    print(f"one epoch on the first {args.train_size:,} images, tested on {len(test_labels):,}; "
          f"seeds {args.seeds}")
    for l_r in args.lr.split(","):
        sweep = runs[float(l_r)]
        low, high = min(sweep), max(sweep)
        spread = high - low
        band = (low - spread, high + spread)
        numpy_runs = [accuracy(*lesson_epoch(train_images, train_labels, float(l_r), int(seed)),
                               test_images, test_labels) for seed in args.seeds.split(",")]
        inside = all(band[0] <= a <= band[1] for a in numpy_runs)
        failures += not inside
        print(f"l_r {l_r}: nnlab {', '.join(f'{a:.4f}' for a in sweep)} "
              f"(band {band[0]:.4f}-{band[1]:.4f}); numpy {', '.join(f'{a:.4f}' for a in numpy_runs)}"
              f" {'inside' if inside else 'OUTSIDE'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
