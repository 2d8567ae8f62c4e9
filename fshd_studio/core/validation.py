"""Session checks: reported as a list of findings, never raised."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from fshd_studio.core.session import Session

# The study's model input: the first 8 snippets of 16 frames taken every 2nd frame = 256 source frames.
SNIPPETS = 8
SNIPPET_FRAMES = 16
FRAME_STRIDE = 2
MODEL_SOURCE_FRAMES = SNIPPETS * SNIPPET_FRAMES * FRAME_STRIDE


class FindingKind(str, Enum):
    MISSING = "missing"
    OVERLAP = "overlap"
    OUTSIDE_VIDEO = "outside_video"
    TOO_SHORT = "too_short"
    UNKNOWN_EXERCISE = "unknown_exercise"
    VIDEO_MISSING = "video_missing"


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    message: str
    exercise_id: int | None = None
    camera_id: str | None = None


@dataclass(frozen=True)
class CameraExtent:
    """What validation needs to know of a camera's video: its length and frame rate."""

    duration_ms: float
    fps: float


def validate_session(session: Session, extents: dict[str, CameraExtent] | None = None) -> list[Finding]:
    """Check segments against the protocol and, when extents are given, against each camera's video."""
    findings: list[Finding] = []
    known = set(session.protocol.ids())
    for ex in session.protocol.exercises:
        if ex.id not in session.segments:
            findings.append(Finding(FindingKind.MISSING, f"exercise {ex.label()} has no segment", ex.id))
    for ex_id in session.segments:
        if ex_id not in known:
            findings.append(Finding(FindingKind.UNKNOWN_EXERCISE,
                                    f"segment for exercise {ex_id}, which the protocol does not list", ex_id))
    ordered = session.ordered_segments()
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.span.start_ms >= a.span.end_ms:
                break
            findings.append(Finding(
                FindingKind.OVERLAP,
                f"exercises {a.exercise_id} and {b.exercise_id} overlap "
                f"({max(a.span.start_ms, b.span.start_ms):.0f}–{min(a.span.end_ms, b.span.end_ms):.0f} ms)",
                a.exercise_id,
            ))
            findings.append(Finding(FindingKind.OVERLAP, f"exercises {b.exercise_id} and {a.exercise_id} overlap",
                                    b.exercise_id))
    for cam in session.cameras:
        ext = (extents or {}).get(cam.id)
        if extents is not None and ext is None:
            findings.append(Finding(FindingKind.VIDEO_MISSING, f"camera {cam.id}: video {cam.video} is missing",
                                    camera_id=cam.id))
            continue
        if ext is None:
            continue
        for seg in ordered:
            start = cam.camera_ms(seg.span.start_ms)
            end = cam.camera_ms(seg.span.end_ms)
            if start < 0 or end > ext.duration_ms + 1e-6:
                findings.append(Finding(
                    FindingKind.OUTSIDE_VIDEO,
                    f"exercise {seg.exercise_id} ({start:.0f}–{end:.0f} ms in camera {cam.id}) is outside its "
                    f"video (0–{ext.duration_ms:.0f} ms)", seg.exercise_id, cam.id))
            frames = seg.span.duration_ms * ext.fps / 1000.0
            if frames < MODEL_SOURCE_FRAMES:
                findings.append(Finding(
                    FindingKind.TOO_SHORT,
                    f"exercise {seg.exercise_id} covers {frames:.0f} frames in camera {cam.id}; the model reads "
                    f"{MODEL_SOURCE_FRAMES} (8 snippets × 16 frames × every 2nd); the last snippets repeat frames",
                    seg.exercise_id, cam.id))
    return findings
