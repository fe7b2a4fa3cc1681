#!/usr/bin/env bash
# Set up, build, and run xc's main job on the bundled reference model: verify it, then emit
# the per-account Terraform it proves safe (into build/out/terraform).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DXC_BUILD_TESTS=OFF -DXC_BUILD_BENCH=OFF >/dev/null
cmake --build build -j2 --target xc_cli
model=models/cross-account-microservices.json
./build/xc check "$model"
./build/xc verify "$model"
./build/xc emit "$model" --target terraform -o build/out/terraform
