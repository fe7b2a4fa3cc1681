#!/usr/bin/env bash
# Gate a change on xc's proofs: verify model files, fail on a violation or an undecided property.
#
#   examples/ci/verify-models.sh [--sarif FILE] [--baseline FILE] [MODEL.json...]
#
# With no MODEL, every models/*.json (JSON Schemas excluded). Files that are not xc models
# (no top-level "xc" member, e.g. a schema or package.json handed over by pre-commit) are
# skipped, so the hook can pass every changed *.json. One xc run verifies them all: one report,
# and the exit code is xc's — 0 proved, 1 violated, 2 bad input, 3 undecided.
#   --sarif FILE     write SARIF 2.1.0 to FILE for code scanning (otherwise the text report)
#   --baseline FILE  accept the findings FILE suppresses (default: xc-baseline.json if present)
# Environment: XC, the xc binary (default: xc on PATH, else build/xc).
set -euo pipefail

sarif="" baseline=""
models=()
while (($#)); do
  case $1 in
    --sarif) sarif=${2:?--sarif needs a file}; shift 2 ;;
    --baseline) baseline=${2:?--baseline needs a file}; shift 2 ;;
    --) shift; models+=("$@"); break ;;
    -*) echo "verify-models.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done

xc=${XC:-}
if [[ -z $xc ]]; then
  if command -v xc >/dev/null; then xc=xc
  elif [[ -x build/xc ]]; then xc=build/xc
  else echo "verify-models.sh: no xc binary: set XC, put xc on PATH, or build it into build/xc" >&2; exit 2
  fi
fi

if ((${#models[@]} == 0)); then
  shopt -s nullglob
  models=(models/*.json)
fi
# Keep xc models only: JSON with a top-level "xc" member (its format version); grep is enough
# to tell them from schemas and other JSON, and xc itself rejects anything malformed.
selected=()
for f in "${models[@]}"; do
  [[ $f == *.schema.json ]] && continue
  [[ -f $f ]] || { selected+=("$f"); continue; }  # let xc report a missing file (exit 2)
  grep -q '"xc"[[:space:]]*:' "$f" && selected+=("$f")
done
if ((${#selected[@]} == 0)); then
  echo "verify-models.sh: no xc model files to verify"
  exit 0
fi

args=(verify)
[[ -z $baseline && -f xc-baseline.json ]] && baseline=xc-baseline.json
[[ -n $baseline ]] && args+=(--baseline "$baseline")
[[ -n $sarif ]] && args+=(--format sarif --output "$sarif")
exec "$xc" "${args[@]}" -- "${selected[@]}"
