"""A recording session: patient (pseudonymous), cameras with their sync offsets, one segment per exercise.

Time convention (the same as ELAN's TIME_ORIGIN): session time 0 is shown at media time `offset_ms`
of each camera, so `camera_ms = session_ms + camera.offset_ms`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from fshd_studio.core.protocol import Protocol


@dataclass(frozen=True)
class Span:
    """A half-open interval [start_ms, end_ms) in session time."""

    start_ms: float
    end_ms: float

    def __post_init__(self) -> None:
        if not self.end_ms > self.start_ms:
            raise ValueError(f"span end {self.end_ms} must be after start {self.start_ms}")

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms

    def overlaps(self, other: Span) -> bool:
        return self.start_ms < other.end_ms and other.start_ms < self.end_ms

    def shifted(self, delta_ms: float) -> Span:
        return Span(self.start_ms + delta_ms, self.end_ms + delta_ms)


class SegmentStatus(str, Enum):
    SUGGESTED = "suggested"  # proposed by motion analysis, not yet seen by a person
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    UNUSABLE = "unusable"  # e.g. patient out of frame; excluded from scoring


@dataclass(frozen=True)
class Segment:
    exercise_id: int
    span: Span
    status: SegmentStatus = SegmentStatus.DRAFT
    annotator: str = ""
    note: str = ""


@dataclass(frozen=True)
class Camera:
    id: str
    video: Path  # absolute in memory; stored relative to the project file
    offset_ms: float = 0.0
    label: str = ""

    def camera_ms(self, session_ms: float) -> float:
        return session_ms + self.offset_ms

    def session_ms(self, camera_ms: float) -> float:
        return camera_ms - self.offset_ms


@dataclass
class Session:
    patient_id: str
    visit_date: str  # ISO date, e.g. 2026-11-24
    protocol: Protocol
    cameras: list[Camera]
    segments: dict[int, Segment] = field(default_factory=dict)
    protocol_file: str = "fshd-15"  # bundled protocol id, or a path relative to the project file
    linked_eaf: Path | None = None  # the imported .eaf whose other tiers are kept on export
    exercise_tier: str = "Exercise"
    notes: str = ""
    annotator: str = ""  # who segments this session; segments made in the app carry it

    def camera(self, camera_id: str) -> Camera:
        for cam in self.cameras:
            if cam.id == camera_id:
                return cam
        raise KeyError(camera_id)

    def with_camera(self, camera: Camera) -> None:
        self.cameras = [camera if c.id == camera.id else c for c in self.cameras]

    def set_offset(self, camera_id: str, offset_ms: float) -> None:
        self.with_camera(replace(self.camera(camera_id), offset_ms=float(offset_ms)))

    def ordered_segments(self) -> list[Segment]:
        return sorted(self.segments.values(), key=lambda s: (s.span.start_ms, s.exercise_id))
