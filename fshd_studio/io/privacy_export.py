"""Pseudonymised exports: an ELAN file and a project copy (with its videos) where no patient name remains.

The names are replaced by core.privacy's Pseudonymiser; this module only writes files (atomically). The
pseudonym key lives in the user data folder, so one patient gets the same pseudonym in every export.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import UserError
from fshd_studio.core.logsetup import user_data_dir
from fshd_studio.core.privacy import Pseudonymiser, pseudonym_for
from fshd_studio.core.session import Session
from fshd_studio.io.atomic import atomic_path, atomic_write_bytes

KEY_FILE = "pseudonym.key"
NAME_ATTRS = ("PARTICIPANT", "ANNOTATOR", "AUTHOR")
NUMERIC_ATTRS = ("TIME_VALUE", "TIME_ORIGIN")


def pseudonym_key() -> bytes:
    """The installation's secret for pseudonyms (made once, 32 random bytes, readable by its owner only)."""
    path = user_data_dir() / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    atomic_write_bytes(path, key)
    os.chmod(path, 0o600)
    return key


def default_pseudonymiser(session: Session, pseudonym: str | None = None,
                          extra_names: tuple[str, ...] = ()) -> Pseudonymiser:
    if not pseudonym and not session.patient_id.strip():
        raise UserError("the session has no patient id to make a pseudonym from; give the pseudonym to use")
    return Pseudonymiser.for_session(session, pseudonym or pseudonym_for(session.patient_id, pseudonym_key()),
                                     extra_names)


def scrub_eaf(root: Any, p: Pseudonymiser) -> None:
    """In place: media URLs reduced to their pseudonymised file name, names in attributes and values replaced."""
    header = root.find("HEADER")
    seen: set[str] = set()
    for m in list(header.iterfind("MEDIA_DESCRIPTOR")) if header is not None else ():
        for attr in ("MEDIA_URL", "RELATIVE_MEDIA_URL", "EXTRACTED_FROM"):
            url = m.get(attr)
            if url:
                name = p.file_name(url.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1])
                m.set(attr, f"./{name}" if attr == "RELATIVE_MEDIA_URL" else name)
        if m.get("MEDIA_URL") in seen:  # the base's descriptor of a camera video, under its old name
            header.remove(m)
        seen.add(m.get("MEDIA_URL", ""))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, value in el.attrib.items():
            if attr in NUMERIC_ATTRS or value.strip().isdigit():  # times and counters are never names
                continue
            if attr in NAME_ATTRS or (value and p.has_names(value)):
                el.set(attr, p.text(value) if attr != "AUTHOR" else "")
        if el.text and not el.text.strip().isdigit() and p.has_names(el.text):
            el.text = p.text(el.text)


def export_pseudonymised_eaf(session: Session, path: Path, p: Pseudonymiser, base: Any = None) -> Path:
    """Write the session's EAF under a name without names; returns the path written."""
    from fshd_studio.io.elan import session_to_eaf
    from fshd_studio.io.elan_write import save

    path = Path(path)
    path = path.with_name(p.file_name(path.name))
    doc = session_to_eaf(p.session(session, path.parent), base, eaf_path=path)
    scrub_eaf(doc.root, p)
    save(doc.root, path)
    return path


@dataclass
class PseudonymisedCopy:
    project: Path
    eaf: Path
    videos: list[Path]


def export_pseudonymised_project(session: Session, out: Path, p: Pseudonymiser,
                                 copy_videos: bool = True) -> PseudonymisedCopy:
    """A project copy in `out`: project file, videos (copied under names without names) and an EAF."""
    from fshd_studio.io.project import PROJECT_SUFFIX, save_project

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file; give a folder for the pseudonymised copy")
    out.mkdir(parents=True, exist_ok=True)
    copy = p.session(session, out)
    videos = []
    if copy_videos:
        for src, dst in zip((c.video for c in session.cameras), (c.video for c in copy.cameras)):
            if not src.is_file():
                raise UserError(f"video {src} does not exist; relocate it before exporting a copy")
            with atomic_path(dst, suffix=dst.suffix + ".tmp") as tmp:  # never a half-copied video
                shutil.copyfile(src, tmp)
            videos.append(dst)
    base = None
    if session.linked_eaf is not None and session.linked_eaf.is_file():
        from fshd_studio.io.elan import read_eaf

        base = read_eaf(session.linked_eaf)  # its other tiers are kept, their names replaced
    eaf = export_pseudonymised_eaf(session, out / f"{p.pseudonym}.eaf", p, base)
    copy.linked_eaf = eaf
    project = out / p.file_name(f"{p.pseudonym}{PROJECT_SUFFIX}")
    save_project(copy, project)
    return PseudonymisedCopy(project, eaf, videos)
