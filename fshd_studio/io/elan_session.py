"""From an ELAN document to a Session: the exercise tier as segments, media offsets, other tiers for display."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import ElanError
from fshd_studio.core.protocol import Exercise, Protocol
from fshd_studio.core.session import Segment, SegmentStatus, Span
from fshd_studio.io.elan_read import EafDocument, media_name
from fshd_studio.io.elan_export import EXERCISE_CV, EXERCISE_TYPE


@dataclass(frozen=True)
class TierView:
    """A tier for display: every annotation with session times (unaligned slots interpolated)."""

    name: str
    parent: str | None
    annotations: tuple[tuple[float, float, str], ...]


@dataclass
class ElanImport:
    segments: dict[int, Segment]
    tier: str
    offsets: dict[str, float]  # media file name -> TIME_ORIGIN ms
    warnings: list[str] = field(default_factory=list)
    candidates: tuple[TierCandidate, ...] = ()  # tiers that look like an exercise tier, likeliest first


def interpolated_slot_times(doc: EafDocument) -> dict[str, float]:
    """Every slot's time; unaligned slots get times interpolated between their aligned neighbours."""
    order = [(ts.get("TIME_SLOT_ID"), ts.get("TIME_VALUE")) for ts in doc.root.iterfind("TIME_ORDER/TIME_SLOT")]
    known = [(i, float(v)) for i, (_, v) in enumerate(order) if v not in (None, "")]
    out: dict[str, float] = {}
    k = 0
    for i, (sid, v) in enumerate(order):
        if v not in (None, ""):
            out[sid] = float(v)
            continue
        while k < len(known) and known[k][0] < i:
            k += 1
        prev = known[k - 1] if k > 0 else (i, known[0][1] if known else 0.0)
        nxt = known[k] if k < len(known) else (i, prev[1])
        span = nxt[0] - prev[0]
        out[sid] = prev[1] + (nxt[1] - prev[1]) * ((i - prev[0]) / span if span else 0.0)
    return out


def other_tiers(doc: EafDocument, exclude: str | None = None) -> list[TierView]:
    slots = interpolated_slot_times(doc)
    times: dict[tuple[str, str], tuple[float, float]] = {}
    by_name = {t.get("TIER_ID"): t for t in doc.root.iterfind("TIER")}
    views = {}
    for name in _parents_first(by_name):
        el = by_name[name]
        parent = el.get("PARENT_REF")
        rows = []
        for a in el.iterfind("ANNOTATION/*"):
            if a.tag == "ALIGNABLE_ANNOTATION":
                se = (slots.get(a.get("TIME_SLOT_REF1"), 0.0), slots.get(a.get("TIME_SLOT_REF2"), 0.0))
            else:
                se = times.get((parent or "", a.get("ANNOTATION_REF", "")), (0.0, 0.0))
            times.setdefault((name, a.get("ANNOTATION_ID", "")), se)
            rows.append((se[0], se[1], a.findtext("ANNOTATION_VALUE") or ""))
        views[name] = TierView(name, parent, tuple(rows))
    return [views[n] for n in by_name if n != exclude]


def _parents_first(by_name: dict[str, Any]) -> list[str]:
    done: list[str] = []
    seen: set[str] = set()

    def visit(n: str, depth: int = 0) -> None:
        if n in seen or depth > 50:
            return
        parent = by_name[n].get("PARENT_REF")
        if parent in by_name:
            visit(parent, depth + 1)
        seen.add(n)
        done.append(n)
    for n in by_name:
        visit(n)
    return done


def _ours(doc: EafDocument) -> set[str]:
    """Tiers of the linguistic type that FSHD Studio writes (or any type using its exercise vocabulary)."""
    types = {lt.get("LINGUISTIC_TYPE_ID") for lt in doc.root.iterfind("LINGUISTIC_TYPE")
             if lt.get("LINGUISTIC_TYPE_ID") == EXERCISE_TYPE or lt.get("CONTROLLED_VOCABULARY_REF") == EXERCISE_CV}
    return {t.get("TIER_ID") for t in doc.root.iterfind("TIER") if t.get("LINGUISTIC_TYPE_REF") in types}


EXERCISE_TIER_NAMES = ("exercise", "exercises", "exercice", "exercices", "exercise tier", "fshd exercise",
                       "fshd exercises", "exercises (fshd)")
CERTAIN_SHARE = 0.8  # of a tier's annotations that must name exercises for its content to decide


@dataclass(frozen=True)
class TierCandidate:
    """A tier that could hold the exercise segments, and what makes it look like one."""

    name: str
    exercises: int  # annotations whose value names an exercise of the protocol
    annotations: int  # all annotations of the tier
    distinct: int  # different exercises named
    numbers_only: bool  # every naming value is a bare number ("1", "001"), as in a tier of counts or glosses
    ours: bool  # of the linguistic type / vocabulary that FSHD Studio writes
    named: bool  # its name says it holds exercises
    parent: str | None = None

    @property
    def share(self) -> float:
        return self.exercises / self.annotations if self.annotations else 0.0

    def describe(self) -> str:
        what = f"{self.exercises} of {self.annotations} annotations name exercises"
        if self.numbers_only:
            what += " (bare numbers only)"
        return f"{self.name!r}: {what}" + (f", depends on {self.parent!r}" if self.parent else "")


@dataclass(frozen=True)
class TierChoice:
    """The exercise tier when the file leaves no doubt (`tier`), else why not and the tiers to choose from."""

    tier: str | None
    candidates: tuple[TierCandidate, ...]
    reason: str = ""

    @property
    def certain(self) -> bool:
        return self.tier is not None


class TierUncertain(ElanError):
    """The exercise tier cannot be decided without the user; carries the candidates to ask about."""

    def __init__(self, message: str, choice: TierChoice) -> None:
        super().__init__(message)
        self.choice = choice


def label_lookup(protocol: Protocol) -> Callable[[str], Exercise | None]:
    """protocol.find_by_label, remembered per value: a tier of words repeats its values thousands of times."""
    return functools.lru_cache(maxsize=None)(protocol.find_by_label)


def _candidate(view: TierView, find: Callable[[str], Exercise | None], ours: set[str]) -> TierCandidate:
    named_ids, numbers = [], True
    for _, _, value in view.annotations:
        ex = find(value)
        if ex is not None:
            named_ids.append(ex.id)
            numbers = numbers and value.strip().isdigit()
    return TierCandidate(view.name, len(named_ids), len(view.annotations), len(set(named_ids)),
                         numbers and bool(named_ids), view.name in ours,
                         view.name.strip().lower() in EXERCISE_TIER_NAMES, view.parent)


def _content_decides(c: TierCandidate) -> bool:
    """Values that name exercises by code or name (not bare numbers), nearly all of them, few repeats."""
    return not c.numbers_only and c.share >= CERTAIN_SHARE and c.exercises <= 2 * c.distinct


def choose_exercise_tier(doc: EafDocument, protocol: Protocol, views: list[TierView] | None = None) -> TierChoice:
    """Which tier holds the exercises: certain only for one tier of our own type, or one tier named like an
    exercise tier whose values name exercises, or the one tier whose values name exercises by code or name.

    Bare numbers ("1", "001") name exercise ids but are as likely counts, glosses or word indices: a tier of
    them is never taken without asking.
    """
    ours = _ours(doc)
    find = label_lookup(protocol)
    found = [_candidate(v, find, ours) for v in (views if views is not None else other_tiers(doc))]
    cands = tuple(sorted((c for c in found if c.exercises > 0), key=lambda c: (-c.ours, -c.named, -c.exercises)))
    if not cands:
        return TierChoice(None, (), "no tier has values that name the protocol's exercises "
                                    f"(tiers: {', '.join(c.name for c in found) or 'none'})")
    for group in ([c for c in cands if c.ours], [c for c in cands if c.named and c.share >= CERTAIN_SHARE],
                  [c for c in cands if _content_decides(c)]):
        if len(group) == 1:
            return TierChoice(group[0].name, cands)
        if len(group) > 1:
            return TierChoice(None, cands, "several tiers could hold the exercises")
    if len(cands) == 1 and cands[0].numbers_only:
        return TierChoice(None, cands, f"tier {cands[0].name!r} names exercises only by bare numbers")
    return TierChoice(None, cands, "no tier is clearly the exercise tier")


def import_exercises(doc: EafDocument, protocol: Protocol, tier: str | None = None,
                     views: list[TierView] | None = None, choice: TierChoice | None = None) -> ElanImport:
    """The exercise tier's annotations as segments (times in session ms), media offsets, and what was skipped.

    Without `tier` the file must leave no doubt which tier holds the exercises (choose_exercise_tier); else
    TierUncertain is raised with the candidates, for the window to ask and the command line to name.
    `views` (other_tiers(doc)) and `choice` (choose_exercise_tier) may be passed when already computed.
    """
    by_name = {v.name: v for v in (views if views is not None else other_tiers(doc))}
    offsets = {media_name(m.url or m.relative_url): m.time_origin_ms for m in doc.media()}
    choice = choice or choose_exercise_tier(doc, protocol, list(by_name.values()))
    if tier is None:
        if choice.tier is None:
            names = "; ".join(c.describe() for c in choice.candidates) or "none"
            raise TierUncertain(f"ELAN file {doc.path}: {choice.reason}; choose the exercise tier "
                                f"(candidates: {names})", choice)
        tier = choice.tier
    elif tier not in by_name:
        raise ElanError(f"ELAN file {doc.path} has no tier {tier!r}; its tiers are {', '.join(by_name) or 'none'}")
    result = ElanImport({}, tier, offsets, list(doc.warnings), choice.candidates)
    strays = []
    find = label_lookup(protocol)
    for start, end, value in by_name[tier].annotations:
        ex = find(value)
        if ex is None:
            strays.append(f"{value!r} at {start:.0f} ms")
        elif ex.id in result.segments:
            result.warnings.append(f"exercise {ex.label()} is marked twice; the first mark at "
                                   f"{result.segments[ex.id].span.start_ms:.0f} ms is kept")
        elif end <= start:
            result.warnings.append(f"exercise {ex.label()} has no duration ({start:.0f} ms); skipped")
        else:
            result.segments[ex.id] = Segment(ex.id, Span(start, end), SegmentStatus.DRAFT)
    if strays:
        result.warnings.append(f"{len(strays)} annotations name no exercise of the protocol and were skipped "
                               f"({', '.join(strays[:3])}{', …' if len(strays) > 3 else ''})")
    return result
