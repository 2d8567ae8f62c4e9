"""Playback → Sync cameras automatically: the demo's known offset found within one frame, proposed with its
confidence, applied as one undo step only when accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gui.window_fixtures import open_window


@pytest.fixture
def unsynced_demo(demo_project, tmp_path) -> Path:
    data = json.loads(Path(demo_project.project).read_text())
    for cam in data["cameras"]:
        cam["offset_ms"] = 0.0
        cam["video"] = str(demo_project.videos[cam["id"]])
    data["elan"]["linked_eaf"] = None
    project = tmp_path / "demo.fshd.json"
    project.write_text(json.dumps(data))
    return project


def _run_sync(qtbot, w) -> None:
    w.actions_by_id["sync_auto"].trigger()
    qtbot.waitUntil(lambda: "confirm_sync" in w.prompts.names() or "error" in w.prompts.names(), timeout=120000)
    qtbot.waitUntil(lambda: not w.jobs.running(), timeout=10000)


def test_sync_proposes_the_demo_offset_and_applies_it_as_one_step(qtbot, app_settings, unsynced_demo,
                                                                  demo_project) -> None:
    from fshd_studio.gui.dialogs import SaveChoice
    from fshd_studio.gui.sync_action import describe

    w = open_window(qtbot, unsynced_demo)
    c = w.controller
    try:
        w.prompts.confirm_answer = False  # first: declined, nothing changes
        _run_sync(qtbot, w)
        (_, (session, est)), = [a for a in w.prompts.asked if a[0] == "confirm_sync"]
        assert c.session.camera("side").offset_ms == 0.0 and c.undo_stack.count() == 0
        question, _ = describe(session, est)
        assert "confidence" in question and "→ +1" in question
        w.prompts.asked.clear()
        w.prompts.confirm_answer = True
        _run_sync(qtbot, w)
        assert c.session.camera("side").offset_ms == pytest.approx(demo_project.offsets["side"], abs=40.0)
        assert c.session.camera("front").offset_ms == 0.0 and c.undo_stack.count() == 1
        c.undo_stack.undo()
        assert c.session.camera("side").offset_ms == 0.0
    finally:
        w.prompts.save_choice = SaveChoice.DISCARD
        w.close()
