"""Read ELAN .eaf files (any version) with lxml, keeping the whole XML tree so that nothing is lost.

Why not pympi: it keys annotations by id (repeated ids, as in the teicorpo files, overwrite each other or land
on the wrong tier), drops REF_LINK_SETs, reads TIME_ORIGIN as a string, and is slower on large files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from fshd_studio.core.errors import ElanError
from fshd_studio.io.elan_check import check_annotations, check_structure, check_tiers, parse_origin, parse_slots


class Annotation(NamedTuple):  # a NamedTuple: built 10^4 times per file, cheaper than a frozen dataclass
    id: str
    value: str
    start_ms: float | None  # None for an unaligned slot (see TierView for interpolated times)
    end_ms: float | None
    ref: str | None = None  # ANNOTATION_REF of a reference annotation
    start_slot: str | None = None
    end_slot: str | None = None


@dataclass(frozen=True)
class Tier:
    name: str
    linguistic_type: str
    parent: str | None
    participant: str
    annotations: tuple[Annotation, ...]


@dataclass(frozen=True)
class Media:
    url: str
    relative_url: str
    mime_type: str
    time_origin_ms: float  # ELAN TIME_ORIGIN as a number (0 when absent)


@dataclass
class EafDocument:
    root: Any  # lxml Element ANNOTATION_DOCUMENT: the full document, kept as read
    path: Path | None
    warnings: list[str] = field(default_factory=list)
    _tiers: list[Tier] | None = None  # built once; the tree is never mutated in place (writers copy it)
    _slots: dict[str, float | None] | None = None

    @property
    def version(self) -> str:
        return str(self.root.get("VERSION", ""))

    def media(self) -> list[Media]:
        out = []
        for m in self.root.iterfind("HEADER/MEDIA_DESCRIPTOR"):
            url = m.get("MEDIA_URL", "")
            out.append(Media(url, m.get("RELATIVE_MEDIA_URL", ""), m.get("MIME_TYPE", ""),
                             parse_origin(m.get("TIME_ORIGIN"), url, self.path)))
        return out

    def slot_times(self) -> dict[str, float | None]:
        """TIME_SLOT_ID -> ms, None for an unaligned slot (a copy: callers may change it)."""
        return dict(self._slot_map())

    def _slot_map(self) -> dict[str, float | None]:
        if self._slots is None:
            self._slots = parse_slots(self.root, self.path)
        return self._slots

    def tier_names(self) -> list[str]:
        return [t.get("TIER_ID", "") for t in self.root.iterfind("TIER")]

    def tiers(self) -> list[Tier]:
        if self._tiers is None:
            slots = self._slot_map()
            self._tiers = [_tier(t, slots) for t in self.root.iterfind("TIER")]
        return self._tiers

    def tier(self, name: str) -> Tier:
        for t in self.tiers():
            if t.name == name:
                return t
        raise KeyError(name)

    def linguistic_type_of(self, tier_name: str) -> str:
        for t in self.root.iterfind("TIER"):
            if t.get("TIER_ID") == tier_name:
                return t.get("LINGUISTIC_TYPE_REF", "")
        raise KeyError(tier_name)


def media_name(url: str) -> str:
    """The file name in a MEDIA_URL or RELATIVE_MEDIA_URL (percent-decoded, / or \\ separators)."""
    from urllib.parse import unquote

    return unquote(url).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _value(a: Any) -> str:
    first = a[0] if len(a) else None
    if first is not None and first.tag == "ANNOTATION_VALUE":
        return first.text or ""
    return a.findtext("ANNOTATION_VALUE") or ""


def _tier(el: Any, slots: dict[str, float | None]) -> Tier:
    anns = []
    get = slots.get
    for a in el.iter("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
        attrib = a.attrib
        if a.tag == "ALIGNABLE_ANNOTATION":
            s1, s2 = attrib.get("TIME_SLOT_REF1"), attrib.get("TIME_SLOT_REF2")
            anns.append(Annotation(attrib.get("ANNOTATION_ID", ""), _value(a), get(s1), get(s2), None, s1, s2))
        else:
            anns.append(Annotation(attrib.get("ANNOTATION_ID", ""), _value(a), None, None,
                                   attrib.get("ANNOTATION_REF")))
    return Tier(el.get("TIER_ID", ""), el.get("LINGUISTIC_TYPE_REF", ""), el.get("PARENT_REF"),
                el.get("PARTICIPANT", ""), tuple(anns))


def read_eaf(path: Path) -> EafDocument:
    """Parse an .eaf file; ElanError names the file and what is wrong."""
    from lxml import etree

    path = Path(path)
    if path.is_dir():
        raise ElanError(f"{path} is a folder, not an ELAN file; choose the .eaf file inside it")
    if not path.is_file():
        raise ElanError(f"ELAN file {path} does not exist; check the path")
    parser = etree.XMLParser(remove_blank_text=False, huge_tree=True, resolve_entities=False, no_network=True)
    try:
        tree = etree.parse(str(path), parser)
        root = tree.getroot()
    except etree.XMLSyntaxError as exc:
        raise ElanError(f"ELAN file {path} is not well-formed XML ({exc.msg}); it may be cut "
                        "short or damaged — open it in ELAN or restore a backup") from exc
    except OSError as exc:
        raise ElanError(f"ELAN file {path} cannot be read ({exc}); check the file's permissions") from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # ELAN never writes one
        entity = next(root.iter(etree.Entity), None)
        if entity is not None:
            raise ElanError(f"ELAN file {path} uses the XML entity {entity.text} with a DOCTYPE, which ELAN never "
                            "writes (entities are not expanded: they could read other files); open it in ELAN and "
                            "save it again")
    if root.tag != "ANNOTATION_DOCUMENT":
        raise ElanError(f"{path} is XML but not an ELAN file (root element <{root.tag}>, expected "
                        "<ANNOTATION_DOCUMENT>); choose an .eaf file saved by ELAN")
    if root.find("TIME_ORDER") is None or root.find("HEADER") is None:
        raise ElanError(f"ELAN file {path} has no HEADER or TIME_ORDER; it is incomplete — re-save it from ELAN")
    doc = EafDocument(root, path)
    _check_references(doc)
    return doc


def _check_references(doc: EafDocument) -> None:
    doc.media()  # refuses a TIME_ORIGIN that is not a number
    units = doc.root.find("HEADER").get("TIME_UNITS", "milliseconds")
    if units != "milliseconds":
        doc.warnings.append(f"TIME_UNITS is {units!r}; times are read as milliseconds, as ELAN does")
    check_structure(doc.root, doc.path)
    check_tiers(doc.root, doc.path)
    doc.warnings.extend(check_annotations(doc.tiers(), doc._slot_map(), doc.path))
