#!/usr/bin/env python3
"""Measures nnlab-train on the release build and prints the figures of docs/BENCHMARKS.md.

Runs the lesson and Keras presets several times through `nnlab-train --json`, takes medians of
the training-loop seconds per epoch (loading and testing excluded, as nnlab-train reports them),
the test accuracies after each epoch, wall time for the best MLP, and peak resident memory of a
full-MNIST run. Usage: bench/run_benchmarks.py [--build build/release] [--repeats 5] [--quick]
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


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 repeat, fewer variants")
    opts = parser.parse_args()
    binary = os.path.join(opts.build, "app", "nnlab-train")
    repeats = 1 if opts.quick else opts.repeats
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; repeats: {repeats}\n")

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
        print(f"| {preset} | {threads if threads != '0' else 'all'} | {isa or 'auto'} "
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
