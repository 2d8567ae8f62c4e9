"""Typed results of scoring a session: what the model said per exercise × camera, the votes, the severity
estimate and where it all came from. Pure Python; `to_dict`/`from_dict` give the results file's JSON.

The JSON keeps, for scripts written against the first `infer --json`, one entry per exercise × camera in
"results" with `exercise`, `camera`, `p_fshd` (null when not scored) and `class_probs`.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from fshd_studio.core.metrics import majority_vote
from fshd_studio.core.session import Session

RESULTS_SCHEMA_VERSION = 2
CLASSES = ("fshd_moderate", "fshd_severe", "other_nmd", "control")
CLASS_NAMES = {"fshd_moderate": "FSHD, moderate", "fshd_severe": "FSHD, severe", "other_nmd": "other NMD",
               "control": "control"}
FSHD_CLASSES = ("fshd_moderate", "fshd_severe")
COMBINED = "combined"
VOTE_RULE = ("FSHD when at least half of the scored exercises have P(FSHD) ≥ 0.5 "
             "(a tie counts as FSHD, as in the study)")

# Clip quality flags (preprocessing's words; shown to the user in plain language by FLAG_TEXT).
FLAG_TEXT = {"short": "shorter than the model's input (frames repeated)",
             "padded": "runs past the end of the video (last frame repeated)",
             "several_faces": "several faces in view",
             "no_face": "no face found in part of the clip",
             "face_changed": "the face changes person during the clip",
             "stale": "segment moved since it was scored"}


@dataclass(frozen=True)
class AsymmetrySummary:
    measure: str
    peak_right: float
    peak_left: float
    asymmetry_index: float
    weaker_side: str
    note: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> AsymmetrySummary | None:
        if not d:
            return None
        return cls(str(d.get("measure", "")), float(d.get("peak_right", math.nan)),
                   float(d.get("peak_left", math.nan)), float(d.get("asymmetry_index", math.nan)),
                   str(d.get("weaker_side", "")), str(d.get("note", "")))


@dataclass(frozen=True)
class ExerciseScore:
    exercise_id: int
    camera_id: str
    p_fshd: float | None                      # None: not scored (reason says why)
    class_probs: dict[str, float] = field(default_factory=dict)
    predicted_class: str | None = None
    flags: tuple[str, ...] = ()
    reason: str = ""                          # why not scored, in plain words
    asymmetry: AsymmetrySummary | None = None
    segment_fingerprint: str = ""

    @property
    def scored(self) -> bool:
        return self.p_fshd is not None

    @property
    def says_fshd(self) -> bool | None:
        return None if self.p_fshd is None else self.p_fshd >= 0.5

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise_id, "camera": self.camera_id,
                "p_fshd": None if self.p_fshd is None else round(self.p_fshd, 6),
                "class_probs": {k: round(v, 6) for k, v in self.class_probs.items()},
                "predicted_class": self.predicted_class, "flags": list(self.flags), "reason": self.reason,
                "asymmetry": None if self.asymmetry is None else asdict(self.asymmetry),
                "segment_fingerprint": self.segment_fingerprint}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ExerciseScore:
        p = d.get("p_fshd")
        return cls(int(d["exercise"]), str(d["camera"]), None if p is None else float(p),
                   {str(k): float(v) for k, v in (d.get("class_probs") or {}).items()},
                   d.get("predicted_class"), tuple(d.get("flags") or ()), str(d.get("reason") or ""),
                   AsymmetrySummary.from_dict(d.get("asymmetry")), str(d.get("segment_fingerprint") or ""))


@dataclass(frozen=True)
class CameraVote:
    camera_id: str            # a camera id, or COMBINED for both cameras' exercises together
    fshd_votes: int
    against_votes: int
    rule: str = VOTE_RULE

    @property
    def exercises(self) -> int:
        return self.fshd_votes + self.against_votes

    @property
    def fshd(self) -> bool | None:
        """None when nothing was scored: no verdict rather than a silent 'not FSHD'."""
        if self.exercises == 0:
            return None
        return bool(majority_vote([1] * self.fshd_votes + [0] * self.against_votes))


@dataclass(frozen=True)
class Severity:
    class_probs: dict[str, float]   # mean of the scored clips' class probabilities
    clips: int
    method: str = "mean of the four-class probabilities over every scored exercise of both cameras"

    @property
    def predicted_class(self) -> str | None:
        return max(self.class_probs, key=self.class_probs.__getitem__) if self.clips else None


@dataclass(frozen=True)
class Provenance:
    model_id: str
    weights_sha256: str
    synthetic: bool
    trained_on: str
    model_exercises: tuple[int, ...]
    intended_use: str
    device: str
    backend: str
    precision: str
    app_version: str
    created_at: str                 # ISO 8601, UTC
    segment_fingerprints: dict[int, str] = field(default_factory=dict)
    preprocess_s: float = 0.0       # wall time of this run's preprocessing (0 when every clip was cached)
    model_s: float = 0.0            # wall time of the model
    backend_note: str = ""          # why the back-end or precision is not the one asked for (e.g. a fallback)


@dataclass
class SessionResults:
    scores: list[ExerciseScore]
    votes: list[CameraVote]
    severity: Severity
    provenance: Provenance
    schema_version: int = RESULTS_SCHEMA_VERSION

    def score(self, exercise_id: int, camera_id: str) -> ExerciseScore | None:
        for s in self.scores:
            if s.exercise_id == exercise_id and s.camera_id == camera_id:
                return s
        return None

    def vote(self, camera_id: str) -> CameraVote | None:
        return next((v for v in self.votes if v.camera_id == camera_id), None)

    def why_nothing_scored(self, session: Session, exercises: list[int] | None = None) -> str:
        """The first reason a clip (of `exercises`, default all) was not scored, those with a segment first: a
        missing video says more than "no segment" for an exercise nobody marked."""
        asked = [s for s in self.scores if exercises is None or s.exercise_id in exercises]
        marked = [s for s in asked if s.exercise_id in session.segments]
        return next((s.reason for s in marked + asked if s.reason), "no exercise has a segment")

    def stale_exercises(self, session: Session) -> set[int]:
        """Exercises whose segment (or a camera offset / video) changed since they were scored."""
        return {ex for ex, fp in self.provenance.segment_fingerprints.items()
                if segment_fingerprint(session, ex) != fp}

    def to_dict(self) -> dict[str, Any]:
        prov = asdict(self.provenance)
        prov["model_exercises"] = list(self.provenance.model_exercises)
        prov["segment_fingerprints"] = {str(k): v for k, v in self.provenance.segment_fingerprints.items()}
        return {"schema_version": self.schema_version, "model_id": self.provenance.model_id,
                "model_synthetic": self.provenance.synthetic, "model_trained_on": self.provenance.trained_on,
                "model_exercises": list(self.provenance.model_exercises),
                "disclaimer": self.provenance.intended_use,
                "results": [s.to_dict() for s in self.scores],
                "unusable": [{"exercise": s.exercise_id, "camera": s.camera_id, "reason": s.reason}
                             for s in self.scores if not s.scored],
                "vote": {v.camera_id: {"exercises": v.exercises, "fshd_votes": v.fshd_votes,
                                       "against_votes": v.against_votes, "fshd": v.fshd, "rule": v.rule}
                         for v in self.votes},
                "severity": {"class_probs": {k: round(p, 6) for k, p in self.severity.class_probs.items()},
                             "predicted_class": self.severity.predicted_class, "clips": self.severity.clips,
                             "method": self.severity.method},
                "provenance": prov}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SessionResults:
        pv = dict(d["provenance"])
        pv["model_exercises"] = tuple(int(x) for x in pv.get("model_exercises") or ())
        pv["segment_fingerprints"] = {int(k): str(v) for k, v in (pv.get("segment_fingerprints") or {}).items()}
        known = set(Provenance.__dataclass_fields__)
        votes = [CameraVote(cam, int(v["fshd_votes"]), int(v["against_votes"]), str(v.get("rule", VOTE_RULE)))
                 for cam, v in d.get("vote", {}).items()]
        sv = d.get("severity") or {}
        severity = Severity({str(k): float(p) for k, p in (sv.get("class_probs") or {}).items()},
                            int(sv.get("clips", 0)), str(sv.get("method", Severity.__dataclass_fields__[
                                "method"].default)))
        return cls([ExerciseScore.from_dict(s) for s in d["results"]], votes, severity,
                   Provenance(**{k: v for k, v in pv.items() if k in known}), int(d["schema_version"]))


def votes_of(scores: list[ExerciseScore], cameras: list[str]) -> list[CameraVote]:
    """Per camera and combined (every scored exercise × camera is one vote), by VOTE_RULE."""
    out = []
    for cam in [*cameras, COMBINED]:
        said = [s.says_fshd for s in scores if s.scored and (cam == COMBINED or s.camera_id == cam)]
        out.append(CameraVote(cam, sum(1 for x in said if x), sum(1 for x in said if not x)))
    return out


def severity_of(scores: list[ExerciseScore]) -> Severity:
    scored = [s for s in scores if s.scored and s.class_probs]
    if not scored:
        return Severity({c: 0.0 for c in CLASSES}, 0)
    mean = {c: sum(s.class_probs.get(c, 0.0) for s in scored) / len(scored) for c in CLASSES}
    total = sum(mean.values()) or 1.0
    return Severity({c: p / total for c, p in mean.items()}, len(scored))


def segment_fingerprint(session: Session, exercise_id: int) -> str:
    """What a result depends on in the session: the segment's span, each camera's offset and video."""
    seg = session.segments.get(exercise_id)
    doc = {"exercise": exercise_id,
           "span": None if seg is None else [round(seg.span.start_ms, 1), round(seg.span.end_ms, 1)],
           "cameras": sorted([c.id, round(c.offset_ms, 1), c.video.name] for c in session.cameras)}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]
