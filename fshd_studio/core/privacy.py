"""Pseudonymisation for exports (EAF, reports, project copies): Qt-free, file-free, one implementation.

A `Pseudonymiser` knows the names to hide (the patient id and any names the user adds, e.g. "Marie Dupont")
and the pseudonym that replaces them. It replaces them in free text (each name whole, and each of its parts of
three letters or more, case-insensitively), in file names (where what remains of a name is removed too), and
in a whole Session (patient id, notes, segment notes, video and linked-ELAN file names). Annotators are staff,
not patients: their names are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, replace
from pathlib import Path

from fshd_studio.core.session import Session

_SPLIT = re.compile(r"[\s_.,;:/\\()\[\]-]+")
# parts of an id that are the study's words, not a person's (an id like FSHD-0042 keeps "FSHD" elsewhere)
STUDY_WORDS = frozenset({"fshd", "patient", "pat", "subject", "subj", "id", "visit", "control", "ctrl", "case",
                         "session", "study", "demo"})
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def pseudonym_for(patient_id: str, key: bytes) -> str:
    """A stable pseudonym for a patient id: the same id and key always give the same one (`P-` + 8 hex digits);
    without the key (kept in the user's data folder) it cannot be traced back by trying names."""
    digest = hmac.new(key, patient_id.strip().casefold().encode("utf-8"), hashlib.sha256).hexdigest()
    return f"P-{digest[:8].upper()}"


@dataclass(frozen=True)
class Pseudonymiser:
    pseudonym: str
    names: tuple[str, ...]

    @classmethod
    def for_session(cls, session: Session, pseudonym: str, extra_names: tuple[str, ...] = ()) -> "Pseudonymiser":
        names = tuple(n for n in (session.patient_id, *extra_names) if n and n.strip())
        return cls(pseudonym, names)

    def _patterns(self) -> list[re.Pattern[str]]:
        parts: set[str] = set()
        for name in self.names:
            parts.add(name.strip())
            parts.update(p for p in _SPLIT.split(name) if len(p) >= 3 and not p.isdigit()
                         and p.casefold() not in STUDY_WORDS)
            parts.update(p for p in _SPLIT.split(name) if p.isdigit() and len(p) >= 4)  # a number id: 0042
        ordered = sorted((p for p in parts if p), key=len, reverse=True)  # whole names before their parts
        return [re.compile(rf"(?<![A-Za-z0-9]){re.escape(p)}(?![A-Za-z0-9])", re.IGNORECASE) for p in ordered]

    def text(self, value: str) -> str:
        """Free text with every name (and name part) replaced by the pseudonym."""
        for pat in self._patterns():
            value = pat.sub(self.pseudonym, value)
        p = re.escape(self.pseudonym)
        return re.sub(rf"{p}(?:[\s_.,-]*{p})+", self.pseudonym, value)  # "Marie Dupont" -> one pseudonym

    def has_names(self, value: str) -> bool:
        return any(p.search(value) for p in self._patterns())

    def file_name(self, name: str, fallback: str = "file") -> str:
        """A file name without names: they are replaced by the pseudonym, then unsafe characters dropped; the
        extension is kept (`Dupont Marie_front.mp4` -> `P-1A2B3C4D_front.mp4`)."""
        suffixes = "".join(Path(name).suffixes[-2:]) if name.endswith(".fshd.json") else Path(name).suffix
        stem = name[: len(name) - len(suffixes)] if suffixes else name
        stem = _SAFE.sub("_", self.text(stem)).strip("._-")
        if self.pseudonym not in stem:
            stem = f"{self.pseudonym}_{stem}" if stem else self.pseudonym
        return f"{stem or fallback}{suffixes}"

    def session(self, session: Session, folder: Path | None = None) -> Session:
        """A copy with the patient id, free texts and file names pseudonymised; videos and the linked ELAN file
        are named as they would be in `folder` (default: their own folder) under their new names."""
        def moved(p: Path) -> Path:
            return (Path(folder) if folder is not None else p.parent) / self.file_name(p.name)

        cams = [replace(c, video=moved(c.video), label=self.text(c.label)) for c in session.cameras]
        segs = {k: replace(s, note=self.text(s.note)) for k, s in session.segments.items()}
        return replace(session, patient_id=self.pseudonym, cameras=cams, segments=segs,
                       notes=self.text(session.notes),
                       linked_eaf=moved(session.linked_eaf) if session.linked_eaf else None)
