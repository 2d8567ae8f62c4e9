"""Visits of one patient side by side: per exercise P(FSHD), class and asymmetry at each visit, and the change.

Visits are sessions with the same pseudonymous patient id, ordered by visit date. What is compared is
said plainly: visits of different patients are refused, visits scored by different models (or different
weights of one model) are compared only with a warning on every page, since their scores are not on one scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fshd_studio.core.errors import UserError
from fshd_studio.core.results import CLASSES, COMBINED, SessionResults

CHANGE_NOTICE = 0.2   # a change of P(FSHD) at least this large is pointed out as a change


@dataclass(frozen=True)
class Visit:
    session: str          # the project's name
    patient_id: str
    visit_date: str
    results: SessionResults


@dataclass(frozen=True)
class VisitCell:
    p_fshd: float | None               # mean over the cameras that scored the exercise
    predicted_class: str | None        # of the mean class probabilities
    asymmetry_index: float | None      # mean over cameras
    weaker_side: str = ""


@dataclass(frozen=True)
class ExerciseTrend:
    exercise_id: int
    cells: tuple[VisitCell, ...]       # one per visit, in visit order

    @property
    def change(self) -> float | None:
        """P(FSHD) at the last visit that scored it minus the first."""
        vals = [c.p_fshd for c in self.cells if c.p_fshd is not None]
        return vals[-1] - vals[0] if len(vals) >= 2 else None

    @property
    def trend(self) -> str:
        ch = self.change
        if ch is None:
            return "not enough scored visits"
        if abs(ch) < CHANGE_NOTICE:
            return "stable"
        return "higher P(FSHD)" if ch > 0 else "lower P(FSHD)"


@dataclass
class VisitComparison:
    patient_id: str
    visits: list[Visit]
    exercises: list[ExerciseTrend]
    warnings: list[str] = field(default_factory=list)

    def verdicts(self) -> list[str]:
        out = []
        for v in self.visits:
            comb = v.results.vote(COMBINED)
            if comb is None or comb.fshd is None:
                out.append("no verdict")
            else:
                out.append(f"{'FSHD' if comb.fshd else 'not FSHD'} ({comb.fshd_votes} for, {comb.against_votes} "
                           "against)")
        return out


def compare_visits(visits: list[Visit]) -> VisitComparison:
    if len(visits) < 2:
        raise UserError("a comparison needs at least two visits (two scored sessions of one patient)")
    patients = sorted({v.patient_id for v in visits})
    if len(patients) > 1:
        raise UserError(f"these sessions are of different patients ({', '.join(p or '(none)' for p in patients)}); "
                        "compare visits of one patient id")
    ordered = sorted(visits, key=lambda v: (v.visit_date, v.session))
    warnings = []
    models = {(v.results.provenance.model_id, v.results.provenance.weights_sha256) for v in ordered}
    if len(models) > 1:
        names = ", ".join(f"{v.session}: {v.results.provenance.model_id} "
                          f"({v.results.provenance.weights_sha256[:8]})" for v in ordered)
        warnings.append(f"The visits were scored by different models ({names}); their scores are not on one "
                        "scale and a change may come from the model, not the patient. Score them again with "
                        "one model to compare.")
    if any(v.results.provenance.synthetic for v in ordered):
        warnings.append("SYNTHETIC MODEL: at least one visit was scored by a model trained on synthetic data; "
                        "its scores mean nothing clinically.")
    ids = sorted({s.exercise_id for v in ordered for s in v.results.scores})
    trends = [ExerciseTrend(ex, tuple(_cell(v.results, ex) for v in ordered)) for ex in ids]
    return VisitComparison(patients[0], ordered, trends, warnings)


def _cell(results: SessionResults, ex: int) -> VisitCell:
    rows = [s for s in results.scores if s.exercise_id == ex]
    scored = [s for s in rows if s.scored]
    asym = [s.asymmetry for s in rows if s.asymmetry is not None and math.isfinite(s.asymmetry.asymmetry_index)]
    ai = sum(a.asymmetry_index for a in asym) / len(asym) if asym else None
    sides = {a.weaker_side for a in asym if a.weaker_side}
    side = sides.pop() if len(sides) == 1 else ""
    if not scored:
        return VisitCell(None, None, ai, side)
    p = sum(s.p_fshd for s in scored) / len(scored)
    probs = {c: sum(s.class_probs.get(c, 0.0) for s in scored) / len(scored) for c in CLASSES}
    return VisitCell(p, max(probs, key=probs.__getitem__), ai, side)
