#!/usr/bin/env python3
"""Writes nnlab's corpus of malformed input files and EXPECTED.tsv, what each must give.

Every file starts from a small valid one -- the first MNIST test digits (IDX and the lesson's
CSV), a 4-3-2 network written here by hand from docs/model-format.md (.nnlab and .npz), a PNG
drawn here -- and spoils one thing, which its name says. Model files come in version 1 and in
version 2, spoiled in a field of its provenance block (nnlab-v2-*). EXPECTED.tsv lists for each file the
reader to use and the fragments its error message must contain (tests/app/tst_bad_files.cpp
checks them, and that the message names the file). Python 3 standard library only; the output is
the same on every run. Run: python3 tests/data/bad/make-bad-files.py
"""
import gzip
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

READERS = {
    "idx-images": "engine::readIdxImages",
    "idx-labels": "engine::readIdxLabels",
    "idx-labels-for-2-images": "engine::loadIdxDataset with two valid 28x28 images",
    "csv": "engine::loadCsvDataset, 28x28, ten digit classes",
    "nnlab": "engine::loadModel",
    "npz": "engine::loadNpz",
    "image": "app::readDigitImage (nnlab-predict's image reader)",
    "sweep": "engine::loadSweepFile",
}

corpus = []  # (name, reader, fragments)


def bad(name, reader, data, *fragments):
    assert reader in READERS and fragments, name
    assert all("\t" not in f and "\n" not in f for f in fragments), name
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    corpus.append((name, reader, fragments))


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


# ---------------------------------------------------------------------------------------------
# IDX: the first two MNIST test digits (a 7 and a 2).

with gzip.open(os.path.join(ROOT, "data", "mnist", "t10k-images-idx3-ubyte.gz")) as f:
    mnist_images = f.read(16 + 2 * 784)
with gzip.open(os.path.join(ROOT, "data", "mnist", "t10k-labels-idx1-ubyte.gz")) as f:
    mnist_labels = f.read(8 + 2)
assert struct.unpack(">IIII", mnist_images[:16]) == (0x803, 10000, 28, 28)
pixels = mnist_images[16:]


def idx_images(count, rows=28, cols=28, data=pixels, magic=0x803):
    return struct.pack(">IIII", magic, count, rows, cols) + data


def idx_labels(count, data=bytes(mnist_labels[8:]), magic=0x801):
    return struct.pack(">II", magic, count) + data


good_images = idx_images(2)
good_labels = idx_labels(2)

bad("idx-images-empty.idx", "idx-images", b"", "the file is empty")
bad("idx-images-truncated-in-magic.idx", "idx-images", good_images[:2],
    "the file ends early: the magic number needs 4 bytes, found 2")
bad("idx-images-truncated-in-count.idx", "idx-images", good_images[:6],
    "the file ends early: the image count needs 4 bytes, found 2")
bad("idx-images-truncated-in-rows.idx", "idx-images", good_images[:9],
    "the file ends early: the row count needs 4 bytes, found 1")
bad("idx-images-truncated-in-cols.idx", "idx-images", good_images[:15],
    "the file ends early: the column count needs 4 bytes, found 3")
bad("idx-images-truncated-in-pixels.idx", "idx-images", good_images[:16 + 1000],
    "(byte 16)", "declares 2 images of 28 x 28 (1,568 bytes) but holds only 1,000 bytes",
    "truncated")
bad("idx-images-labels-magic.idx", "idx-images", good_labels,
    "(byte 0)", "not an IDX image file: magic number 0x00000801, expected 0x00000803")
bad("idx-images-magic-little-endian.idx", "idx-images",
    struct.pack("<IIII", 0x803, 2, 28, 28) + pixels,
    "magic number 0x03080000, expected 0x00000803")
bad("idx-images-is-a-csv.idx", "idx-images",
    open(os.path.join(ROOT, "data", "mnist_test_10.csv"), "rb").read().split(b"\n")[0] + b"\n",
    "not an IDX image file: magic number 0x372C302C")
bad("idx-images-zero-count.idx", "idx-images", idx_images(0, data=b""),
    "(byte 4)", "the file declares 0 images")
bad("idx-images-zero-rows.idx", "idx-images", idx_images(2, rows=0, data=b""),
    "images of 0 x 28 pixels; each side must be 1 to 4096")
bad("idx-images-side-100000.idx", "idx-images", idx_images(1, rows=100000, cols=100000, data=b""),
    "images of 100000 x 100000 pixels; each side must be 1 to 4096")
# 2,800,000 x 28 x 28 = 2.2 GB of pixels claimed in a 1.6 KB file.
bad("idx-images-declares-2gb-in-2kb.idx", "idx-images", idx_images(2800000),
    "declares 2,800,000 images of 28 x 28 (2,195,200,000 bytes), more than nnlab reads (2 GiB)")
bad("idx-images-declares-1-million-in-2kb.idx", "idx-images", idx_images(1000000),
    "declares 1,000,000 images of 28 x 28 (784,000,000 bytes) but holds only 1,568 bytes",
    "truncated")
bad("idx-images-trailing-garbage.idx", "idx-images", good_images + b"garbage",
    "(byte 1,584)", "trailing garbage")

# gzip: a damaged stream, and streams that inflate to a damaged IDX file.
good_images_gz = gz(good_images)
bad("idx-images-gzip-corrupt-stream.idx.gz", "idx-images",
    good_images_gz[:20] + bytes(b ^ 0x5A for b in good_images_gz[20:60]) + good_images_gz[60:],
    "the compressed data is corrupt")
bad("idx-images-gzip-cut-short.idx.gz", "idx-images", good_images_gz[:len(good_images_gz) // 2],
    "the gzip data is cut short: the pixel data needs 1,568 bytes, found 885")
bad("idx-images-gzip-wrong-crc.idx.gz", "idx-images",
    good_images_gz[:-8] + struct.pack("<I", zlib.crc32(good_images) ^ 1) + good_images_gz[-4:],
    "the compressed data is corrupt", "incorrect data check")
bad("idx-images-gzip-inflates-to-truncated-idx.idx.gz", "idx-images", gz(good_images[:16 + 1000]),
    "declares 2 images of 28 x 28 (1,568 bytes) but holds only 1,000 bytes", "truncated")
bad("idx-images-gzip-inflates-to-nothing.idx.gz", "idx-images", gz(b""),
    "the file ends early: the magic number needs 4 bytes, found 0")
bad("idx-images-gzip-declares-2gb.idx.gz", "idx-images", gz(idx_images(2800000)),
    "more than nnlab reads (2 GiB)")
# A well-formed stream whose size field (ISIZE) claims 2 GB: the reader must not believe it.
forged = gz(idx_images(2600000))
bad("idx-images-gzip-forged-size-2gb.idx.gz", "idx-images",
    forged[:-4] + struct.pack("<I", 16 + 2600000 * 784),
    "the compressed data is corrupt (incorrect length check)")
bad("idx-images-gzip-trailing-garbage.idx.gz", "idx-images", good_images_gz + b"garbage\n",
    "trailing garbage")

bad("idx-labels-empty.idx", "idx-labels", b"", "the file is empty")
bad("idx-labels-truncated-in-count.idx", "idx-labels", good_labels[:7],
    "the file ends early: the label count needs 4 bytes, found 3")
bad("idx-labels-truncated-in-labels.idx", "idx-labels", idx_labels(5),
    "declares 5 labels (5 bytes) but holds only 2 bytes", "truncated")
bad("idx-labels-images-magic.idx", "idx-labels", good_images,
    "not an IDX label file: magic number 0x00000803, expected 0x00000801")
bad("idx-labels-zero-count.idx", "idx-labels", idx_labels(0, data=b""),
    "the file declares 0 labels")
bad("idx-labels-declares-4-billion.idx", "idx-labels", idx_labels(0xFFFFFFFF),
    "declares 4,294,967,295 labels (4,294,967,295 bytes), more than nnlab reads (2 GiB)")
bad("idx-labels-trailing-garbage.idx", "idx-labels", good_labels + b"\0",
    "(byte 10)", "trailing garbage")
bad("idx-labels-gzip-corrupt-stream.idx.gz", "idx-labels",
    gz(good_labels)[:10] + b"\xff" * 12 + gz(good_labels)[22:], "the compressed data is corrupt")
bad("idx-labels-count-mismatch.idx", "idx-labels-for-2-images", idx_labels(3, data=b"\x07\x02\x01"),
    "3 labels for 2 images")
bad("idx-labels-label-10.idx", "idx-labels-for-2-images", idx_labels(2, data=b"\x07\x0a"),
    "(byte 9)", "label 10 of item 2 is outside the 10 classes (0 to 9)")

# ---------------------------------------------------------------------------------------------
# The lesson's CSV: the first three MNIST test digits, one per line, label then 784 pixels.

with open(os.path.join(ROOT, "data", "mnist_test_10.csv"), "rb") as f:
    csv_lines = f.read().split(b"\n")[:3]
assert all(len(line.split(b",")) == 785 for line in csv_lines)


def csv(lines, end=b"\n"):
    return b"".join(line + end for line in lines)


def with_field(line, index, value):
    fields = line.split(b",")
    fields[index] = value
    return b",".join(fields)


first_ink = next(i for i, v in enumerate(csv_lines[1].split(b",")) if i > 0 and v != b"0")

bad("csv-empty.csv", "csv", b"", "the file is empty")
bad("csv-only-a-newline.csv", "csv", b"\n", "the file has no images")
bad("csv-header-row.csv", "csv",
    csv([b"label," + b",".join(b"%dx%d" % (r + 1, c + 1) for r in range(28) for c in range(28))]
        + csv_lines),
    "(line 1)", "field 1 is \"label\", not a whole number")
bad("csv-latin1-byte.csv", "csv", csv([csv_lines[0], with_field(csv_lines[1], first_ink, b"\xe9")]),
    "(line 2)", "field %d is \"?\", not a whole number" % (first_ink + 1))
bad("csv-utf8-bom.csv", "csv", b"\xef\xbb\xbf" + csv(csv_lines),
    "(line 1)", "field 1 is \"???7\", not a whole number")
bad("csv-utf16.csv", "csv", b"\xff\xfe" + csv(csv_lines).decode("ascii").encode("utf-16-le"),
    "(line 1)", "field 1 is \"??7?\", not a whole number")
bad("csv-crlf-short-line-3.csv", "csv",
    csv(csv_lines[:2] + [csv_lines[2].rsplit(b",", 1)[0]], end=b"\r\n"),
    "(line 3)", "784 fields, expected 785 (a label and 784 pixels)")
bad("csv-cr-line-endings.csv", "csv", csv(csv_lines, end=b"\r"),
    "(line 1)", "a carriage return (CR) inside the line: lines must end in LF or CR LF")
bad("csv-semicolons.csv", "csv", csv([line.replace(b",", b";") for line in csv_lines]),
    "(line 1)", "field 1 is \"7;0;0;0;0;0;0;0;0;0;\", not a whole number")
bad("csv-tabs.csv", "csv", csv([line.replace(b",", b"\t") for line in csv_lines]),
    "(line 1)", "field 1 is \"7?0?0?0?0?0?0?0?0?0?\", not a whole number")
bad("csv-pixel-256.csv", "csv", csv([with_field(csv_lines[0], 300, b"256")]),
    "(line 1)", "pixel 300 is 256, outside 0 to 255")
bad("csv-pixel-huge-number.csv", "csv", csv([with_field(csv_lines[0], 5, b"99999999999999999999")]),
    "(line 1)", "pixel 5 is 99999999999999999999, outside 0 to 255")
bad("csv-negative-pixel.csv", "csv", csv([with_field(csv_lines[0], 8, b"-1")]),
    "(line 1)", "field 9 is \"-1\", not a whole number")
bad("csv-fractional-pixels.csv", "csv", csv([with_field(csv_lines[0], 1, b"0.5")]),
    "(line 1)", "field 2 is \"0.5\", not a whole number")
bad("csv-label-10.csv", "csv", csv([csv_lines[0], with_field(csv_lines[1], 0, b"10")]),
    "(line 2)", "label 10 is outside the 10 classes (0 to 9)")
bad("csv-extra-field.csv", "csv", csv([csv_lines[0] + b",0"]),
    "(line 1)", "more than 785 fields")
bad("csv-empty-line-inside.csv", "csv", csv([csv_lines[0], b"", csv_lines[1]]),
    "(line 2)", "the line is empty")
cut = len(csv_lines[0]) + 1 + [i for i, c in enumerate(csv_lines[1]) if c == ord(",")][299]
bad("csv-cut-mid-line.csv", "csv", csv(csv_lines)[:cut],
    "(line 2)", "300 fields, expected 785 (a label and 784 pixels)")
bad("csv-nul-bytes.csv", "csv", b"\0" * 1024,
    "(line 1)", "field 1 is \"????????????????????\", not a whole number")
bad("csv-is-gzip.csv", "csv", gz(csv(csv_lines)),
    "(line 1)", "not a whole number")

# ---------------------------------------------------------------------------------------------
# .nnlab: a 4-3-2 network with biases, written by hand from docs/model-format.md.

ARCH = dict(inputs=4, hidden=[3], outputs=2, activation=0, output=0, loss=0, biases=1, scaling=0)
NOTE = b"bad-corpus"


def weight(layer, r, c):
    return ((3 * r + 5 * c + 7 * layer) % 17) / 16.0 - 0.5


def tensors(arch):
    sizes = [arch["inputs"]] + arch["hidden"] + [arch["outputs"]]
    values = []
    for layer in range(len(sizes) - 1):
        rows, cols = sizes[layer + 1], sizes[layer]
        values += [weight(layer, r, c) for r in range(rows) for c in range(cols)]
        if arch["biases"]:
            values += [0.125 * (r - layer) for r in range(rows)]
    return values


def nnlab_header(arch=ARCH, version=1, accuracy=(1, 0.75), samples=100, note=NOTE):
    b = b"NNLABMDL" + struct.pack("<III", version, arch["inputs"], len(arch["hidden"]))
    b += b"".join(struct.pack("<I", h) for h in arch["hidden"])
    b += struct.pack("<I5B", arch["outputs"], arch["activation"], arch["output"], arch["loss"],
                     arch["biases"], arch["scaling"])
    b += struct.pack("<BfQI", accuracy[0], accuracy[1], samples, len(note)) + note
    return b


def with_crc(b):
    return b + struct.pack("<I", zlib.crc32(b))


# Version 2's provenance block (after the note): each field as bytes, in file order, so a file
# can be spoiled in one field and the offsets of its messages counted.
DIGEST = b"ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"


def text(s):
    return struct.pack("<I", len(s)) + s


def provenance_fields(version=b"0.1.0", preset=b"lesson", setup=b"4-3-2 sigmoid \xc2\xb7 SGD l_r 0.1",
                      seeds=(1, 7), shuffled=1, data_name=b"MNIST",
                      files=((b"t10k-labels-idx1-ubyte", 10008, DIGEST),),
                      epochs=((1, 100, 1, 0.5), (2, 200, 1, 0.625)),
                      changes=((150, b"l_r", b"0.1", b"0.3"),)):
    fields = [("version", text(version)), ("preset", text(preset)), ("setup", text(setup)),
              ("seeds", struct.pack("<QQB", seeds[0], seeds[1], shuffled)),
              ("data-name", text(data_name)), ("file-count", struct.pack("<I", len(files)))]
    fields += [("file", text(n) + struct.pack("<Q", size) + d) for n, size, d in files]
    fields += [("epoch-count", struct.pack("<I", len(epochs)))]
    fields += [("epoch", struct.pack("<IQBf", *e)) for e in epochs]
    fields += [("change-count", struct.pack("<I", len(changes)))]
    fields += [("change", struct.pack("<Q", c[0]) + text(c[1]) + text(c[2]) + text(c[3]))
               for c in changes]
    return fields


PROVENANCE = provenance_fields()


def nnlab_file(values=None, provenance=None, **header):
    """Version 1 without a provenance; a version given with one, the fields in order."""
    if provenance is not None:
        header.setdefault("version", 2)
    body = nnlab_header(**header) + b"".join(f for _, f in provenance or [])
    values = tensors(header.get("arch", ARCH)) if values is None else values
    return with_crc(body + b"".join(struct.pack("<f", v) for v in values))


good_model = nnlab_file()
assert len(good_model) == 60 + 4 * (4 * 3 + 3 + 3 * 2 + 2) + 4  # as docs/model-format.md counts

# Cut inside every field of the file, in file order: where the field starts, the bytes kept.
size = len(good_model)
for field, start, keep, message in [
        ("magic", 0, 5, "the file ends early: the magic needs 8 bytes, found 5"),
        ("version", 8, 10, "the file ends early: the version needs 4 bytes, found 2"),
        ("input-size", 12, 13, "the input layer size needs 4 bytes, found 1"),
        ("hidden-layer-count", 16, 19, "the hidden layer count needs 4 bytes, found 3"),
        ("hidden-size", 20, 22, "a hidden layer size needs 4 bytes, found 2"),
        ("output-size", 24, 26, "the output layer size needs 4 bytes, found 2"),
        ("activations", 29, 29, "the file ends early: output activation needs 1 byte, found 0"),
        ("accuracy", 34, 36, "the test accuracy needs 4 bytes, found 2"),
        ("samples-seen", 38, 41, "the sample count needs 8 bytes, found 3"),
        ("note-length", 46, 48, "the note length needs 4 bytes, found 2"),
        ("note", 50, 54, "the note needs 10 bytes, found 4"),
        ("weights", 100, 100, "needs %d bytes, found 100" % size),
        ("checksum", size - 2, size - 2, "needs %d bytes, found %d" % (size, size - 2))]:
    bad("nnlab-truncated-in-%s.nnlab" % field, "nnlab", good_model[:keep],
        "(byte %s)" % format(start, ","), message)

bad("nnlab-empty.nnlab", "nnlab", b"", "the file is empty")
bad("nnlab-wrong-magic.nnlab", "nnlab", b"NNLABMDX" + good_model[8:],
    "(byte 0)", "not an nnlab model (the file does not start with NNLABMDL)")
bad("nnlab-is-a-csv.nnlab", "nnlab", csv(csv_lines[:1]),
    "(byte 0)", "not an nnlab model")
bad("nnlab-version-0.nnlab", "nnlab", nnlab_file(version=0),
    "(byte 8)", "version 0 is not one this nnlab reads (1 to 2)")
bad("nnlab-version-3.nnlab", "nnlab", nnlab_file(version=3, provenance=PROVENANCE),
    "(byte 8)", "version 3 is not one this nnlab reads (1 to 2)")
bad("nnlab-zero-inputs.nnlab", "nnlab", nnlab_file(arch=dict(ARCH, inputs=0), values=[]),
    "(byte 12)", "the input layer size is 0; it must be 1 to 65,536")
bad("nnlab-hidden-size-zero.nnlab", "nnlab", nnlab_file(arch=dict(ARCH, hidden=[0]), values=[]),
    "(byte 20)", "a hidden layer size is 0; it must be 1 to 65,536")
bad("nnlab-100000-hidden-layers.nnlab", "nnlab",
    nnlab_header()[:16] + struct.pack("<I", 100000) + nnlab_header()[20:],
    "(byte 16)", "100,000 hidden layers; at most 64")
bad("nnlab-one-output.nnlab", "nnlab", nnlab_file(arch=dict(ARCH, outputs=1), values=[]),
    "the output layer must have 2 to 65536 nodes")
# 65,536 x 4,000 weights: 1 GB of float32 declared in a 184-byte file, refused before allocating.
huge = dict(ARCH, inputs=65536, hidden=[4000], outputs=2, biases=0)
bad("nnlab-declares-1gb-in-184-bytes.nnlab", "nnlab", nnlab_file(arch=huge, values=[0.0] * 30),
    "(byte 184)", "the file ends early: a 65536-4000-2 sigmoid, sigmoid output, squared-error, "
    "no biases network needs %s bytes, found 184" % format(60 + 4 * (65536 * 4000 + 4000 * 2) + 4, ","))
bad("nnlab-too-many-weights.nnlab", "nnlab",
    nnlab_file(arch=dict(ARCH, inputs=65536, hidden=[65536], outputs=2), values=[]),
    "the architecture is not valid")
bad("nnlab-unknown-activation.nnlab", "nnlab", nnlab_file(arch=dict(ARCH, activation=9)),
    "(byte 28)", "unknown hidden activation code 9")
bad("nnlab-unknown-loss.nnlab", "nnlab", nnlab_file(arch=dict(ARCH, loss=2)),
    "(byte 30)", "unknown loss code 2")
bad("nnlab-accuracy-flag-7.nnlab", "nnlab", nnlab_file(accuracy=(7, 0.75)),
    "(byte 33)", "unknown accuracy flag code 7")
bad("nnlab-accuracy-nan.nnlab", "nnlab", nnlab_file(accuracy=(1, float("nan"))),
    "(byte 34)", "the test accuracy is nan; it must be 0 to 1")
bad("nnlab-accuracy-1.5.nnlab", "nnlab", nnlab_file(accuracy=(1, 1.5)),
    "(byte 34)", "the test accuracy is 1.5; it must be 0 to 1")
bad("nnlab-note-5000-bytes.nnlab", "nnlab", nnlab_file(note=b"x" * 5000),
    "(byte 46)", "a note of 5,000 bytes; at most 4,096")
bad("nnlab-wrong-checksum.nnlab", "nnlab", good_model[:-4] + struct.pack("<I", zlib.crc32(good_model[:-4]) ^ 0x80),
    "(byte %s)" % (size - 4), "the checksum does not match (the file is damaged)")
bad("nnlab-flipped-weight-bit.nnlab", "nnlab", good_model[:70] + bytes([good_model[70] ^ 1]) + good_model[71:],
    "the checksum does not match")
bad("nnlab-trailing-garbage.nnlab", "nnlab", good_model + b"\n",
    "(byte %s)" % size, "1 unexpected byte after the checksum (trailing data)")
nan_values = tensors(ARCH)
nan_values[5] = float("nan")
bad("nnlab-nan-weight.nnlab", "nnlab", nnlab_file(values=nan_values),
    "(byte 80)", "weight layer 1, element 5 is not a finite number")
inf_values = tensors(ARCH)
inf_values[12 + 1] = float("inf")  # layer 1's second bias
bad("nnlab-infinite-bias.nnlab", "nnlab", nnlab_file(values=inf_values),
    "(byte 112)", "bias layer 1, element 1 is not a finite number")

# Version 2: the same network with a provenance block, spoiled in one of its fields. The block
# starts at byte 60 (after the 10-byte note); at(name) is where that field starts.
good_v2 = nnlab_file(provenance=PROVENANCE)
v2_size = len(good_v2)


def at(name, fields=PROVENANCE):
    offset = len(nnlab_header())
    for field, data in fields:
        if field == name:
            return offset
        offset += len(data)
    raise KeyError(name)


def v2(name, *fragments, **fields):
    """A version-2 file whose provenance has the given fields changed."""
    bad("nnlab-v2-%s.nnlab" % name, "nnlab", nnlab_file(provenance=provenance_fields(**fields)),
        *fragments)


def byte(n):
    return "(byte %s)" % format(n, ",")


# Cut inside the block: where the field cut short starts, the bytes kept, the message.
for field, start, keep, message in [
        ("setup", at("setup") + 4, at("setup") + 7,
         "the file ends early: the setup text needs 28 bytes, found 3"),
        ("seeds", at("seeds") + 8, at("seeds") + 12,
         "the file ends early: the shuffle seed needs 8 bytes, found 4"),
        # After the count: the rest cannot hold one record (a name's length, the size, the digest).
        ("data-files", at("file"), at("file") + 30,
         "the file ends early: the list of data files needs 76 bytes, found 30"),
        ("epochs", at("epoch"), at("epoch") + 5,
         "the file ends early: the list of epoch records needs 34 bytes, found 5")]:
    bad("nnlab-v2-truncated-in-%s.nnlab" % field, "nnlab", good_v2[:keep], byte(start), message)
bad("nnlab-v2-truncated-in-checksum.nnlab", "nnlab", good_v2[:-1],
    byte(v2_size - 1), "needs %s bytes, found %s" % (format(v2_size, ","), format(v2_size - 1, ",")))
# A length that fits its limit but runs past the end of the file.
long_setup = provenance_fields(setup=b"x" * 31)
bad("nnlab-v2-setup-length-past-the-end.nnlab", "nnlab",
    nnlab_header(version=2) + b"".join(f for _, f in long_setup[:2]) + struct.pack("<I", 4000) + b"x" * 31,
    byte(at("setup") + 4), "the file ends early: the setup text needs 4,000 bytes, found 31")
v2("setup-5000-bytes", byte(at("setup")), "the setup text is 5,000 bytes long; at most 4,096",
   setup=b"x" * 5000)
v2("preset-300-bytes", byte(at("preset")), "the preset is 300 bytes long; at most 256",
   preset=b"p" * 300)
v2("setup-not-utf8", byte(at("setup") + 4), "the setup text is not valid UTF-8",
   setup=b"l_r \xff 0.1")
v2("shuffled-flag-5", byte(at("seeds") + 16), "unknown shuffled flag code 5", shuffled=5)
v2("65-data-files", byte(at("file-count")), "65 data files; at most 64",
   files=[(b"f", 1, DIGEST)] * 65)
v2("digest-not-hex", byte(at("file") + 4 + 22 + 8), "the SHA-256 of data file 1 is not 64 lowercase hex digits",
   files=[(b"t10k-labels-idx1-ubyte", 10008, DIGEST[:63] + b"g")])
v2("digest-upper-case", byte(at("file") + 4 + 22 + 8), "the SHA-256 of data file 1 is not 64 lowercase hex digits",
   files=[(b"t10k-labels-idx1-ubyte", 10008, DIGEST.upper())])
epochs = provenance_fields(epochs=[(1, 100, 1, 0.5)] * 100001)
bad("nnlab-v2-100001-epochs.nnlab", "nnlab",
    nnlab_header(version=2) + b"".join(f for n, f in epochs if n != "epoch"),
    byte(at("epoch-count", epochs)), "100,001 epoch records; at most 100,000")
v2("epoch-accuracy-nan", byte(at("epoch") + 17 + 13), "the test accuracy of epoch record 2 is nan; it must be 0 to 1",
   epochs=[(1, 100, 1, 0.5), (2, 200, 1, float("nan"))])
v2("epoch-accuracy-infinite", byte(at("epoch") + 13), "the test accuracy of epoch record 1 is inf; it must be 0 to 1",
   epochs=[(1, 100, 1, float("inf"))])
v2("epoch-accuracy-1.5", byte(at("epoch") + 13), "the test accuracy of epoch record 1 is 1.5; it must be 0 to 1",
   epochs=[(1, 100, 1, 1.5)])
v2("epoch-accuracy-flag-2", byte(at("epoch") + 12), "epoch record 1: unknown accuracy flag code 2",
   epochs=[(1, 100, 2, 0.5)])
v2("epoch-numbered-4-billion", byte(at("epoch")), "epoch record 1 is numbered 4,294,967,295, beyond any run",
   epochs=[(0xFFFFFFFF, 100, 1, 0.5)])
v2("4-billion-knob-changes", byte(at("change-count")), "4,294,967,295 knob changes; at most 10,000",
   changes=[])
# (the count is patched below: provenance_fields writes the true count)
name = "nnlab-v2-4-billion-knob-changes.nnlab"
data = bytearray(open(os.path.join(HERE, name), "rb").read())
struct.pack_into("<I", data, at("change-count", provenance_fields(changes=[])), 0xFFFFFFFF)
with open(os.path.join(HERE, name), "wb") as f:
    f.write(with_crc(bytes(data[:-4])))
v2("knob-name-300-bytes", byte(at("change") + 8), "the knob name of knob change 1 is 300 bytes long; at most 256",
   changes=[(150, b"k" * 300, b"0.1", b"0.3")])
v2("wrong-checksum", byte(v2_size - 4), "the checksum does not match (the file is damaged)",
   changes=[(151, b"l_r", b"0.1", b"0.3")])
# (the checksum of the unchanged file, over a changed sample: patched below)
name = "nnlab-v2-wrong-checksum.nnlab"
data = open(os.path.join(HERE, name), "rb").read()
with open(os.path.join(HERE, name), "wb") as f:
    f.write(data[:-4] + good_v2[-4:])

# ---------------------------------------------------------------------------------------------
# NumPy .npz: the same 4-3-2 network as W1, b1, W2, b2 (float32 .npy 1.0 in a stored ZIP).


def npy(descr, shape, data):
    shape_text = "(" + "".join("%d, " % s for s in shape)[:-2] + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin-1") + data


def f4(values, fmt="<f"):
    return b"".join(struct.pack(fmt, v) for v in values)


def net_arrays(w1=None, w2=None):
    w1 = [weight(0, r, c) for r in range(3) for c in range(4)] if w1 is None else w1
    w2 = [weight(1, r, c) for r in range(2) for c in range(3)] if w2 is None else w2
    return [("W1", npy("<f4", (3, 4), f4(w1))), ("b1", npy("<f4", (3,), f4([0.0, 0.125, 0.25]))),
            ("W2", npy("<f4", (2, 3), f4(w2))), ("b2", npy("<f4", (2,), f4([-0.125, 0.0])))]


def raw_deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_archive(arrays, deflated=False, flags=0, sizes=None):
    """A ZIP as np.savez writes it; sizes(name, packed, size) may change the central sizes."""
    body, central = b"", b""
    for name, data in arrays:
        name = (name + ".npy").encode()
        packed = raw_deflate(data) if deflated else data
        crc, size = zlib.crc32(data), len(data)
        method = 8 if deflated else 0
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc,
                            len(packed), size, len(name), 0)
        packed_size, size = sizes(name, len(packed), size) if sizes else (len(packed), size)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x21,
                               crc, packed_size, size, len(name), 0, 0, 0, 0, 0, len(body)) + name
        body += local + name + packed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(arrays), len(arrays), len(central),
                      len(body), 0)
    return body + central + end


good_npz = zip_archive(net_arrays())

bad("npz-empty.npz", "npz", b"", "the file is empty")
bad("npz-not-a-zip.npz", "npz", b"W1,W2\n0.5,0.25\n",
    "not an .npz file: it is not a ZIP archive (no end record found)")
bad("npz-a-single-npy.npz", "npz", net_arrays()[0][1],
    "(byte 0)", "a single .npy array (numpy.save), not an .npz archive (numpy.savez)")
bad("npz-is-an-nnlab-model.npz", "npz", good_model, "not an .npz file: it is not a ZIP archive")
bad("npz-cut-short.npz", "npz", good_npz[:len(good_npz) // 2],
    "the ZIP archive is cut short: its end record (the last 22 bytes) is missing")
bad("npz-trailing-garbage.npz", "npz", good_npz + b"garbage",
    "7 unexpected bytes after the ZIP archive's end record")
bad("npz-wrong-crc.npz", "npz", good_npz.replace(net_arrays()[0][1], npy("<f4", (3, 4), f4([0.5] * 12))),
    "the CRC-32 of W1.npy does not match its data")
packed_npz = zip_archive(net_arrays(), deflated=True)
first_data = 30 + len("W1.npy")
bad("npz-damaged-deflate-stream.npz", "npz",
    packed_npz[:first_data] + b"\xff" * 4 + packed_npz[first_data + 4:],
    "the compressed data of W1.npy is damaged")
bad("npz-declares-3gb-inflated.npz", "npz",
    zip_archive(net_arrays(), deflated=True,
                sizes=lambda name, packed, size: (packed, 3000000000 if name == b"W1.npy" else size)),
    "W1.npy says it inflates to 3,000,000,000 bytes from")
bad("npz-encrypted.npz", "npz", zip_archive(net_arrays(), flags=1),
    "W1.npy is encrypted; nnlab reads plain archives")
bad("npz-shape-2-billion-squared.npz", "npz",
    zip_archive([("W1", npy("<f4", (2000000000, 2000000000), f4([0.0] * 12)))] + net_arrays()[1:]),
    "W1.npy: shape (2000000000, 2000000000) of dtype '<f4' needs more than 2 GiB")
bad("npz-big-endian.npz", "npz",
    zip_archive([("W1", npy(">f4", (3, 4), f4([0.5] * 12, ">f")))] + net_arrays()[1:]),
    "dtype '>f4' is big-endian")
bad("npz-integer-weights.npz", "npz",
    zip_archive([("W1", npy("<i4", (3, 4), b"\0" * 48))] + net_arrays()[1:]),
    "W1 has dtype '<i4'; nnlab reads float32 ('<f4') or float64 ('<f8')")
bad("npz-shapes-do-not-chain.npz", "npz",
    zip_archive(net_arrays()[:2] + [("W2", npy("<f4", (2, 4), f4([0.5] * 8))), net_arrays()[3]]),
    "the shapes do not chain: W2 is (2, 4) but the layer before has 3 outputs")
bad("npz-missing-w-h-o.npz", "npz",
    zip_archive([("w_i_h", npy("<f4", (3, 4), f4([0.5] * 12)))]), "the array w_h_o is missing")
nan_w1 = [weight(0, r, c) for r in range(3) for c in range(4)]
nan_w1[6] = float("nan")
bad("npz-nan-weight.npz", "npz", zip_archive(net_arrays(w1=nan_w1)),
    "W1[1, 2] is nan, not a finite number")


def npz_provenance(json_text):
    """The network with a provenance entry: JSON text as numpy's 0-d '<U' array."""
    chars = json_text.encode("utf-32-le")
    return zip_archive(net_arrays() + [("provenance", npy("<U%d" % len(json_text), (), chars))])


GOOD_JSON = ('{"nnlabVersion":"0.1.0","preset":"lesson","setup":"4-3-2","weightSeed":1,'
             '"shuffleSeed":7,"shuffled":true,"dataName":"MNIST","dataFiles":[{"name":"t10k",'
             '"sha256":"%s","bytes":10008}],"epochs":[{"epoch":1,"samplesSeen":100,'
             '"testAccuracy":0.5}],"changes":[]}' % DIGEST.decode())
bad("npz-provenance-not-json.npz", "npz", npz_provenance("{nnlabVersion: 0.1.0}"),
    "provenance (the training history, JSON): expected a key in quotes (at character 1)")
bad("npz-provenance-cut-short.npz", "npz",
    npz_provenance(GOOD_JSON[:GOOD_JSON.index('"changes":') + len('"changes":')]),
    "provenance (the training history, JSON): the JSON ends early")
bad("npz-provenance-accuracy-nan.npz", "npz", npz_provenance(GOOD_JSON.replace("0.5}", "NaN}")),
    "provenance (the training history, JSON): not a JSON value")
bad("npz-provenance-accuracy-1.5.npz", "npz", npz_provenance(GOOD_JSON.replace("0.5}", "1.5}")),
    "provenance (the training history, JSON): epochs[0].testAccuracy is 1.5; it must be 0 to 1")
bad("npz-provenance-digest-not-hex.npz", "npz", npz_provenance(GOOD_JSON.replace("ff7b", "FF7B")),
    "provenance (the training history, JSON): dataFiles[0].sha256 is not 64 lowercase hex digits")
bad("npz-provenance-seed-negative.npz", "npz", npz_provenance(GOOD_JSON.replace('"weightSeed":1', '"weightSeed":-1')),
    "provenance (the training history, JSON): weightSeed is not a whole number")
bad("npz-provenance-is-a-number.npz", "npz",
    zip_archive(net_arrays() + [("provenance", npy("<f4", (), f4([0.5])))]),
    "provenance should be text (a 0-d '<U' array), found dtype '<f4' of shape ()")

# ---------------------------------------------------------------------------------------------
# Images for nnlab-predict (and the preprocessing behind it).


def png(width, height, rows, color_type=0, crc_fix=True):
    def chunk(kind, data):
        crc = zlib.crc32(kind + data) if crc_fix else 0
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
    raw = b"".join(b"\0" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# A light 7 on black, 28x28 (the first MNIST test digit): valid, to be spoiled.
digit_png = png(28, 28, [pixels[r * 28:(r + 1) * 28] for r in range(28)])

bad("image-empty.png", "image", b"", "the file is empty")
bad("image-text-named-png.png", "image", b"this is a text file with an image's name\n",
    "is not an image nnlab can read")
bad("image-blank-white.png", "image", png(64, 48, [b"\xff" * 64] * 48), "has no ink: the image is blank")
bad("image-blank-black.png", "image", png(64, 48, [b"\0" * 64] * 48), "has no ink: the image is blank")
bad("image-png-cut-short.png", "image", digit_png[:len(digit_png) // 2],
    "is not an image nnlab can read")
bad("image-png-zero-checksums.png", "image", png(28, 28, [pixels[r * 28:(r + 1) * 28] for r in range(28)], crc_fix=False),
    "is not an image nnlab can read")
bad("image-png-declares-100000x100000.png", "image",
    png(100000, 100000, [b"\0" * 8]),
    "the image is 100000 x 100000 pixels")

# ---------------------------------------------------------------------------------------------
# Sweep files (engine/sweep_file.h): two learning rates x one seed of the lesson's first
# experiment, written here by hand from the layout the header describes, then spoiled.

SWEEP_SETTINGS = (b"inputs=784 hidden=90 outputs=10 activation=sigmoid output=sigmoid "
                  b"loss=squared-error biases=no scaling=lesson init=lesson weight-seed=1 "
                  b"optimizer=sgd lr=0.3 momentum=0.9 rho=0.9 beta1=0.9 beta2=0.999 epsilon=1e-07 "
                  b"batch=1 shuffle=no shuffle-seed=1 threads=1 train-size=100 lesson-errors=yes "
                  b"input-path=auto epochs=1 decay=1")
SWEEP_HEADER = [b"# nnlab sweep file, format 1", b"# nnlab: 0.1.0", b"# data: MNIST", b"# knob: lr",
                b"# values: 0.1,0.3", b"# seeds: 1", b"# base: lesson-100",
                b"# base description: the lesson's first experiment",
                b"# base settings: " + SWEEP_SETTINGS, b"#"]
SWEEP_COLUMNS = (b"index,value,seed,epoch,train_loss,train_accuracy,test_loss,test_accuracy,"
                 b"samples,seconds,error,setup")
SWEEP_ROWS = [b"0,0.1,1,1,0.21,0.55,0.16,0.6,100,0.05,,784-90-10 sigmoid \xc2\xb7 SGD l_r 0.1",
              b"1,0.3,1,1,0.18,0.61,0.14,0.7,100,0.05,,784-90-10 sigmoid \xc2\xb7 SGD l_r 0.3"]
SWEEP_CURVES = [b"#curve,0,1,0.21,0.55", b"#curve,1,1,0.18,0.61"]


def sweep(header=SWEEP_HEADER, rows=SWEEP_ROWS, curves=SWEEP_CURVES, end=b"#end,2,2"):
    lines = header + [SWEEP_COLUMNS] + rows + curves + ([end] if end else [])
    return b"".join(line + b"\n" for line in lines)


def sweep_header(key, line):
    return [line if h.startswith(b"# " + key + b":") else h for h in SWEEP_HEADER]


def sweep_row(index, field, value):
    rows = list(SWEEP_ROWS)
    rows[index] = with_field(rows[index], field, value)
    return rows


bad("sweep-empty.csv", "sweep", b"", "the file is empty")
bad("sweep-is-a-lesson-csv.csv", "sweep", csv(csv_lines),
    "(line 1)", "not an nnlab sweep file: it should begin with \"# nnlab sweep file, format 1\"")
bad("sweep-newer-format.csv", "sweep", sweep([b"# nnlab sweep file, format 2"] + SWEEP_HEADER[1:]),
    "(line 1)", "written by a newer nnlab (sweep file format 2); this one reads format 1")
bad("sweep-unknown-knob.csv", "sweep", sweep(sweep_header(b"knob", b"# knob: speed")),
    "(line 4)", "unknown knob \"speed\"")
bad("sweep-value-out-of-range.csv", "sweep", sweep(sweep_header(b"values", b"# values: 0.1,-0.3")),
    "(line 5)", "lr=-0.3 is out of range")
bad("sweep-base-setting-missing.csv", "sweep",
    sweep(sweep_header(b"base settings", b"# base settings: " + SWEEP_SETTINGS.replace(b" decay=1", b""))),
    "(line 9)", "the base settings have no decay")
bad("sweep-value-not-the-header-s.csv", "sweep", sweep(rows=sweep_row(1, 1, b"0.5")),
    "(line 13)", "run 1's value is \"0.5\", but the header's values give it 0.3")
bad("sweep-accuracy-above-1.csv", "sweep", sweep(rows=sweep_row(0, 7, b"60")),
    "(line 12)", "test_accuracy 60 is outside 0 to 1")
bad("sweep-epoch-skipped.csv", "sweep", sweep(rows=sweep_row(0, 3, b"2")),
    "(line 12)", "run 0's epoch 2 comes first: a run's epochs go 1, 2, 3... in order")
bad("sweep-row-lost.csv", "sweep", sweep(rows=SWEEP_ROWS[:1], curves=SWEEP_CURVES[:1]),
    "(line 14)", "the end line counts 2 rows and 2 curve points; the file has 1 and 1")
bad("sweep-cut-short.csv", "sweep", sweep(end=None),
    "(line 15)", "the file ends early: its last line should be #end,ROWS,CURVE_POINTS")
bad("sweep-cut-mid-row.csv", "sweep",
    b"".join(line + b"\n" for line in SWEEP_HEADER + [SWEEP_COLUMNS]) + SWEEP_ROWS[0][:36],
    "(line 12)", "12 fields expected, found 10")
bad("sweep-nul-bytes.csv", "sweep", b"\0" * 1024, "(line 1)", "a NUL byte: this is not a text file")
bad("sweep-one-huge-line.csv", "sweep", b"# nnlab sweep file, format 1\n#" + b" " * 100000,
    "(line 2)", "the line is longer than 65,536 bytes")

# ---------------------------------------------------------------------------------------------

with open(os.path.join(HERE, "EXPECTED.tsv"), "w", encoding="utf-8", newline="\n") as out:
    out.write("# Written by make-bad-files.py; do not edit. file, reader, then the fragments its\n"
              "# error message must contain (tab-separated). Readers:\n")
    for reader, what in READERS.items():
        out.write("#   %-24s %s\n" % (reader, what))
    for name, reader, fragments in corpus:
        out.write("\t".join((name, reader) + fragments) + "\n")

names = {name for name, _, _ in corpus}
assert len(names) == len(corpus), "two files with one name"
stale = sorted(set(os.listdir(HERE)) - names - {"make-bad-files.py", "EXPECTED.tsv"})
assert not stale, "files the corpus no longer makes: %s" % stale
print("%d files in %s" % (len(corpus), HERE))
