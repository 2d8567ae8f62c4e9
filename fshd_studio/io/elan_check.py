"""Consistency checks on a freshly parsed .eaf: refuse what cannot be read or written back, warn about the rest.

Every refusal is an ElanError that names the file, the element at fault and what to do, so that a damaged file
never crashes the reader (ValueError, KeyError) or produces an export that ELAN cannot open.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import ElanError

RESAVE = "the file is damaged — open it in ELAN, fix it and save it again"
MAX_MS = 4_294_967_295.0  # EAF 3.0 stores times as unsignedInt milliseconds (about 49 days)


def _number(text: str, what: str, path: Path | None) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ElanError(f"ELAN file {path}: {what} is {text!r}, not a number; {RESAVE}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ElanError(f"ELAN file {path}: {what} is {text!r}, not a finite number; {RESAVE}")
    if abs(value) > MAX_MS:
        raise ElanError(f"ELAN file {path}: {what} is {text[:24]!r}, beyond the {MAX_MS:.0f} ms (49 days) an ELAN "
                        f"file can hold; {RESAVE}")
    return value


def parse_slots(root: Any, path: Path | None) -> dict[str, float | None]:
    """TIME_SLOT_ID -> ms (None when unaligned); refuses missing or repeated ids and bad or negative times."""
    order = root.find("TIME_ORDER")
    raw = {ts.get("TIME_SLOT_ID"): ts.get("TIME_VALUE") for ts in order.iterchildren("TIME_SLOT")}  # fast path
    try:
        times = {k: (float(v) if v else None) for k, v in raw.items()}
    except ValueError:
        times = {}
    values = [v for v in times.values() if v is not None]
    if len(times) != order.xpath("count(TIME_SLOT)") or None in times or "" in times or \
            (values and (min(values) < 0 or max(values) > MAX_MS or not math.isfinite(sum(values)))):  # sum is nan/inf if any one is
        return _slots_one_by_one(list(order.iterchildren("TIME_SLOT")), path)
    return times


def _slots_one_by_one(slots: list[Any], path: Path | None) -> dict[str, float | None]:
    """The slow path, taken only for a damaged TIME_ORDER: finds the first bad slot and says which."""
    times: dict[str, float | None] = {}
    for ts in slots:
        sid = ts.get("TIME_SLOT_ID")
        if not sid:
            raise ElanError(f"ELAN file {path} has a time slot without TIME_SLOT_ID; {RESAVE}")
        if sid in times:
            raise ElanError(f"ELAN file {path} has two time slots with the id {sid!r}; {RESAVE}")
        v = ts.get("TIME_VALUE")
        if v in (None, ""):
            times[sid] = None
            continue
        ms = _number(v, f"the time of slot {sid}", path)
        if ms < 0:
            raise ElanError(f"ELAN file {path}: time slot {sid} has a negative time ({v}); {RESAVE}")
        times[sid] = ms
    return times


def parse_origin(value: str | None, url: str, path: Path | None) -> float:
    if value in (None, ""):
        return 0.0
    return _number(value, f"the TIME_ORIGIN of media {url or '(no url)'}", path)


# An annotation wrapper with other than one annotation, or an annotation without exactly one value.
MALFORMED = ("(TIER/*[not(self::ANNOTATION)] | TIER/ANNOTATION[count(*) != 1]"
             " | TIER/ANNOTATION/*[not(self::ALIGNABLE_ANNOTATION or self::REF_ANNOTATION)"
             " or count(*) != 1 or not(ANNOTATION_VALUE)])[1]")


def check_structure(root: Any, path: Path | None) -> None:
    """One HEADER and TIME_ORDER; well-formed annotations; unique type, vocabulary and entry ids."""
    for tag in ("HEADER", "TIME_ORDER"):
        if len(root.findall(tag)) != 1:
            raise ElanError(f"ELAN file {path} has {len(root.findall(tag))} {tag} elements, not one; {RESAVE}")
    bad = [] if _well_formed_annotations(root) else root.xpath(MALFORMED)
    if bad:
        el = bad[0]
        tier = next(a for a in el.iterancestors("TIER"))
        raise ElanError(f"ELAN file {path}: tier {tier.get('TIER_ID')!r} has a malformed annotation "
                        f"(<{el.tag}> on line {el.sourceline}); {RESAVE}")
    for what, xpath, attr in (("linguistic types", "LINGUISTIC_TYPE", "LINGUISTIC_TYPE_ID"),
                              ("controlled vocabularies", "CONTROLLED_VOCABULARY", "CV_ID")):
        _unique(root.iterfind(xpath), attr, f"two {what} named", path)
    for cv in root.iterfind("CONTROLLED_VOCABULARY"):
        _unique(cv.iterfind("CV_ENTRY_ML"), "CVE_ID", f"vocabulary {cv.get('CV_ID')!r} has two entries with id", path)


def _well_formed_annotations(root: Any) -> bool:
    """Counting is ~5x cheaper than MALFORMED's per-annotation predicates (and unions, which sort), and exact:
    every wrapper has a child and there are as many children as wrappers, so each holds one annotation; likewise
    every annotation has a value and there are as many child elements as annotations."""
    return bool(root.xpath(
        "count(TIER/*) = $n and count(TIER/ANNOTATION[*]) = $n and count(TIER/ANNOTATION/*) = $n"
        " and count(TIER/ANNOTATION/ALIGNABLE_ANNOTATION) + count(TIER/ANNOTATION/REF_ANNOTATION) = $n"
        " and count(TIER/ANNOTATION/*[ANNOTATION_VALUE]) = $n and count(TIER/ANNOTATION/*/*) = $n",
        n=root.xpath("count(TIER/ANNOTATION)")))


def _unique(elements: Any, attr: str, what: str, path: Path | None) -> None:
    seen: set[str | None] = set()
    for el in elements:
        key = el.get(attr)
        if key in seen:
            raise ElanError(f"ELAN file {path} has {what} {key!r}; {RESAVE}")
        seen.add(key)


def check_tiers(root: Any, path: Path | None) -> None:
    """Tier names present and unique, linguistic types declared, parents present and acyclic."""
    parents: dict[str, str | None] = {}
    types = {lt.get("LINGUISTIC_TYPE_ID") for lt in root.iterfind("LINGUISTIC_TYPE")}
    for t in root.iterfind("TIER"):
        name = t.get("TIER_ID")
        if not name:
            raise ElanError(f"ELAN file {path} has a tier without a name (TIER_ID); {RESAVE}")
        if name in parents:
            raise ElanError(f"ELAN file {path} has two tiers named {name!r}; rename one in ELAN and try again")
        lt = t.get("LINGUISTIC_TYPE_REF")
        if lt not in types:
            what = f"the undeclared linguistic type {lt!r}" if lt else "no linguistic type"
            raise ElanError(f"ELAN file {path}: tier {name!r} has {what}; {RESAVE}")
        parents[name] = t.get("PARENT_REF") or None
    for name, parent in parents.items():
        if parent is not None and parent not in parents:
            raise ElanError(f"ELAN file {path}: tier {name!r} depends on tier {parent!r}, which does not exist; "
                            f"{RESAVE}")
        seen = {name}
        while parent is not None:
            if parent in seen:
                raise ElanError(f"ELAN file {path}: tier {name!r} is its own ancestor (a cycle of parent tiers); "
                                f"{RESAVE}")
            seen.add(parent)
            parent = parents.get(parent)


def check_annotations(tiers: list[Any], slots: dict[str, float | None], path: Path | None) -> list[str]:
    """Refuses annotations that point nowhere; returns warnings (repeated ids are renumbered on export)."""
    ids_of = {t.name: {a.id for a in t.annotations} for t in tiers}
    for t in tiers:
        for a in t.annotations:
            if not a.id:
                raise ElanError(f"ELAN file {path}: an annotation on tier {t.name!r} has no ANNOTATION_ID; {RESAVE}")
            if a.ref is None:
                for s in (a.start_slot, a.end_slot):
                    if s not in slots:
                        slot = f"time slot {s!r}, which does not exist" if s else "no time slot"
                        raise ElanError(f"ELAN file {path}: annotation {a.id} on tier {t.name!r} refers to {slot}; "
                                        f"{RESAVE}")
            elif t.parent is None:
                raise ElanError(f"ELAN file {path}: tier {t.name!r} holds reference annotations but has no parent "
                                f"tier; {RESAVE}")
            elif a.ref not in ids_of[t.parent]:
                raise ElanError(f"ELAN file {path}: annotation {a.id} on tier {t.name!r} refers to annotation "
                                f"{a.ref!r}, which is not on its parent tier {t.parent!r}; {RESAVE}")
    ids = [a.id for t in tiers for a in t.annotations]
    dups = len(ids) - len(set(ids))
    if dups:
        return [f"{dups} annotation ids are repeated; they are renumbered on export "
                "(references follow their own tier's parent)"]
    return []
