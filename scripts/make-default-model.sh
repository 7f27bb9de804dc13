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
"$train" --preset default --seed 1 --shuffle-seed 1 --threads 1 --no-eval \
    --save "$root/resources/models/default.nnlab"
