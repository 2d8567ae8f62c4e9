#!/usr/bin/env bash
# Creates .venv at the repository root and installs FSHD Studio with its test tools.
# Idempotent: re-runs pip only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || { echo "error: $PY not found; install Python 3.11 or set PYTHON=/path/to/python3.11" >&2; exit 2; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.fshd-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/fshd-studio ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  echo "$want" > "$stamp"
fi
# Byte-compile the app once, as pip does for installed packages: an editable install is otherwise compiled
# on every start wherever Python may not write __pycache__ (PYTHONDONTWRITEBYTECODE), ~150 ms of each start.
.venv/bin/python -m compileall -q -j 0 fshd_studio >/dev/null
