#!/usr/bin/env python3
"""The references nnlab's speed is measured against (issue 19), one epoch each, timed alone.

  lesson   the lesson's own numpy loop: 784-90-10 sigmoid, no biases, one update per image in
           file order, float64 as numpy computes it (the code of tests/python/sweep_numpy_check.py):
               h_output = sigmoid(w_i_h x);  o_output = sigmoid(w_h_o h_output)
               o_errors = t - o_output;      h_errors = w_h_o^T o_errors
               w_h_o += l_r (o_errors * o_output * (1 - o_output)) h_output^T
               w_i_h += l_r (h_errors * h_output * (1 - h_output)) x^T
           Run with OpenBLAS (and any other BLAS) pinned to one thread: the lesson's products are
           90 x 784 by 784 x 1, where more threads only add their start-up.
  keras    the lesson's Keras model in PyTorch (Debian's python3-torch): 784-90-10 ReLU + softmax,
           cross-entropy, biases, batch 200, shuffled, RMSprop lr 0.001 rho 0.9 eps 1e-7 (Keras'
           defaults, as nnlab's keras-rmsprop preset), on one thread per core (--threads to change).

Prints one JSON line: {"reference": NAME, "seconds": [the epochs' training-loop seconds],
"test_accuracy": ...}. Loading and testing are outside the timed loop, as nnlab-train reports its
epochs. Exit 77 when numpy (or torch for `keras`) is not installed for this Python.
Usage: reference_loops.py lesson|keras --data-dir data/mnist [--epochs 1] [--train-size 60000] [--threads N]
"""
import argparse
import gzip
import json
import os
import sys
import time

SKIP = 77


def read_idx(np, path, count=None):
    """An IDX file (raw or .gz) of uint8 images or labels, the first `count` entries."""
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            with (gzip.open if candidate.endswith(".gz") else open)(candidate, "rb") as f:
                data = f.read()
            break
    else:
        sys.exit(f"no {path}[.gz]")
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    array = np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)
    return array[:count] if count else array


def mnist(np, folder, train_size):
    return (read_idx(np, os.path.join(folder, "train-images-idx3-ubyte"), train_size),
            read_idx(np, os.path.join(folder, "train-labels-idx1-ubyte"), train_size),
            read_idx(np, os.path.join(folder, "t10k-images-idx3-ubyte")),
            read_idx(np, os.path.join(folder, "t10k-labels-idx1-ubyte")))


def lesson(args):
    try:
        import numpy as np
    except ImportError:
        print(f"skipped: numpy is not installed for {sys.executable}")
        sys.exit(SKIP)
    images, labels, test_images, test_labels = mnist(np, args.data_dir, args.train_size)
    i_n, h_n, o_n, l_r = 784, 90, 10, 0.1
    rng = np.random.RandomState(1)
    w_i_h = rng.normal(0.0, pow(h_n, -0.5), (h_n, i_n))
    w_h_o = rng.normal(0.0, pow(o_n, -0.5), (o_n, h_n))
    sigmoid = lambda z: 1.0 / (1.0 + np.exp(-z))
    inputs = images.reshape(len(images), i_n) / 255.0 * 0.99 + 0.01
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
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
        seconds.append(time.perf_counter() - start)
    x = test_images.reshape(len(test_images), i_n).T / 255.0 * 0.99 + 0.01
    o_output = sigmoid(np.dot(w_h_o, sigmoid(np.dot(w_i_h, x))))
    accuracy = float(np.mean(np.argmax(o_output, axis=0) == test_labels))
    return seconds, accuracy, {"numpy": np.__version__}


def keras(args):
    try:
        import numpy as np
        import torch
    except ImportError:
        print(f"skipped: torch or numpy is not installed for {sys.executable} "
              "(apt-get install python3-torch)")
        sys.exit(SKIP)
    images, labels, test_images, test_labels = mnist(np, args.data_dir, args.train_size)
    torch.manual_seed(1)
    torch.set_num_threads(args.threads or os.cpu_count()) # Debian's torch starts with one
    scale = lambda a: torch.from_numpy(a.reshape(len(a), 784).astype(np.float32) / 255.0 * 0.99 + 0.01)
    x, y = scale(images), torch.from_numpy(labels.astype(np.int64))
    model = torch.nn.Sequential(torch.nn.Linear(784, 90), torch.nn.ReLU(), torch.nn.Linear(90, 10))
    loss_of = torch.nn.CrossEntropyLoss() # softmax + cross-entropy, as Keras' categorical one
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    batch, seconds = 200, []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for first in range(0, len(x), batch):
            rows = order[first:first + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        predicted = model(scale(test_images)).argmax(dim=1).numpy()
    accuracy = float(np.mean(predicted == test_labels))
    return seconds, accuracy, {"torch": torch.__version__, "threads": torch.get_num_threads()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", choices=["lesson", "keras"])
    parser.add_argument("--data-dir", default="data/mnist")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--train-size", type=int, default=60000)
    parser.add_argument("--threads", type=int, default=0, help="torch's threads (0: one per core)")
    args = parser.parse_args()
    seconds, accuracy, versions = (lesson if args.reference == "lesson" else keras)(args)
    print(json.dumps({"reference": args.reference, "seconds": seconds, "test_accuracy": accuracy,
                      **versions}))


if __name__ == "__main__":
    main()
