#!/usr/bin/env bash
# Builds every target under ASan + UBSan (the dev-asan preset) and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --workflow --preset ci
