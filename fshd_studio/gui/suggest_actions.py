"""Segment → Suggest segments from motion: propose the missing exercises' segments for the annotator to confirm.

The suggestion runs on a worker with progress and cancel. Only exercises that have no segment yet get one
(status "suggested", drawn dashed); what the annotator already marked is never moved. All of it is one undo step.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from fshd_studio.core.progress import ReportFn
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


def suggest_segments(win: MainWindow) -> bool:
    """Start the suggestion for the open session as a job; its segments are added as one undo step when it ends.
    False when there is nothing to do (the user is told why)."""
    from fshd_studio.preprocess import suggest_boundaries

    c = win.controller
    session = c.session
    if session is None:
        return False
    if len(session.segments) >= len(session.protocol.ids()):
        win.prompts.info("Suggest segments", "Every exercise already has a segment. Delete the ones you want "
                                             "suggested again, then run Suggest segments.")
        return False
    camera_id = suggestion_camera(session)
    if camera_id is None:
        win.prompts.error("Cannot suggest segments", "No camera video can be found; relocate the videos first "
                                                     "(File → Relocate video).")
        return False
    video = session.camera(camera_id).video
    trace = win.motion.trace_of(camera_id, video)  # the motion lane's, when it has read this video already

    def work(report: ReportFn, cancel: threading.Event) -> list[Segment]:
        return suggest_boundaries(session, camera_id=camera_id, report=report, cancel=cancel, trace=trace)

    win.jobs.start(f"Finding the exercises from facial motion in {video.name}", work,
                   on_done=lambda suggested: _add_suggested(win, session, suggested, video.name),
                   on_error=lambda text: win.prompts.error("Cannot suggest segments", text),
                   on_cancelled=lambda: win.statusBar().showMessage(
                       "Suggesting segments was cancelled; nothing changed", 5000))
    return True


def _add_suggested(win: MainWindow, session: Session, suggested: list[Segment], video: str) -> int:
    c = win.controller
    if c.session is not session:  # another session was opened meanwhile
        return 0
    added = missing_only(session, suggested)
    if not added:
        win.prompts.info("Suggest segments", f"No segment could be suggested for the missing exercises from the "
                                             f"motion in {video}.")
        return 0
    kept = len(session.segments)
    c.add_segments(added, f"Suggest {len(added)} segments from motion")
    c.select(min(added))
    win.statusBar().showMessage(
        f"Suggested {len(added)} segments from the motion in {video} (dashed): check each one and confirm "
        f"it with C" + (f"; {kept} existing segments left as they were" if kept else ""), 10000)
    win.suggestions_added.emit(len(added))
    return len(added)
