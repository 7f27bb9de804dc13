#!/usr/bin/env python3
"""Measures nnlab-train on the release build and prints the figures of docs/BENCHMARKS.md.

Runs the lesson and Keras presets several times through `nnlab-train --json`, takes medians of
the training-loop seconds per epoch (loading and testing excluded, as nnlab-train reports them),
the test accuracies after each epoch, wall time for the best MLP, and peak resident memory of a
full-MNIST run. Usage: bench/run_benchmarks.py [--build build/release] [--repeats 5] [--quick]

With --references it measures nnlab against the references of issue 19 instead, in turn within
each repeat on the same machine (bench/reference_loops.py): the lesson preset's epoch against the
lesson's numpy loop with its BLAS pinned to one thread, and keras-rmsprop's epoch against the same
model, batch and optimizer in PyTorch (Debian's python3-torch, skipped when not installed) at
its faster thread count, one or one per core.
Usage: bench/run_benchmarks.py --references [--repeats 3] [--data-dir data/mnist]

With --floor it reports how close each path is to its FLOP floor (issue 19): bench/bench_floor
counts the multiply-adds of an epoch of the lesson (one thread, per sample), keras-rmsprop and
best (every core, mini-batches) and measures the in-cache matrix product's rate of each kernel
copy; the epochs are measured with the fastest copy and with the portable SSE2 one.
Usage: bench/run_benchmarks.py --floor [--repeats 3] [--data-dir data/mnist]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def run(binary, args, env_extra=None):
    """Runs nnlab-train --json; returns (epoch records, summary record, wall seconds)."""
    env = dict(os.environ)
    env.update(env_extra or {})
    start = time.monotonic()
    proc = subprocess.Popen([binary, "--json", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    out, err = proc.communicate()
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"nnlab-train {' '.join(args)} failed ({proc.returncode}): {err.strip()}")
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    epochs = [r for r in records if r.get("type") == "epoch"]
    summary = next((r for r in records if r.get("type") == "summary"), {})
    return epochs, summary, wall


def peak_rss_mib(binary, args):
    """Peak resident memory (MiB) of one nnlab-train run, from wait4's rusage."""
    proc = subprocess.Popen([binary, "--json", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"nnlab-train {' '.join(args)} failed")
    return usage.ru_maxrss / 1024.0


def median_epoch_seconds(binary, args, repeats, env_extra=None):
    per_run = []
    accuracies = None
    for _ in range(repeats):
        epochs, _, _ = run(binary, args, env_extra)
        per_run.append(statistics.median(e["seconds"] for e in epochs))
        accuracies = [e["test_accuracy"] for e in epochs]
    return statistics.median(per_run), min(per_run), accuracies


def reference_seconds(name, data_dir, epochs, extra=()):
    """The median training-loop seconds per epoch of bench/reference_loops.py NAME (None: skipped)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_loops.py")
    pinned = {k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env = dict(os.environ, **(pinned if name == "lesson" else {}))
    proc = subprocess.run(["/usr/bin/python3", script, name, "--data-dir", data_dir,
                           "--epochs", str(epochs), *extra], capture_output=True, text=True, env=env)
    if proc.returncode == 77:
        return None, proc.stdout.strip()
    if proc.returncode != 0:
        sys.exit(f"reference_loops.py {name} failed ({proc.returncode}): {proc.stderr.strip()}")
    record = json.loads(proc.stdout.splitlines()[-1])
    if "openblas" not in record.get("blas", "").lower() and not os.environ.get("NNLAB_ANY_BLAS"):
        # Debian's reference BLAS (libblas3) is two to three times slower than OpenBLAS for the
        # lesson's products, and PyTorch on it ten times: a ratio against it flatters nnlab.
        sys.exit(f"reference_loops.py {name}: this Python's BLAS is {record.get('blas')}, not OpenBLAS; "
                 "the references of issue 19 are measured on OpenBLAS: apt-get install "
                 "libopenblas0-pthread (or set NNLAB_ANY_BLAS=1 to measure against this one anyway)")
    return statistics.median(record["seconds"]), record


def references(binary, opts, repeats):
    """nnlab against the lesson's numpy loop and PyTorch, in turn within each repeat."""
    rows = {key: [] for key in ("lesson", "numpy", "keras", "torch")}
    notes = {}
    for _ in range(repeats):
        rows["lesson"].append(median_epoch_seconds(binary, ["--preset", "lesson", "--epochs", "1"], 1)[0])
        seconds, record = reference_seconds("lesson", opts.data_dir, 1)
        rows["numpy"].append(seconds)
        notes["numpy"] = record
        rows["keras"].append(median_epoch_seconds(binary, ["--preset", "keras-rmsprop", "--epochs", "3"], 1)[0])
        # PyTorch at its faster thread count here: one, or one per core.
        runs = [reference_seconds("keras", opts.data_dir, 3, ("--threads", str(t)))
                for t in sorted({1, os.cpu_count() or 1})]
        seconds, record = min(runs, key=lambda r: r[0] if r[0] is not None else float("inf"))
        if seconds is not None:
            rows["torch"].append(seconds)
        notes["torch"] = record
    med = {key: statistics.median(values) if values else None for key, values in rows.items()}
    span = lambda key: f"{min(rows[key]):.3f}-{max(rows[key]):.3f}"

    def ratios(ours, theirs):
        """The speed-up of each repeat, its reference and nnlab back to back: median (range)."""
        each = [t / o for o, t in zip(rows[ours], rows[theirs])]
        return f"{statistics.median(each):.1f}x ({min(each):.1f}-{max(each):.1f}x)"

    print("| path | nnlab s/epoch (median, range) | reference | reference s/epoch "
          "| nnlab's speed-up (ratio of medians) | speed-up of each repeat, median (range) |")
    print("|---|---|---|---|---|---|")
    print(f"| lesson (784-90-10 sigmoid, per sample) | {med['lesson']:.3f} ({span('lesson')}) | "
          f"the lesson's numpy loop, 1 BLAS thread (numpy {notes['numpy'].get('numpy', '?')}, "
          f"{notes['numpy'].get('blas', '?')}) | "
          f"{med['numpy']:.2f} ({span('numpy')}) | **{med['numpy'] / med['lesson']:.0f}x** (target 80x) "
          f"| {ratios('lesson', 'numpy')} |")
    if med["torch"] is None:
        print(f"| keras-rmsprop | {med['keras']:.3f} ({span('keras')}) | PyTorch: {notes['torch']} | | |")
    else:
        torch = notes["torch"]
        print(f"| keras-rmsprop (784-90-10 ReLU, batch 200) | {med['keras']:.3f} ({span('keras')}) | "
              f"PyTorch {torch.get('torch', '?')} ({torch.get('blas', '?')}), {torch.get('threads', '?')} "
              f"thread(s), its faster | "
              f"{med['torch']:.3f} ({span('torch')}) | **{med['torch'] / med['keras']:.1f}x** (target 4.5x) "
              f"| {ratios('keras', 'torch')} |")


def floor(binary, opts, repeats):
    """Each path's epoch against the multiply-adds it needs at the in-cache product's rate."""
    tool = os.path.join(opts.build, "bench", "bench_floor")
    proc = subprocess.run([tool, "--data-dir", opts.data_dir, "--seconds", "2"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_floor failed ({proc.returncode}): {proc.stderr.strip()}")
    facts = json.loads(proc.stdout)
    cores = str(facts["cores"])
    fastest = next(iter(facts["rate"]))  # availableKernelTables lists the widest first
    print("In-cache matrix product (384 x 384 x 384), multiply-adds per second:")
    for isa, rate in facts["rate"].items():
        print(f"  {isa}: {rate['1'] / 1e9:.1f} G on 1 thread, {rate[cores] / 1e9:.1f} G on {cores}")
    print()
    print("| path | threads | multiply-adds per epoch (sparse first layer) | kernels "
          "| floor s/epoch | measured s/epoch (median, range) | measured / floor |")
    print("|---|---|---|---|---|---|---|")
    # Every core for the mini-batch paths, pinned (--threads 0 would measure and may choose one).
    paths = [("lesson", "1", ["--epochs", "1"]), ("keras-rmsprop", cores, ["--epochs", "3"]),
             ("best", cores, ["--epochs", "1"])]
    for preset, threads, extra in paths:
        for isa in (fastest, "sse2") if fastest != "sse2" else ("sse2",):
            per_run = []
            for _ in range(repeats):
                epochs, _, _ = run(binary, ["--preset", preset, "--threads", threads, "--no-eval",
                                            *extra], {"NNLAB_ISA": isa})
                per_run.append(statistics.median(e["seconds"] for e in epochs))
            macs = facts["multiply_adds"][preset]["sparse"]
            rate = facts["rate"][isa]["1" if threads == "1" else cores]
            floor_s = macs / rate
            med = statistics.median(per_run)
            print(f"| {preset} | {threads} | {macs / 1e9:.2f} G "
                  f"| {isa} | {floor_s:.4f} | {med:.3f} ({min(per_run):.3f}-{max(per_run):.3f}) "
                  f"| {med / floor_s:.1f}x |")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 repeat, fewer variants")
    parser.add_argument("--references", action="store_true",
                        help="nnlab against the lesson's numpy loop and PyTorch (issue 19)")
    parser.add_argument("--floor", action="store_true",
                        help="each path against its FLOP floor (issue 19)")
    parser.add_argument("--data-dir", default="data/mnist", help="MNIST for the references")
    opts = parser.parse_args()
    binary = os.path.join(opts.build, "app", "nnlab-train")
    repeats = 1 if opts.quick else opts.repeats
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; repeats: {repeats}\n")
    if opts.references:
        references(binary, opts, repeats)
        return
    if opts.floor:
        floor(binary, opts, repeats)
        return

    print("| preset | threads | kernels | s/epoch (median) | best | test accuracy by epoch |")
    print("|---|---|---|---|---|---|")
    variants = [("lesson", "0", None), ("lesson", "1", None), ("keras-sgd", "0", None),
                ("keras-rmsprop", "0", None), ("keras-rmsprop", "1", None)]
    if not opts.quick:
        variants += [("lesson", "0", "sse2"), ("keras-rmsprop", "0", "sse2")]
    for preset, threads, isa in variants:
        env = {"NNLAB_ISA": isa} if isa else None
        med, best, acc = median_epoch_seconds(
            binary, ["--preset", preset, "--threads", threads], repeats, env)
        accs = ", ".join(f"{a:.4f}" for a in acc)
        print(f"| {preset} | {threads if threads != '0' else 'measured'} | {isa or 'auto'} "
              f"| {med:.3f} | {best:.3f} | {accs} |")

    print("\nlesson-100 (first 100 training images), mean test accuracy over seeds 1-5:")
    after = {1: [], 5: []}
    for seed in range(1, 6):
        epochs, _, _ = run(binary, ["--preset", "lesson-100", "--seed", str(seed),
                                    "--epochs", "5"])
        after[1].append(epochs[0]["test_accuracy"])
        after[5].append(epochs[4]["test_accuracy"])
    print(f"  after 1 epoch: {statistics.mean(after[1]):.4f}  "
          f"({', '.join(f'{a:.3f}' for a in after[1])})")
    print(f"  after 5 epochs: {statistics.mean(after[5]):.4f}  "
          f"({', '.join(f'{a:.3f}' for a in after[5])})")

    epochs, summary, wall = run(binary, ["--preset", "best"])
    print(f"\nbest preset: {summary.get('architecture', '?')}, "
          f"test accuracy {epochs[-1]['test_accuracy']:.4f}, wall {wall:.1f} s "
          f"(training loop {sum(e['seconds'] for e in epochs):.1f} s)")

    print(f"\npeak RSS, keras-rmsprop on full MNIST: "
          f"{peak_rss_mib(binary, ['--preset', 'keras-rmsprop']):.0f} MiB")
    print(f"peak RSS, lesson on full MNIST: "
          f"{peak_rss_mib(binary, ['--preset', 'lesson']):.0f} MiB")


if __name__ == "__main__":
    main()
