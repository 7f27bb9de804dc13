#!/usr/bin/env python3
"""Measures the desktop app against the headless trainer for docs/BENCHMARKS.md.

For each preset, runs `nnlab --measure - --preset NAME` (offscreen, every view of the window
drawn, the Network view on screen beside the confusion matrix (issue 15: --measure puts it there), training
the preset's epochs on full MNIST) and `nnlab-train --preset NAME --json`
several times and reports medians of:
  - throughput: images per second from Start to the last epoch's end, per-epoch test included,
    with the latency probe off (`--no-probe`, the app as a user runs it); headless: the same
    images over nnlab-train's wall time minus its data loading. The window presses Start once
    the preset has landed (its weights in, their evaluation done, the views redrawn), as a
    person would; until 2026-12-03 it pressed it 50 ms after the preset, and for the 100-image
    presets that preset's evaluation and redraw often ran into the timed run;
  - the GUI/headless ratio: the median of each repeat's ratio, its headless and GUI runs back to
    back (and their range), so that a machine whose speed drifts compares like with like
    (target >= 0.85; >= 0.9 with the Network view on screen, issue 15);
  - event-loop latency: the lateness of a 10 ms probe timer on the GUI thread while it trains
    (p50, p99; target p99 <= 16 ms), in a run of its own with the probe on;
  - how busy the GUI thread is while it trains (its CPU time over the training time);
  - start-up: from main() to a window with MNIST loaded and the default model shown (<= 1 s).
With --sweep KNOB=VALUES it measures a sweep in the window's Sweep view instead (issue 16):
`nnlab --measure - --preset P --epochs E --sweep ... --sweep-seeds ...`, the sweep's wall time and
the event-loop latency while its runs train on every core (target p99 <= 16 ms).
Usage: bench/bench_gui.py [--build build/release] [--repeats 3] [--presets lesson,keras-sgd] [--epochs N]
                          [--without-network-view]
       bench/bench_gui.py --sweep lr=0.01:1:8:log [--sweep-seeds 1,2,3] [--presets lesson]
                          [--epochs 1] [--repeats 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def run_json(cmd, env):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def measure_sweep(args):
    """The sweep in the window: its wall time and the event-loop latency while it runs."""
    app = os.path.join(args.build, "app", "nnlab")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    print("| base | sweep | seeds | runs | wall (s) | latency p50 / p99 / max (ms) | probe ticks |")
    print("|---|---|---|---|---|---|---|")
    worst = 0.0
    for preset in args.presets.split(","):
        rows = []
        for _ in range(args.repeats):
            rows.append(run_json([app, "--measure", "-", "--preset", preset, "--epochs", str(args.epochs),
                                  "--sweep", args.sweep, "--sweep-seeds", args.sweep_seeds], env)[0])
        med = lambda key: statistics.median(r[key] for r in rows)
        worst = max(worst, med("latency_p99_ms"))
        print(f"| {preset}, {args.epochs} epoch{'s' if args.epochs != 1 else ''} | {args.sweep} | "
              f"{args.sweep_seeds} | {rows[0]['sweep_runs']} | {med('train_seconds'):.2f} | "
              f"{med('latency_p50_ms'):.1f} / {med('latency_p99_ms'):.1f} / {med('latency_max_ms'):.1f} | "
              f"{med('latency_ticks'):.0f} |")
    print(f"\nworst p99 {worst:.1f} ms (target <= 16)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--presets", help="default: lesson,keras-sgd,keras-rmsprop,best; with --sweep, lesson")
    parser.add_argument("--without-network-view", action="store_true",
                        help="measure the window with the Network view out of sight (a tab behind the Digits)")
    parser.add_argument("--sweep", help="measure a sweep in the window instead, e.g. lr=0.01:1:8:log")
    parser.add_argument("--sweep-seeds", default="1,2,3")
    parser.add_argument("--epochs", type=int, help="each run's epochs (default: the preset's; with "
                        "--sweep, 1). Fast presets end in under a second: more epochs measure "
                        "the training rather than a run's start and end")
    args = parser.parse_args()
    if args.sweep:
        args.epochs = args.epochs or 1
        args.presets = args.presets or "lesson"
        measure_sweep(args)
        return
    args.presets = args.presets or "lesson,keras-sgd,keras-rmsprop,best"
    app = os.path.join(args.build, "app", "nnlab")
    train = os.path.join(args.build, "app", "nnlab-train")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    epochs = ["--epochs", str(args.epochs)] if args.epochs else []
    window = epochs + (["--measure-without-network-view"] if args.without_network_view else [])

    print("| preset | headless img/s | GUI img/s | ratio | GUI thread busy | latency p50 / p99 / max (ms) | start-up (ms) |")
    print("|---|---|---|---|---|---|---|")
    worst_ratio, worst_p99, worst_start = 10.0, 0.0, 0.0
    for preset in args.presets.split(","):
        headless, gui, ratios, p50, p99, pmax, start, busy = [], [], [], [], [], [], [], []
        for _ in range(args.repeats):
            summary = [r for r in run_json([train, "--preset", preset, "--json", *epochs], env)
                       if r.get("type") == "summary"][0]
            samples = summary["train_size"] * summary["epochs"]
            headless.append(samples / (summary["wall_seconds"] - summary["load_seconds"]))
            m = run_json([app, "--measure", "-", "--no-probe", "--preset", preset, *window], env)[0]
            gui.append(m["samples_per_second"])
            ratios.append(gui[-1] / headless[-1]) # each pair back to back: the machine's drift cancels
            busy.append(m["gui_thread_busy"])
            m = run_json([app, "--measure", "-", "--preset", preset, *window], env)[0]
            p50.append(m["latency_p50_ms"])
            p99.append(m["latency_p99_ms"])
            pmax.append(m["latency_max_ms"])
            start.append(m["startup_ms"])
        h, g = statistics.median(headless), statistics.median(gui)
        ratio = statistics.median(ratios)
        worst_ratio = min(worst_ratio, ratio)
        worst_p99 = max(worst_p99, statistics.median(p99))
        worst_start = max(worst_start, statistics.median(start))
        print(f"| {preset} | {h:,.0f} | {g:,.0f} | {ratio:.2f} ({min(ratios):.2f}-{max(ratios):.2f}) | {100 * statistics.median(busy):.0f}% | "
              f"{statistics.median(p50):.1f} / "
              f"{statistics.median(p99):.1f} / {statistics.median(pmax):.1f} | "
              f"{statistics.median(start):.0f} |")
    print(f"\nworst ratio {worst_ratio:.2f} (target >= 0.85), worst p99 {worst_p99:.1f} ms "
          f"(target <= 16), slowest start-up {worst_start:.0f} ms (target <= 1000)")


if __name__ == "__main__":
    main()
