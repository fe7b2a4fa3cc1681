#!/usr/bin/env bash
# Set up, build, and run every test, after a short fuzzing smoke of each parser harness.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
cmake -S . -B build -DXC_BUILD_TESTS=ON -DXC_BUILD_BENCH=ON >/dev/null
cmake --build build -j2
# Regressions show up here; the long runs are done before resolving fuzzing work (see README).
scripts/fuzz.sh "${XC_FUZZ_SMOKE_SECONDS:-20}"
# Last, so that its summary ("N tests passed, N failed") closes the output.
ctest --test-dir build --output-on-failure -j2
