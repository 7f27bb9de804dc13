#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, tests/fuzz/corpus/<target>/: small valid inputs made from
the repository's own files, and a few damaged ones (inputs that once crashed a target are kept
beside them, named crash-*; this script overwrites its own files only). Plain Python 3 (no numpy); the model files
come from nnlab-model converting tests/engine/data/*.npz (numpy's own output), so they are files
the engine wrote. Run from anywhere (any build of nnlab-model will do):

    python3 tests/fuzz/make_corpus.py --nnlab-model build/release/app/nnlab-model
"""
import argparse
import gzip
import os
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def mnist_digits(n):
    """The first n test digits (label, 784 pixels) of data/mnist_test_10.csv."""
    with open(os.path.join(ROOT, "data", "mnist_test_10.csv")) as f:
        rows = [list(map(int, line.split(","))) for line in f.read().splitlines()[:n]]
    return [(r[0], bytes(r[1:])) for r in rows]


def idx_images(images, rows, cols):
    return struct.pack(">IIII", 0x803, len(images), rows, cols) + b"".join(images)


def idx_labels(labels):
    return struct.pack(">II", 0x801, len(labels)) + bytes(labels)


def gzip_stored(data):
    """gzip with deflate's stored blocks: the IDX header stays readable, so mutating it (and
    the trailer's size) is one byte flip away."""
    z = zlib.compressobj(0, zlib.DEFLATED, 31)
    return z.compress(data) + z.flush()


def idx_seeds():
    digits = mnist_digits(2)
    one = idx_images([digits[0][1]], 28, 28)
    tiny = idx_images([bytes(range(12)), bytes(range(12, 24))], 3, 4)
    labels = idx_labels([7, 2, 1])
    raw = {
        "one-digit-idx3": one,
        "tiny-3x4-idx3": tiny,
        "labels-idx1": labels,
        "truncated-idx3": tiny[:-5],
        "trailing-garbage-idx1": labels + b"xyz",
        "zero-count-idx3": idx_images([], 3, 4),
        "huge-count-idx3": struct.pack(">IIII", 0x803, 0xFFFFFFFF, 4096, 4096) + bytes(8),
        "bad-magic": struct.pack(">II", 0x802, 1) + b"\x00",
    }
    for name, data in raw.items():
        put("fuzz_idx", name, data)
    for name in ("one-digit-idx3", "tiny-3x4-idx3", "labels-idx1"):
        put("fuzz_idx_gz", name + ".gz", gzip.compress(raw[name], 9, mtime=0))
        put("fuzz_idx_gz", name + "-stored.gz", gzip_stored(raw[name]))
    put("fuzz_idx_gz", "tiny-3x4-idx3", raw["tiny-3x4-idx3"])  # compressed by the target
    good = gzip.compress(raw["tiny-3x4-idx3"], 9, mtime=0)
    put("fuzz_idx_gz", "truncated.gz", good[:-9])
    put("fuzz_idx_gz", "wrong-size-trailer.gz", good[:-4] + struct.pack("<I", 1 << 30))
    put("fuzz_idx_gz", "bad-crc.gz", good[:-8] + b"\xde\xad\xbe\xef" + good[-4:])
    put("fuzz_idx_gz", "two-members.gz", good + gzip.compress(b"\x00", 9, mtime=0))


def csv_seeds():
    with open(os.path.join(ROOT, "data", "mnist_test_10.csv"), "rb") as f:
        lines = f.read().split(b"\n")
    put("fuzz_csv", "mnist-2-lines.csv", b"\n".join(lines[:2]) + b"\n")
    put("fuzz_csv", "2x2-images.csv", b"7,0,255,3,4\n2,1,2,3,4\n")
    put("fuzz_csv", "2x2-crlf-spaces.csv", b"1, 0 ,0,0, 255\r\n9,9,9,9,9\r\n\r\n")
    put("fuzz_csv", "2x2-no-final-newline.csv", b"0,1,2,3,4")
    put("fuzz_csv", "bad-field.csv", b"3,1,x,3,4\n")
    put("fuzz_csv", "pixel-over-255.csv", b"3,1,256,3,4\n")
    put("fuzz_csv", "label-10.csv", b"10,1,2,3,4\n")
    put("fuzz_csv", "too-many-fields.csv", b"3,1,2,3,4,5\n")
    put("fuzz_csv", "empty-line-inside.csv", b"3,1,2,3,4\n\n3,1,2,3,4\n")


def model_seeds(nnlab_model):
    data = os.path.join(ROOT, "tests", "engine", "data")
    numpy_files = {"numpy-lesson": "numpy_lesson.npz", "numpy-compressed": "numpy_compressed.npz"}
    with tempfile.TemporaryDirectory() as tmp:
        for stem, npz in numpy_files.items():
            src = os.path.join(data, npz)
            put("fuzz_npz", npz, open(src, "rb").read())
            model = os.path.join(tmp, stem + ".nnlab")
            subprocess.run([nnlab_model, "convert", src, model], check=True,
                           stdout=subprocess.DEVNULL)
            put("fuzz_model_file", stem + ".nnlab", open(model, "rb").read())
            for flag, suffix in (([], "-stored"), (["--compress"], "-deflated")):
                out = os.path.join(tmp, stem + suffix + ".npz")
                subprocess.run([nnlab_model, "convert", model, out] + flag, check=True,
                               stdout=subprocess.DEVNULL)
                put("fuzz_npz", "nnlab-" + stem + suffix + ".npz", open(out, "rb").read())
        model = open(os.path.join(CORPUS, "fuzz_model_file", "numpy-compressed.nnlab"), "rb").read()
        # Version 1, as nnlab wrote it before the provenance block, and version 2 with every
        # provenance field filled in (also as an .npz, where it is the provenance JSON).
        for stem in numpy_files:
            v2 = open(os.path.join(CORPUS, "fuzz_model_file", stem + ".nnlab"), "rb").read()
            put("fuzz_model_file", "v1-" + stem + ".nnlab", with_provenance(v2, b"", version=1))
        history = with_provenance(model, provenance_block())
        put("fuzz_model_file", "v2-provenance.nnlab", history)
        src = os.path.join(tmp, "history.nnlab")
        with open(src, "wb") as f:
            f.write(history)
        out = os.path.join(tmp, "history.npz")
        subprocess.run([nnlab_model, "convert", src, out], check=True, stdout=subprocess.DEVNULL)
        put("fuzz_npz", "nnlab-v2-provenance.npz", open(out, "rb").read())
    put("fuzz_model_file", "truncated.nnlab", model[:-7])
    put("fuzz_model_file", "bad-checksum.nnlab", model[:-1] + bytes([model[-1] ^ 1]))
    put("fuzz_model_file", "version-3.nnlab", model[:8] + struct.pack("<I", 3) + model[12:])
    put("fuzz_npz", "not-a-zip.npz", b"hello")


def text(s):
    return struct.pack("<I", len(s)) + s


EMPTY_PROVENANCE = 3 * text(b"") + struct.pack("<QQB", 0, 0, 0) + text(b"") + struct.pack("<III", 0, 0, 0)


def provenance_block():
    """Version 2's provenance block (docs/model-format.md) with every field set."""
    digest = b"ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
    b = text(b"0.1.0") + text(b"lesson") + text(b"784-90-10 sigmoid \xc2\xb7 SGD l_r 0.1 \xc2\xb7 batch 1")
    b += struct.pack("<QQB", 1, 7, 1) + text(b"MNIST")
    files = [(b"t10k-labels-idx1-ubyte", 10008), (b"t10k-images-idx3-ubyte", 7840016)]
    b += struct.pack("<I", len(files)) + b"".join(text(n) + struct.pack("<Q", size) + digest
                                                  for n, size in files)
    epochs = [(1, 60000, 1, 0.9547), (2, 120000, 0, 0.0)]
    b += struct.pack("<I", len(epochs)) + b"".join(struct.pack("<IQBf", *e) for e in epochs)
    b += struct.pack("<I", 1) + struct.pack("<Q", 30000) + text(b"l_r") + text(b"0.1") + text(b"0.3")
    return b


def with_provenance(v2, block, version=2):
    """A version-2 file written by nnlab-model (an empty provenance) with its block replaced."""
    hidden = struct.unpack_from("<I", v2, 16)[0]
    note_at = 46 + 4 * hidden
    note_end = note_at + struct.unpack_from("<I", v2, note_at - 4)[0]
    assert v2[note_end:note_end + len(EMPTY_PROVENANCE)] == EMPTY_PROVENANCE
    body = (v2[:8] + struct.pack("<I", version) + v2[12:note_end] + block +
            v2[note_end + len(EMPTY_PROVENANCE):-4])
    return body + struct.pack("<I", zlib.crc32(body))


def preprocess_seeds():
    # The first byte is the width; the rest the 8-bit gray pixels, row by row.
    digit = mnist_digits(1)[0][1]
    put("fuzz_preprocess", "mnist-7-light-on-dark", bytes([28]) + digit)
    put("fuzz_preprocess", "mnist-7-dark-on-light", bytes([28]) + bytes(255 - p for p in digit))
    gray_paper = bytes(200 - p * 150 // 255 for p in digit)
    put("fuzz_preprocess", "mnist-7-gray-paper", bytes([28]) + gray_paper)
    put("fuzz_preprocess", "blank-5x5", bytes([5]) + bytes(25))
    put("fuzz_preprocess", "one-dot-3x3", bytes([3]) + bytes([0, 0, 0, 0, 255, 0, 0, 0, 0]))
    put("fuzz_preprocess", "line-1x9", bytes([1]) + bytes([255] * 9))
    put("fuzz_preprocess", "width-0", bytes([0]) + bytes(4))


def bmp_gray(width, height, pixels):
    """An 8-bit paletted BMP (gray palette), rows bottom-up and padded to 4 bytes."""
    stride = (width + 3) & ~3
    body = b"".join(pixels[y * width:(y + 1) * width] + bytes(stride - width)
                    for y in reversed(range(height)))
    palette = b"".join(bytes([g, g, g, 0]) for g in range(256))
    offset = 14 + 40 + len(palette)
    header = b"BM" + struct.pack("<IHHI", offset + len(body), 0, 0, offset)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 0, len(body), 2835, 2835, 256, 0)
    return header + info + palette + body


def png_gray(width, height, pixels):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def image_seeds():
    images = os.path.join(ROOT, "tests", "data")
    for name in ("digit-7-light-on-dark.png", "digit-2-dark-on-light.png",
                 "digit-0-transparent.png", "digit-1-gray-paper.jpg", "blank.png",
                 "not-an-image.png"):
        put("fuzz_image", name, open(os.path.join(images, name), "rb").read())
    digit = mnist_digits(1)[0][1]
    put("fuzz_image", "mnist-7.bmp", bmp_gray(28, 28, digit))
    put("fuzz_image", "mnist-7.pgm", b"P5\n28 28\n255\n" + digit)
    put("fuzz_image", "mnist-7-gray.png", png_gray(28, 28, digit))
    put("fuzz_image", "dot.pbm", b"P1\n4 4\n0 0 0 0\n0 1 1 0\n0 1 1 0\n0 0 0 0\n")
    put("fuzz_image", "dot.xbm", b"#define d_width 8\n#define d_height 2\n"
                                 b"static char d_bits[] = { 0x18, 0x3c };\n")
    put("fuzz_image", "dot.xpm", b'/* XPM */\nstatic char *d[] = {\n"4 2 2 1",\n". c #000000",\n'
                                 b'"# c #FFFFFF",\n".##.",\n"#..#"};\n')
    # A 2x2 GIF, two colours.
    put("fuzz_image", "dot.gif", bytes.fromhex(
        "47494638396102000200800000000000ffffff21f90401000000002c00000000020002000002028451003b"))
    # An ICO holding the gray PNG.
    png = png_gray(28, 28, digit)
    put("fuzz_image", "mnist-7.ico", struct.pack("<HHH", 0, 1, 1) +
        struct.pack("<BBBBHHII", 28, 28, 0, 0, 1, 32, len(png), 22) + png)


def http_seeds():
    digit = mnist_digits(1)[0][1]
    pixels = b'{"pixels": [' + b",".join(str(p).encode() for p in digit) + b"]}"
    png = png_gray(28, 28, digit)

    def request(line, body=b"", content_type=None):
        head = line + b"\r\nHost: localhost\r\n"
        if content_type:
            head += b"Content-Type: " + content_type + b"\r\n"
        if body:
            head += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        return head + b"\r\n" + body

    put("fuzz_http", "get-health", request(b"GET /health HTTP/1.1"))
    put("fuzz_http", "get-model", request(b"GET /model HTTP/1.1"))
    put("fuzz_http", "predict-json", request(b"POST /predict HTTP/1.1", pixels, b"application/json"))
    put("fuzz_http", "predict-png", request(b"POST /predict HTTP/1.1", png, b"image/png"))
    put("fuzz_http", "predict-pgm-charset", request(b"POST /predict?x=1 HTTP/1.1",
        b"P5\n2 2\n255\n\x00\xff\xff\x00", b"Image/X-Portable-Graymap; charset=binary"))
    put("fuzz_http", "predict-wrong-method", request(b"GET /predict HTTP/1.1"))
    put("fuzz_http", "unknown-path-encoded", request(b"DELETE /%2e%2e/model%00 HTTP/1.1"))
    put("fuzz_http", "predict-bad-json", request(b"POST /predict HTTP/1.1", b'{"pixels": [1, 2,',
        b"application/json"))
    put("fuzz_http", "predict-wrong-types", request(b"POST /predict HTTP/1.1",
        b'{"pixels": [null, "7", true, -1, 256, 1e400, {}]}', b"application/json"))
    put("fuzz_http", "predict-unknown-image-type", request(b"POST /predict HTTP/1.1", png,
        b"image/tiff"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnlab-model", required=True, help="an nnlab-model executable")
    args = parser.parse_args()
    idx_seeds()
    csv_seeds()
    model_seeds(os.path.abspath(args.nnlab_model))
    preprocess_seeds()
    image_seeds()
    http_seeds()


if __name__ == "__main__":
    main()
