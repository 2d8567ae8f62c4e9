"""ELAN .eaf import and export: the public API (lxml underneath; see elan_read.py for why not pympi)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fshd_studio.core.session import Session
from fshd_studio.io.elan_export import session_to_eaf
from fshd_studio.io.elan_read import Annotation, EafDocument, Media, Tier, media_name, read_eaf
from fshd_studio.io.elan_session import ElanImport, TierView, import_exercises, other_tiers
from fshd_studio.io.elan_write import save, write_eaf

__all__ = [
    "Annotation", "EafDocument", "ElanImport", "Media", "Tier", "TierView", "apply_offsets", "eaf_info",
    "import_exercises", "media_name", "other_tiers", "read_eaf", "session_to_eaf", "write_eaf", "write_session_eaf",
]


def write_session_eaf(session: Session, path: Path, base: EafDocument | None = None) -> list[str]:
    """Export the session as EAF 3.0: a media descriptor per camera, the exercise tier, base's tiers kept.

    Returns what had to change in base to get there (upgrade notes, a renamed old exercise tier).
    """
    doc = session_to_eaf(session, base, eaf_path=Path(path))
    save(doc.root, Path(path))
    return list(doc.warnings)


def apply_offsets(session: Session, imported: ElanImport) -> list[str]:
    """Set each camera's offset from the TIME_ORIGIN of the media with the same file name; returns camera ids."""
    changed = []
    for cam in session.cameras:
        if cam.video.name in imported.offsets and imported.offsets[cam.video.name] != cam.offset_ms:
            session.set_offset(cam.id, imported.offsets[cam.video.name])
            changed.append(cam.id)
    return changed


def eaf_info(path: Path) -> dict[str, Any]:
    doc = read_eaf(Path(path))
    tiers = doc.tiers()
    root = doc.root
    return {
        "file": str(path),
        "version": doc.version,
        "author": root.get("AUTHOR", ""),
        "media": [{"url": m.url, "relative_url": m.relative_url, "mime_type": m.mime_type,
                   "offset_ms": m.time_origin_ms} for m in doc.media()],
        "tiers": [{"name": t.name, "linguistic_type": t.linguistic_type, "parent": t.parent,
                   "annotations": len(t.annotations),
                   "reference_annotations": sum(1 for a in t.annotations if a.ref is not None)} for t in tiers],
        "annotations": sum(len(t.annotations) for t in tiers),
        "controlled_vocabularies": [cv.get("CV_ID") for cv in root.iterfind("CONTROLLED_VOCABULARY")],
        "linguistic_types": [lt.get("LINGUISTIC_TYPE_ID") for lt in root.iterfind("LINGUISTIC_TYPE")],
        "ref_link_sets": len(root.findall("REF_LINK_SET")),
        "unaligned_time_slots": sum(1 for v in doc.slot_times().values() if v is None),
        "warnings": list(doc.warnings),
    }
