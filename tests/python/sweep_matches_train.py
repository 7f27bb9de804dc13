#!/usr/bin/env python3
"""Every run of `nnlab-train --sweep` gives exactly what `nnlab-train` gives alone with the same
settings, seeds (--seed S --shuffle-seed S) and threads (--threads 1): the per-epoch training and
test loss and accuracy of each run, compared as printed (issue 16, point 4).

Two sweeps: the learning rate on the lesson's per-sample path (shuffled, l_r decay between
epochs) and the batch size on Keras' mini-batch path, both on the first 1,000 MNIST images and
tested on all 10,000.

Usage: sweep_matches_train.py --nnlab-train PATH --data-dir data/mnist
"""
import argparse
import json
import subprocess
import sys

# The flag that sets a knob's value in a single run.
KNOB_FLAGS = {"lr": "--lr", "hidden": "--hidden", "epochs": "--epochs", "batch": "--batch",
              "train-size": "--train-size", "optimizer": "--optimizer",
              "activation": "--activation", "init": "--init", "scaling": "--scaling"}
FIGURES = ("train_loss", "train_accuracy", "test_loss", "test_accuracy")


def json_lines(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def check_sweep(nnlab_train, base, sweep, seeds):
    lines = json_lines([nnlab_train, *base, "--sweep", sweep, "--seeds", seeds, "--json"])
    runs = [line for line in lines if line["type"] == "sweep_run"]
    total = next(line for line in lines if line["type"] == "sweep_total")
    expected = len(sweep.split("=")[1].split(",")) * len(seeds.split(","))
    problems = []
    if len(runs) != expected or total["runs"] != expected:
        problems.append(f"{sweep}: {len(runs)} runs, expected {expected}")
    for run in runs:
        value = str(run["value"])  # a number's shortest text reads back as the same double
        single = [KNOB_FLAGS[run["knob"]], value, "--seed", str(run["seed"]),
                  "--shuffle-seed", str(run["seed"]), "--threads", "1"]
        epochs = [line for line in json_lines([nnlab_train, *base, *single, "--json"])
                  if line["type"] == "epoch"]
        name = f"{run['knob']}={value} seed {run['seed']}"
        if run["error"] is not None or len(epochs) != run["epochs"]:
            problems.append(f"{name}: {run['epochs']} epochs in the sweep ({run['error']}), "
                            f"{len(epochs)} alone")
            continue
        for e, epoch in enumerate(epochs):
            for figure in FIGURES:
                if run[figure][e] != epoch[figure]:
                    problems.append(f"{name}, epoch {e + 1}: {figure} {run[figure][e]} in the "
                                    f"sweep, {epoch[figure]} alone")
        print(f"{name}: test accuracy {run['test_accuracy']} in the sweep and alone")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nnlab-train", required=True)
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    data = ["--data-dir", args.data_dir, "--train-size", "1000"]
    problems = check_sweep(args.nnlab_train,
                           ["--preset", "lesson", *data, "--shuffle", "--epochs", "2",
                            "--lr-decay", "0.5"],
                           "lr=0.1,0.3", "1,2")
    problems += check_sweep(args.nnlab_train,
                            ["--preset", "keras-sgd", *data, "--epochs", "2"],
                            "batch=10,50", "3")
    for p in problems:
        print("MISMATCH", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
