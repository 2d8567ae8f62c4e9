"""Suggest where the 15 exercises are, from facial motion over the whole recording.

Landmarks are tracked at about 10 frames/s and put in the face frame (head movement removed, unit = IOD).
The neutral face is the median shape of the calmest frames; a frame's expression activity is the mean
displacement from it of the 10 % most displaced landmarks (so a small eyelid movement counts as much as an
open mouth). Runs of activity above a threshold are the moving exercises; they are merged or split until
their number matches the protocol's moving exercises, then given to the exercises in protocol order.
An exercise that moves nothing (e.g. "Rest") is placed in the quiet gap where the order puts it.
Every segment comes back with status SUGGESTED for the annotator to confirm or correct.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.preprocess.asymmetry import face_frame


@dataclass(frozen=True)
class MotionParams:
    sample_fps: float = 10.0
    track_max_side: int = 480
    smooth_s: float = 0.15
    on_level: float = 0.3  # share of the way from the quiet level to the active level that starts a run
    off_level: float = 0.12  # a run extends outwards while activity stays above this share
    min_run_s: float = 0.4


@dataclass(frozen=True)
class MotionTrace:
    times_ms: np.ndarray  # camera time of each sample
    activity: np.ndarray  # expression activity (IOD), NaN-free after interpolation
    found: np.ndarray


def motion_trace(video: Path, *, params: MotionParams = MotionParams(), report: ReportFn = no_report,
                 cancel: threading.Event | None = None) -> MotionTrace:
    """Expression activity over the whole recording."""
    from fshd_studio.io.video import open_video
    from fshd_studio.preprocess.tracking import FaceTracker

    reader = open_video(video)
    tb = reader.timebase
    step = max(1, int(round(tb.fps / params.sample_fps)))
    frames, lms = [], []
    total = (tb.frame_count + step - 1) // step
    with FaceTracker(params.track_max_side) as tracker:
        for k, item in enumerate(reader.iter_frames(0, tb.frame_count, step)):
            idx, rgb = (int(item[0]), item[1]) if isinstance(item, tuple) else (k * step, item)
            if k % 20 == 0:
                check_cancel(cancel)
                report(Progress("motion", k, total))
            frames.append(idx)
            lms.append(tracker.feed(rgb))
    report(Progress("motion", total, total))
    times = tb.pts_ms[np.array(frames, dtype=np.int64)] if frames else np.zeros(0)
    return expression_activity(np.stack(lms) if lms else np.zeros((0, 468, 2)), times, params)


def expression_activity(landmarks: np.ndarray, times_ms: np.ndarray, params: MotionParams) -> MotionTrace:
    f = face_frame(np.asarray(landmarks, np.float64))
    found = np.all(np.isfinite(f[:, :, 0]), axis=1) if len(f) else np.zeros(0, bool)
    act = np.full(len(f), np.nan)
    if found.sum() >= 3:
        good = f[found]
        neutral = np.median(good, axis=0)
        for _ in range(2):  # re-estimate the neutral face from the calmest third of the frames
            disp = _top_displacement(good, neutral)
            neutral = np.median(good[disp <= np.percentile(disp, 33)], axis=0)
        act[found] = _top_displacement(good, neutral)
        act = np.interp(times_ms, times_ms[found], act[found])
        act = _gauss(act, times_ms, params.smooth_s * 1000.0)
    else:
        act = np.zeros(len(f))
    return MotionTrace(times_ms, act, found)


def _top_displacement(f: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    d = np.linalg.norm(f - neutral[None], axis=2)
    k = max(1, d.shape[1] // 10)
    return np.sort(d, axis=1)[:, -k:].mean(axis=1)


def _gauss(x: np.ndarray, t: np.ndarray, sigma: float) -> np.ndarray:
    if len(x) < 2 or sigma <= 0:
        return x
    dt = float(np.median(np.diff(t)))
    r = max(1, int(3 * sigma / dt))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) * dt / sigma) ** 2)
    padded = np.pad(x, r, mode="edge")
    return np.convolve(padded, k / k.sum(), mode="valid")


def active_runs(trace: MotionTrace, count: int, params: MotionParams = MotionParams()) -> list[tuple[int, int]]:
    """`count` runs (sample index start, end inclusive) of expression activity."""
    a = trace.activity
    if len(a) == 0 or count == 0:
        return []
    quiet, busy = np.percentile(a, 10), np.percentile(a, 97)
    level = lambda share: quiet + share * (busy - quiet)  # noqa: E731
    on = a > level(params.on_level)
    runs = _runs(on)
    dt = float(np.median(np.diff(trace.times_ms))) if len(a) > 1 else 100.0
    runs = [r for r in runs if (r[1] - r[0] + 1) * dt >= params.min_run_s * 1000.0] or runs
    runs = [_extend(a, r, level(params.off_level)) for r in runs]
    while len(runs) > count:
        gaps = [runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)]
        i = int(np.argmin(gaps))
        runs[i:i + 2] = [(runs[i][0], runs[i + 1][1])]
    while len(runs) < count:
        i = int(np.argmax([r[1] - r[0] for r in runs]))
        s, e = runs[i]
        if e - s < 4:
            break
        cut = s + 2 + int(np.argmin(a[s + 2:e - 1]))
        runs[i:i + 1] = [(s, cut - 1), (cut + 1, e)]
    return runs


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


def _extend(a: np.ndarray, run: tuple[int, int], floor: float) -> tuple[int, int]:
    s, e = run
    while s > 0 and a[s - 1] > floor and a[s - 1] < a[s] + 1e-9:
        s -= 1
    while e < len(a) - 1 and a[e + 1] > floor and a[e + 1] < a[e] + 1e-9:
        e += 1
    return int(s), int(e)
