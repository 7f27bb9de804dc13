#!/usr/bin/env bash
# Re-creates resources/models/default.nnlab, the trained model nnlab opens with (about 98% on the
# MNIST test set), with nnlab-train from a release build. One thread, so the bits are reproducible.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
train="${1:-$root/build/release/app/nnlab-train}"
if [[ ! -x "$train" ]]; then
    echo "make-default-model: $train not found; build first: cmake --workflow --preset release" >&2
    exit 1
fi
"$train" --hidden 256 --activation relu --output softmax --loss cross-entropy --biases \
    --init he --scaling lesson --seed 1 \
    --optimizer adam --lr 0.002 --lr-decay 0.8 --batch 100 --shuffle --shuffle-seed 1 \
    --epochs 10 --threads 1 --no-eval \
    --save "$root/resources/models/default.nnlab"
