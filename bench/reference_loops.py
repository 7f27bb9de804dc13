#!/usr/bin/env python3
"""The references nnlab's speed is measured against (issue 19), one epoch each, timed alone.

  lesson   the lesson's own numpy loop: 784-90-10 sigmoid, no biases, one update per image in
           file order, float64 as numpy computes it (tests/python/sweep_numpy_check.py's
           lesson_epoch, the loop the tests check nnlab against):
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
epochs; the lesson loop's input scaling is inside it, as the lesson scales each record. Exit 77 when numpy (or torch for `keras`) is not installed for this Python.
Usage: reference_loops.py lesson|keras --data-dir data/mnist [--epochs 1] [--train-size 60000] [--threads N]
"""
import argparse
import json
import os
import sys
import time

# The lesson's loop, its initial weights and the IDX reader: the same code the test suite checks
# nnlab against (it exits 77 with a sentence when numpy is missing).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "python"))
import sweep_numpy_check as lesson_loop  # noqa: E402

SKIP = lesson_loop.SKIP


def mnist(folder, train_size):
    read = lambda name, count=None: lesson_loop.read_idx(lesson_loop.idx_path(folder, name), count)
    return (read("train-images-idx3-ubyte", train_size), read("train-labels-idx1-ubyte", train_size),
            read("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte"))


def lesson(args):
    np = lesson_loop.np
    images, labels, test_images, test_labels = mnist(args.data_dir, args.train_size)
    weights = lesson_loop.initial_weights(1)
    seconds = []
    for _ in range(args.epochs): # the inputs' scaling included, as the lesson scales each record
        start = time.perf_counter()
        weights = lesson_loop.lesson_epoch(images, labels, 0.1, weights)
        seconds.append(time.perf_counter() - start)
    return seconds, lesson_loop.accuracy(*weights, test_images, test_labels), {"numpy": np.__version__}


def keras(args):
    np = lesson_loop.np
    try:
        import torch
    except ImportError:
        print(f"skipped: torch is not installed for {sys.executable} (apt-get install python3-torch)")
        sys.exit(SKIP)
    images, labels, test_images, test_labels = mnist(args.data_dir, args.train_size)
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


def blas_library():
    """The BLAS this process has loaded, by its file's name (libopenblas..., or libblas.so.3 for
    the reference BLAS Debian's alternatives fall back to): it sets the references' speed."""
    with open("/proc/self/maps") as maps:
        names = {os.path.basename(line.split()[-1]) for line in maps if "blas" in line.lower()}
    return ", ".join(sorted(names)) or "none loaded"


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
                      "blas": blas_library(), **versions}))


if __name__ == "__main__":
    main()
