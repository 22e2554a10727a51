#!/usr/bin/env bash
# Execute every notebook (default: notebooks/*.ipynb) with Jupyter's own nbconvert and the tslab
# kernel, to prove they run unchanged under Jupyter, and convert each stored notebook to nbconvert's
# HTML, to prove that every figure and drawing survives there as an image. The notebooks themselves
# are not modified: executed copies and HTML go to a temporary folder. Needs Debian's jupyter-nbconvert, jupyter-client and
# python3-ipykernel, and a built checkout (`npm run build`) so that `import … from "nnkit"` resolves.
#   usage: scripts/nbconvert-check.sh [NOTEBOOK…]     env: NB_TIMEOUT (seconds per cell, default 900:
#   LeNet-5's epoch takes about 150 s on two quiet cores and over 300 s when other runs share them)
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
      --ExecutePreprocessor.timeout="${NB_TIMEOUT:-900}" --output-dir "$work/out" "$nb" >"$work/log" 2>&1; then
    passed=$((passed + 1)); echo "ok     $nb ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1)); echo "FAILED $nb ($(( $(date +%s) - start )) s)"
    grep -v '^0.00s' "$work/log" | tail -25 | sed 's/^/    /'
    echo "    (tslab prints a cell's exception to stderr, so nbclient shows no name for it;"
    echo "     \`nnkit run $nb\` reports the failing cell with its error)"
  fi
done
echo "nbconvert: $passed passed, $failed failed"

# The stored outputs as nbconvert's HTML shows them: each figure (plotly JSON) and each drawing (an SVG,
# which nbconvert's HTML strips down to its text) must come out as an <img> of a PNG.
html_failed=0
for nb in "${notebooks[@]}"; do
  want=$(/usr/bin/python3 -c 'import json, sys
nb = json.load(open(sys.argv[1]))
kinds = ("image/png", "image/svg+xml", "application/vnd.plotly.v1+json")
print(sum(any(k in o.get("data", {}) for k in kinds) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]))' "$nb")
  jupyter nbconvert --to html --output-dir "$work/html" "$nb" >"$work/log" 2>&1 || { echo "FAILED $nb (HTML)"; cat "$work/log"; html_failed=$((html_failed + 1)); continue; }
  got=$({ grep -o '<img src="data:image/png;base64,' "$work/html/$(basename "${nb%.ipynb}").html" || true; } | wc -l)
  if [ "$got" -ne "$want" ]; then
    html_failed=$((html_failed + 1)); echo "FAILED $nb: nbconvert's HTML shows $got images for its $want figures and drawings"
  fi
done
echo "nbconvert HTML: $(( ${#notebooks[@]} - html_failed )) of ${#notebooks[@]} stored notebooks show every figure and drawing as an image"
[ "$failed" -eq 0 ] && [ "$html_failed" -eq 0 ]
