"""Between an ELAN document and a Session: import the exercise tier, export a session (other tiers kept)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import ElanError
from fshd_studio.core.protocol import Protocol
from fshd_studio.core.session import Segment, SegmentStatus, Session, Span
from fshd_studio.io.elan_read import EafDocument
from fshd_studio.io.elan_write import SCHEMA_URL, XSI, insert_in_order, to_eaf30

EXERCISE_TYPE = "fshd-exercise"
EXERCISE_CV = "fshd-exercises"
LANG = "eng"
LANG_DEF = "http://cdb.iso.org/lg/CDB-00138502-001"
MIME = {".mp4": "video/mp4", ".mov": "video/quicktime", ".avi": "video/x-msvideo", ".mkv": "video/x-matroska"}


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


def import_exercises(doc: EafDocument, protocol: Protocol, tier: str | None = None) -> ElanImport:
    views = {v.name: v for v in other_tiers(doc)}
    offsets = {Path(m.url or m.relative_url).name: m.time_origin_ms for m in doc.media()}
    scored = sorted(((_matches(v, protocol), n) for n, v in views.items()), reverse=True)
    candidates = [n for score, n in scored if score > 0]
    if tier is None:
        if not candidates:
            raise ElanError(f"ELAN file {doc.path} has no tier whose values name the protocol's exercises "
                            f"(tiers: {', '.join(views) or 'none'}); choose the exercise tier by name")
        tier = candidates[0]
    elif tier not in views:
        raise ElanError(f"ELAN file {doc.path} has no tier {tier!r}; its tiers are {', '.join(views)}")
    result = ElanImport({}, tier, offsets, list(doc.warnings), candidates)
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


def _new_document() -> Any:
    from lxml import etree

    now = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
    root = etree.Element("ANNOTATION_DOCUMENT", nsmap={"xsi": XSI}, AUTHOR="FSHD Studio", DATE=now,
                         FORMAT="3.0", VERSION="3.0")
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_URL)
    etree.SubElement(root, "HEADER", MEDIA_FILE="", TIME_UNITS="milliseconds")
    etree.SubElement(root, "TIME_ORDER")
    return root


def _media(root: Any, session: Session, eaf_dir: Path) -> None:
    from lxml import etree

    header = root.find("HEADER")
    names = {c.video.name for c in session.cameras}
    for m in header.findall("MEDIA_DESCRIPTOR"):
        if Path(m.get("MEDIA_URL", "") or m.get("RELATIVE_MEDIA_URL", "")).name in names:
            header.remove(m)
    for i, cam in enumerate(session.cameras):
        m = etree.Element("MEDIA_DESCRIPTOR", MEDIA_URL=cam.video.absolute().as_uri(),
                          MIME_TYPE=MIME.get(cam.video.suffix.lower(), "video/*"))
        try:
            m.set("RELATIVE_MEDIA_URL", "./" + Path(os.path.relpath(cam.video, eaf_dir)).as_posix())
        except ValueError:
            pass
        if round(cam.offset_ms):
            m.set("TIME_ORIGIN", str(int(round(cam.offset_ms))))
        header.insert(i, m)


def _vocabulary(root: Any, protocol: Protocol) -> dict[int, str]:
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
    if all(lt.get("LINGUISTIC_TYPE_ID") != EXERCISE_TYPE for lt in root.iterfind("LINGUISTIC_TYPE")):
        insert_in_order(root, etree.Element("LINGUISTIC_TYPE", LINGUISTIC_TYPE_ID=EXERCISE_TYPE,
                                            TIME_ALIGNABLE="true", GRAPHIC_REFERENCES="false",
                                            CONTROLLED_VOCABULARY_REF=EXERCISE_CV))
    return ids


def session_to_eaf(session: Session, eaf_path: Path, base: EafDocument | None = None) -> EafDocument:
    """An EAF 3.0 document of the session: base's tiers and settings kept, the exercise tier rewritten."""
    from lxml import etree

    root = to_eaf30(base)[0] if base is not None else _new_document()
    _media(root, session, Path(eaf_path).absolute().parent)
    cve = _vocabulary(root, session.protocol)
    for t in root.findall("TIER"):
        if t.get("TIER_ID") == session.exercise_tier:
            root.remove(t)
    tier = etree.Element("TIER", LINGUISTIC_TYPE_REF=EXERCISE_TYPE, TIER_ID=session.exercise_tier)
    order = root.find("TIME_ORDER")
    for n, seg in enumerate(session.ordered_segments(), start=1):
        if seg.exercise_id not in cve:
            continue
        for k, ms in ((1, seg.span.start_ms), (2, seg.span.end_ms)):
            etree.SubElement(order, "TIME_SLOT", TIME_SLOT_ID=f"fshd_ts{n}_{k}", TIME_VALUE=str(int(round(ms))))
        wrap = etree.SubElement(tier, "ANNOTATION")
        ann = etree.SubElement(wrap, "ALIGNABLE_ANNOTATION", ANNOTATION_ID=f"fshd_a{n}", CVE_REF=cve[seg.exercise_id],
                               TIME_SLOT_REF1=f"fshd_ts{n}_1", TIME_SLOT_REF2=f"fshd_ts{n}_2")
        etree.SubElement(ann, "ANNOTATION_VALUE").text = session.protocol.by_id(seg.exercise_id).label()
    insert_in_order(root, tier)
    return EafDocument(root, Path(eaf_path))
