#!/usr/bin/env bash
# One command for the packaged app: installs the pinned PyInstaller (the `package` extra), builds the one-folder
# app into dist/fshd-studio/ and runs packaging/smoke.sh against it. Prints the size and the start time.
# Slow (many minutes: torch, Qt, mediapipe are collected); not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
.venv/bin/python -m pip install --quiet -e ".[package]"
.venv/bin/pyinstaller packaging/fshd-studio.spec --noconfirm --clean --distpath dist --workpath build/pyinstaller
echo "size: $(du -sh dist/fshd-studio | cut -f1) ($(find dist/fshd-studio -type f | wc -l) files)"
bash packaging/smoke.sh
