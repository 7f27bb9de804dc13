#!/usr/bin/env python3
"""Writes data/mnist_train_100.csv and data/mnist_test_10.csv in the lesson's CSV format
(label, then 784 pixels 0-255, one image per line) from the first 100 training and 10 test
images of the bundled MNIST (data/mnist/*.gz). Python standard library only."""
import gzip
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    found, count = struct.unpack(">II", data[:8])
    assert found == magic, f"{path}: magic {found:#x}"
    return count, data


def write_csv(prefix, count, out_name):
    n_img, images = read_idx(os.path.join(DATA, "mnist", f"{prefix}-images-idx3-ubyte.gz"), 0x803)
    n_lab, labels = read_idx(os.path.join(DATA, "mnist", f"{prefix}-labels-idx1-ubyte.gz"), 0x801)
    rows, cols = struct.unpack(">II", images[8:16])
    size = rows * cols
    with open(os.path.join(DATA, out_name), "w", newline="\n") as out:
        for i in range(count):
            pixels = images[16 + i * size:16 + (i + 1) * size]
            out.write(",".join([str(labels[8 + i])] + [str(p) for p in pixels]) + "\n")


write_csv("train", 100, "mnist_train_100.csv")
write_csv("t10k", 10, "mnist_test_10.csv")
