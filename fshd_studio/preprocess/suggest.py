"""`suggest_boundaries`: the 15 exercise segments proposed from facial motion (see boundaries.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import ReportFn, no_report
from fshd_studio.core.protocol import Exercise, Protocol
from fshd_studio.core.session import Segment, SegmentStatus, Session, Span
from fshd_studio.preprocess.boundaries import MotionParams, MotionTrace, active_runs, motion_trace


def moves(ex: Exercise) -> bool:
    """Whether an exercise is expected to move the face (the rest exercise does not)."""
    return ex.measure != "none" or bool(ex.regions)


def segments_from_trace(trace: MotionTrace, protocol: Protocol, offset_ms: float = 0.0,
                        params: MotionParams = MotionParams()) -> list[Segment]:
    """Segments in protocol order (session time = camera time − offset_ms), status SUGGESTED."""
    moving = [ex for ex in protocol.exercises if moves(ex)]
    runs = active_runs(trace, len(moving), params)
    if not runs:
        return []
    t = trace.times_ms
    half = float(np.median(np.diff(t))) / 2.0 if len(t) > 1 else 50.0
    spans = [(float(t[s]) - half, float(t[e]) + half) for s, e in runs]
    spans = spans[: len(moving)]
    typical = float(np.median([b - a for a, b in spans]))
    pauses = [spans[i + 1][0] - spans[i][1] for i in range(len(spans) - 1)]
    pause = max(0.0, float(np.median(pauses))) if pauses else 0.0
    out: list[Segment] = []
    k = 0
    for ex in protocol.exercises:
        if moves(ex):
            if k >= len(spans):
                continue
            a, b = spans[k]
            k += 1
        else:
            lo = spans[k - 1][1] if k > 0 else float(t[0]) - half
            hi = spans[k][0] if k < len(spans) else float(t[-1]) + half
            if hi - lo < 100.0:
                continue
            d = min(typical, hi - lo)
            if k > 0:  # after a moving exercise: the usual pause, then a typical duration
                a = min(lo + pause, hi - d)
                b = a + d
            else:  # before the first moving exercise: end the usual pause before it
                b = max(hi - pause, lo + d)
                a = b - d
        fitted = fit_to_face(a, b, trace, half)
        if fitted is None:
            continue
        a, b = fitted
        out.append(Segment(ex.id, Span(a - offset_ms, b - offset_ms), SegmentStatus.SUGGESTED,
                           note="suggested from facial motion"))
    return out


FACE_GAP_BRIDGED_MS = 1000.0  # a shorter stretch without a face (a blink of the tracker) does not split a span
MIN_SPAN_MS = 100.0


def fit_to_face(a: float, b: float, trace: MotionTrace, half: float) -> tuple[float, float] | None:
    """[a, b) (camera time) cut to the video (never before 0 s, never past its end) and to the longest stretch
    of it in which the face was found; None when nothing of it has a face."""
    t, found = trace.times_ms, trace.found
    end = trace.end_ms if trace.end_ms is not None else (float(t[-1]) + half if len(t) else b)
    a, b = max(a, 0.0, float(t[0]) - half if len(t) else 0.0), min(b, end)
    inside = np.flatnonzero((t + half > a) & (t - half < b) & found)
    if b - a < MIN_SPAN_MS or inside.size == 0:
        return None
    cuts = np.flatnonzero(np.diff(t[inside]) > FACE_GAP_BRIDGED_MS) + 1
    runs = np.split(inside, cuts)
    best = max(runs, key=lambda r: t[r[-1]] - t[r[0]])
    lo, hi = max(a, float(t[best[0]]) - half), min(b, float(t[best[-1]]) + half)
    return (lo, hi) if hi - lo >= MIN_SPAN_MS else None


def suggest_boundaries(source: Session | Path | str, protocol: Protocol | None = None, *,
                       camera_id: str | None = None, report: ReportFn = no_report,
                       cancel: threading.Event | None = None,
                       params: MotionParams = MotionParams(), trace: MotionTrace | None = None) -> list[Segment]:
    """Propose one segment per exercise, in protocol order, from one camera's recording.

    `source` is a session (its first camera unless `camera_id`; times come back in session time) or a
    video file (times in video time; then `protocol` is required). `trace` is that video's motion when the
    caller has it already (the window's motion lane), so the video is not read again.
    """
    if isinstance(source, Session):
        protocol = protocol or source.protocol
        cam = source.camera(camera_id) if camera_id else source.cameras[0]
        video, offset = Path(cam.video), cam.offset_ms
    else:
        video, offset = Path(source), 0.0
    if protocol is None:
        raise UserError("suggesting boundaries for a bare video needs a protocol")
    if not video.is_file():
        raise UserError(f"video {video} does not exist; relocate it in the project")
    if trace is None:
        trace = motion_trace(video, params=params, report=report, cancel=cancel)
    if not trace.found.any():
        raise UserError(f"no face found in {video.name}; exercise boundaries cannot be suggested")
    return segments_from_trace(trace, protocol, offset, params)
