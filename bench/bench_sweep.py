#!/usr/bin/env python3
"""Measures a sweep against the same runs made one after another, for docs/BENCHMARKS.md.

The issue-16 sweep: 8 learning rates (0.01 to 1, log steps) x 3 seeds x 1 epoch of the `lesson`
preset on all 60,000 MNIST images, each run tested on the 10,000 test images. Per repeat, in
one go and in a rotating order (A/B interleaved, so a busy machine weighs on every variant alike):
  - `nnlab-train --sweep lr=0.01:1:8:log --seeds 1,2,3 --epochs 1` with jobs x threads per run
    of 2x1 (the default on 2 cores), 1x1, 1x2 and 2x2: wall time of the process (data loading
    included; target < 8 s) and the sweep's own time;
  - the same 24 runs one after another: `nnlab-train --lr V --seed S --shuffle-seed S --epochs 1`
    (its default threads: every core), wall time of the 24 processes;
  - the CPU time (user + system) of each, and the load average at each repeat's start (other
    work on the machine inflates wall times; the ratios, measured side by side, less so);
and reports medians, the throughput ratio sequential / sweep (target >= 1.3), and whether every
run's test accuracy is the same in the sweep and alone.
Usage: bench/bench_sweep.py [--build build/release] [--repeats 3] [--quick]
  (--quick: 2 learning rates x 2 seeds, to try the script)
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_json(cmd, cpu=None):
    """Wall seconds and JSON lines of cmd; its CPU seconds appended to `cpu` if given."""
    start, cpu_start = time.monotonic(), cpu_seconds()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    wall = time.monotonic() - start
    if cpu is not None:
        cpu.append(cpu_seconds() - cpu_start)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return wall, [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    train = os.path.join(args.build, "app", "nnlab-train")
    sweep = "lr=0.1,0.3" if args.quick else "lr=0.01:1:8:log"
    seeds = "1,2" if args.quick else "1,2,3"
    base = [train, "--preset", "lesson", "--epochs", "1"]
    variants = {"sweep 2 jobs x 1 thread": ["--jobs", "2", "--threads", "1"],
                "sweep 1 job x 1 thread": ["--jobs", "1", "--threads", "1"],
                "sweep 1 job x 2 threads": ["--jobs", "1", "--threads", "2"],
                "sweep 2 jobs x 2 threads": ["--jobs", "2", "--threads", "2"]}
    walls = {name: [] for name in [*variants, "24 runs one after another"]}
    sweep_seconds = {name: [] for name in variants}
    cpu = {name: [] for name in walls}  # CPU seconds of the processes (user + system)
    loads = []
    sweep_accuracy, alone_accuracy, summaries = {}, {}, []
    names = list(walls)
    for repeat in range(args.repeats):
        loads.append(os.getloadavg()[0])
        order = names[repeat % len(names):] + names[:repeat % len(names)]
        for name in order:
            if name in variants:
                wall, lines = run_json([*base, "--sweep", sweep, "--seeds", seeds, "--json",
                                        *variants[name]], cpu[name])
                walls[name].append(wall)
                sweep_seconds[name].append(
                    next(l for l in lines if l["type"] == "sweep_total")["sweep_seconds"])
                for l in lines:
                    if l["type"] == "sweep_run":
                        sweep_accuracy[(repr(l["value"]), l["seed"])] = l["test_accuracy"][-1]
                if name == names[0]:
                    summaries = [l for l in lines if l["type"] == "sweep_summary"]
            else:
                total, cpus = 0.0, []  # the sweep's runs (the first repeat starts with a sweep)
                for value, seed in sorted(sweep_accuracy):
                    wall, lines = run_json([*base, "--lr", value, "--seed", str(seed),
                                            "--shuffle-seed", str(seed), "--json"], cpus)
                    total += wall
                    alone_accuracy[(value, seed)] = next(
                        l for l in lines if l["type"] == "summary")["test_accuracy"]
                walls[name].append(total)
                cpu[name].append(sum(cpus))
        print(f"repeat {repeat + 1}: " + ", ".join(f"{n} {walls[n][-1]:.2f} s" for n in names),
              file=sys.stderr, flush=True)

    runs = len(sweep_accuracy)
    print(f"load average (1 min) at each repeat's start: {', '.join(f'{l:.2f}' for l in loads)}"
          f" ({os.cpu_count()} cores)")
    print(f"\n| {runs} runs of 1 lesson epoch on 60,000 images, tested on 10,000 | wall s (median) "
          f"| min | sweep s (median, after loading) | CPU s (median) | throughput vs one after "
          f"another |")
    print("|---|---|---|---|---|---|")
    sequential = statistics.median(walls["24 runs one after another"])
    for name in names:
        w = statistics.median(walls[name])
        s = f"{statistics.median(sweep_seconds[name]):.2f}" if name in sweep_seconds else "-"
        print(f"| {name.replace('24', str(runs))} | {w:.2f} | {min(walls[name]):.2f} | {s} "
              f"| {statistics.median(cpu[name]):.2f} | {sequential / w:.2f}x |")
    same = all(alone_accuracy.get(k) == v for k, v in sweep_accuracy.items())
    print(f"\nevery run's test accuracy the same in the sweep and alone: {'yes' if same else 'NO'}")
    print("\n| l_r | runs | test accuracy mean | min | max | training accuracy mean |")
    print("|---|---|---|---|---|---|")
    for s in summaries:
        print(f"| {s['value']} | {s['runs']} | {s['test_accuracy_mean']:.4f} | "
              f"{s['test_accuracy_min']:.4f} | {s['test_accuracy_max']:.4f} | "
              f"{s['train_accuracy_mean']:.4f} |")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
