"""Playback clock and stepping: the playhead moves by elapsed wall time × speed; late frames are dropped.

The clock never waits for frames: it sets the playhead, the camera views request the matching frames,
and each camera's FrameLoader decodes only the newest request. So a slow decoder shows fewer frames,
never a lagging picture. Looping the selected segment wraps the playhead from its end to its start.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal

from fshd_studio.core.session import Span
from fshd_studio.core.timebase import Timebase

SPEEDS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
TICK_MS = 15


def reference_camera(controller: Any) -> tuple[str, Timebase] | None:
    """The first camera that has a readable video: frame steps and frame numbers follow it."""
    session = controller.session
    if session is None:
        return None
    for cam in session.cameras:
        tb = controller.timebase(cam.id)
        if tb is not None:
            return cam.id, tb
    return None


def frame_step_target(controller: Any, playhead_ms: float, n: int) -> float:
    """Session time of the reference camera's frame `n` frames away from the one shown at `playhead_ms`."""
    ref = reference_camera(controller)
    if ref is None:
        return playhead_ms
    cam_id, tb = ref
    offset = controller.session.camera(cam_id).offset_ms
    index = tb.frame_at(playhead_ms + offset) + n
    index = max(0, min(tb.frame_count - 1, index))
    return tb.time_of(index) - offset


class PlaybackClock(QObject):
    """Drives `controller.set_playhead` from a precise QTimer while playing."""

    playing_changed = Signal(bool)
    speed_changed = Signal(float)
    loop_changed = Signal(bool)

    def __init__(self, controller: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._speed = 1.0
        self._loop = False
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._wall = QElapsedTimer()
        self._anchor_ms = 0.0
        self._last_set: float | None = None

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def loop(self) -> bool:
        return self._loop

    def set_speed(self, speed: float) -> None:
        speed = float(min(max(speed, SPEEDS[0]), SPEEDS[-1]))
        if speed == self._speed:
            return
        if self.playing:
            self._reanchor(self.controller.playhead_ms())
        self._speed = speed
        self.speed_changed.emit(speed)

    def set_loop(self, on: bool) -> None:
        if on != self._loop:
            self._loop = on
            self.loop_changed.emit(on)

    def play(self) -> None:
        if self.playing or self.controller.session is None:
            return
        start = self.controller.playhead_ms()
        span = self.loop_span()
        _, end = self.controller.session_range_ms()
        if span is not None and not span.start_ms <= start < span.end_ms:
            start = span.start_ms
        elif start >= end:
            start = self.controller.session_range_ms()[0]
        self._reanchor(start)
        if start != self.controller.playhead_ms():
            self._set(start)
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def loop_span(self) -> Span | None:
        if not self._loop or self.controller.session is None:
            return None
        seg = self.controller.session.segments.get(self.controller.selected())
        return seg.span if seg is not None else None

    def position_after(self, elapsed_ms: float) -> tuple[float, bool]:
        """Where the playhead goes `elapsed_ms` of wall time after the anchor; and whether playback ends."""
        ms = self._anchor_ms + elapsed_ms * self._speed
        span = self.loop_span()
        if span is not None and ms >= span.end_ms:
            ms = span.start_ms + (ms - span.start_ms) % span.duration_ms
            return ms, False
        _, end = self.controller.session_range_ms()
        if ms >= end:
            return end, True
        return ms, False

    def _reanchor(self, ms: float) -> None:
        self._anchor_ms = ms
        self._wall.restart()

    def _set(self, ms: float) -> None:
        self._last_set = ms
        self.controller.set_playhead(ms)

    def _tick(self) -> None:
        current = self.controller.playhead_ms()
        if self._last_set is not None and abs(current - self._last_set) > 1e-6:
            self._reanchor(current)  # someone scrubbed or stepped while playing: continue from there
        ms, ended = self.position_after(float(self._wall.elapsed()))
        span = self.loop_span()
        if span is not None and ms < self._anchor_ms:
            self._reanchor(ms)  # wrapped around the loop
        self._set(ms)
        if ended:
            self.pause()
