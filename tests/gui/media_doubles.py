"""Helpers for the media and timeline tests: the real SessionController on a small session, and a
sequential PyAV reader used where `fshd_studio.io.video` is not available."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fshd_studio.core.session import Camera, Segment, Session
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


def make_controller(videos: dict[str, Path], offsets: dict[str, float] | None = None,
                    segments: dict[int, Segment] | None = None):
    """The real SessionController with a session of these cameras (id -> video) and segments."""
    from fshd_studio.gui.controller import SessionController

    offsets = offsets or {}
    cams = [Camera(cid, Path(p), offsets.get(cid, 0.0), label=cid) for cid, p in videos.items()]
    session = Session("P001", "2026-11-24", load_protocol("fshd-15", Path.cwd()), cams, dict(segments or {}))
    ctl = SessionController()
    ctl.set_session(session, None)
    return ctl
