"""Which source frames feed the model: the study's snippet rule on a reference-rate time grid.

Snippet k (0…7) uses grid steps 32k … 32k+31, taking every 2nd (16 frames). The grid starts at the first
frame of the segment and advances 1/reference_fps; each step takes the source frame nearest in time,
never past the segment's last frame (short exercises repeat it). See params.py for the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fshd_studio.core.timebase import Timebase
from fshd_studio.preprocess.params import PreprocessParams


@dataclass(frozen=True)
class ClipFrames:
    """The source frames of one exercise in one camera."""

    first: int  # first frame of the segment (index in the camera video)
    last: int  # last frame of the segment (inclusive)
    grid: np.ndarray  # (grid_steps,) source frame of each reference-rate step, clamped to `last`
    real_steps: int  # grid steps that fall inside the segment (the rest repeat the last frame)

    @property
    def short(self) -> bool:
        return self.real_steps < self.grid.size

    @property
    def frame_count(self) -> int:
        return self.last - self.first + 1


def segment_frames(timebase: Timebase, start_ms: float, end_ms: float) -> tuple[int, int] | None:
    """First and last frame shown in [start_ms, end_ms) of camera time, or None if none is."""
    frames = timebase.frames_in(start_ms, end_ms)
    if len(frames) == 0:
        return None
    return frames[0], frames[-1]


def nearest_frames(timebase: Timebase, times_ms: np.ndarray) -> np.ndarray:
    """The source frame whose timestamp is nearest to each time (ties go to the earlier frame)."""
    pts = timebase.pts_ms
    right = np.clip(np.searchsorted(pts, times_ms, side="left"), 0, pts.size - 1)
    left = np.clip(right - 1, 0, pts.size - 1)
    take_left = np.abs(times_ms - pts[left]) <= np.abs(pts[right] - times_ms) + 1e-6
    return np.where(take_left, left, right).astype(np.int64)


def clip_frames(timebase: Timebase, first: int, last: int, params: PreprocessParams,
                steps: int | None = None) -> ClipFrames:
    """Map the reference-rate grid of a segment onto source frames (`steps` defaults to 256)."""
    n = params.grid_steps if steps is None else steps
    t0 = timebase.time_of(first)
    times = t0 + np.arange(n, dtype=np.float64) * 1000.0 / params.reference_fps
    end_ms = timebase.time_of(last) + timebase.frame_period_ms / 2.0
    real = int(np.count_nonzero(times < end_ms))
    grid = np.minimum(nearest_frames(timebase, times), last)
    return ClipFrames(first=first, last=last, grid=grid, real_steps=real)


def snippet_steps(params: PreprocessParams) -> np.ndarray:
    """(snippets, snippet_frames) grid steps: row k = 32k, 32k+2, …, 32k+30."""
    span = params.snippet_frames * params.frame_stride
    k = np.arange(params.snippets)[:, None] * span
    j = np.arange(params.snippet_frames)[None, :] * params.frame_stride
    return (k + j).astype(np.int64)


def snippet_frame_indices(clip: ClipFrames, params: PreprocessParams) -> np.ndarray:
    """(8, 16) source frame indices of the model input."""
    return clip.grid[snippet_steps(params)]


def full_grid_steps(clip: ClipFrames, timebase: Timebase, params: PreprocessParams) -> ClipFrames:
    """The grid over the whole segment (for landmarks and asymmetry), at least the 256 snippet steps."""
    seconds = (timebase.time_of(clip.last) - timebase.time_of(clip.first)) / 1000.0
    steps = max(params.grid_steps, int(np.floor(seconds * params.reference_fps)) + 1)
    return clip_frames(timebase, clip.first, clip.last, params, steps)
