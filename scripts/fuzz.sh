#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, ASan + UBSan) and runs each in turn for
# SECONDS_PER_TARGET (default 60) on a copy of its seed corpus, tests/fuzz/corpus/<target>, so
# nothing the fuzzer generates lands in the tree. Exits non-zero if any target crashed, leaked,
# hung (-timeout) or ran out of memory; its log and the input that did it are in
# build/fuzz/fuzz-run/. Targets may be named after the seconds to run only those.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_idx fuzz_idx_gz fuzz_csv fuzz_model_file fuzz_npz
                                     fuzz_preprocess fuzz_image fuzz_http)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

run=build/fuzz/fuzz-run
rm -rf "$run"
mkdir -p "$run"
failed=()
for t in "${targets[@]}"; do
    cp -r "tests/fuzz/corpus/$t" "$run/$t"
    options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
             -artifact_prefix="$run/$t-")
    [ -f "tests/fuzz/$t.dict" ] && options+=(-dict="tests/fuzz/$t.dict")
    if "build/fuzz/tests/fuzz/$t" "${options[@]}" "$run/$t" >"$run/$t.log" 2>&1; then
        # libFuzzer's last status line ("#N DONE cov: C ft: F corp: ...") and its final stats.
        runs=$(sed -n 's/^stat::number_of_executed_units: //p' "$run/$t.log")
        speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/$t.log")
        cov=$(grep -E '^#[0-9]+' "$run/$t.log" | tail -1 | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 edges, \2 features/p')
        echo "fuzz: $t: $runs runs in ${seconds} s ($speed/s), $cov"
    else
        echo "fuzz: $t FAILED; the end of $run/$t.log:" >&2
        tail -40 "$run/$t.log" >&2
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${failed[*]} failed; inputs: $run/*-crash-* (or leak-, timeout-, oom-)" >&2
    exit 1
fi
