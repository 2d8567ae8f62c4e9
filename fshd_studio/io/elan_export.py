"""A Session as an EAF 3.0 document: a media descriptor per camera, the exercise tier, base's other content kept."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Iterator

from fshd_studio.core.protocol import Protocol
from fshd_studio.core.session import Session
from fshd_studio.io.elan_read import EafDocument, media_name
from fshd_studio.io.elan_write import SCHEMA_URL, XSI, insert_in_order, taken_ids, to_eaf30

EXERCISE_TYPE = "fshd-exercise"
EXERCISE_CV = "fshd-exercises"
LANG = "eng"
LANG_DEF = "http://cdb.iso.org/lg/CDB-00138502-001"
TIER_ATTRS = ("PARTICIPANT", "ANNOTATOR", "DEFAULT_LOCALE", "LANG_REF")  # kept when the exercise tier is rewritten
MIME = {".mp4": "video/mp4", ".mov": "video/quicktime", ".avi": "video/x-msvideo", ".mkv": "video/x-matroska"}


def _new_document() -> Any:
    from lxml import etree

    now = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
    root = etree.Element("ANNOTATION_DOCUMENT", nsmap={"xsi": XSI}, AUTHOR="FSHD Studio", DATE=now,
                         FORMAT="3.0", VERSION="3.0")
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_URL)
    etree.SubElement(root, "HEADER", MEDIA_FILE="", TIME_UNITS="milliseconds")
    etree.SubElement(root, "TIME_ORDER")
    return root


def _media(root: Any, session: Session, eaf_dir: Path | None) -> None:
    """One MEDIA_DESCRIPTOR per camera (replacing base's descriptor of the same file), TIME_ORIGIN = offset."""
    from lxml import etree

    header = root.find("HEADER")
    names = {c.video.name for c in session.cameras}
    for m in header.findall("MEDIA_DESCRIPTOR"):
        if media_name(m.get("MEDIA_URL", "") or m.get("RELATIVE_MEDIA_URL", "")) in names:
            header.remove(m)
    for i, cam in enumerate(session.cameras):
        m = etree.Element("MEDIA_DESCRIPTOR", MEDIA_URL=cam.video.absolute().as_uri(),
                          MIME_TYPE=MIME.get(cam.video.suffix.lower(), "video/*"))
        if eaf_dir is not None:
            try:
                m.set("RELATIVE_MEDIA_URL", "./" + Path(os.path.relpath(cam.video, eaf_dir)).as_posix())
            except ValueError:  # another drive on Windows: no relative path exists
                pass
        m.set("TIME_ORIGIN", str(int(round(cam.offset_ms))))
        header.insert(i, m)


def _vocabulary(root: Any, protocol: Protocol) -> dict[int, str]:
    """The protocol's exercises as a controlled vocabulary and a linguistic type using it; exercise id -> CVE_ID."""
    from lxml import etree

    for cv in root.findall("CONTROLLED_VOCABULARY"):
        if cv.get("CV_ID") == EXERCISE_CV:
            root.remove(cv)
    if all(lang.get("LANG_ID") != LANG for lang in root.iterfind("LANGUAGE")):
        insert_in_order(root, etree.Element("LANGUAGE", LANG_DEF=LANG_DEF, LANG_ID=LANG, LANG_LABEL="English (eng)"))
    cv = etree.Element("CONTROLLED_VOCABULARY", CV_ID=EXERCISE_CV)
    desc = etree.SubElement(cv, "DESCRIPTION", LANG_REF=LANG)
    desc.text = f"Exercises of protocol {protocol.id}: {protocol.name}"
    ids = {}
    for ex in protocol.exercises:
        ids[ex.id] = f"cve_{ex.code.lower()}"
        entry = etree.SubElement(cv, "CV_ENTRY_ML", CVE_ID=ids[ex.id])
        val = etree.SubElement(entry, "CVE_VALUE", LANG_REF=LANG, DESCRIPTION=ex.instruction_en)
        val.text = ex.label()
    insert_in_order(root, cv)
    for lt in root.findall("LINGUISTIC_TYPE"):
        if lt.get("LINGUISTIC_TYPE_ID") == EXERCISE_TYPE:
            root.remove(lt)
    insert_in_order(root, etree.Element("LINGUISTIC_TYPE", LINGUISTIC_TYPE_ID=EXERCISE_TYPE, TIME_ALIGNABLE="true",
                                        GRAPHIC_REFERENCES="false", CONTROLLED_VOCABULARY_REF=EXERCISE_CV))
    return ids


@dataclass
class OldTier:
    """What is kept of base's exercise tier: the annotation id that named each exercise, its attributes."""

    ids: dict[int, str] = field(default_factory=dict)  # exercise id -> annotation id
    all_ids: set[str] = field(default_factory=set)
    attrs: dict[str, str] = field(default_factory=dict)
    after: Any = None  # the element the old tier followed: the new one takes its place


def _take_exercise_tier(root: Any, name: str, protocol: Protocol) -> OldTier:
    """Remove base's exercise tier and the time slots only it used; remember which annotation named which
    exercise, for the new tier to reuse its id, so that dependent tiers (notes on an exercise) and links keep
    pointing at the same exercise."""
    old = next((t for t in root.iterfind("TIER") if t.get("TIER_ID") == name), None)
    if old is None:
        return OldTier()
    kept = OldTier(attrs={k: v for k, v in old.attrib.items() if k in TIER_ATTRS}, after=old.getprevious())
    for a in old.iterfind("ANNOTATION/*"):
        kept.all_ids.add(a.get("ANNOTATION_ID"))
        ex = protocol.find_by_label(a.findtext("ANNOTATION_VALUE") or "")
        if ex is not None and ex.id not in kept.ids:
            kept.ids[ex.id] = a.get("ANNOTATION_ID")
    slots = {a.get(r) for a in old.iterfind("ANNOTATION/ALIGNABLE_ANNOTATION") for r in ("TIME_SLOT_REF1",
                                                                                           "TIME_SLOT_REF2")}
    root.remove(old)
    used = {a.get(r) for a in root.iterfind("TIER/ANNOTATION/ALIGNABLE_ANNOTATION")
            for r in ("TIME_SLOT_REF1", "TIME_SLOT_REF2")}
    order = root.find("TIME_ORDER")
    for ts in order.findall("TIME_SLOT"):
        if ts.get("TIME_SLOT_ID") in slots - used:
            order.remove(ts)
    return kept


def _drop_orphans(root: Any, name: str, old: OldTier, written: set[str], notes: list[str]) -> None:
    """Reference annotations (recursively) and links that hang on exercise annotations no longer written."""
    gone = old.all_ids - written
    allowed = {name: written}
    for tier in _tiers_parents_first(root):
        parent = tier.get("PARENT_REF") or ""
        if parent not in allowed:
            continue
        for wrap in list(tier.iterfind("ANNOTATION")):
            ref = wrap.find("REF_ANNOTATION")
            if ref is not None and ref.get("ANNOTATION_REF") not in allowed[parent]:
                gone.add(ref.get("ANNOTATION_ID"))
                tier.remove(wrap)
        allowed[tier.get("TIER_ID")] = {a.get("ANNOTATION_ID") for a in tier.iterfind("ANNOTATION/*")}
    for lk in list(root.iterfind("REF_LINK_SET/*")):
        if {lk.get("REF1"), lk.get("REF2"), *(lk.get("REFS") or "").split()} & gone:
            lk.getparent().remove(lk)
    lost = len(gone - old.all_ids)
    if lost:
        notes.append(f"{lost} annotations of dependent tiers belonged to exercises that no longer have a segment; "
                     "they are not written")


def _tiers_parents_first(root: Any) -> list[Any]:
    tiers = list(root.iterfind("TIER"))
    by_name = {t.get("TIER_ID"): t for t in tiers}
    out: list[Any] = []
    seen: set[str] = set()

    def visit(t: Any) -> None:
        name = t.get("TIER_ID")
        if name in seen:
            return
        seen.add(name)
        parent = by_name.get(t.get("PARENT_REF") or "")
        if parent is not None:
            visit(parent)
        out.append(t)
    for t in tiers:
        visit(t)
    return out


def _fresh_ids(root: Any, prefix: str, reserved: set[str] = frozenset()) -> Iterator[str]:
    taken = taken_ids(root) | set(reserved)
    n = 0
    while True:
        n += 1
        if f"{prefix}{n}" not in taken:
            yield f"{prefix}{n}"


def _exercise_tier(root: Any, session: Session, cve: dict[int, str], old: OldTier) -> set[str]:
    """Write the exercise tier (an exercise keeps the annotation id it had in base); returns the ids written."""
    from lxml import etree

    tier = etree.Element("TIER", LINGUISTIC_TYPE_REF=EXERCISE_TYPE, TIER_ID=session.exercise_tier, **old.attrs)
    order = root.find("TIME_ORDER")
    slot_ids, ann_ids = _fresh_ids(root, "fshd_ts"), _fresh_ids(root, "fshd_a", set(old.ids.values()))
    written: set[str] = set()
    for seg in session.ordered_segments():
        if seg.exercise_id not in cve:
            continue
        refs = []
        for ms in (seg.span.start_ms, seg.span.end_ms):
            refs.append(next(slot_ids))
            etree.SubElement(order, "TIME_SLOT", TIME_SLOT_ID=refs[-1], TIME_VALUE=str(int(round(ms))))
        wrap = etree.SubElement(tier, "ANNOTATION")
        ann_id = old.ids.get(seg.exercise_id) or next(ann_ids)
        written.add(ann_id)
        ann = etree.SubElement(wrap, "ALIGNABLE_ANNOTATION", ANNOTATION_ID=ann_id, CVE_REF=cve[seg.exercise_id],
                               TIME_SLOT_REF1=refs[0], TIME_SLOT_REF2=refs[1])
        etree.SubElement(ann, "ANNOTATION_VALUE").text = session.protocol.by_id(seg.exercise_id).label()
    if old.after is not None and old.after.getparent() is root:
        old.after.addnext(tier)
    else:
        insert_in_order(root, tier)
    return written


def session_to_eaf(session: Session, base: EafDocument | None = None, *,
                   eaf_path: Path | None = None) -> EafDocument:
    """An EAF 3.0 document of the session: base's tiers and settings kept, the exercise tier rewritten.

    `eaf_path` (where the document will be saved) gives the media their RELATIVE_MEDIA_URL.
    """
    notes: list[str] = []
    old = OldTier()
    if base is not None:
        root, notes = to_eaf30(base)
        old = _take_exercise_tier(root, session.exercise_tier, session.protocol)
    else:
        root = _new_document()
    _media(root, session, Path(eaf_path).absolute().parent if eaf_path is not None else None)
    cve = _vocabulary(root, session.protocol)
    written = _exercise_tier(root, session, cve, old)
    _drop_orphans(root, session.exercise_tier, old, written, notes)
    return EafDocument(root, Path(eaf_path) if eaf_path is not None else None, notes)
