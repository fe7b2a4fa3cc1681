#!/usr/bin/env bash
# Build the libFuzzer harnesses (clang, -fsanitize=fuzzer,address,undefined) and run each one for
# a given time.
#
#   scripts/fuzz.sh [--parallel] [seconds-per-harness] [harness...]
#                                     (default: 60 s; model policy pattern_set hcl cloudformation, one after another;
#                                      --parallel: all at once, for long campaigns — run it under
#                                      `nice` to leave the machine usable)
#
# Environment:
#   XC_FUZZ_BUILD   build directory            (default: <repo>/build-fuzz)
#   XC_FUZZ_CORPUS  grown corpus, kept between runs (default: $XC_FUZZ_BUILD/corpus)
#   XC_FUZZ_ARGS    extra libFuzzer flags, e.g. "-fork=2" (one run, two worker processes)
#   CXX             compiler (default: clang++; must be clang)
# Exit status: 0 when every harness ran its time without a finding; 1 otherwise (the crashing
# input is in $XC_FUZZ_BUILD/artifacts/<harness>/ — fix the bug, then keep the input under
# tests/fuzz/regressions/<harness>/ so the regression test replays it).
set -euo pipefail

parallel=false
[[ ${1:-} == --parallel ]] && { parallel=true; shift; }
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
harnesses=("$@")
[[ ${#harnesses[@]} -eq 0 ]] && harnesses=(model policy pattern_set hcl cloudformation)

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${XC_FUZZ_BUILD:-$repo/build-fuzz}
corpus=${XC_FUZZ_CORPUS:-$build/corpus}

cmake -S "$repo/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DCMAKE_BUILD_TYPE= >/dev/null
cmake --build "$build" -j2

rm -rf "$build/seeds"
python3 "$repo/tests/fuzz/build_corpus.py" "$build/seeds" --seed-policies "$build/xc_fuzz_seed_policies"

# malloc_context_size=0: no stack trace per allocation (a fifth of the model harness's time);
# every error is still detected. For the allocation stack of a finding, replay its input with
# ASAN_OPTIONS=malloc_context_size=30.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:malloc_context_size=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Runs one harness for $seconds; its exit status says whether it found anything.
run_harness() {
  local h=$1 log="$build/fuzz-$1.log"
  mkdir -p "$corpus/$h" "$build/artifacts/$h"
  # -timeout: one input taking longer than 10 s is a hang; -rss_limit_mb: memory blow-up.
  # The timeout is wall-clock: a fuzzer paused (SIGSTOP) for longer reports a false hang.
  # -ignore_*=0: -fork mode would otherwise count hangs and OOMs and go on.
  # shellcheck disable=SC2086
  "$build/xc_fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -ignore_timeouts=0 -ignore_ooms=0 -ignore_crashes=0 \
    -dict="$repo/tests/fuzz/xc.dict" -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$h/" ${XC_FUZZ_ARGS:-} \
    "$corpus/$h" "$build/seeds/$h" >"$log" 2>&1
}

# Prints a harness's figures, or its finding; returns 1 on a finding.
report() {
  local h=$1 status=$2 log="$build/fuzz-$1.log"
  if [[ $status -eq 0 ]]; then
    # A plain run ends with stat:: lines; a -fork run only with its progress lines
    # ("#N: ... time: Ss job: J"), and its workers' peak RSS is not reported.
    awk -v h="$h" '/^stat::number_of_executed_units/ {e = $2} /^stat::average_exec_per_sec/ {r = $2}
                   /^stat::peak_rss_mb/ {m = $2 " MB"}
                   /^#[0-9]+: .* job: / {f = substr($1, 2) + 0; for (i = 1; i < NF; i++) if ($i == "time:") t = $(i + 1) + 0}
                   END {if (e == "" && f != "") {e = f; r = t > 0 ? f / t : 0; m = "not reported (-fork)"}
                        printf "%s: %d executions (%d/s), peak RSS %s, no finding\n", h, e, r, m}' "$log"
    return 0
  fi
  echo "!! $h: finding (see $log); inputs:" && ls "$build/artifacts/$h/"
  grep -E 'ERROR|SUMMARY|xc fuzz check failed|runtime error' "$log" | head -5 || true
  return 1
}

status=0
if $parallel; then
  echo "== ${harnesses[*]}: ${seconds}s each, at once (logs: $build/fuzz-<harness>.log)"
  declare -A pids
  for h in "${harnesses[@]}"; do run_harness "$h" & pids[$h]=$!; done
  for h in "${harnesses[@]}"; do
    s=0; wait "${pids[$h]}" || s=$?
    report "$h" "$s" || status=1
  done
else
  for h in "${harnesses[@]}"; do
    echo "== $h: ${seconds}s (log: $build/fuzz-$h.log)"
    s=0; run_harness "$h" || s=$?
    report "$h" "$s" || status=1
  done
fi
exit $status
