"""Suggest where the 15 exercises are, from facial motion over the whole recording.

Landmarks are tracked at about 10 frames/s and put in the face frame (head movement removed, unit = IOD).
The neutral face is the median shape of the calmest frames; a frame's expression activity is the mean
displacement from it of the 10 % most displaced landmarks, each landmark in units of its own jitter in the
calm frames (so pressed lips count as much as an open mouth, and head-sway noise does not). Runs of activity
above the most sensitive threshold that gives a stable count are the moving exercises; pieces of one are
joined and short bursts dropped; missing ones (too faint to see) are placed in the long quiet gaps as many as
fit the rhythm of the others (typical length, usual pause), extra ones merged, until their number matches
the protocol's moving exercises; they go to the exercises in protocol order.
An exercise that moves nothing (e.g. "Rest") is placed in the quiet gap where the order puts it.
Every segment comes back with status SUGGESTED for the annotator to confirm or correct.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
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
    end_ms: float | None = None  # the video's end (camera time); None: half a sample after the last one


def motion_trace(video: Path, *, params: MotionParams = MotionParams(), report: ReportFn = no_report,
                 cancel: threading.Event | None = None) -> MotionTrace:
    """Expression activity over the whole recording."""
    from fshd_studio.io.video import open_video
    from fshd_studio.preprocess.prefetch import prefetch
    from fshd_studio.preprocess.tracking import FaceTracker

    reader = open_video(video)
    tb = reader.timebase
    step = max(1, int(round(tb.fps / params.sample_fps)))
    frames, lms = [], []
    total = (tb.frame_count + step - 1) // step
    with FaceTracker(params.track_max_side) as tracker:
        for k, item in enumerate(prefetch(reader.iter_frames(0, tb.frame_count, step))):
            idx, rgb = (int(item[0]), item[1]) if isinstance(item, tuple) else (k * step, item)
            if k % 20 == 0:
                check_cancel(cancel)
                report(Progress("motion", k, total))
            frames.append(idx)
            lms.append(tracker.feed(rgb))
    report(Progress("motion", total, total))
    times = tb.pts_ms[np.array(frames, dtype=np.int64)] if frames else np.zeros(0)
    trace = expression_activity(np.stack(lms) if lms else np.zeros((0, 468, 2)), times, params)
    return replace(trace, end_ms=tb.duration_ms)


def expression_activity(landmarks: np.ndarray, times_ms: np.ndarray, params: MotionParams) -> MotionTrace:
    f = face_frame(np.asarray(landmarks, np.float64))
    found = np.all(np.isfinite(f[:, :, 0]), axis=1) if len(f) else np.zeros(0, bool)
    act = np.full(len(f), np.nan)
    if found.sum() >= 3:
        good = f[found]
        neutral, calm = np.median(good, axis=0), good
        for _ in range(2):  # re-estimate the neutral face from the calmest third of the frames
            disp = _top_displacement(good, neutral)
            calm = good[disp <= np.percentile(disp, 33)]
            neutral = np.median(calm, axis=0)
        # each landmark in units of its own calm jitter: pressed or puckered lips move a few landmarks a little,
        # which raw distances drown in the head-sway noise of the whole face
        jitter = np.median(np.linalg.norm(calm - neutral[None], axis=2), axis=0) + 1e-6
        act[found] = _top_displacement(good, neutral, jitter)
        act = np.interp(times_ms, times_ms[found], act[found])
        act = _gauss(act, times_ms, params.smooth_s * 1000.0)
    else:
        act = np.zeros(len(f))
    return MotionTrace(times_ms, act, found)


def _top_displacement(f: np.ndarray, neutral: np.ndarray, scale: np.ndarray | None = None) -> np.ndarray:
    d = np.linalg.norm(f - neutral[None], axis=2)
    if scale is not None:
        d = d / scale[None]
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
    runs = _tidy(_best_level(found, count))
    runs = _fit_count(a, runs, count)
    return _grow(a, runs, quiet, params.off_level)


def _best_level(found: list[list[tuple[int, int]]], count: int) -> list[tuple[int, int]]:
    """The most sensitive threshold that sees exactly `count` runs at two levels in a row; else the most
    sensitive whose run count is at most `count` and stable over 3 levels in a row.

    Lower thresholds see fainter exercises; a count that changes from one level to the next is noise.
    Missing runs are filled in afterwards (_fit_count), extra ones never survive this rule.
    """
    counts = [len(f) for f in found]
    for i in range(len(counts) - 1):  # every exercise seen, at two levels in a row: take it (noisier trackers
        if counts[i] == counts[i + 1] == count:  # never give three: 14, 14, 15, 17, 16, ... on one CPU)
            return found[i]
    for i in range(len(counts) - 2):
        if counts[i] == counts[i + 1] == counts[i + 2] and 0 < counts[i] <= count:
            return found[i + 1]
    return found[int(np.argmin(np.abs(np.array(counts) - count) + (np.array(counts) > count) * 0.5))]


def _tidy(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join the pieces of one exercise (together no longer than a typical one, apart by less than the usual
    pause), then drop bursts far shorter than a typical exercise (a blink, a swallow, a word)."""
    if len(runs) < 3:
        return runs
    typical = float(np.median([e - s + 1 for s, e in runs]))
    pause = float(np.median([runs[i + 1][0] - runs[i][1] - 1 for i in range(len(runs) - 1)]))
    out = [list(runs[0])]
    for s, e in runs[1:]:
        if s - out[-1][1] - 1 < pause and e - out[-1][0] + 1 <= 1.3 * typical:
            out[-1][1] = e
        else:
            out.append([s, e])
    return [(s, e) for s, e in out if e - s + 1 >= 0.4 * typical]


def _fit_count(a: np.ndarray, runs: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
    runs = list(runs)
    while len(runs) > count:
        gaps = [runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)]
        i = int(np.argmin(gaps))
        runs[i:i + 2] = [(runs[i][0], runs[i + 1][1])]
    if 1 < len(runs) < count:
        runs = _insert_faint(runs, count - len(runs))
    while 0 < len(runs) < count:
        runs = _split_longest(a, runs)
        if runs is None:
            break
    return runs or []


def _insert_faint(runs: list[tuple[int, int]], missing: int) -> list[tuple[int, int]]:
    """Exercises too faint to see sit in unusually long quiet gaps: as many typical runs as fit the rhythm of
    the others (typical length, usual pause), spread evenly in each gap."""
    length = float(np.median([e - s + 1 for s, e in runs]))
    gaps = [runs[i + 1][0] - runs[i][1] - 1 for i in range(len(runs) - 1)]
    pause = float(np.median(gaps))
    placed = [0] * len(gaps)
    for _ in range(missing):
        room = [(g - pause) / (length + pause) - n for g, n in zip(gaps, placed)]
        i = int(np.argmax(room))
        if room[i] < 0.5:
            break
        placed[i] += 1
    out: list[tuple[int, int]] = []
    for i, run in enumerate(runs):
        out.append(run)
        if i < len(gaps) and placed[i]:
            n = placed[i]
            fit = (gaps[i] - (n + 1) * pause) / n  # the usual pause on either side of each
            d = min(length, fit) if fit > 0 else gaps[i] / (n + 1)
            space = (gaps[i] - n * d) / (n + 1)
            for k in range(n):
                start = int(round(run[1] + 1 + space * (k + 1) + d * k))
                out.append((start, start + int(round(d)) - 1))
    return out


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
