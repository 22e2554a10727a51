#!/usr/bin/env bash
# The student kit's Jupyter steps, as its README writes them, on Debian/Ubuntu: build the a6
# release, install it (npm ci), put the reference layers in as a student's files, run
# `npm run check` (which compiles them into dist/), then run every command of the README's Jupyter
# block in the kit folder — except `jupyter notebook` (it opens a browser) — and check that the
# notebook nbconvert executed holds outputs and no error. `sudo` is left out when running as root,
# and apt-get gets -y (no prompt in CI); kernels the run registers are unregistered at the end.
#   usage: scripts/kit-jupyter-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$(mktemp -d)"
# the README's `tslab install` registers kernels for this user or machine: the ones this run adds are removed at the end
before="$(jupyter kernelspec list --json 2>/dev/null | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(Object.keys(JSON.parse(s || "{}").kernelspecs ?? {}).join(" ")))')"
cleanup() {
  for k in tslab jslab; do case " $before " in *" $k "*) ;; *) jupyter kernelspec remove -f "$k" >/dev/null 2>&1 || true ;; esac; done
  rm -rf "$work"
}
trap cleanup EXIT

node dist/src/cli.js release a6 --out "$work/kit" >/dev/null
cd "$work/kit"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
node -e 'for (const f of require("./assignments/a6/manifest.json").files) require("fs").copyFileSync(require("path").join(process.argv[1], f), f)' "$root"
npm run check --silent >"$work/check.txt" || { cat "$work/check.txt"; echo "kit-jupyter-check: npm run check fails on the reference layers" >&2; exit 1; }

# the README's Jupyter block: the lines between the fence after "Open them in Jupyter" and its end
mapfile -t steps < <(awk '/Open them in Jupyter/ {on = 1} on && /^```sh$/ {inside = 1; next} inside && /^```$/ {exit} inside {print}' README.md)
if [ "${#steps[@]}" -lt 3 ]; then echo "kit-jupyter-check: no Jupyter block found in the kit's README" >&2; exit 1; fi
for step in "${steps[@]}"; do
  cmd="${step%%#*}"
  case "$cmd" in "jupyter notebook "*) echo "skip   $cmd(opens a browser)"; continue ;; esac
  if [ "$(id -u)" = 0 ]; then cmd="${cmd#sudo }"; fi
  cmd="${cmd/apt-get install /apt-get install -y -qq }"
  echo "run    $cmd"
  DEBIAN_FRONTEND=noninteractive bash -c "$cmd" >"$work/log" 2>&1 || { tail -25 "$work/log"; echo "kit-jupyter-check: the README's step failed: $step" >&2; exit 1; }
done

out="$(ls notebooks/run.ipynb)"
node -e '
const nb = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const outs = nb.cells.flatMap((c) => c.outputs ?? []);
const errors = outs.filter((o) => o.output_type === "error");
if (outs.length === 0 || errors.length > 0) { console.error(`kit-jupyter-check: ${outs.length} outputs, ${errors.length} errors: ${errors.map((e) => e.ename + ": " + e.evalue).join("; ")}`); process.exit(1); }
console.log(`ok     ${process.argv[1]}: ${outs.length} outputs, no error`);
' "$out"
