#!/usr/bin/env python3
"""Writes the .npz fixtures of tst_npz with numpy itself (np.savez, np.savez_compressed).

Every weight is ((3 r + 5 c + 7 l) mod 17) / 16 - 0.5 for row r, column c of weight layer l
(0-based), and every bias (2 r + l) / 8 - 0.25: exact in float32 and float64, so the test can
rebuild them independently and compare bit for bit. Run: python3 make_npz_fixtures.py
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def weights(layer, rows, cols, dtype):
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return (((3 * r + 5 * c + 7 * layer) % 17) / 16.0 - 0.5).astype(dtype)


def bias(layer, rows, dtype):
    return ((2 * np.arange(rows) + layer) / 8.0 - 0.25).astype(dtype)


def main():
    # The lesson's names, float32, no architecture: nnlab falls back to its defaults.
    np.savez(os.path.join(HERE, "numpy_lesson.npz"),
             w_i_h=weights(0, 4, 3, np.float32), w_h_o=weights(1, 2, 4, np.float32))
    # Deflated, float64 (one matrix in Fortran order), a column bias, int64 layer sizes, the
    # architecture and training info, and an array nnlab does not use.
    np.savez_compressed(
        os.path.join(HERE, "numpy_compressed.npz"),
        W1=np.asfortranarray(weights(0, 4, 3, np.float64)),
        b1=bias(0, 4, np.float64),
        W2=weights(1, 2, 4, np.float32),
        b2=bias(1, 2, np.float64).reshape(2, 1),
        architecture=np.array("activation=relu\noutput=softmax\nloss=cross-entropy\n"
                              "biases=true\nscaling=unit\n"),
        layer_sizes=np.array([3, 4, 2]),
        test_accuracy=np.float64(0.75),
        samples_seen=np.int64(1234),
        note=np.array("numpy \u2713"),
        extra=np.arange(3))


if __name__ == "__main__":
    main()
