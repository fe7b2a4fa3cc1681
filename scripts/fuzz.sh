#!/usr/bin/env bash
# Build the libFuzzer harnesses (clang, -fsanitize=fuzzer,address,undefined) and run each one for
# a given time.
#
#   scripts/fuzz.sh [seconds-per-harness] [harness...]      (default: 60 s; model policy pattern_set)
#
# Environment:
#   XC_FUZZ_BUILD   build directory            (default: <repo>/build-fuzz)
#   XC_FUZZ_CORPUS  grown corpus, kept between runs (default: $XC_FUZZ_BUILD/corpus)
#   XC_FUZZ_ARGS    extra libFuzzer flags, e.g. "-jobs=2 -workers=2"
#   CXX             compiler (default: clang++; must be clang)
# Exit status: 0 when every harness ran its time without a finding; 1 otherwise (the crashing
# input is in $XC_FUZZ_BUILD/artifacts/<harness>/ — fix the bug, then keep the input under
# tests/fuzz/regressions/<harness>/ so the regression test replays it).
set -euo pipefail

seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
harnesses=("$@")
[[ ${#harnesses[@]} -eq 0 ]] && harnesses=(model policy pattern_set)

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${XC_FUZZ_BUILD:-$repo/build-fuzz}
corpus=${XC_FUZZ_CORPUS:-$build/corpus}

cmake -S "$repo/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DCMAKE_BUILD_TYPE= >/dev/null
cmake --build "$build" -j2

rm -rf "$build/seeds"
python3 "$repo/tests/fuzz/build_corpus.py" "$build/seeds" --seed-policies "$build/xc_fuzz_seed_policies"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for h in "${harnesses[@]}"; do
  mkdir -p "$corpus/$h" "$build/artifacts/$h"
  log="$build/fuzz-$h.log"
  echo "== $h: ${seconds}s (log: $log)"
  # -timeout: one input taking longer than 10 s is a hang; -rss_limit_mb: memory blow-up.
  # shellcheck disable=SC2086
  if "$build/xc_fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -dict="$repo/tests/fuzz/xc.dict" -print_final_stats=1 \
       -artifact_prefix="$build/artifacts/$h/" ${XC_FUZZ_ARGS:-} \
       "$corpus/$h" "$build/seeds/$h" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' ' || true
    echo
  else
    status=1
    echo "!! $h: finding (see $log); inputs:" && ls "$build/artifacts/$h/"
    grep -E 'ERROR|SUMMARY|xc fuzz check failed|runtime error' "$log" | head -5 || true
  fi
done
exit $status
