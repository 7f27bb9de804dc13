#!/usr/bin/env python3
"""Cross-checks nnlab's .npz files against numpy itself, both ways (ctest: tst_npz_cross_check).

numpy -> nnlab: numpy writes networks with random weights -- the lesson's w_i_h and w_h_o in
float32 with np.savez and no architecture, and 784-64-32-10 ReLU and tanh nets with softmax
outputs and biases in float64 (one matrix in Fortran order) with np.savez_compressed --
`nnlab-model predict` runs them on the lesson's test images, and every output must match numpy's own forward pass within 1e-5.

nnlab -> numpy: `nnlab-model convert` writes the bundled default model and the numpy-made lesson
net (through .nnlab) as .npz; numpy.load reads them without pickle, its forward pass must match
`nnlab-model predict` on the .nnlab files within 1e-5, and the lesson's float32 weights must come
back bit for bit; the training history (the `provenance` text array) goes from json.dumps
through .nnlab and back to json.loads unchanged.

Back-query: `nnlab-model back-query` runs the numpy-made lesson net and a 784-64-32-10 sigmoid net
backwards (every digit, one --digit, a --targets blend of 4 and 9); its images must match numpy's
own backquery() (the lesson's book, Rashid 2016) within 1e-5.

Exit status: 0 passed, 1 failed, 77 skipped (numpy is not installed for this Python).
Usage: npz_cross_check.py --nnlab-model BIN --csv data/mnist_test_10.csv
                          --model resources/models/default.nnlab --workdir DIR
"""
import argparse
import json
import os
import subprocess
import sys

SKIP = 77
TOLERANCE = 1e-5

try:
    import numpy as np
except ImportError:
    print(f"skipped: numpy is not installed for {sys.executable} "
          "(scripts/deps.sh installs Debian's python3-numpy)")
    sys.exit(SKIP)


def forward(weights, biases, arch, pixels):
    """The lesson's query(), in float64: x scaled, then f(W x + b) layer by layer; outputs x N."""
    x = pixels.T.astype(np.float64) / 255.0
    if arch["scaling"] == "lesson":
        x = x * 0.99 + 0.01
    hidden = {"sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)), "tanh": np.tanh,
              "relu": lambda z: np.maximum(z, 0.0)}[arch["activation"]]
    for l, w in enumerate(weights):
        z = np.dot(np.asarray(w, np.float64), x)
        if biases:
            z = z + np.asarray(biases[l], np.float64).reshape(-1, 1)
        if l + 1 < len(weights):
            x = hidden(z)
        elif arch["output"] == "softmax":
            e = np.exp(z - z.max(axis=0))
            x = e / e.sum(axis=0)
        else:
            x = 1.0 / (1.0 + np.exp(-z))
    return x


def back_query(weights, targets):
    """The book's backquery() in float64: targets (outputs x K) -> images (inputs x K). At each
    layer from the top: the inverse sigmoid, the weights transposed, then every column rescaled
    into 0.01..0.99 (a column whose values are all equal becomes 0.5, as nnlab's)."""
    values = np.asarray(targets, np.float64)
    for w in reversed(weights):
        values = np.log(values / (1.0 - values))
        values = np.dot(np.asarray(w, np.float64).T, values)
        low = values.min(axis=0)
        span = values.max(axis=0) - low
        flat = ~(span > 0)
        values = np.where(flat, 0.5, (values - low) / np.where(flat, 1.0, span) * 0.98 + 0.01)
    return values


def lesson_targets(digits, outputs=10):
    """One column per digit: 0.99 for it, 0.01 elsewhere, as nnlab's float32 constants."""
    t = np.full((outputs, len(digits)), np.float32(0.01), np.float64)
    t[digits, range(len(digits))] = np.float32(0.99)
    return t


def nnlab_back_query(binary, model, out, *flags):
    """`nnlab-model back-query --out out.npy`: images (inputs x K), as numpy reads the .npy."""
    run([binary, "back-query", model, *flags, "--out", out])
    images = np.load(out, allow_pickle=False)
    if images.dtype != np.float32 or images.shape[1:] != (28, 28):
        fail(f"{out}: {images.dtype} of shape {images.shape}, expected float32 (K, 28, 28)")
    return images.reshape(images.shape[0], -1).T


def nnlab_predict(binary, model, csv):
    """`nnlab-model predict --json`: outputs x N."""
    out = run([binary, "predict", model, "--csv", csv, "--json"])
    rows = [json.loads(line) for line in out.splitlines()]
    return np.array([r["outputs"] for r in rows if r["type"] == "prediction"]).T


def run(args):
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"{' '.join(args)} exited with {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def largest_difference(what, expected, actual, values):
    """The largest difference of two arrays of one shape; fails beyond the tolerance."""
    if expected.shape != actual.shape:
        fail(f"{what}: shape {actual.shape}, expected {expected.shape}")
    worst = float(np.max(np.abs(expected - actual)))
    if not worst <= TOLERANCE:
        fail(f"{what}: {values} differ by up to {worst:.3g} (tolerance {TOLERANCE})")
    return worst


def compare(what, expected, actual):
    worst = largest_difference(what, expected, actual, "outputs")
    if not np.array_equal(expected.argmax(axis=0), actual.argmax(axis=0)):
        fail(f"{what}: a different predicted digit")
    print(f"ok: {what}: {actual.shape[1]} images x {actual.shape[0]} outputs, "
          f"largest difference {worst:.2g}")


def compare_images(what, expected, actual):
    """Back-query images, inputs x K: every pixel within the tolerance."""
    worst = largest_difference(what, expected, actual, "pixels")
    print(f"ok: {what}: {actual.shape[1]} image(s) x {actual.shape[0]} pixels, "
          f"largest difference {worst:.2g}")


def read_architecture(npz):
    """nnlab's `architecture` array: key=value lines in a 0-d unicode array."""
    text = str(npz["architecture"])
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnlab-model", required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--workdir", required=True)
    a = parser.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    path = lambda name: os.path.join(a.workdir, name)
    data = np.loadtxt(a.csv, delimiter=",", dtype=np.int64)
    pixels = data[:, 1:]
    rng = np.random.default_rng(20240611)

    # numpy -> nnlab: the lesson's net, float32, np.savez, no architecture (nnlab's defaults).
    h_n = 90
    w_i_h = rng.normal(0.0, pow(h_n, -0.5), (h_n, 784)).astype(np.float32)
    w_h_o = rng.normal(0.0, pow(10, -0.5), (10, h_n)).astype(np.float32)
    np.savez(path("numpy_lesson.npz"), w_i_h=w_i_h, w_h_o=w_h_o)
    lesson_arch = {"activation": "sigmoid", "output": "sigmoid", "scaling": "lesson"}
    compare("np.savez lesson net (float32, no architecture) -> nnlab",
            forward([w_i_h, w_h_o], None, lesson_arch, pixels),
            nnlab_predict(a.nnlab_model, path("numpy_lesson.npz"), a.csv))

    # Back-query: numpy's backquery() on the same weights, for the lesson net and a deeper one.
    blend = np.full(10, np.float32(0.01))
    blend[[4, 9]] = np.float32(0.99)
    sizes = [784, 64, 32, 10]
    back_rng = np.random.default_rng(20261203)  # its own, so the nets below stay as they were
    deep = [back_rng.normal(0.0, pow(n_out, -0.5), (n_out, n_in)).astype(np.float32)
            for n_in, n_out in zip(sizes, sizes[1:])]
    np.savez(path("numpy_sigmoid_deep.npz"), **{f"W{l}": w for l, w in enumerate(deep, start=1)})
    for name, weights in (("numpy_lesson.npz", [w_i_h, w_h_o]), ("numpy_sigmoid_deep.npz", deep)):
        net = "-".join(str(n) for n in [weights[0].shape[1]] + [w.shape[0] for w in weights])
        for what, flags, targets in (
                ("every digit", [], lesson_targets(list(range(10)))),
                ("--digit 7", ["--digit", "7"], lesson_targets([7])),
                ("--targets 0.99 on 4 and 9", ["--targets", ",".join(f"{v:g}" for v in blend)],
                 blend.astype(np.float64).reshape(-1, 1))):
            compare_images(f"back-query {net} sigmoid net, {what} -> numpy's backquery()",
                    back_query(weights, targets),
                    nnlab_back_query(a.nnlab_model, path(name), path("back_query.npy"), *flags))

    # numpy -> nnlab: deflated, float64, Fortran order, column biases, an architecture.
    for activation in ("relu", "tanh"):
        sizes = [784, 64, 32, 10]
        ws = [rng.normal(0.0, (2.0 / n_in) ** 0.5, (n_out, n_in))
              for n_in, n_out in zip(sizes, sizes[1:])]
        bs = [rng.normal(0.0, 0.1, n_out) for n_out in sizes[1:]]
        arch = {"activation": activation, "output": "softmax", "scaling": "unit"}
        text = "".join(f"{k}={v}\n" for k, v in arch.items()) + "loss=cross-entropy\nbiases=true\n"
        arrays = {"architecture": np.array(text), "layer_sizes": np.array(sizes)}
        for l, (w, b) in enumerate(zip(ws, bs), start=1):
            arrays[f"W{l}"] = np.asfortranarray(w) if l == 1 else w
            arrays[f"b{l}"] = b.reshape(-1, 1) if l == 2 else b
        np.savez_compressed(path(f"numpy_{activation}.npz"), **arrays)
        compare(f"np.savez_compressed 784-64-32-10 {activation}/softmax net (float64, Fortran "
                "order, biases) -> nnlab",
                forward(ws, bs, arch, pixels),
                nnlab_predict(a.nnlab_model, path(f"numpy_{activation}.npz"), a.csv))

    # nnlab -> numpy: the bundled model (784-256-10 ReLU/softmax with biases).
    for compress in ([], ["--compress"]):
        out = path("default_compressed.npz" if compress else "default.npz")
        run([a.nnlab_model, "convert", a.model, out, *compress])
        with np.load(out, allow_pickle=False) as npz:
            arch = read_architecture(npz)
            sizes = [int(s) for s in npz["layer_sizes"]]
            n = len(sizes) - 1
            ws = [npz[f"W{l}"] for l in range(1, n + 1)]
            bs = [npz[f"b{l}"] for l in range(1, n + 1)] if arch["biases"] == "true" else None
            if any(w.dtype != np.float32 for w in ws) or [ws[0].shape[1]] + [w.shape[0] for w in ws] != sizes:
                fail(f"{out}: weights {[(w.dtype, w.shape) for w in ws]} for layer sizes {sizes}")
            accuracy = float(npz["test_accuracy"])
        compare(f"nnlab-model convert {os.path.basename(a.model)} -> {os.path.basename(out)} "
                f"({'-'.join(map(str, sizes))} {arch['activation']}/{arch['output']}) -> numpy.load",
                forward(ws, bs, arch, pixels), nnlab_predict(a.nnlab_model, a.model, a.csv))
        print(f"ok: {os.path.basename(out)} carries test_accuracy {accuracy:.4f}")

    # numpy -> nnlab -> numpy: the lesson's arrays come back bit for bit, under the same names.
    run([a.nnlab_model, "convert", path("numpy_lesson.npz"), path("lesson.nnlab")])
    run([a.nnlab_model, "convert", path("lesson.nnlab"), path("lesson_again.npz")])
    with np.load(path("lesson_again.npz"), allow_pickle=False) as npz:
        if not (np.array_equal(npz["w_i_h"].view(np.uint32), w_i_h.view(np.uint32)) and
                np.array_equal(npz["w_h_o"].view(np.uint32), w_h_o.view(np.uint32))):
            fail("npz -> nnlab -> npz changed the lesson's weights")
        if read_architecture(npz)["activation"] != "sigmoid" or list(npz["layer_sizes"]) != [784, h_n, 10]:
            fail("npz -> nnlab -> npz: wrong architecture or layer sizes")
    compare("np.savez -> nnlab -> .nnlab -> .npz -> numpy.load (lesson net)",
            forward([w_i_h, w_h_o], None, lesson_arch, pixels),
            nnlab_predict(a.nnlab_model, path("lesson.nnlab"), a.csv))
    print("ok: npz -> nnlab -> npz gives the lesson's w_i_h and w_h_o back bit for bit")

    # The training history: numpy's json.dumps (spaces, \u escapes) -> nnlab -> .nnlab -> .npz
    # -> numpy's json.loads gives the same object; a model without one has no provenance array.
    history = {"nnlabVersion": "0.1.0", "preset": "lesson", "weightSeed": 2**64 - 1,
               "setup": "784-90-10 sigmoid \u00b7 SGD l_r 0.1 \u00b7 \"batch\" 1\n\U0001f642",
               "shuffleSeed": 7, "shuffled": True, "dataName": "MNIST",
               "dataFiles": [{"name": "t10k-labels-idx1-ubyte.gz", "bytes": 4517,
                              "sha256": "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b"}],
               "epochs": [{"epoch": 1, "samplesSeen": 60000, "testAccuracy": float(np.float32(0.9547))},
                          {"epoch": 2, "samplesSeen": 120000, "testAccuracy": None}],
               "changes": [{"samplesSeen": 30000, "knob": "l_r", "from": "0.1", "to": "0.3"}]}
    np.savez(path("history.npz"), w_i_h=w_i_h, w_h_o=w_h_o, provenance=json.dumps(history))
    run([a.nnlab_model, "convert", path("history.npz"), path("history.nnlab")])
    run([a.nnlab_model, "convert", path("history.nnlab"), path("history_again.npz")])
    with np.load(path("history_again.npz"), allow_pickle=False) as npz:
        entry = npz["provenance"]
        if entry.dtype.kind != "U" or entry.shape != ():
            fail(f"provenance is {entry.dtype} of shape {entry.shape}, not 0-d text")
        back = json.loads(str(entry))
    # Python's float of a float32 prints longer than nnlab's shortest float32 text: compare
    # accuracies as float32.
    def as_float32(h):
        for e in h["epochs"]:
            if e["testAccuracy"] is not None:
                e["testAccuracy"] = np.float32(e["testAccuracy"])
        return h
    if as_float32(back) != as_float32(json.loads(json.dumps(history))):
        fail(f"the provenance changed on its way through nnlab:\n{back}\n{history}")
    info = json.loads(run([a.nnlab_model, "info", path("history.nnlab"), "--json"]))
    if as_float32(info["provenance"]) != back:
        fail(f"nnlab-model info --json gives another provenance: {info['provenance']}")
    with np.load(path("default.npz"), allow_pickle=False) as npz:  # a version-1 model
        if "provenance" in npz.files:
            fail("a model without a training history got a provenance array")
    print("ok: json.dumps -> np.savez -> nnlab -> .nnlab -> .npz -> json.loads keeps the provenance")


if __name__ == "__main__":
    main()
