"""The session controller: owns the Session and the QUndoStack; widgets observe its signals.

Widgets never mutate the model. A user gesture calls one gesture method (create_segment, move_segment, ...;
gui/gestures.py), which pushes ONE undo command; the command calls the mutation methods (set_segment, set_offset), which
change the session and emit the signals. View state (playhead, selection) is not undoable.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from fshd_studio.core.errors import UserError
from fshd_studio.core.session import Segment, Session
from fshd_studio.core.validation import CameraExtent, Finding, validate_session
from fshd_studio.gui.gestures import SegmentGestures

if TYPE_CHECKING:  # numpy (via Timebase) loads with the first video, not before the window shows
    from fshd_studio.core.timebase import Timebase
    from fshd_studio.gui.session_properties import SessionProperties

log = logging.getLogger(__name__)

DEFAULT_FRAME_MS = 1000.0 / 30.0


def load_timebases(session: Session, cancel: threading.Event | None = None) -> dict[str, Timebase]:
    """Every readable camera's timebase (for a worker thread); unreadable videos are left out."""
    out: dict[str, Timebase] = {}
    for cam in session.cameras:
        if cancel is not None and cancel.is_set():
            break
        if cam.video.is_file():
            try:
                out[cam.id] = load_timebase(cam.video)
            except Exception as exc:  # the controller reports it when the camera is asked for
                log.warning("cannot index %s: %s", cam.video, exc)
    return out


def load_timebase(path: Path) -> Timebase:
    """The real frame timestamps of a video (io.video reads and caches its index)."""
    from fshd_studio.io.video import open_video

    reader = open_video(path)
    try:
        return reader.timebase
    finally:
        close = getattr(reader, "close", None)
        if close is not None:
            close()


class SessionController(SegmentGestures, QObject):
    session_loaded = Signal()  # a new session/project: widgets rebuild everything
    segment_changed = Signal(int)  # exercise_id added / moved / removed / status changed
    offset_changed = Signal(str)  # camera_id
    playhead_moved = Signal(float)  # session time ms
    selection_changed = Signal(int)  # exercise_id, -1 for none
    dirty_changed = Signal(bool)
    findings_changed = Signal()  # validation findings recomputed
    project_path_changed = Signal()  # save-as / open: window title, recent files
    properties_changed = Signal()  # patient id, visit date, annotator or camera names
    elan_link_changed = Signal()  # the linked .eaf, its exercise tier or its lanes (an ELAN import, its undo)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.session: Session | None = None
        self.project_path: Path | None = None
        self.video_errors: dict[str, str] = {}  # camera_id -> why its video could not be read
        self._timebases: dict[str, Timebase] = {}
        self._findings: list[Finding] = []
        self._playhead = 0.0
        self._selected = -1
        self.elan_lanes: tuple | None = None  # the linked .eaf's other tiers when known (None: read the file)
        self._extra_dirty = False  # changes outside the undo stack (relocated video, recovered autosave)
        self._dirty = False
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_clean_changed(self, _clean: bool) -> None:
        self._update_dirty()

    # ---- loading and saving -------------------------------------------------------------------------
    def set_session(self, session: Session | None, project_path: Path | None, *, dirty: bool = False,
                    timebases: dict[str, Timebase] | None = None, elan_lanes: tuple | None = None) -> None:
        """Replace the whole session (open, new, recover). Clears undo history and view state.

        `timebases` (camera id -> Timebase) may be read beforehand on a worker thread, so that opening a
        long recording never blocks the window; cameras without one are read on first use. `elan_lanes`: the
        linked .eaf's other tiers, likewise read beforehand (None: read when the timeline asks).
        """
        self.session = session
        self.project_path = Path(project_path).absolute() if project_path else None
        self._timebases.clear()
        self._timebases.update(timebases or {})
        self.video_errors.clear()
        self._playhead = 0.0
        self._selected = -1
        self.elan_lanes = elan_lanes
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._extra_dirty = dirty
        self._recompute_findings(emit=False)
        self._update_dirty()
        self.project_path_changed.emit()
        self.session_loaded.emit()
        self.findings_changed.emit()
        self.selection_changed.emit(-1)
        self.playhead_moved.emit(self._playhead)

    def open_project(self, path: Path) -> list[str]:
        """Load a project file; returns the ids of cameras whose video is missing. Raises ProjectFileError."""
        from fshd_studio.io.project import load_project

        loaded = load_project(path)
        self.set_session(loaded.session, loaded.path, dirty=loaded.migrated_from is not None)
        return list(loaded.missing_videos)

    def save(self, path: Path | None = None) -> Path:
        from fshd_studio.io.project import save_project

        if self.session is None:
            raise UserError("there is no session to save; open a project first")
        target = Path(path or self.project_path or "").absolute() if (path or self.project_path) else None
        if target is None:
            raise UserError("this session has no project file yet; use File → Save As")
        save_project(self.session, target)
        changed = target != self.project_path
        self.project_path = target
        self._extra_dirty = False
        self.undo_stack.setClean()
        self._update_dirty()
        if changed:
            self.project_path_changed.emit()
        return target

    def relocate_video(self, camera_id: str, new_path: Path, timebase: Timebase | None = None) -> None:
        """Point a camera at another video file (not undoable; marks the session dirty). Its `timebase` may be
        read beforehand on a worker; otherwise it is read on first use."""
        from fshd_studio.io.project import relocate_video

        assert self.session is not None
        relocate_video(self.session, camera_id, new_path)
        self._timebases.pop(camera_id, None)
        if timebase is not None:
            self._timebases[camera_id] = timebase
        self.video_errors.pop(camera_id, None)
        self.mark_dirty()
        self._recompute_findings(emit=False)
        self.session_loaded.emit()
        self.findings_changed.emit()

    def mark_dirty(self) -> None:
        self._extra_dirty = True
        self._update_dirty()

    def is_dirty(self) -> bool:
        return self._dirty

    def _update_dirty(self) -> None:
        dirty = self.session is not None and (self._extra_dirty or not self.undo_stack.isClean())
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    # ---- time ----------------------------------------------------------------------------------------
    def timebase(self, camera_id: str) -> Timebase | None:
        if self.session is None:
            return None
        if camera_id in self._timebases:
            return self._timebases[camera_id]
        if camera_id in self.video_errors:
            return None
        try:
            cam = self.session.camera(camera_id)
        except KeyError:
            return None
        if not cam.video.is_file():
            self.video_errors[camera_id] = f"video {cam.video} is missing"
            return None
        try:
            tb = load_timebase(cam.video)
        except Exception as exc:  # a damaged file must not stop the window from opening
            log.warning("cannot read video of camera %s: %s", camera_id, exc)
            self.video_errors[camera_id] = f"video {cam.video} cannot be read: {exc}"
            return None
        self._timebases[camera_id] = tb
        return tb

    def video_problem(self, camera_id: str) -> str | None:
        """None when the camera's video can be shown, else what is wrong with it, for the user."""
        if self.timebase(camera_id) is not None:
            return None
        cam = self._require().camera(camera_id)
        return "video missing" if not cam.video.is_file() else "video cannot be read (damaged, or not a video)"

    def session_range_ms(self) -> tuple[float, float]:
        if self.session is None:
            return (0.0, 0.0)
        ends = []
        for cam in self.session.cameras:
            tb = self.timebase(cam.id)
            if tb is not None:
                ends.append(tb.duration_ms - cam.offset_ms)
        ends += [s.span.end_ms for s in self.session.segments.values()]
        return (0.0, max(max(ends, default=0.0), 0.0))

    def _reference(self) -> tuple[float, Timebase] | None:
        if self.session is None:
            return None
        for cam in self.session.cameras:
            tb = self.timebase(cam.id)
            if tb is not None:
                return cam.offset_ms, tb
        return None

    def reference_frame_ms(self) -> float:
        ref = self._reference()
        return ref[1].frame_period_ms if ref else DEFAULT_FRAME_MS

    def snap_ms(self, ms: float) -> float:
        ref = self._reference()
        if ref is None:
            return float(round(ms / DEFAULT_FRAME_MS) * DEFAULT_FRAME_MS)
        offset, tb = ref
        cam_ms = ms + offset
        i = tb.frame_at(cam_ms)
        # nearest frame start, not just the one on screen
        if i + 1 < tb.frame_count and abs(tb.time_of(i + 1) - cam_ms) < abs(cam_ms - tb.time_of(i)):
            i += 1
        return tb.time_of(i) - offset

    # ---- findings ------------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        return list(self._findings)

    def extents(self) -> dict[str, CameraExtent]:
        out: dict[str, CameraExtent] = {}
        for cam in self.session.cameras if self.session else []:
            tb = self.timebase(cam.id)
            if tb is not None:
                out[cam.id] = CameraExtent(tb.duration_ms, tb.fps)
        return out

    def _recompute_findings(self, emit: bool = True) -> None:
        self._findings = validate_session(self.session, self.extents(), self._face_flags()) if self.session else []
        if emit:
            self.findings_changed.emit()

    def _face_flags(self) -> dict[tuple[int, str], tuple[str, ...]]:
        """What preprocessing found about the faces in clips of the current segments (the project's cache)."""
        if self.session is None or self.project_path is None:
            return {}
        from fshd_studio.io.results_file import cache_dir
        from fshd_studio.preprocess.faces import cached_face_flags

        return cached_face_flags(self.session, cache_dir(self.project_path))

    # ---- view state ----------------------------------------------------------------------------------
    def playhead_ms(self) -> float:
        return self._playhead

    def selected(self) -> int:
        return self._selected

    def set_playhead(self, ms: float) -> None:
        lo, hi = self.session_range_ms()
        ms = float(min(max(ms, lo), hi))
        if ms != self._playhead:
            self._playhead = ms
            self.playhead_moved.emit(ms)

    def select(self, exercise_id: int) -> None:
        if exercise_id != self._selected:
            self._selected = int(exercise_id)
            self.selection_changed.emit(self._selected)

    # ---- mutations (only undo commands call these) ---------------------------------------------------
    def set_segments(self, values: dict[int, Segment | None]) -> None:
        """Set (or remove, None) the segments of these exercises: segment_changed for each, then findings_changed
        once (an ELAN import changes fifteen segments; the checks and the checklist run once, not fifteen times)."""
        assert self.session is not None
        for exercise_id, segment in values.items():
            if segment is None:
                self.session.segments.pop(exercise_id, None)
            else:
                self.session.segments[exercise_id] = segment
            self.segment_changed.emit(exercise_id)
        self._recompute_findings()

    def set_offset(self, camera_id: str, offset_ms: float) -> None:
        assert self.session is not None
        self.session.set_offset(camera_id, offset_ms)
        self.offset_changed.emit(camera_id)
        self._recompute_findings()

    def set_elan_link(self, eaf: Path | None, tier: str, lanes: tuple | None) -> None:
        session = self._require()
        session.linked_eaf, session.exercise_tier, self.elan_lanes = eaf, tier, lanes
        self.elan_link_changed.emit()

    def set_properties(self, props: SessionProperties) -> None:
        from fshd_studio.gui.session_properties import apply_properties

        apply_properties(self._require(), props)
        self.properties_changed.emit()
