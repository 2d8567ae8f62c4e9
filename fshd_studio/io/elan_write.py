"""Write EAF 3.0: upgrade older documents, renumber repeated annotation ids, save atomically."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import ElanError
from fshd_studio.io.atomic import atomic_write_bytes
from fshd_studio.io.elan_read import EafDocument

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
# Order of the document's children in the EAF 3.0 schema (xsd:sequence).
ORDER = ("LICENSE", "HEADER", "TIME_ORDER", "TIER", "LINGUISTIC_TYPE", "LOCALE", "LANGUAGE", "CONSTRAINT",
         "CONTROLLED_VOCABULARY", "LEXICON_REF", "REF_LINK_SET", "EXTERNAL_REF")
DEFAULT_LANG = "und"


def insert_in_order(root: Any, el: Any) -> None:
    """Insert a top-level element after the last sibling that the schema puts before or with it."""
    rank = ORDER.index(el.tag)
    last = None
    for child in root:
        if isinstance(child.tag, str) and child.tag in ORDER and ORDER.index(child.tag) <= rank:
            last = child
    if last is None:
        root.insert(0, el)
    else:
        last.addnext(el)


def to_eaf30(doc: EafDocument) -> tuple[Any, list[str]]:
    """A copy of the document's tree in EAF 3.0 form, and what was changed to get there."""
    root = copy.deepcopy(doc.root)
    notes: list[str] = []
    if root.get("VERSION") != "3.0":
        notes.append(f"upgraded from EAF {root.get('VERSION', '?')} to 3.0")
    root.set("VERSION", "3.0")
    root.set("FORMAT", "3.0")
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_URL)
    _upgrade_cvs(root, notes)
    _declare_languages(root, notes)
    _renumber_duplicate_ids(root, notes)
    _drop_dangling_previous(root, notes)
    _whole_milliseconds(root, notes)
    _fix_date(root, notes)
    _reorder(root, notes)
    return root, notes


def _whole_milliseconds(root: Any, notes: list[str]) -> None:
    """EAF 3.0 stores times as whole milliseconds (TIME_VALUE unsignedInt, TIME_ORIGIN long)."""
    n = 0
    for el, attr in [(ts, "TIME_VALUE") for ts in root.iterfind("TIME_ORDER/TIME_SLOT")] + \
                    [(m, "TIME_ORIGIN") for m in root.iterfind("HEADER/*") if m.get("TIME_ORIGIN")]:
        v = el.get(attr)
        if v and not v.lstrip("-").isdigit():  # the reader has already refused anything that is not a number
            el.set(attr, str(int(round(float(v)))))
            n += 1
    if n:
        notes.append(f"{n} times with fractions of a millisecond rounded to whole milliseconds")


DATE_TIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def _fix_date(root: Any, notes: list[str]) -> None:
    """DATE and AUTHOR are required by the schema; DATE must be an xs:dateTime."""
    date = root.get("DATE", "")
    if DATE_TIME.match(date + "T00:00:00"):  # a bare date
        root.set("DATE", date + "T00:00:00")
        notes.append("DATE completed to a date-time")
    elif not DATE_TIME.match(date):
        now = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
        root.set("DATE", now)
        notes.append(f"DATE {date!r} is not a date-time; the time of this conversion is used" if date else
                     "DATE was missing; the time of this conversion is used")
    if root.get("AUTHOR") is None:
        root.set("AUTHOR", "")


def _reorder(root: Any, notes: list[str]) -> None:
    children = [c for c in root if isinstance(c.tag, str)]
    rank = {tag: i for i, tag in enumerate(ORDER)}
    wanted = sorted(children, key=lambda c: rank.get(c.tag, len(ORDER)))
    if wanted != children:
        for c in wanted:
            root.append(c)  # moves the element; relative order within a kind is kept
        notes.append("top-level elements put in schema order")


def _declare_languages(root: Any, notes: list[str]) -> None:
    from lxml import etree

    declared = {lang.get("LANG_ID") for lang in root.iterfind("LANGUAGE")}
    used = {el.get("LANG_REF") for el in root.iterfind("CONTROLLED_VOCABULARY//*") if el.get("LANG_REF")}
    for lang in sorted(used - declared):
        insert_in_order(root, etree.Element("LANGUAGE", LANG_ID=lang))
        notes.append(f"language {lang!r} used by a vocabulary is now declared")


def _language(root: Any) -> str:
    lang = root.find("LANGUAGE")
    if lang is not None:
        return lang.get("LANG_ID", DEFAULT_LANG)
    from lxml import etree

    el = etree.Element("LANGUAGE", LANG_ID=DEFAULT_LANG, LANG_LABEL="undetermined (und)")
    insert_in_order(root, el)
    return DEFAULT_LANG


def _upgrade_cvs(root: Any, notes: list[str]) -> None:
    from lxml import etree

    old = [cv for cv in root.iterfind("CONTROLLED_VOCABULARY")
           if cv.find("CV_ENTRY") is not None or cv.get("DESCRIPTION") is not None]
    if not old:
        return
    lang = _language(root)
    n = 0
    for cv in old:
        desc = cv.attrib.pop("DESCRIPTION", None)
        if desc:
            d = etree.Element("DESCRIPTION", LANG_REF=lang)
            d.text = desc
            cv.insert(0, d)
        for entry in cv.findall("CV_ENTRY"):
            n += 1
            ml = etree.Element("CV_ENTRY_ML", CVE_ID=f"cveid_{n}")
            if entry.get("EXT_REF"):
                ml.set("EXT_REF", entry.get("EXT_REF"))
            val = etree.SubElement(ml, "CVE_VALUE", LANG_REF=lang)
            if entry.get("DESCRIPTION"):
                val.set("DESCRIPTION", entry.get("DESCRIPTION"))
            val.text = entry.text or ""
            entry.addprevious(ml)
            cv.remove(entry)
    notes.append(f"{len(old)} controlled vocabularies converted to the multilingual 3.0 form (language {lang})")


# Attributes of type xsd:ID in EAF 3.0: they share one namespace, so an annotation id may not equal a slot id.
ID_ATTRS = ("TIME_SLOT_ID", "ANNOTATION_ID", "LANG_ID", "EXT_REF_ID", "LEX_REF_ID", "LINK_SET_ID", "REF_LINK_ID",
            "LANGUAGE_CODE", "STEREOTYPE")
NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


def taken_ids(root: Any, skip: str = "") -> set[str]:
    """Every xsd:ID value in the document (except those of attribute `skip`)."""
    return {v for el in root.iter() if isinstance(el.tag, str) for a, v in el.attrib.items()
            if a in ID_ATTRS and a != skip}


def _needs_renumbering(ids: list[str], root: Any) -> str:
    if len(set(ids)) != len(ids):
        return f"{len(ids) - len(set(ids))} repeated annotation ids"
    if set(ids) & taken_ids(root, skip="ANNOTATION_ID"):
        return "annotation ids equal to other ids of the file"
    if not all(NCNAME.match(i or "") for i in ids):
        return "annotation ids that are not valid XML ids"
    return ""


def _renumber_duplicate_ids(root: Any, notes: list[str]) -> None:
    ids = [a.get("ANNOTATION_ID") for a in root.iterfind("TIER/ANNOTATION/*")]
    why = _needs_renumbering(ids, root)
    if not why:
        return
    other = taken_ids(root, skip="ANNOTATION_ID")
    per_tier: dict[str, dict[str, str]] = {}
    first: dict[str, str] = {}
    counter = 0
    tiers = {t.get("TIER_ID"): t for t in root.iterfind("TIER")}
    for name, tier in tiers.items():
        table = per_tier.setdefault(name, {})
        for a in tier.iterfind("ANNOTATION/*"):
            counter += 1
            while f"a{counter}" in other:
                counter += 1
            new, old = f"a{counter}", a.get("ANNOTATION_ID")
            table.setdefault(old, new)
            first.setdefault(old, new)
            a.set("ANNOTATION_ID", new)
    _follow_references(root, tiers, per_tier, first)
    for prop in root.iterfind("HEADER/PROPERTY"):
        if prop.get("NAME") == "lastUsedAnnotationId":
            prop.text = str(counter)
    notes.append(f"{why}: annotations renumbered a1…a{counter}")


def _follow_references(root: Any, tiers: dict[str, Any], per_tier: dict[str, dict[str, str]],
                       first: dict[str, str]) -> None:
    """Point ANNOTATION_REF, PREVIOUS_ANNOTATION and referential links at the renumbered annotations."""
    for name, tier in tiers.items():
        parent = per_tier.get(tier.get("PARENT_REF") or "", {})
        own = per_tier[name]
        for a in tier.iterfind("ANNOTATION/REF_ANNOTATION"):
            ref = a.get("ANNOTATION_REF")
            a.set("ANNOTATION_REF", parent.get(ref) or first.get(ref, ref))
            prev = a.get("PREVIOUS_ANNOTATION")
            if prev:
                a.set("PREVIOUS_ANNOTATION", own.get(prev) or first.get(prev, prev))
    for link in root.iterfind("REF_LINK_SET/*"):
        for attr in ("REF1", "REF2"):
            if link.get(attr) in first:
                link.set(attr, first[link.get(attr)])
        if link.get("REFS"):
            link.set("REFS", " ".join(first.get(r, r) for r in link.get("REFS").split()))


def _drop_dangling_previous(root: Any, notes: list[str]) -> None:
    """PREVIOUS_ANNOTATION must name a reference annotation (schema keyref); a broken one orders nothing."""
    refs = {a.get("ANNOTATION_ID") for a in root.iterfind("TIER/ANNOTATION/REF_ANNOTATION")}
    n = 0
    for a in root.iterfind("TIER/ANNOTATION/REF_ANNOTATION"):
        if a.get("PREVIOUS_ANNOTATION") is not None and a.get("PREVIOUS_ANNOTATION") not in refs:
            del a.attrib["PREVIOUS_ANNOTATION"]
            n += 1
    if n:
        notes.append(f"{n} PREVIOUS_ANNOTATION links to annotations that do not exist removed")


def serialize(root: Any) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def save(root: Any, path: Path) -> None:
    """Write the tree atomically; a failed write leaves no file behind and says which file and why."""
    path = Path(path)
    if path.is_dir():
        raise ElanError(f"{path} is a folder; give the ELAN file to write a name ending in .eaf")
    try:
        atomic_write_bytes(path, serialize(root))
    except OSError as exc:
        raise ElanError(f"cannot write ELAN file {path} ({exc.strerror or exc}); choose a folder you can write "
                        "to") from exc


def write_eaf(doc: EafDocument, path: Path) -> list[str]:
    """Write the document as EAF 3.0 (atomically); returns what the upgrade changed."""
    root, notes = to_eaf30(doc)
    save(root, path)
    return notes
