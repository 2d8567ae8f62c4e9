#!/usr/bin/env bash
# Smoke test of a PyInstaller build: the bundle answers --version, lists its commands, reads an EAF and writes a demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=dist/fshd-studio/fshd-studio
[ -x "$bin" ] || { echo "error: no build at $bin; run .venv/bin/pyinstaller packaging/fshd-studio.spec first" >&2; exit 2; }
"$bin" --version
"$bin" --help | grep -q "elan"
tmp=$(mktemp -d)
"$bin" demo "$tmp/demo" --exercise-seconds 1 --rest-seconds 0.5 --size-scale 0.25 >/dev/null 2>&1
"$bin" elan info "$tmp/demo/demo.eaf" | grep -q '"version": "3.0"'
QT_QPA_PLATFORM=offscreen "$bin" gui "$tmp/demo/demo.fshd.json" --screenshot "$tmp/shot.png"
test -s "$tmp/shot.png"
rm -rf "$tmp"
echo "smoke test passed"
