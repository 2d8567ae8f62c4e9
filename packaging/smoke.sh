#!/usr/bin/env bash
# Smoke test of the PyInstaller build (dist/fshd-studio, or the folder given as $1): version, help, a demo session,
# ELAN info, a window screenshot, one `infer` on the demo with the bundled model, and a bad input refused cleanly.
# Prints the start time of `--version` and of the window (screenshot) and the folder's size.
set -euo pipefail
cd "$(dirname "$0")/.."
app=${1:-dist/fshd-studio}
bin="$app/fshd-studio"
[ -x "$bin" ] || { echo "error: no build at $bin; run bash packaging/build.sh first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FSHD_STUDIO_DATA_DIR="$tmp/data" QT_QPA_PLATFORM=offscreen
step() { echo "smoke: $*" >&2; }
secs() { python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$1"; }

step "version"
t0=$(date +%s.%N); "$bin" --version | grep -q "fshd-studio "; echo "start (--version): $(secs "$t0") s"
"$bin" --help | grep -q "elan"
step "demo"
"$bin" demo "$tmp/demo" --exercise-seconds 2.5 --rest-seconds 1 --size-scale 0.5 >/dev/null 2>"$tmp/demo.log"
test -s "$tmp/demo/demo.fshd.json"
step "elan info"
"$bin" elan info "$tmp/demo/demo.eaf" | grep -q '"version": "3.0"'
step "screenshot"
t0=$(date +%s.%N); "$bin" gui "$tmp/demo/demo.fshd.json" --screenshot "$tmp/shot.png"
echo "window start to screenshot: $(secs "$t0") s"
test -s "$tmp/shot.png"
step "infer"
"$bin" infer "$tmp/demo/demo.fshd.json" --exercise 14 --device cpu --json "$tmp/results.json" >/dev/null \
  2>"$tmp/infer.log" || { tail -5 "$tmp/infer.log" >&2; exit 1; }
grep -q '"model_id"\|"model"' "$tmp/results.json"
step "bad input"
printf 'not a project' > "$tmp/bad.fshd.json"
set +e; "$bin" infer "$tmp/bad.fshd.json" --json "$tmp/r2.json" 2>"$tmp/bad.log"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q '^error: ' "$tmp/bad.log" && ! grep -q Traceback "$tmp/bad.log"
echo "size: $(du -sh "$app" | cut -f1)"
echo "smoke test passed"
