"""The layer contract of DESIGN.md, checked by import-linter on every test run."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "broken" not in res.stdout.lower().split("contracts:")[-1] or "0 broken" in res.stdout


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys; from fshd_studio.cli import build_parser; build_parser().format_help();"
        "heavy = [m for m in ('torch','cv2','PySide6','transformers','mediapipe','ultralytics','av') if m in sys.modules];"
        "print(heavy); raise SystemExit(1 if heavy else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
