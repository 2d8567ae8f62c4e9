"""Segment → Suggest segments from motion (Ctrl+G) on the demo session (the job runner itself: test_jobs.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fshd_studio.core.session import Segment, SegmentStatus, Span
from fshd_studio.gui.dialogs import SaveChoice
from fshd_studio.io.project import load_project, save_project
from tests.gui.window_fixtures import open_window

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
                                                              demo_project, monkeypatch) -> None:
    from fshd_studio.preprocess import suggest

    w = open_window(qtbot, unsegmented_demo)
    try:
        w.motion.set_enabled(True)  # the motion lane reads the video once; Suggest segments reuses its trace
        qtbot.waitUntil(w.timeline.motion.has_curve, timeout=180000)

        def read_again(*_a, **_k):
            raise AssertionError("Suggest segments read the video again although the motion lane has its motion")

        monkeypatch.setattr(suggest, "motion_trace", read_again)
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
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step takes all 14 back
    assert c.session.segments == {1: KEPT}
    c.undo_stack.redo()
    assert len(c.session.segments) == 15
    # nothing missing now: the action says so and changes nothing
    w.actions_by_id["suggest"].trigger()
    assert w.prompts.names()[-1] == "info" and c.undo_stack.count() == steps + 1
