"""The checklist summary tells the truth: suggested segments are to check; nothing is ready without its videos."""

from __future__ import annotations

from pathlib import Path

import pytest

from fshd_studio.core.session import Segment, SegmentStatus, Span
from fshd_studio.gui.checklist import ItemState, ProtocolChecklist
from fshd_studio.gui.controller import SessionController


def _fifteen(status: SegmentStatus) -> dict[int, Segment]:
    # 11 s each (275 frames at 25 fps), one after the other: no overlap, no finding of their own
    return {i: Segment(i, Span(i * 12000.0, i * 12000.0 + 11000.0), status) for i in range(1, 16)}


@pytest.fixture
def ctl(qtbot, window_project) -> SessionController:
    c = SessionController()
    c.open_project(window_project)
    return c


def test_suggested_segments_are_to_check_not_ready(ctl) -> None:
    from fshd_studio.core.validation import validate_session
    from fshd_studio.gui.checklist import checklist_items, summary_text

    session = ctl.session
    session.segments = _fifteen(SegmentStatus.SUGGESTED)
    items = checklist_items(session, validate_session(session))  # no video extents: only their status counts
    assert {i.state for i in items} == {ItemState.SUGGESTED}
    assert summary_text(items) == "0 of 15 ready · 15 to check"
    session.segments = _fifteen(SegmentStatus.CONFIRMED)
    assert summary_text(checklist_items(session, validate_session(session))) == "15 of 15 ready · 0 to check"


def test_the_panel_counts_fifteen_suggested_segments_to_check(qtbot, ctl) -> None:
    ctl.replace_all({}, {}, "clear")
    panel = ProtocolChecklist(ctl)
    qtbot.addWidget(panel)
    ctl.add_segments(_fifteen(SegmentStatus.SUGGESTED), "Suggest 15 segments from motion")
    states = {i.state for i in panel.items}
    assert ItemState.MISSING not in states and ItemState.DONE not in states
    summary = panel.summary.text()
    assert "0 of 15 ready" in summary and "15 to check" in summary, summary


def test_nothing_is_ready_when_both_videos_are_missing(qtbot, window_project, tmp_path) -> None:
    for name in ("left.mp4", "right.mp4"):
        (window_project.parent / name).unlink()
    c = SessionController()
    c.open_project(window_project)
    c.replace_all({i: Segment(i, Span(i * 1000.0, i * 1000.0 + 900.0), SegmentStatus.CONFIRMED)
                   for i in range(1, 16)}, {}, "confirm all")
    panel = ProtocolChecklist(c)
    qtbot.addWidget(panel)
    assert all(i.state == ItemState.NO_VIDEO and i.cameras == () for i in panel.items)
    summary = panel.summary.text()
    assert summary.startswith("0 of 15 ready") and "15 to check" in summary, summary


def test_one_missing_video_names_its_camera(qtbot, window_project) -> None:
    (window_project.parent / "right.mp4").unlink()
    c = SessionController()
    c.open_project(window_project)
    panel = ProtocolChecklist(c)
    qtbot.addWidget(panel)
    first = panel.item_for(1)
    assert first.state == ItemState.NO_VIDEO and first.cameras == ("right",)
    assert panel.item_for(5).state == ItemState.MISSING  # no segment: missing, whatever the videos
    assert "missing" in panel.summary.text()
