#!/usr/bin/env bash
# Installs what is missing, builds the release preset and opens nnlab on the bundled MNIST.
# Extra arguments go to the program, e.g. bash scripts/run.sh --preset lesson
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
if [[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" && " $* " != *" --screenshot "* && " $* " != *" --measure "* ]]; then
    echo "run: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are empty)." >&2
    echo "run: on a desktop session it opens; here try: xvfb-run -a bash scripts/run.sh," >&2
    echo "run: or render it: build/release/app/nnlab --screenshot nnlab.png --preset lesson" >&2
    exit 1
fi
exec build/release/app/nnlab "$@"
