"""What a session report says, as typed rows, before any HTML or CSV: the session's facts (names left out
when pseudonymised), one row per exercise × camera, the votes and the severity estimate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from fshd_studio.core.privacy import Pseudonymiser
from fshd_studio.core.results import (CLASS_NAMES, CLASSES, COMBINED, FLAG_TEXT, AsymmetrySummary, CameraVote,
                                      SessionResults, Severity)
from fshd_studio.core.session import Session

DISCLAIMER = "Research use only — not a diagnosis."
SYNTHETIC_BANNER = "SYNTHETIC MODEL — THESE SCORES MEAN NOTHING CLINICALLY"


@dataclass(frozen=True)
class HeatmapStill:
    """One exercise × camera frame with its attention heatmap drawn over it (uint8 RGB)."""

    exercise_id: int
    camera_id: str
    frame_index: int
    image: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class ExerciseRow:
    exercise_id: int
    exercise_name: str
    camera_id: str
    p_fshd: float | None
    predicted_class: str | None
    class_prob: float | None
    class_probs: dict[str, float]
    flags: tuple[str, ...]          # plain words
    asymmetry: AsymmetrySummary | None
    stale: bool
    reason: str                     # why not scored, in plain words

    @property
    def class_name(self) -> str:
        return CLASS_NAMES.get(self.predicted_class or "", self.predicted_class or "")


@dataclass(frozen=True)
class SessionFacts:
    patient: str
    pseudonymised: bool
    visit_date: str
    protocol: str
    cameras: tuple[tuple[str, str, str], ...]     # (id, label, video file name)
    notes: str


@dataclass(frozen=True)
class ReportContent:
    facts: SessionFacts
    rows: list[ExerciseRow]
    votes: list[CameraVote]
    severity: Severity
    results: SessionResults
    stills: list[HeatmapStill]
    scrub: Callable[[str], str] = field(default=lambda s: s, repr=False)   # names out of free text

    @property
    def synthetic(self) -> bool:
        return self.results.provenance.synthetic

    @property
    def scored_exercises(self) -> list[int]:
        return sorted({r.exercise_id for r in self.rows if r.p_fshd is not None})


def privacy_of(session: Session, pseudonymise: bool | Pseudonymiser) -> tuple[Session, Callable[[str], str]]:
    """The session as the report shows it, and the filter for any free text that may carry names."""
    if pseudonymise is False:
        return session, lambda s: s
    if isinstance(pseudonymise, Pseudonymiser):
        p = pseudonymise
    elif not session.patient_id.strip():
        p = Pseudonymiser("(no patient id)", ())
    else:
        from fshd_studio.io.privacy_export import default_pseudonymiser
        p = default_pseudonymiser(session)
    return p.session(session), p.text


def report_content(session: Session, results: SessionResults, *, pseudonymise: bool | Pseudonymiser = False,
                   stills: list[HeatmapStill] | None = None) -> ReportContent:
    shown, scrub = privacy_of(session, pseudonymise)
    stale = results.stale_exercises(session)
    rows = [_row(session, s, ex_stale=s.exercise_id in stale, scrub=scrub)
            for s in sorted(results.scores, key=lambda s: (s.exercise_id, s.camera_id))]
    facts = SessionFacts(shown.patient_id, pseudonymise is not False, shown.visit_date, shown.protocol.name,
                         tuple((c.id, c.label, c.video.name) for c in shown.cameras), shown.notes)
    order = [c.id for c in session.cameras]
    votes = sorted(results.votes, key=lambda v: order.index(v.camera_id) if v.camera_id in order else len(order))
    return ReportContent(facts, rows, votes, results.severity, results, list(stills or []), scrub)


def _row(session: Session, s, *, ex_stale: bool, scrub: Callable[[str], str]) -> ExerciseRow:
    try:
        name = session.protocol.by_id(s.exercise_id).name_en
    except (KeyError, ValueError, LookupError):
        name = f"exercise {s.exercise_id}"
    flags = tuple(FLAG_TEXT.get(f, f.replace("_", " ")) for f in s.flags if f != "stale")
    if ex_stale or "stale" in s.flags:
        flags = (*flags, FLAG_TEXT["stale"])
    prob = s.class_probs.get(s.predicted_class) if s.predicted_class else None
    return ExerciseRow(s.exercise_id, name, s.camera_id, s.p_fshd, s.predicted_class, prob, dict(s.class_probs),
                       flags, s.asymmetry, ex_stale or "stale" in s.flags, scrub(s.reason))


def vote_label(v: CameraVote) -> str:
    return "both cameras" if v.camera_id == COMBINED else f"camera {v.camera_id}"


def verdict_text(v: CameraVote) -> str:
    return {None: "no verdict (nothing scored)", True: "FSHD", False: "not FSHD"}[v.fshd]


def severity_rows(sev: Severity) -> list[tuple[str, float]]:
    return [(CLASS_NAMES[c], float(sev.class_probs.get(c, 0.0))) for c in CLASSES]
