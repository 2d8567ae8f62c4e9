"""Segment → Suggest segments from motion (Ctrl+G) on the demo session, and the worker's progress and cancel."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressBar, QProgressDialog, QPushButton

from fshd_studio.core.progress import Cancelled, Progress, check_cancel
from fshd_studio.core.session import Segment, SegmentStatus, Span
from fshd_studio.gui.dialogs import SaveChoice
from fshd_studio.gui.worker import run_with_progress
from fshd_studio.io.project import load_project, save_project
from tests.gui.window_fixtures import open_window
from tests.gui.window_fixtures import app_settings  # noqa: F401

KEPT = Segment(1, Span(500.0, 2000.0), SegmentStatus.CONFIRMED, annotator="A")


@pytest.fixture
def unsegmented_demo(demo_project, tmp_path) -> Path:
    """The demo session with only exercise 1 marked (by hand, somewhere else than the truth)."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_project.project.parent, folder)
    project = folder / demo_project.project.name
    session = load_project(project).session
    session.segments = {1: KEPT}
    save_project(session, project)
    return project


def test_suggest_fills_the_missing_exercises_as_one_undo_step(qtbot, app_settings, unsegmented_demo,
                                                              demo_project) -> None:
    w = open_window(qtbot, unsegmented_demo)
    try:
        _suggest_then_undo(qtbot, w, demo_project)
    finally:
        w.prompts.save_choice = SaveChoice.DISCARD
        w.close()


def _suggest_then_undo(qtbot, w, demo_project) -> None:
    c = w.controller
    steps = c.undo_stack.count()
    QTest.keyClick(w, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: c.undo_stack.count() == steps + 1, timeout=60000)
    segs = c.session.segments
    assert len(segs) == 15 and segs[1] == KEPT  # the annotator's own segment is never moved
    assert all(segs[i].status == SegmentStatus.SUGGESTED for i in range(2, 16))
    truth = json.loads(Path(demo_project.truth).read_text())["segments"]
    errors = [abs(getattr(segs[i].span, f"{end}_ms") - truth[str(i)][k])
              for i in range(2, 16) for k, end in enumerate(("start", "end"))]
    assert np.mean(np.array(errors) <= 500.0) >= 0.8, np.round(errors)
    assert c.selected() == 2 and "Suggested 14 segments" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)  # the progress dialog has gone
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step takes all 14 back
    assert c.session.segments == {1: KEPT}
    c.undo_stack.redo()
    assert len(c.session.segments) == 15
    # nothing missing now: the action says so and changes nothing
    w.actions_by_id["suggest"].trigger()
    assert w.prompts.names()[-1] == "info" and c.undo_stack.count() == steps + 1


def test_progress_is_drawn_and_cancel_stops_the_work(qtbot) -> None:
    seen: dict[str, int] = {}
    finished = threading.Event()

    def work(cancel: threading.Event, report) -> None:
        try:
            for i in range(10_000):
                report(Progress("motion", min(i, 50), 100))
                check_cancel(cancel)
                time.sleep(0.005)
        finally:
            finished.set()

    def look_then_cancel() -> None:
        dialogs = [d for d in QApplication.topLevelWidgets() if isinstance(d, QProgressDialog) and d.isVisible()]
        bar = dialogs[0].findChild(QProgressBar) if dialogs else None
        if bar is None or bar.value() < 50:
            QTimer.singleShot(50, look_then_cancel)
            return
        seen["value"], seen["max"] = bar.value(), bar.maximum()
        seen["label"] = "motion: 50 of 100" in dialogs[0].labelText()
        QTest.mouseClick(dialogs[0].findChild(QPushButton), Qt.MouseButton.LeftButton)  # the Cancel button

    QTimer.singleShot(50, look_then_cancel)
    with pytest.raises(Cancelled):
        run_with_progress(None, "Working…", work, show_after_ms=0, reported=True)
    assert finished.wait(5)
    assert seen == {"value": 50, "max": 100, "label": True}
