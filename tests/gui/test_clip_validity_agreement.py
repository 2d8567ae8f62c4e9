"""The checklist and `preprocess` agree on a segment that runs past the end of its video (padded: scored and
flagged) and on one with no frame at its start (outside video: refused), because both apply core/validation.py."""

from __future__ import annotations

from fshd_studio.core.session import Span
from fshd_studio.io.project import load_project
from fshd_studio.preprocess import preprocess_session
from fshd_studio.preprocess.store import read_meta


def test_past_the_end_and_outside_agree_between_checklist_and_preprocess(qtbot, demo_project, tmp_path):
    from fshd_studio.gui.checklist import ItemState, checklist_items
    from fshd_studio.gui.controller import SessionController

    session = load_project(demo_project.project).session
    ctl = SessionController()
    ctl.set_session(session, None)
    front_ms = ctl.timebase("front").duration_ms
    ctl.move_segment(15, Span(front_ms - 3000.0, front_ms + 4000.0))  # 3 s recorded of the 8.5 s the model reads
    ctl.move_segment(1, Span(front_ms + 6000.0, front_ms + 10000.0))  # no frame at all
    items = {i.exercise_id: i for i in checklist_items(session, ctl.findings())}
    assert items[15].state == ItemState.PADDED and items[1].state == ItemState.OUTSIDE

    result = preprocess_session(session, tmp_path / "out", exercises=[1, 15])
    for cam in session.cameras:
        padded = result.clip(15, cam.id)
        assert padded.usable, padded.reason  # scored, not refused ...
        assert "padded" in read_meta(padded.folder)["flags"]  # ... and flagged, as in the checklist
        outside = result.clip(1, cam.id)
        assert not outside.usable and "outside the video" in outside.reason
