"""Segment → Suggest segments from motion: propose the missing exercises' segments for the annotator to confirm.

The suggestion runs on a worker with progress and cancel. Only exercises that have no segment yet get one
(status "suggested", drawn dashed); what the annotator already marked is never moved. All of it is one undo step.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, ReportFn
from fshd_studio.core.session import Segment, Session

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow


def suggestion_camera(session: Session) -> str | None:
    """The first camera whose video is there (motion is read from one camera)."""
    for cam in session.cameras:
        if cam.video.is_file():
            return cam.id
    return None


def missing_only(session: Session, suggested: list[Segment]) -> dict[int, Segment]:
    return {s.exercise_id: s for s in suggested if s.exercise_id not in session.segments}


def suggest_segments(win: MainWindow) -> int:
    """Run the suggestion for the open session; returns how many segments were added (one undo step)."""
    from fshd_studio.gui.worker import run_with_progress
    from fshd_studio.preprocess import suggest_boundaries

    c = win.controller
    session = c.session
    if session is None:
        return 0
    if len(session.segments) >= len(session.protocol.ids()):
        win.prompts.info("Suggest segments", "Every exercise already has a segment. Delete the ones you want "
                                             "suggested again, then run Suggest segments.")
        return 0
    camera_id = suggestion_camera(session)
    if camera_id is None:
        win.prompts.error("Cannot suggest segments", "No camera video can be found; relocate the videos first "
                                                     "(File → Relocate video).")
        return 0
    video = session.camera(camera_id).video

    def work(cancel: threading.Event, report: ReportFn) -> list[Segment]:
        return suggest_boundaries(session, camera_id=camera_id, report=report, cancel=cancel)

    try:
        suggested = run_with_progress(win, f"Finding the exercises from facial motion in {video.name}…", work,
                                      reported=True)
    except Cancelled:
        win.statusBar().showMessage("Suggesting segments was cancelled; nothing changed", 5000)
        return 0
    except UserError as exc:
        win.prompts.error("Cannot suggest segments", str(exc))
        return 0
    added = missing_only(session, suggested)
    if not added:
        win.prompts.info("Suggest segments", f"No segment could be suggested for the missing exercises from the "
                                             f"motion in {video.name}.")
        return 0
    kept = len(session.segments)
    c.add_segments(added, f"Suggest {len(added)} segments from motion")
    c.select(min(added))
    win.statusBar().showMessage(
        f"Suggested {len(added)} segments from the motion in {video.name} (dashed): check each one and confirm "
        f"it with C" + (f"; {kept} existing segments left as they were" if kept else ""), 10000)
    return len(added)
