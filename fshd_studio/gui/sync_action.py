"""Playback → Sync cameras automatically: estimate each camera's offset from facial motion on the window's job
runner (preprocess/sync.py), show the proposal with its confidence, and apply it as ONE undo step when the
annotator accepts. The reference camera keeps its offset; the others get reference + the measured lag (taken
at the moment of accepting, so an offset changed meanwhile on the reference is respected)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from fshd_studio.core.session import Session
    from fshd_studio.gui.jobs import Job
    from fshd_studio.gui.main_window import MainWindow
    from fshd_studio.preprocess.sync import SyncEstimate

SYNC_JOB = "Syncing the cameras from facial motion"
LOW_CONFIDENCE = 0.3


def proposed_offsets(session: Session, est: SyncEstimate) -> dict[str, float]:
    """The offsets to apply now: the reference camera's current offset + each camera's measured lag."""
    ref = session.camera(est.reference).offset_ms
    return {c.camera_id: round(ref + c.lag_ms, 1) for c in est.cameras if c.camera_id != est.reference}


def describe(session: Session, est: SyncEstimate) -> tuple[str, str]:
    """The question and its details, in the clinic's words (also what tests read)."""
    offsets = proposed_offsets(session, est)
    lines = []
    for c in est.cameras:
        if c.camera_id == est.reference:
            continue
        cam = session.camera(c.camera_id)
        face = "" if c.face_found else " (no face found: whole picture used)"
        lines.append(f"{cam.label or cam.id}: {cam.offset_ms:+.0f} → {offsets[c.camera_id]:+.0f} ms, "
                     f"confidence {c.confidence:.2f}{face}")
    ref = session.camera(est.reference)
    warn = " The match is weak: check it by eye before accepting." if est.confidence < LOW_CONFIDENCE else ""
    question = f"Facial motion says: {'; '.join(lines)}.{warn}"
    details = (f"{ref.label or ref.id} keeps its offset ({ref.offset_ms:+.0f} ms). Accepting is one undo step "
               "(Ctrl+Z).")
    return question, details


def confirm_sync(parent: QWidget, session: Session, est: SyncEstimate) -> bool:
    question, details = describe(session, est)
    box = QMessageBox(QMessageBox.Icon.Question, "Sync cameras automatically", question, parent=parent)
    box.setInformativeText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Yes).setText("Apply offsets")
    box.setDefaultButton(QMessageBox.StandardButton.Yes if est.confidence >= LOW_CONFIDENCE
                         else QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes


def propose_sync(win: MainWindow) -> Job | None:
    """Start the estimate; None when there is nothing to sync."""
    from fshd_studio.preprocess.sync import estimate_offsets

    c = win.controller
    session = c.session
    if session is None or len(session.cameras) < 2:
        win.prompts.error("Sync cameras", "Open a session with two cameras first.")
        return None
    for job in win.jobs.running(SYNC_JOB):
        job.cancel()  # the newest request wins

    def done(est: SyncEstimate) -> None:
        if c.session is not session:
            return
        accept(win, est)

    return win.jobs.start(SYNC_JOB, lambda report, cancel: estimate_offsets(session, report=report, cancel=cancel),
                          on_done=done, on_error=lambda msg: win.prompts.error("Sync cameras", msg),
                          on_cancelled=lambda: win.statusBar().showMessage("Automatic sync cancelled", 4000))


def accept(win: MainWindow, est: SyncEstimate) -> bool:
    c = win.controller
    if not win.prompts.confirm_sync(c.session, est):
        win.statusBar().showMessage("Automatic sync not applied; offsets unchanged", 6000)
        return False
    c.change_offsets(proposed_offsets(c.session, est), f"Automatic sync (confidence {est.confidence:.2f})")
    win.statusBar().showMessage(f"Offsets set from facial motion (confidence {est.confidence:.2f})", 6000)
    return True
