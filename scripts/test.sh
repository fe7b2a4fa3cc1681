#!/usr/bin/env bash
# Set up, build, and run every test, after a short fuzzing smoke of each parser harness.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
# The benchmarks are only compiled here (unoptimised: bench/CMakeLists.txt), never run.
cmake -S . -B build -DXC_BUILD_TESTS=ON -DXC_BUILD_BENCH=ON -DXC_BENCH_COMPILE_ONLY=ON >/dev/null
cmake --build build -j2
# Regressions show up here; the long runs are done before resolving fuzzing work (see README).
# All five at once for 40 s: on two cores, the same ~16 s of fuzzing each as one after another, in well under half the time.
scripts/fuzz.sh --parallel "${XC_FUZZ_SMOKE_SECONDS:-40}"
# Last, so that its summary ("N tests passed, N failed") closes the output.
ctest --test-dir build --output-on-failure -j2
