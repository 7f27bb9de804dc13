#!/usr/bin/env bash
# Installs what is missing, builds every target under ASan + UBSan (the dev-asan preset) and runs
# every test with ctest (cmake --workflow --preset ci), installs that build into a temporary
# prefix and runs the installed programs from a copy of it (scripts/check_install.sh), then the
# engine's multi-threaded tests under ThreadSanitizer (cmake --workflow --preset ci-tsan).
# Every fuzz target's corpus is among the tests (tst_fuzz_*_corpus); looking for new inputs with
# libFuzzer is a separate, longer run: bash scripts/fuzz.sh [SECONDS_PER_TARGET].
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --workflow --preset ci
bash scripts/check_install.sh build/dev-asan
cmake --workflow --preset ci-tsan
