#!/usr/bin/env bash
# Execute every notebook (default: notebooks/*.ipynb) with Jupyter's own nbconvert and the tslab
# kernel, to prove they run unchanged under Jupyter. The notebooks themselves are not modified:
# executed copies go to a temporary folder. Needs Debian's jupyter-nbconvert, jupyter-client and
# python3-ipykernel, and a built checkout (`npm run build`) so that `import … from "nnkit"` resolves.
#   usage: scripts/nbconvert-check.sh [NOTEBOOK…]     env: NB_TIMEOUT (seconds per cell, default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if ! command -v jupyter >/dev/null || ! jupyter nbconvert --version >/dev/null 2>&1; then
  echo "nbconvert-check: jupyter nbconvert not found; install it with" >&2
  echo "  apt-get install -y jupyter-nbconvert jupyter-client python3-ipykernel" >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then notebooks=("$@"); else
  shopt -s nullglob
  notebooks=(notebooks/*.ipynb)
fi
if [ "${#notebooks[@]}" -eq 0 ]; then echo "nbconvert-check: no notebooks to run"; exit 0; fi

node scripts/link-self.mjs
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Register the tslab kernel in a private prefix (nothing installed system-wide), pointing at this checkout.
export JUPYTER_PATH="$work/share/jupyter" PYDEVD_DISABLE_FILE_VALIDATION=1
/usr/bin/python3 node_modules/tslab/python/install.py --tslab="$root/node_modules/.bin/tslab" --prefix="$work" >/dev/null

passed=0 failed=0
for nb in "${notebooks[@]}"; do
  start=$(date +%s)
  if jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab \
      --ExecutePreprocessor.timeout="${NB_TIMEOUT:-300}" --output-dir "$work/out" "$nb" >"$work/log" 2>&1; then
    passed=$((passed + 1)); echo "ok     $nb ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1)); echo "FAILED $nb ($(( $(date +%s) - start )) s)"
    grep -v '^0.00s' "$work/log" | tail -25 | sed 's/^/    /'
    echo "    (tslab prints a cell's exception to stderr, so nbclient shows no name for it;"
    echo "     \`nnkit run $nb\` reports the failing cell with its error)"
  fi
done
echo "nbconvert: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
