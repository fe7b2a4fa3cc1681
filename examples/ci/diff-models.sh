#!/usr/bin/env bash
# Gate a pull request on "no new access": xc diff each model at BASE (a git revision, e.g. the
# pull request's base commit) against the working tree's.
#
#   examples/ci/diff-models.sh BASE [--sarif-dir DIR] [MODEL.json...]
#
# With no MODEL, every models/*.json (JSON Schemas excluded; files without a top-level "xc"
# member skipped). A model that BASE does not have is new: nothing to compare, `xc verify`
# proves it. Exit code: the worst of xc's over the models — 2 bad input beats 1 new access
# beats 3 undecided beats 0 no new access.
#   --sarif-dir DIR  write one SARIF 2.1.0 file per model into DIR (at NEW's lines) for code
#                    scanning; otherwise the text reports
# Environment: XC, the xc binary (default: xc on PATH, else build/xc).
set -uo pipefail

base=${1:?usage: diff-models.sh BASE [--sarif-dir DIR] [MODEL.json...]}
shift
sarif_dir=""
models=()
while (($#)); do
  case $1 in
    --sarif-dir) sarif_dir=${2:?--sarif-dir needs a directory}; shift 2 ;;
    --) shift; models+=("$@"); break ;;
    -*) echo "diff-models.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done

xc=${XC:-}
if [[ -z $xc ]]; then
  if command -v xc >/dev/null; then xc=xc
  elif [[ -x build/xc ]]; then xc=build/xc
  else echo "diff-models.sh: no xc binary: set XC, put xc on PATH, or build it into build/xc" >&2; exit 2
  fi
fi
git rev-parse --verify --quiet "$base^{commit}" >/dev/null || { echo "diff-models.sh: no commit $base (fetch it first)" >&2; exit 2; }

if ((${#models[@]} == 0)); then
  shopt -s nullglob
  models=(models/*.json)
fi
[[ -n $sarif_dir ]] && mkdir -p "$sarif_dir"
# BASE's copies live beside the checkout, under their own paths, so reports name them readably.
old_root=.xc-base
rm -rf "$old_root"
trap 'rm -rf "$old_root"' EXIT

worst=0
rank() { case $1 in 0) echo 0 ;; 3) echo 1 ;; 1) echo 2 ;; *) echo 3 ;; esac; }
for m in "${models[@]}"; do
  [[ $m == *.schema.json ]] && continue
  [[ -f $m ]] && ! grep -q '"xc"[[:space:]]*:' "$m" && continue
  if ! git cat-file -e "$base:$m" 2>/dev/null; then
    echo "diff-models.sh: $m is new since $base: nothing to compare (xc verify proves it)" >&2
    continue
  fi
  mkdir -p "$old_root/$(dirname "$m")"
  git show "$base:$m" >"$old_root/$m"
  args=(diff "$old_root/$m" "$m")
  [[ -n $sarif_dir ]] && args+=(--format sarif --output "$sarif_dir/$(basename "$m" .json).sarif")
  "$xc" "${args[@]}"
  code=$?
  (($(rank "$code") > $(rank "$worst"))) && worst=$code
done
exit "$worst"
