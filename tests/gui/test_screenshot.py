"""The main window's look on the demo session, guarded by a pixel comparison with a tolerance (like labelme's screenshot test).

Regenerate the reference after an intended change of the layout:
    FSHD_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/gui/test_screenshot.py
and look at tests/gui/reference/main_window.png before committing it. A change of the demo generator or of
the media/timeline widgets' look also needs a new reference.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from fshd_studio.gui.app_main import SCREENSHOT_SIZE, make_app, render_screenshot
from tests.gui.window_fixtures import open_window

REFERENCE = Path(__file__).parent / "reference" / "main_window.png"
MAX_MEAN_DIFF = 6.0  # mean absolute difference per channel (0–255)
MAX_CHANGED = 0.03  # share of pixels that differ by more than 48 in any channel


def as_array(path: Path) -> np.ndarray:
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * 3].reshape(h, w, 3).copy()  # copy: the QImage owns that memory


def test_main_window_looks_like_the_reference(qtbot, app_settings, demo_project, tmp_path) -> None:
    """The short demo session (tests/fixtures_demo.py), exercise 3 selected, playhead at its start."""
    make_app()  # the real stylesheet and style
    w = open_window(qtbot, demo_project.project)
    w.checklist.click_exercise(3)  # a selected segment, its findings and the details box in the picture
    out = tmp_path / "shot.png"
    assert render_screenshot(w, out)
    shot = as_array(out)
    assert shot.shape[:2] == (SCREENSHOT_SIZE[1], SCREENSHOT_SIZE[0])
    assert shot.std() > 20  # not a blank window
    if os.environ.get("FSHD_UPDATE_SCREENSHOTS") == "1" or not REFERENCE.is_file():
        if not REFERENCE.is_file() and os.environ.get("FSHD_UPDATE_SCREENSHOTS") != "1":
            pytest.skip(f"no reference screenshot at {REFERENCE}; run with FSHD_UPDATE_SCREENSHOTS=1")
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_bytes(out.read_bytes())
        pytest.skip(f"reference screenshot updated: {REFERENCE}")
    ref = as_array(REFERENCE)
    assert ref.shape == shot.shape, "the window size changed"
    diff = np.abs(shot.astype(np.int16) - ref.astype(np.int16))
    changed = float((diff.max(axis=2) > 48).mean())
    mean = float(diff.mean())
    if mean > MAX_MEAN_DIFF or changed > MAX_CHANGED:
        (tmp_path / "diff.png").write_bytes(b"")
        QImage(np.ascontiguousarray((diff.max(axis=2) > 48).astype(np.uint8) * 255).data, diff.shape[1],
               diff.shape[0], diff.shape[1], QImage.Format.Format_Grayscale8).save(str(tmp_path / "diff.png"))
    assert mean <= MAX_MEAN_DIFF and changed <= MAX_CHANGED, (
        f"window differs from {REFERENCE.name}: mean diff {mean:.2f}, {changed:.1%} of pixels changed; "
        f"see {out} and {tmp_path / 'diff.png'}")
    w.close()
