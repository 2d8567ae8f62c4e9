"""From an ELAN document to a Session: the exercise tier as segments, media offsets, other tiers for display."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import ElanError
from fshd_studio.core.protocol import Protocol
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
    candidates: list[str] = field(default_factory=list)  # tiers that look like an exercise tier


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


def _matches(view: TierView, protocol: Protocol) -> int:
    return sum(1 for _, _, v in view.annotations if protocol.find_by_label(v) is not None)


def _ours(doc: EafDocument) -> set[str]:
    """Tiers of the linguistic type that FSHD Studio writes (or any type using its exercise vocabulary)."""
    types = {lt.get("LINGUISTIC_TYPE_ID") for lt in doc.root.iterfind("LINGUISTIC_TYPE")
             if lt.get("LINGUISTIC_TYPE_ID") == EXERCISE_TYPE or lt.get("CONTROLLED_VOCABULARY_REF") == EXERCISE_CV}
    return {t.get("TIER_ID") for t in doc.root.iterfind("TIER") if t.get("LINGUISTIC_TYPE_REF") in types}


def _choose_tier(doc: EafDocument, candidates: list[str], warnings: list[str]) -> str:
    """Our own exercise tier, else one named like it, else the tier naming most exercises (with a warning)."""
    if not candidates:
        raise ElanError(f"ELAN file {doc.path} has no tier whose values name the protocol's exercises "
                        f"(tiers: {', '.join(doc.tier_names()) or 'none'}); choose the exercise tier by name")
    ours = [n for n in candidates if n in _ours(doc)]
    named = [n for n in candidates if n.strip().lower() in ("exercise", "exercises", "exercice", "exercices")]
    for group in (ours, named):
        if len(group) == 1:
            return group[0]
    if len(candidates) > 1:
        warnings.append(f"several tiers name exercises ({', '.join(candidates)}); {candidates[0]!r} names the "
                        "most and was used — choose the exercise tier by name if that is wrong")
    return candidates[0]


def import_exercises(doc: EafDocument, protocol: Protocol, tier: str | None = None) -> ElanImport:
    """The exercise tier's annotations as segments (times in session ms), media offsets, and what was skipped."""
    views = {v.name: v for v in other_tiers(doc)}
    offsets = {media_name(m.url or m.relative_url): m.time_origin_ms for m in doc.media()}
    scores = {n: _matches(v, protocol) for n, v in views.items()}
    candidates = sorted((n for n in views if scores[n] > 0), key=lambda n: -scores[n])  # stable: document order
    warnings = list(doc.warnings)
    if tier is None:
        tier = _choose_tier(doc, candidates, warnings)
    elif tier not in views:
        raise ElanError(f"ELAN file {doc.path} has no tier {tier!r}; its tiers are {', '.join(views) or 'none'}")
    result = ElanImport({}, tier, offsets, warnings, candidates)
    for start, end, value in views[tier].annotations:
        ex = protocol.find_by_label(value)
        if ex is None:
            result.warnings.append(f"annotation {value!r} at {start:.0f} ms names no exercise of the protocol; skipped")
        elif ex.id in result.segments:
            result.warnings.append(f"exercise {ex.label()} is marked twice; the first mark at "
                                   f"{result.segments[ex.id].span.start_ms:.0f} ms is kept")
        elif end <= start:
            result.warnings.append(f"exercise {ex.label()} has no duration ({start:.0f} ms); skipped")
        else:
            result.segments[ex.id] = Segment(ex.id, Span(start, end), SegmentStatus.DRAFT)
    return result
