"""Map between time and frame index from a video's real frame timestamps (variable frame rate aware)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Timebase:
    """Presentation times (ms, ascending, first usually 0) of every frame of one video.

    Frame i is on screen from pts[i] until pts[i+1]; the last frame lasts one nominal frame period.
    """

    pts_ms: np.ndarray

    def __post_init__(self) -> None:
        pts = np.asarray(self.pts_ms, dtype=np.float64)
        if pts.ndim != 1 or pts.size == 0:
            raise ValueError("a timebase needs at least one frame timestamp")
        if np.any(np.diff(pts) <= 0):
            raise ValueError("frame timestamps must be strictly increasing")
        object.__setattr__(self, "pts_ms", pts)
        # the median period is asked for on every frame step: compute it once
        period = float(np.median(np.diff(pts))) if pts.size >= 2 else 1000.0 / 30.0
        object.__setattr__(self, "_period_ms", period)

    @classmethod
    def constant(cls, frame_count: int, fps: float, start_ms: float = 0.0) -> Timebase:
        return cls(start_ms + np.arange(frame_count, dtype=np.float64) * 1000.0 / fps)

    @property
    def frame_count(self) -> int:
        return int(self.pts_ms.size)

    @property
    def frame_period_ms(self) -> float:
        return self._period_ms  # type: ignore[attr-defined]

    @property
    def fps(self) -> float:
        return 1000.0 / self.frame_period_ms

    @property
    def duration_ms(self) -> float:
        return float(self.pts_ms[-1] + self.frame_period_ms)

    @property
    def is_variable(self) -> bool:
        if self.frame_count < 3:
            return False
        d = np.diff(self.pts_ms)
        return bool(d.max() - d.min() > 0.5)

    def time_of(self, frame: int) -> float:
        return float(self.pts_ms[int(np.clip(frame, 0, self.frame_count - 1))])

    def frame_at(self, ms: float) -> int:
        """The frame on screen at time `ms` (clamped to the video)."""
        i = int(np.searchsorted(self.pts_ms, ms + 1e-6, side="right")) - 1
        return int(np.clip(i, 0, self.frame_count - 1))

    def frames_in(self, start_ms: float, end_ms: float) -> range:
        """Frames whose presentation time falls in [start_ms, end_ms)."""
        a = int(np.searchsorted(self.pts_ms, start_ms - 1e-6, side="left"))
        b = int(np.searchsorted(self.pts_ms, end_ms - 1e-6, side="left"))
        return range(a, max(a, b))

    def contains(self, ms: float) -> bool:
        return self.pts_ms[0] <= ms < self.duration_ms
