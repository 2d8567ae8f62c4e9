"""Test doubles for the media and timeline widgets: a controller with SessionController's API and a
decode-everything video reader, used until (and where) the real ones are not available."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from fshd_studio.core.session import Camera, Segment, Session, Span
from fshd_studio.core.timebase import Timebase
from fshd_studio.io.protocol_file import load_protocol


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frame_count: int
    variable_frame_rate: bool


class MemoryReader:
    """Sequential PyAV reader: timestamps from the demuxer, `frame(i)` decodes forward (reopens to go back).

    Returns RGB uint8 HxWx3 of frame i in presentation order. Slow for random access; fine for tests.
    """

    _pts_cache: dict[Path, np.ndarray] = {}

    def __init__(self, path: Path) -> None:
        import av

        self.path = Path(path)
        if self.path not in self._pts_cache:
            with av.open(str(self.path)) as c:
                s = c.streams.video[0]
                pts = sorted(p.pts for p in c.demux(s) if p.pts is not None)
                self._pts_cache[self.path] = np.array(pts, dtype=np.float64) * float(s.time_base) * 1000.0
        pts = self._pts_cache[self.path]
        self.timebase = Timebase(pts - pts[0])
        self._container = None
        self._frames = None
        self._next = 0
        with av.open(str(self.path)) as c:
            s = c.streams.video[0]
            w, h = s.codec_context.width, s.codec_context.height
        self.info = VideoInfo(w, h, self.timebase.fps, self.timebase.frame_count, self.timebase.is_variable)

    def _restart(self) -> None:
        import av

        if self._container is not None:
            self._container.close()
        self._container = av.open(str(self.path))
        self._frames = self._container.decode(video=0)
        self._next = 0

    def frame(self, index: int) -> np.ndarray:
        if self._container is None or index < self._next:
            self._restart()
        while True:
            f = next(self._frames)
            self._next += 1
            if self._next - 1 == index:
                return f.to_ndarray(format="rgb24")

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None


def reader_for(path: Path):
    """The real `fshd_studio.io.video.open_video` when it exists, else the in-memory double."""
    try:
        from fshd_studio.io.video import open_video
    except ImportError:
        return MemoryReader(path)
    return open_video(path)


class _SetSegment(QUndoCommand):
    def __init__(self, ctl: FakeController, exercise_id: int, old: Segment | None, new: Segment | None, text: str):
        super().__init__(text)
        self.ctl, self.exercise_id, self.old, self.new = ctl, exercise_id, old, new

    def redo(self) -> None:
        self.ctl.set_segment(self.exercise_id, self.new)

    def undo(self) -> None:
        self.ctl.set_segment(self.exercise_id, self.old)


class _SetOffset(QUndoCommand):
    def __init__(self, ctl: FakeController, camera_id: str, old: float, new: float):
        super().__init__("change offset")
        self.ctl, self.camera_id, self.old, self.new = ctl, camera_id, old, new

    def redo(self) -> None:
        self.ctl.set_offset(self.camera_id, self.new)

    def undo(self) -> None:
        self.ctl.set_offset(self.camera_id, self.old)


class FakeController(QObject):
    session_loaded = Signal()
    segment_changed = Signal(int)
    offset_changed = Signal(str)
    playhead_moved = Signal(float)
    selection_changed = Signal(int)
    dirty_changed = Signal(bool)
    findings_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.undo_stack = QUndoStack(self)
        self.session: Session | None = None
        self.project_path: Path | None = None
        self._timebases: dict[str, Timebase] = {}
        self._playhead = 0.0
        self._selected = -1

    def load(self, videos: dict[str, Path], offsets: dict[str, float] | None = None) -> None:
        offsets = offsets or {}
        cams = [Camera(cid, Path(p), offsets.get(cid, 0.0), label=cid) for cid, p in videos.items()]
        self.session = Session("P001", "2026-11-24", load_protocol("fshd-15", Path.cwd()), cams)
        self._timebases = {c.id: MemoryReader(c.video).timebase for c in cams if c.video.is_file()}
        self._playhead, self._selected = 0.0, -1
        self.undo_stack.clear()
        self.session_loaded.emit()

    def load_synthetic(self, fps: dict[str, float], seconds: float = 20.0,
                       offsets: dict[str, float] | None = None) -> None:
        """A session whose cameras have constant-rate timebases but no video files (timeline tests)."""
        offsets = offsets or {}
        cams = [Camera(cid, Path(f"/nonexistent/{cid}.mp4"), offsets.get(cid, 0.0), label=cid) for cid in fps]
        self.session = Session("P001", "2026-11-24", load_protocol("fshd-15", Path.cwd()), cams)
        self._timebases = {cid: Timebase.constant(int(seconds * f), f) for cid, f in fps.items()}
        self._playhead, self._selected = 0.0, -1
        self.undo_stack.clear()
        self.session_loaded.emit()

    def timebase(self, camera_id: str) -> Timebase | None:
        return self._timebases.get(camera_id)

    def session_range_ms(self) -> tuple[float, float]:
        if not self.session:
            return (0.0, 0.0)
        ends = [tb.duration_ms - self.session.camera(c).offset_ms for c, tb in self._timebases.items()]
        return (0.0, max(ends, default=0.0))

    def reference_frame_ms(self) -> float:
        c = self.session.cameras[0].id if self.session else ""
        tb = self._timebases.get(c)
        return tb.frame_period_ms if tb else 1000.0 / 30.0

    def snap_ms(self, ms: float) -> float:
        cam = self.session.cameras[0]
        tb = self._timebases[cam.id]
        return tb.time_of(tb.frame_at(ms + cam.offset_ms)) - cam.offset_ms

    def findings(self) -> list:
        return []

    def playhead_ms(self) -> float:
        return self._playhead

    def selected(self) -> int:
        return self._selected

    # mutations (only undo commands call these)
    def set_segment(self, exercise_id: int, segment: Segment | None) -> None:
        if segment is None:
            self.session.segments.pop(exercise_id, None)
        else:
            self.session.segments[exercise_id] = segment
        self.segment_changed.emit(exercise_id)

    def set_offset(self, camera_id: str, offset_ms: float) -> None:
        self.session.set_offset(camera_id, offset_ms)
        self.offset_changed.emit(camera_id)

    # gestures
    def create_segment(self, exercise_id: int, span: Span) -> None:
        old = self.session.segments.get(exercise_id)
        self.undo_stack.push(_SetSegment(self, exercise_id, old, Segment(exercise_id, span), "create"))

    def move_segment(self, exercise_id: int, span: Span) -> None:
        old = self.session.segments[exercise_id]
        self.undo_stack.push(_SetSegment(self, exercise_id, old, Segment(exercise_id, span, old.status), "move"))

    def delete_segment(self, exercise_id: int) -> None:
        old = self.session.segments[exercise_id]
        self.undo_stack.push(_SetSegment(self, exercise_id, old, None, "delete"))

    def relabel_segment(self, exercise_id: int, new_exercise_id: int) -> None:
        old = self.session.segments[exercise_id]
        self.undo_stack.beginMacro("relabel")
        self.undo_stack.push(_SetSegment(self, exercise_id, old, None, "remove"))
        self.undo_stack.push(_SetSegment(self, new_exercise_id, self.session.segments.get(new_exercise_id),
                                         Segment(new_exercise_id, old.span, old.status), "add"))
        self.undo_stack.endMacro()

    def change_offset(self, camera_id: str, offset_ms: float) -> None:
        self.undo_stack.push(_SetOffset(self, camera_id, self.session.camera(camera_id).offset_ms, offset_ms))

    # view state
    def set_playhead(self, ms: float) -> None:
        lo, hi = self.session_range_ms()
        self._playhead = float(min(max(ms, lo), hi))
        self.playhead_moved.emit(self._playhead)

    def select(self, exercise_id: int) -> None:
        if exercise_id != self._selected:
            self._selected = exercise_id
            self.selection_changed.emit(exercise_id)
