#!/usr/bin/env bash
# Installs what is missing, builds the release preset and starts nnlab on the bundled MNIST.
# Extra arguments go to the program, e.g. bash scripts/run.sh --epochs 1
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
# Until the desktop app lands, the lesson runs in the headless trainer.
exec build/release/app/nnlab-train --preset lesson "$@"
