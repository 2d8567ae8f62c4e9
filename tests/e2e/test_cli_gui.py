"""`fshd-studio gui PROJECT --screenshot OUT.png` in a subprocess: renders the loaded window and exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.gui.window_fixtures import make_project

REPO = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FSHD_STUDIO_SETTINGS_DIR=str(tmp_path / "settings"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    return subprocess.run([sys.executable, "-m", "fshd_studio", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("cli_gui"))


def test_screenshot_renders_the_loaded_window(cli_project, tmp_path) -> None:
    out = tmp_path / "shots" / "window.png"
    proc = run_cli(["gui", str(cli_project), "--screenshot", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr  # both cameras painted before the picture was taken
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1600, 1000)
    # the camera area is not the empty black of a view without a frame
    left_cam = img.copy(100, 200, 300, 200).convertToFormat(QImage.Format.Format_RGB888)
    colors = {left_cam.pixelColor(x, y).name() for x in range(0, 300, 15) for y in range(0, 200, 15)}
    assert len(colors) > 20
    assert not list(out.parent.glob(".*tmp*"))  # written atomically, no temp file left


def test_screenshot_of_a_bad_project_exits_2_with_one_error_line(tmp_path) -> None:
    bad = tmp_path / "bad.fshd.json"
    bad.write_text("{ not json")
    out = tmp_path / "x.png"
    proc = run_cli(["gui", str(bad), "--screenshot", str(out)], tmp_path)
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "bad.fshd.json" in errors[0] and "Traceback" not in proc.stderr
    assert not out.exists()


def test_screenshot_of_a_missing_project_exits_2(tmp_path) -> None:
    proc = run_cli(["gui", str(tmp_path / "nope.fshd.json"), "--screenshot", str(tmp_path / "x.png")], tmp_path)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
