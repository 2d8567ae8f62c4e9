"""ELAN import and export for the window: which tiers could hold the exercises, apply an import as one
undo step, export the session (other tiers of the linked .eaf kept)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import ElanError, UserError
from fshd_studio.core.session import Segment, Session


@dataclass
class ImportPlan:
    eaf: Path
    tier: str
    segments: dict[int, Segment]
    offsets: dict[str, float]  # camera_id -> ms, for the cameras whose video the .eaf links
    warnings: list[str] = field(default_factory=list)


def candidate_tiers(doc: Any, session: Session) -> list[tuple[str, int]]:
    """(tier, number of exercise segments it yields) for every tier whose values name exercises."""
    from fshd_studio.io.elan import import_exercises

    try:
        names = list(import_exercises(doc, session.protocol).candidates)
    except (ElanError, ValueError, KeyError):
        return []
    out = []
    for name in names:
        try:
            out.append((name, len(import_exercises(doc, session.protocol, tier=name).segments)))
        except (ElanError, ValueError, KeyError):
            continue
    return [(n, k) for n, k in out if k > 0]


def _as_dict(segments: Any) -> dict[int, Segment]:
    if isinstance(segments, dict):
        return dict(segments)
    return {s.exercise_id: s for s in segments}


def plan_import(doc: Any, eaf: Path, session: Session, tier: str | None) -> ImportPlan:
    from fshd_studio.io.elan import import_exercises

    imp = import_exercises(doc, session.protocol, tier=tier)
    offsets: dict[str, float] = {}
    by_name = {cam.video.name: cam.id for cam in session.cameras}
    for media, ms in (imp.offsets or {}).items():
        cam_id = by_name.get(Path(str(media)).name)
        if cam_id is not None:
            offsets[cam_id] = float(ms)
    segments = _as_dict(imp.segments)
    if not segments:
        raise UserError(f"{eaf} has no exercise annotations on tier {imp.tier!r}; pick another tier or file")
    return ImportPlan(eaf, imp.tier, segments, offsets, list(imp.warnings or []))


def read_doc(eaf: Path) -> Any:
    from fshd_studio.io.elan import read_eaf

    return read_eaf(eaf)


def export_eaf(session: Session, target: Path) -> None:
    from fshd_studio.io.elan import write_session_eaf

    base = read_doc(session.linked_eaf) if session.linked_eaf and session.linked_eaf.is_file() else None
    if base is not None:
        base = _without_tier(base, session.exercise_tier)
    write_session_eaf(session, target, base=base)


def _without_tier(doc: Any, tier_name: str) -> Any:
    """A copy of `doc` without the exercise tier and the time slots only it used.

    Work-around: io.elan.session_to_eaf drops the old exercise tier of its base but keeps that tier's time
    slots, whose ids (fshd_ts…) then clash with the new ones when the base was itself written by us (an
    invalid EAF: duplicate TIME_SLOT_ID). A no-op for documents without that tier.
    """
    import copy

    from fshd_studio.io.elan import EafDocument

    root = doc.root
    tiers = [t for t in root.iterfind("TIER") if t.get("TIER_ID") == tier_name]
    if not tiers:
        return doc
    root = copy.deepcopy(root)
    for t in [t for t in root.iterfind("TIER") if t.get("TIER_ID") == tier_name]:
        root.remove(t)
    used = {v for a in root.iter("ALIGNABLE_ANNOTATION") for v in (a.get("TIME_SLOT_REF1"), a.get("TIME_SLOT_REF2"))}
    order = root.find("TIME_ORDER")
    if order is not None:
        for slot in [s for s in order.iterfind("TIME_SLOT") if s.get("TIME_SLOT_ID") not in used]:
            order.remove(slot)
    return EafDocument(root, doc.path, list(doc.warnings))


def lane_tiers(doc: Any, exercise_tier: str) -> list[Any]:
    """The tiers shown as read-only lanes: every tier but the exercise tier."""
    from fshd_studio.io.elan import other_tiers

    return list(other_tiers(doc, exclude=exercise_tier))
