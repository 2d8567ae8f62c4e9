"""Session checks, reported as a list of findings (never raised), and THE rule of what makes a clip valid.

One truth about clip validity: the protocol checklist (through `validate_session`) and preprocessing (through
`clip_timing`, and the face checks of preprocess/clip.py, whose flags `validate_session` reads back) use the
same rule, so they agree on every state: outside video, padded, too short, no face, several faces, face changed.

The rule is time-based, because the model samples by time: the first 8 snippets of 16 frames taken every 2nd
step of a 30 steps/s grid, i.e. 256 steps spanning MODEL_WINDOW_MS = 255/30 s = 8.5 s from the segment's start,
whatever the camera's frame rate (9 s at 25 fps is long enough; 5 s at 60 fps is not).

A segment that runs past the end of its video is not refused: preprocessing repeats the video's last frame
exactly as it does for a short exercise, so the clip is scored and flagged `padded` — but only when the video
ends inside the 8.5 s the model reads (past them, the model sees nothing missing, so nothing is flagged). What
has no frame at the segment's start (it begins before the video, or after its end) is refused as outside video:
the model's window would not start where the exercise starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from fshd_studio.core.session import Session

# The study's model input: the first 8 snippets of 16 frames taken every 2nd frame = 256 source frames.
SNIPPETS = 8
SNIPPET_FRAMES = 16
FRAME_STRIDE = 2
MODEL_SOURCE_FRAMES = SNIPPETS * SNIPPET_FRAMES * FRAME_STRIDE
REFERENCE_FPS = 30.0  # the snippets' time grid (preprocess/params.py PreprocessParams.reference_fps)
MODEL_WINDOW_MS = (MODEL_SOURCE_FRAMES - 1) * 1000.0 / REFERENCE_FPS  # 8500 ms: first to last grid step


class FindingKind(str, Enum):
    MISSING = "missing"
    OVERLAP = "overlap"
    OUTSIDE_VIDEO = "outside_video"
    TOO_SHORT = "too_short"
    PADDED = "padded"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    FACE_CHANGED = "face_changed"
    UNKNOWN_EXERCISE = "unknown_exercise"
    VIDEO_MISSING = "video_missing"


# clip flags (core/results.py FLAG_TEXT names) -> the finding the checklist shows
FLAG_FINDINGS = {"short": FindingKind.TOO_SHORT, "padded": FindingKind.PADDED, "no_face": FindingKind.NO_FACE,
                 "several_faces": FindingKind.SEVERAL_FACES, "face_changed": FindingKind.FACE_CHANGED}


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


@dataclass(frozen=True)
class ClipTiming:
    """The time rule's verdict on one segment in one camera."""

    outside: str  # why no clip can be made ("" when one can)
    flags: tuple[str, ...]  # "short", "padded"
    messages: tuple[str, ...]  # one sentence per flag, for the user


def clip_timing(start_ms: float, end_ms: float, video_ms: float, frame_ms: float = 0.0,
                window_ms: float = MODEL_WINDOW_MS) -> ClipTiming:
    """Camera-time segment [start_ms, end_ms) against a video of `video_ms`; `frame_ms` is the tolerance at the
    video's start (a segment snapped to another camera's frames may begin a fraction of a frame before 0)."""
    if end_ms <= 0 or start_ms >= video_ms:
        return ClipTiming(f"{start_ms / 1000:.2f}–{end_ms / 1000:.2f} s lies outside the video "
                          f"(0–{video_ms / 1000:.2f} s); check the sync offset", (), ())
    if start_ms < -max(frame_ms, 1e-6):
        return ClipTiming(f"starts {-start_ms / 1000:.2f} s before the video begins, so the model would not see "
                          "the exercise's start; check the sync offset or move the segment", (), ())
    flags, messages = [], []
    if end_ms - start_ms < window_ms:
        flags.append("short")
        messages.append(f"lasts {(end_ms - start_ms) / 1000:.1f} s; the model reads {window_ms / 1000:.1f} s "
                        "(8 snippets × 16 frames, every 2nd, at 30 steps/s), so its last frame is repeated")
    if end_ms > video_ms and video_ms - start_ms < window_ms:
        flags.append("padded")
        messages.append(f"runs {(end_ms - video_ms) / 1000:.1f} s past the end of the video; the model's "
                        f"{window_ms / 1000:.1f} s end after it, so the video's last frame is repeated")
    return ClipTiming("", tuple(flags), tuple(messages))


def validate_session(session: Session, extents: dict[str, CameraExtent] | None = None,
                     clip_flags: dict[tuple[int, str], tuple[str, ...]] | None = None) -> list[Finding]:
    """Check segments against the protocol and, when extents are given, against each camera's video.

    `clip_flags` ((exercise id, camera id) -> flags) are what preprocessing found in clips of the current
    segments (faces); the time flags are always computed here, by the same rule preprocessing uses.
    """
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
    findings += _overlaps(ordered)
    for cam in session.cameras:
        ext = (extents or {}).get(cam.id)
        if extents is not None and ext is None:
            findings.append(Finding(FindingKind.VIDEO_MISSING, f"camera {cam.id}: video {cam.video} is missing",
                                    camera_id=cam.id))
            continue
        if ext is None:
            continue
        for seg in ordered:
            timing = clip_timing(cam.camera_ms(seg.span.start_ms), cam.camera_ms(seg.span.end_ms),
                                 ext.duration_ms, 1000.0 / ext.fps if ext.fps > 0 else 0.0)
            if timing.outside:
                findings.append(Finding(FindingKind.OUTSIDE_VIDEO, f"exercise {seg.exercise_id} in camera {cam.id}: "
                                        f"{timing.outside}", seg.exercise_id, cam.id))
                continue
            for flag, message in zip(timing.flags, timing.messages):
                findings.append(Finding(FLAG_FINDINGS[flag], f"exercise {seg.exercise_id} in camera {cam.id} "
                                        f"{message}", seg.exercise_id, cam.id))
    for (ex_id, cam_id), flags in (clip_flags or {}).items():
        for flag in flags:
            if flag in FLAG_FINDINGS and flag not in ("short", "padded") and ex_id in session.segments:
                findings.append(Finding(FLAG_FINDINGS[flag], f"exercise {ex_id} in camera {cam_id}: "
                                        f"{FACE_TEXT[flag]}", ex_id, cam_id))
    return findings


FACE_TEXT = {"no_face": "no face found in part of the clip (preprocessing)",
             "several_faces": "several faces in view (preprocessing); the model may look at the wrong one",
             "face_changed": "the face changes person during the clip (preprocessing)"}


def _overlaps(ordered: list) -> list[Finding]:
    out = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.span.start_ms >= a.span.end_ms:
                break
            out.append(Finding(
                FindingKind.OVERLAP,
                f"exercises {a.exercise_id} and {b.exercise_id} overlap "
                f"({max(a.span.start_ms, b.span.start_ms):.0f}–{min(a.span.end_ms, b.span.end_ms):.0f} ms)",
                a.exercise_id,
            ))
            out.append(Finding(FindingKind.OVERLAP, f"exercises {b.exercise_id} and {a.exercise_id} overlap",
                               b.exercise_id))
    return out
