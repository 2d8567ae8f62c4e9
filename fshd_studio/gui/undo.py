"""Undo commands: each holds the old and the new value and calls the controller's mutation methods.

One user gesture = one command (DESIGN.md). The controller's gesture methods build these; widgets never do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from fshd_studio.core.session import Segment

if TYPE_CHECKING:
    from fshd_studio.gui.controller import SessionController
    from fshd_studio.gui.session_properties import SessionProperties


def _fmt_s(ms: float) -> str:
    return f"{ms / 1000.0:.2f} s"


class SetSegments(QUndoCommand):
    """Replace the segments of one or more exercises (None = no segment) as one step."""

    def __init__(self, ctl: SessionController, old: dict[int, Segment | None], new: dict[int, Segment | None],
                 text: str) -> None:
        super().__init__(text)
        self.ctl = ctl
        self.old = dict(old)
        self.new = dict(new)

    def _apply(self, values: dict[int, Segment | None]) -> None:
        self.ctl.set_segments(values)

    def redo(self) -> None:
        self._apply(self.new)

    def undo(self) -> None:
        self._apply(self.old)


class CreateSegment(SetSegments):
    def __init__(self, ctl: SessionController, old: Segment | None, new: Segment) -> None:
        verb = "Replace" if old is not None else "Create"
        super().__init__(ctl, {new.exercise_id: old}, {new.exercise_id: new},
                         f"{verb} segment {new.exercise_id} ({_fmt_s(new.span.start_ms)}–{_fmt_s(new.span.end_ms)})")


class MoveSegment(SetSegments):
    """Move or resize (the span changes, the rest of the segment stays)."""

    def __init__(self, ctl: SessionController, old: Segment, new: Segment) -> None:
        if abs(old.span.duration_ms - new.span.duration_ms) < 1e-6:
            what = "Move"
        else:
            what = "Resize"
        super().__init__(ctl, {old.exercise_id: old}, {new.exercise_id: new},
                         f"{what} segment {new.exercise_id}")


class DeleteSegment(SetSegments):
    def __init__(self, ctl: SessionController, old: Segment) -> None:
        super().__init__(ctl, {old.exercise_id: old}, {old.exercise_id: None}, f"Delete segment {old.exercise_id}")


class RelabelSegment(SetSegments):
    """Give segment `a` the exercise `b`; if `b` had a segment it takes exercise `a` (a swap, nothing lost)."""

    def __init__(self, ctl: SessionController, old: dict[int, Segment | None], new: dict[int, Segment | None],
                 from_id: int, to_id: int) -> None:
        super().__init__(ctl, old, new, f"Relabel segment {from_id} → {to_id}")


class SetSegmentStatus(SetSegments):
    def __init__(self, ctl: SessionController, old: Segment, new: Segment) -> None:
        super().__init__(ctl, {old.exercise_id: old}, {new.exercise_id: new},
                         f"Mark segment {new.exercise_id} {new.status.value}")


class ChangeOffset(QUndoCommand):
    """A camera's sync offset (ms, ELAN TIME_ORIGIN convention)."""

    def __init__(self, ctl: SessionController, camera_id: str, old_ms: float, new_ms: float) -> None:
        super().__init__(f"Change offset of {camera_id} to {new_ms:+.0f} ms")
        self.ctl = ctl
        self.camera_id = camera_id
        self.old_ms = float(old_ms)
        self.new_ms = float(new_ms)

    def redo(self) -> None:
        self.ctl.set_offset(self.camera_id, self.new_ms)

    def undo(self) -> None:
        self.ctl.set_offset(self.camera_id, self.old_ms)


class SetSessionProperties(QUndoCommand):
    """Patient id, visit date, annotator and camera names, edited together in the Session properties dialog."""

    def __init__(self, ctl: SessionController, old: SessionProperties, new: SessionProperties) -> None:
        super().__init__(f"Change {', '.join(old.changes(new)) or 'session properties'}")
        self.ctl = ctl
        self.old = old
        self.new = new

    def redo(self) -> None:
        self.ctl.set_properties(self.new)

    def undo(self) -> None:
        self.ctl.set_properties(self.old)


class SetElanLink(QUndoCommand):
    """The linked .eaf, its exercise tier and its lanes (part of an ELAN import's step)."""

    def __init__(self, ctl: SessionController, old: tuple, new: tuple) -> None:
        super().__init__(f"Link {new[0].name if new[0] else 'no ELAN file'}")
        self.ctl, self.old, self.new = ctl, old, new

    def redo(self) -> None:
        self.ctl.set_elan_link(*self.new)

    def undo(self) -> None:
        self.ctl.set_elan_link(*self.old)
