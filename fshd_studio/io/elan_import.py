"""An ELAN import into an open session, in three steps that the window and the command line share:

1. `parse_for_import(eaf, protocol)`: read the file, its tiers and which one holds the exercises (slow on a
   large file: the window runs it on a worker);
2. `plan_import(parsed, session, tier)`: the segments and offsets the session would get (TierUncertain when
   the file leaves the tier in doubt and none was named), and what that changes (`ImportChanges`);
3. `apply_import(session, plan)`: the command line's mutation (the window pushes one undo step instead).

A segment whose span the file repeats (within a millisecond) is kept as it is (status, annotator, note), so
re-importing an exported file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from fshd_studio.core.errors import ElanError
from fshd_studio.core.protocol import Protocol
from fshd_studio.core.session import Segment, Session
from fshd_studio.io.elan_read import EafDocument, read_eaf
from fshd_studio.io.elan_session import (
    ElanImport, TierChoice, TierView, choose_exercise_tier, import_exercises, other_tiers,
)

SAME_MS = 1.0


@dataclass(frozen=True)
class ParsedEaf:
    """A read .eaf with its tiers (session times) and the exercise-tier decision."""

    path: Path
    doc: EafDocument
    views: tuple[TierView, ...]
    choice: TierChoice
    imported: ElanImport | None = None  # the certain (or named) tier's segments, read with the file


@dataclass(frozen=True)
class ImportChanges:
    added: tuple[int, ...] = ()
    moved: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    kept: tuple[int, ...] = ()
    offsets: tuple[tuple[str, float, float], ...] = ()  # (camera id, old ms, new ms)

    @property
    def replaced(self) -> int:
        """Existing segments the import moves or removes (what the user would lose)."""
        return len(self.moved) + len(self.removed)

    def describe(self) -> str:
        parts = [f"{len(self.moved)} moved", f"{len(self.removed)} removed", f"{len(self.added)} added",
                 f"{len(self.kept)} unchanged"]
        text = ", ".join(parts)
        for cam, old, new in self.offsets:
            text += f"; camera {cam} offset {old:+.0f} → {new:+.0f} ms"
        return text


@dataclass(frozen=True)
class ImportPlan:
    eaf: Path
    tier: str
    segments: dict[int, Segment]  # every segment of the session after the import
    offsets: dict[str, float]  # camera id -> ms, for the cameras whose video the .eaf links
    changes: ImportChanges
    lanes: tuple[TierView, ...]  # the file's other tiers, for display
    warnings: tuple[str, ...] = field(default_factory=tuple)


def parse_for_import(eaf: Path, protocol: Protocol, tier: str | None = None) -> ParsedEaf:
    """Everything slow: read, tiers, the tier decision, and the segments of `tier` or of the certain tier."""
    doc = read_eaf(Path(eaf))
    views = tuple(other_tiers(doc))
    choice = choose_exercise_tier(doc, protocol, list(views))
    parsed = ParsedEaf(Path(eaf).absolute(), doc, views, choice)
    if tier is not None or choice.certain:
        try:
            imported = import_exercises(doc, protocol, tier=tier, views=list(views), choice=choice)
        except ElanError:
            return parsed  # plan_import says what is wrong, on the thread that shows it
        return replace(parsed, imported=imported)
    return parsed


def plan_import(parsed: ParsedEaf, session: Session, tier: str | None = None) -> ImportPlan:
    """What importing `tier` (or the certain exercise tier) would make of the session; raises TierUncertain."""
    imp = parsed.imported
    if imp is None or imp.tier != (tier or parsed.choice.tier):
        imp = import_exercises(parsed.doc, session.protocol, tier=tier, views=list(parsed.views), choice=parsed.choice)
    if not imp.segments:
        raise ElanError(f"{parsed.path} has no exercise annotations on tier {imp.tier!r}; pick another tier or file")
    by_name = {cam.video.name: cam for cam in session.cameras}
    offsets = {by_name[name].id: float(ms) for name, ms in imp.offsets.items() if name in by_name}
    segments: dict[int, Segment] = {}
    added, moved, kept = [], [], []
    for ex_id, seg in imp.segments.items():
        old = session.segments.get(ex_id)
        if old is not None and abs(old.span.start_ms - seg.span.start_ms) <= SAME_MS \
                and abs(old.span.end_ms - seg.span.end_ms) <= SAME_MS:
            segments[ex_id] = old
            kept.append(ex_id)
        else:
            segments[ex_id] = seg
            (added if old is None else moved).append(ex_id)
    removed = sorted(set(session.segments) - set(segments))
    offset_changes = tuple((cam_id, session.camera(cam_id).offset_ms, ms) for cam_id, ms in offsets.items()
                           if abs(session.camera(cam_id).offset_ms - ms) > 1e-6)
    changes = ImportChanges(tuple(sorted(added)), tuple(sorted(moved)), tuple(removed), tuple(sorted(kept)),
                            offset_changes)
    lanes = tuple(v for v in parsed.views if v.name != imp.tier)
    return ImportPlan(parsed.path, imp.tier, segments, offsets, changes, lanes, tuple(imp.warnings))


def apply_import(session: Session, plan: ImportPlan) -> None:
    """Give the session the plan's segments and offsets and link the .eaf (its other tiers kept on export)."""
    session.segments = dict(plan.segments)
    for cam_id, ms in plan.offsets.items():
        session.set_offset(cam_id, ms)
    session.linked_eaf = plan.eaf
    session.exercise_tier = plan.tier
