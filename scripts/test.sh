#!/usr/bin/env bash
# Installs what is missing, builds every target under ASan + UBSan (the dev-asan preset) and runs
# every test with ctest (cmake --workflow --preset ci), installs that build into a temporary
# prefix and runs the installed programs from a copy of it (scripts/check_install.sh), then the
# trainer's multi-threaded tests under ThreadSanitizer (cmake --workflow --preset ci-tsan), then
# each libFuzzer target for a short while on its seed corpus (scripts/fuzz.sh, the fuzz preset).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --workflow --preset ci
bash scripts/check_install.sh build/dev-asan
cmake --workflow --preset ci-tsan
bash scripts/fuzz.sh 20 # seconds per target
