#!/usr/bin/env bash
# Installs what is missing, builds every target under ASan + UBSan (the dev-asan preset) and runs
# every test with ctest (cmake --workflow --preset ci), then the trainer's multi-threaded tests
# under ThreadSanitizer (cmake --workflow --preset ci-tsan). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --workflow --preset ci
cmake --workflow --preset ci-tsan
