#!/usr/bin/env bash
# Installs what is missing, builds every target under ASan + UBSan (the dev-asan preset) and runs
# every test with ctest (cmake --workflow --preset ci), installs that build into a temporary
# prefix and runs the installed programs from a copy of it (scripts/check_install.sh). Every
# fuzz target's corpus is among the tests (tst_fuzz_*_corpus). ThreadSanitizer and fuzzing for new
# inputs take longer than CI's 30 minutes allow beside the ASan suite on two cores: they are
# bash scripts/deep_checks.sh.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --workflow --preset ci
bash scripts/check_install.sh build/dev-asan
