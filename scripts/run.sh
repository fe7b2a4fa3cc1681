#!/usr/bin/env bash
# Set up, build, and run xc's main job on the bundled reference model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DXC_BUILD_TESTS=OFF -DXC_BUILD_BENCH=OFF >/dev/null
cmake --build build -j2 --target xc_cli
model=models/cross-account-microservices.json
./build/xc check "$model"
./build/xc graph "$model" --format dot > build/cross-account-microservices.dot
echo "graph: build/cross-account-microservices.dot (render with: dot -Tsvg build/cross-account-microservices.dot)"
