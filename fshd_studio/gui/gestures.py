"""The session controller's gestures: each user gesture pushes ONE undo command (a macro where it changes
several things); the commands call the controller's mutation methods, which change the session and emit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from fshd_studio.core.errors import UserError
from fshd_studio.core.session import Segment, SegmentStatus, Session, Span
from fshd_studio.gui import undo

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from fshd_studio.gui.session_properties import SessionProperties


class SegmentGestures:
    """Mixed into SessionController (which owns `session`, `undo_stack`, the selection and the ELAN link)."""

    session: Session | None
    undo_stack: QUndoStack
    elan_lanes: tuple | None
    _selected: int

    def edit_properties(self, props: SessionProperties) -> None:
        """The Session properties dialog's OK: one undo step (nothing when nothing changed)."""
        from fshd_studio.gui.session_properties import properties_of

        old = properties_of(self._require())
        if old != props:
            self.undo_stack.push(undo.SetSessionProperties(self, old, props))

    def _require(self) -> Session:
        if self.session is None:
            raise UserError("no session is open")
        return self.session

    def _check_exercise(self, session: Session, exercise_id: int) -> None:
        if exercise_id not in session.protocol.ids():
            raise UserError(f"exercise {exercise_id} is not in the protocol {session.protocol_file}")

    def _existing(self, exercise_id: int) -> Segment:
        seg = self._require().segments.get(exercise_id)
        if seg is None:
            raise UserError(f"exercise {exercise_id} has no segment")
        return seg

    def create_segment(self, exercise_id: int, span: Span) -> None:
        session = self._require()
        self._check_exercise(session, exercise_id)
        old = session.segments.get(exercise_id)
        self.undo_stack.push(undo.CreateSegment(self, old, Segment(exercise_id, span, SegmentStatus.DRAFT,
                                                                   annotator=session.annotator)))

    def move_segment(self, exercise_id: int, span: Span) -> None:
        old = self._existing(exercise_id)
        if old.span == span:
            return
        self.undo_stack.push(undo.MoveSegment(self, old, replace(old, span=span)))

    def delete_segment(self, exercise_id: int) -> None:
        old = self._existing(exercise_id)
        self.undo_stack.push(undo.DeleteSegment(self, old))
        if self._selected == exercise_id:
            self.select(-1)

    def relabel_segment(self, exercise_id: int, new_exercise_id: int) -> None:
        session = self._require()
        self._check_exercise(session, new_exercise_id)
        if new_exercise_id == exercise_id:
            return
        a = self._existing(exercise_id)
        b = session.segments.get(new_exercise_id)
        old: dict[int, Segment | None] = {exercise_id: a, new_exercise_id: b}
        new: dict[int, Segment | None] = {
            exercise_id: replace(b, exercise_id=exercise_id) if b is not None else None,
            new_exercise_id: replace(a, exercise_id=new_exercise_id),
        }
        self.undo_stack.push(undo.RelabelSegment(self, old, new, exercise_id, new_exercise_id))

    def set_segment_status(self, exercise_id: int, status: SegmentStatus) -> None:
        old = self._existing(exercise_id)
        if old.status != status:  # who confirmed (or rejected) it: the session's annotator, when known
            who = self._require().annotator or old.annotator
            self.undo_stack.push(undo.SetSegmentStatus(self, old, replace(old, status=status, annotator=who)))

    def change_offset(self, camera_id: str, offset_ms: float) -> None:
        session = self._require()
        old = session.camera(camera_id).offset_ms
        if abs(old - offset_ms) < 1e-9:
            return
        self.undo_stack.push(undo.ChangeOffset(self, camera_id, old, float(offset_ms)))

    def add_segments(self, segments: dict[int, Segment], text: str) -> None:
        """Give several exercises that have no segment yet their segments, as one undo step."""
        session = self._require()
        taken = sorted(set(segments) & set(session.segments))
        if taken:
            raise UserError(f"exercises {taken} already have segments")
        for exercise_id in segments:
            self._check_exercise(session, exercise_id)
        self.undo_stack.push(undo.SetSegments(self, {i: None for i in segments}, dict(segments), text))

    def replace_all(self, segments: dict[int, Segment], offsets: dict[str, float], text: str) -> None:
        """Replace every segment (and some offsets) as ONE undo step, e.g. an ELAN import."""
        session = self._require()
        ids = set(segments) | set(session.segments)
        old = {i: session.segments.get(i) for i in ids}
        new = {i: segments.get(i) for i in ids}
        self.undo_stack.beginMacro(text)
        self.undo_stack.push(undo.SetSegments(self, old, new, text))
        for camera_id, offset in offsets.items():
            self.change_offset(camera_id, offset)
        self.undo_stack.endMacro()

    def import_elan(self, segments: dict[int, Segment], offsets: dict[str, float], eaf: Path, tier: str,
                    lanes: tuple, text: str) -> None:
        """An ELAN import as ONE undo step: segments, offsets and the link to the file (undo restores the old link,
        so the next export is built on the file it was built on before)."""
        session = self._require()
        old_link = (session.linked_eaf, session.exercise_tier, self.elan_lanes)
        self.undo_stack.beginMacro(text)
        self.replace_all(segments, offsets, text)
        self.undo_stack.push(undo.SetElanLink(self, old_link, (Path(eaf), tier, tuple(lanes))))
        self.undo_stack.endMacro()

    def change_offsets(self, offsets: dict[str, float], text: str) -> None:
        """Several cameras' offsets (e.g. an automatic sync) as ONE undo step; nothing when none changes."""
        session = self._require()
        changed = {c: ms for c, ms in offsets.items() if abs(session.camera(c).offset_ms - ms) > 1e-9}
        if not changed:
            return
        self.undo_stack.beginMacro(text)
        for camera_id, ms in changed.items():
            self.change_offset(camera_id, ms)
        self.undo_stack.endMacro()
