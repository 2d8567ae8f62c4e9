"""Feeds the timeline's motion lane: when a session is shown, the facial motion of its first readable camera
(`preprocess.boundaries.motion_trace`, the signal Suggest segments reads) is computed as a job of the window's
job runner (progress and Cancel in the status bar), then drawn in session time; a change of that camera's
offset moves the curve with it. View → Motion lane turns it off (remembered in the preferences).

Traces are kept in memory for the running app (keyed by the video's path, size and time), so reopening a
session or toggling the lane does not recompute them; nothing is written to disk (patient data).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from fshd_studio.gui.timeline.motion_lane import curve_from_trace

if TYPE_CHECKING:
    from fshd_studio.gui.jobs import Job
    from fshd_studio.gui.main_window import MainWindow

JOB_NAME = "Facial motion"
_CACHE: dict[tuple[str, int, int], Any] = {}  # (path, size, mtime_ns) -> MotionTrace
_CACHE_MAX = 8


def _key(video: Path) -> tuple[str, int, int]:
    st = video.stat()
    return (str(video), st.st_size, st.st_mtime_ns)


class MotionTrack(QObject):
    def __init__(self, win: MainWindow, enabled: bool = True) -> None:
        super().__init__(win)
        self.win = win
        self.enabled = enabled
        self.camera_id: str | None = None
        self.trace: Any = None  # MotionTrace of camera_id
        self.job: Job | None = None
        win.controller.session_loaded.connect(self.refresh)
        win.controller.offset_changed.connect(self._on_offset)
        win.controller.properties_changed.connect(self._draw)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = bool(enabled)
        self.win.timeline.show_motion(self.enabled and self.win.controller.session is not None)
        if self.enabled:
            self.refresh()
        else:
            self._cancel()

    def _camera(self) -> tuple[str, Path] | None:
        session = self.win.controller.session
        for cam in session.cameras if session else []:
            if cam.video.is_file() and self.win.controller.timebase(cam.id) is not None:
                return cam.id, cam.video
        return None

    def refresh(self) -> None:
        """A session was shown (or the lane turned on): compute its motion unless it is known already."""
        self._cancel()
        self.trace, self.camera_id = None, None
        tl = self.win.timeline
        tl.show_motion(self.enabled and self.win.controller.session is not None)
        if not self.enabled or self.win.controller.session is None:
            return
        found = self._camera()
        if found is None:
            tl.set_motion(None, "no readable video: no facial motion to show")
            return
        camera_id, video = found
        cached = _CACHE.get(_key(video))
        if cached is not None:
            self._done(camera_id, cached)
            return
        tl.set_motion(None, "computing facial motion…")
        self.job = self.win.jobs.start(
            JOB_NAME, lambda report, cancel: _trace(video, report, cancel),
            on_done=lambda trace, cid=camera_id, v=video: self._store(cid, v, trace),
            on_error=lambda text: tl.set_motion(None, f"facial motion not available: {text}"),
            on_cancelled=lambda: None,
            on_progress=lambda p: tl.set_motion(None, f"computing facial motion… {int(100 * p.done / p.total)} %"
                                                if p.total else "computing facial motion…"))
        self.job.ended.connect(self._ended)

    def _ended(self) -> None:
        self.job = None

    def _store(self, camera_id: str, video: Path, trace: Any) -> None:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[_key(video)] = trace
        session = self.win.controller.session
        if session is not None and any(c.id == camera_id and c.video == video for c in session.cameras):
            self._done(camera_id, trace)

    def _done(self, camera_id: str, trace: Any) -> None:
        self.job = None
        self.camera_id, self.trace = camera_id, trace
        if not trace.found.any():
            self.win.timeline.set_motion(None, "no face found in this video")
            return
        self._draw()

    def _draw(self) -> None:
        session = self.win.controller.session
        if self.trace is None or session is None or self.camera_id is None:
            return
        cam = session.camera(self.camera_id)
        self.win.timeline.set_motion(curve_from_trace(self.trace.times_ms, self.trace.activity, self.trace.found,
                                                      cam.offset_ms, cam.label or cam.id))

    def _on_offset(self, camera_id: str) -> None:
        if camera_id == self.camera_id:
            self._draw()

    def trace_of(self, camera_id: str, video: Path) -> Any:
        """The motion of this camera's video if it has been computed (shown, or kept from earlier), else None."""
        if self.camera_id == camera_id and self.trace is not None:
            return self.trace
        try:
            return _CACHE.get(_key(video))
        except OSError:
            return None

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()  # ends soon; its result, if any, is for a session no longer shown
        self.job = None


def _trace(video: Path, report, cancel):  # noqa: ANN001, ANN202 - worker side
    from fshd_studio.preprocess.boundaries import motion_trace

    return motion_trace(video, report=report, cancel=cancel)
