"""Suggest where the 15 exercises are, from facial motion over the whole recording.

Landmarks are tracked at about 10 frames/s and put in the face frame (head movement removed, unit = IOD).
The neutral face is the median shape of the calmest frames; a frame's expression activity is the mean
displacement from it of the 10 % most displaced landmarks (so a small eyelid movement counts as much as an
open mouth). Runs of activity above the most sensitive threshold that gives a stable count are the moving
exercises; missing ones (too faint to see) are placed in unusually long quiet gaps, extra ones merged, until
their number matches the protocol's moving exercises; they go to the exercises in protocol order.
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
    off_level: float = 0.1  # a run grows outwards while activity stays above this share of its peak
    min_run_s: float = 0.8  # shorter bursts (blinks, a swallow) are not exercises


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
    """`count` runs (sample index start, end inclusive) of expression activity.

    The threshold is the lowest one that gives a stable count (exercises move the face by very different
    amounts, so no single share of the peak fits them all); a missing exercise is placed in an unusually
    long quiet gap; each run then grows outwards while its activity keeps falling and stays above a share
    of its own peak.
    """
    a = trace.activity
    if len(a) == 0 or count == 0:
        return []
    dt = float(np.median(np.diff(trace.times_ms))) if len(a) > 1 else 100.0
    min_len = max(1, int(round(params.min_run_s * 1000.0 / dt)))
    quiet, busy = float(np.percentile(a, 5)), float(np.percentile(a, 99))
    levels = quiet + (busy - quiet) * np.geomspace(0.03, 0.9, 80)
    found = [[r for r in _runs(a > lv) if r[1] - r[0] + 1 >= min_len] for lv in levels]
    runs = _best_level(found, count)
    runs = _fit_count(a, runs, count)
    return _grow(a, runs, quiet, params.off_level)


def _best_level(found: list[list[tuple[int, int]]], count: int) -> list[tuple[int, int]]:
    """The most sensitive threshold whose run count is at most `count` and stable over 3 levels in a row.

    Lower thresholds see fainter exercises; a count that changes from one level to the next is noise.
    Missing runs are filled in afterwards (_fit_count), extra ones never survive this rule.
    """
    counts = [len(f) for f in found]
    for i in range(len(counts) - 2):
        if counts[i] == counts[i + 1] == counts[i + 2] and 0 < counts[i] <= count:
            return found[i + 1]
    return found[int(np.argmin(np.abs(np.array(counts) - count) + (np.array(counts) > count) * 0.5))]


def _fit_count(a: np.ndarray, runs: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
    runs = list(runs)
    while len(runs) > count:
        gaps = [runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)]
        i = int(np.argmin(gaps))
        runs[i:i + 2] = [(runs[i][0], runs[i + 1][1])]
    while 0 < len(runs) < count:
        runs = _insert_faint(runs) if len(runs) > 1 and _has_room(runs) else _split_longest(a, runs)
        if runs is None:
            break
    return runs or []


def _has_room(runs: list[tuple[int, int]]) -> bool:
    lengths = [e - s + 1 for s, e in runs]
    gaps = [runs[i + 1][0] - runs[i][1] - 1 for i in range(len(runs) - 1)]
    return max(gaps) >= float(np.median(lengths)) + float(np.median(gaps))


def _insert_faint(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An exercise too faint to see sits in an unusually long quiet gap: put a typical run in its middle."""
    length = int(np.median([e - s + 1 for s, e in runs]))
    gaps = [runs[i + 1][0] - runs[i][1] - 1 for i in range(len(runs) - 1)]
    i = int(np.argmax(gaps))
    start = runs[i][1] + 1 + (gaps[i] - length) // 2
    return runs[: i + 1] + [(start, start + length - 1)] + runs[i + 1:]


def _split_longest(a: np.ndarray, runs: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    i = int(np.argmax([r[1] - r[0] for r in runs]))
    s, e = runs[i]
    if e - s < 4:
        return None
    cut = s + 2 + int(np.argmin(a[s + 2:e - 1]))
    return runs[:i] + [(s, cut - 1), (cut + 1, e)] + runs[i + 1:]


def _grow(a: np.ndarray, runs: list[tuple[int, int]], quiet: float, share: float) -> list[tuple[int, int]]:
    """Extend each run down its rising and falling flanks, never into its neighbour's half of the gap."""
    out = []
    for k, (s, e) in enumerate(runs):
        floor = quiet + share * (float(a[s:e + 1].max()) - quiet)
        lo = (runs[k - 1][1] + s) // 2 + 1 if k > 0 else 0
        hi = (e + runs[k + 1][0]) // 2 if k + 1 < len(runs) else len(a) - 1
        while s > lo and a[s - 1] > floor and a[s - 1] <= a[s] + 1e-9:
            s -= 1
        while e < hi and a[e + 1] > floor and a[e + 1] <= a[e] + 1e-9:
            e += 1
        out.append((int(s), int(e)))
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))
