#!/usr/bin/env bash
# The checks that do not fit CI's 30 minutes on two cores, for before a release and after a
# change to the threads or to a reader: the engine's threaded suites (trainer, thread pool, sparse
# inputs on 3 and 7 threads, thread choice, sweep runner) under ThreadSanitizer (cmake --workflow
# --preset ci-tsan), then each libFuzzer target on a copy of its corpus (scripts/fuzz.sh, the
# fuzz preset). Exits non-zero on any failure.
#   bash scripts/deep_checks.sh [FUZZ_SECONDS_PER_TARGET]   (default 60; about 20 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --workflow --preset ci-tsan
bash scripts/fuzz.sh "${1:-60}"
