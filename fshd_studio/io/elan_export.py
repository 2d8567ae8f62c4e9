"""A Session as an EAF 3.0 document: a media descriptor per camera, the exercise tier, base's other content kept."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Iterator

from fshd_studio.core.protocol import Protocol
from fshd_studio.core.session import Session
from fshd_studio.io.elan_read import EafDocument, media_name
from fshd_studio.io.elan_write import SCHEMA_URL, XSI, insert_in_order, taken_ids, to_eaf30

EXERCISE_TYPE = "fshd-exercise"
EXERCISE_CV = "fshd-exercises"
LANG = "eng"
LANG_DEF = "http://cdb.iso.org/lg/CDB-00138502-001"
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


def _unique_name(root: Any, name: str) -> str:
    taken = {t.get("TIER_ID") for t in root.iterfind("TIER")}
    n = 1
    while f"{name} (previous {n})" in taken:
        n += 1
    return f"{name} (previous {n})"


def _drop_exercise_tier(root: Any, name: str, notes: list[str]) -> None:
    """Remove base's exercise tier and the time slots only it used; keep it renamed if others refer to it."""
    old = next((t for t in root.iterfind("TIER") if t.get("TIER_ID") == name), None)
    if old is None:
        return
    own_ids = {a.get("ANNOTATION_ID") for a in old.iterfind("ANNOTATION/*")}
    children = [t for t in root.iterfind("TIER") if t.get("PARENT_REF") == name]
    linked = [lk for lk in root.iterfind("REF_LINK_SET/*")
              if own_ids & {lk.get("REF1"), lk.get("REF2"), *(lk.get("REFS") or "").split()}]
    if children or linked:
        kept = _unique_name(root, name)
        old.set("TIER_ID", kept)
        for child in children:
            child.set("PARENT_REF", kept)
        notes.append(f"the file's old tier {name!r} has dependent tiers or links; it is kept as {kept!r}")
        return
    slots = {a.get(r) for a in old.iterfind("ANNOTATION/ALIGNABLE_ANNOTATION") for r in ("TIME_SLOT_REF1",
                                                                                           "TIME_SLOT_REF2")}
    root.remove(old)
    used = {a.get(r) for a in root.iterfind("TIER/ANNOTATION/ALIGNABLE_ANNOTATION")
            for r in ("TIME_SLOT_REF1", "TIME_SLOT_REF2")}
    order = root.find("TIME_ORDER")
    for ts in order.findall("TIME_SLOT"):
        if ts.get("TIME_SLOT_ID") in slots - used:
            order.remove(ts)


def _fresh_ids(root: Any, prefix: str) -> Iterator[str]:
    taken = taken_ids(root)
    n = 0
    while True:
        n += 1
        if f"{prefix}{n}" not in taken:
            yield f"{prefix}{n}"


def _exercise_tier(root: Any, session: Session, cve: dict[int, str]) -> None:
    from lxml import etree

    tier = etree.Element("TIER", LINGUISTIC_TYPE_REF=EXERCISE_TYPE, TIER_ID=session.exercise_tier)
    order = root.find("TIME_ORDER")
    slot_ids, ann_ids = _fresh_ids(root, "fshd_ts"), _fresh_ids(root, "fshd_a")
    for seg in session.ordered_segments():
        if seg.exercise_id not in cve:
            continue
        refs = []
        for ms in (seg.span.start_ms, seg.span.end_ms):
            refs.append(next(slot_ids))
            etree.SubElement(order, "TIME_SLOT", TIME_SLOT_ID=refs[-1], TIME_VALUE=str(int(round(ms))))
        wrap = etree.SubElement(tier, "ANNOTATION")
        ann = etree.SubElement(wrap, "ALIGNABLE_ANNOTATION", ANNOTATION_ID=next(ann_ids), CVE_REF=cve[seg.exercise_id],
                               TIME_SLOT_REF1=refs[0], TIME_SLOT_REF2=refs[1])
        etree.SubElement(ann, "ANNOTATION_VALUE").text = session.protocol.by_id(seg.exercise_id).label()
    insert_in_order(root, tier)


def session_to_eaf(session: Session, base: EafDocument | None = None, *,
                   eaf_path: Path | None = None) -> EafDocument:
    """An EAF 3.0 document of the session: base's tiers and settings kept, the exercise tier rewritten.

    `eaf_path` (where the document will be saved) gives the media their RELATIVE_MEDIA_URL.
    """
    notes: list[str] = []
    if base is not None:
        root, notes = to_eaf30(base)
        _drop_exercise_tier(root, session.exercise_tier, notes)
    else:
        root = _new_document()
    _media(root, session, Path(eaf_path).absolute().parent if eaf_path is not None else None)
    cve = _vocabulary(root, session.protocol)
    _exercise_tier(root, session, cve)
    return EafDocument(root, Path(eaf_path) if eaf_path is not None else None, notes)
