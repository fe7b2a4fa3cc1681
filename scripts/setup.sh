#!/usr/bin/env bash
# Install what xc needs on Debian 12, idempotently: quiet and quick when all is present.
#   scripts/setup.sh          build dependencies
#   scripts/setup.sh --tests  also the test tools (Node.js checkers under tests/npm)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake make g++ pkg-config libboost-graph-dev nlohmann-json3-dev libcli11-dev libz3-dev libgtest-dev libyaml-cpp-dev)
with_tests=false
[[ ${1:-} == --tests ]] && with_tests=true
$with_tests && packages+=(graphviz libcurl4-openssl-dev libssl-dev zlib1g-dev binutils python3-yaml clang libclang-rt-14-dev python3)
$with_tests && ! command -v node >/dev/null && packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if $with_tests; then
  # Pinned third-party checkers; reinstalled only when tests/npm/package.json changes.
  stamp=tests/npm/node_modules/.xc-stamp
  want=$(sha256sum tests/npm/package.json | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "setup: installing test checkers (npm)"
    (cd tests/npm && npm install --no-audit --no-fund --loglevel=error --no-package-lock >/dev/null)
    echo "$want" > "$stamp"
  fi
fi
