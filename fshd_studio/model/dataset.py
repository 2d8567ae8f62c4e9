"""Labelled datasets: a folder of preprocessed sessions + a CSV (session, patient, camera, class).

Each CSV row is one session × camera; it gives one sample per exercise found in that session's folder.
The arrays are read by a `ClipReader` (the command layer passes one that understands preprocess's store;
`NpyReader` reads `<session>/<camera>/<exercise:02d>.npy`, the layout the synthetic benchmark writes).
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.model.config import CLASSES

CSV_COLUMNS = ("session", "patient", "camera", "class")
_ALIASES = {"moderate": 0, "fshd_moderate": 0, "severe": 1, "fshd_severe": 1, "other": 2, "other_nmd": 2,
            "nmd": 2, "control": 3, "healthy": 3}


@dataclass(frozen=True)
class Recording:
    session: str
    patient: str
    camera: str
    label: int           # index into CLASSES

    @property
    def fshd(self) -> int:
        return int(self.label <= 1)


@dataclass(frozen=True)
class Sample:
    recording: Recording
    exercise: int


class ClipReader(Protocol):
    def exercises(self, session_dir: Path, camera: str) -> list[int]: ...
    def read(self, session_dir: Path, camera: str, exercise: int) -> np.ndarray: ...


class NpyReader:
    """`<session>/<camera>/<exercise:02d>.npy`: uint8 (snippets, frames, H, W, 3)."""

    def exercises(self, session_dir: Path, camera: str) -> list[int]:
        folder = session_dir / camera
        return sorted(int(p.stem) for p in folder.glob("*.npy") if p.stem.isdigit()) if folder.is_dir() else []

    def read(self, session_dir: Path, camera: str, exercise: int) -> np.ndarray:
        from fshd_studio.core.errors import UserError
        from fshd_studio.io.npyfile import NpyError, check_npy_header

        path = session_dir / camera / f"{exercise:02d}.npy"
        try:
            check_npy_header(path, np.uint8, 5, (3,))
        except NpyError as exc:
            raise UserError(f"clip {path} is damaged: {exc}; replace it or remove it from the labels") from None
        return np.load(path, allow_pickle=False)


def parse_class(text: str, where: str) -> int:
    t = text.strip().lower()
    if t.isdigit() and int(t) < len(CLASSES):
        return int(t)
    if t in _ALIASES:
        return _ALIASES[t]
    raise UserError(f"{where}: class {text!r} is not one of {', '.join(CLASSES)} (or 0–3)")


def read_labels(csv_path: Path) -> list[Recording]:
    if not csv_path.is_file():
        raise UserError(f"label file {csv_path} does not exist; give a CSV with columns {', '.join(CSV_COLUMNS)}")
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or any(c not in rows[0] for c in CSV_COLUMNS):
        raise UserError(f"{csv_path}: expected columns {', '.join(CSV_COLUMNS)}")
    recs = []
    for i, row in enumerate(rows, start=2):
        where = f"{csv_path} line {i}"
        if not row["session"].strip() or not row["patient"].strip():
            raise UserError(f"{where}: session and patient must not be empty")
        recs.append(Recording(row["session"].strip(), row["patient"].strip(), row["camera"].strip(),
                              parse_class(row["class"], where)))
    return recs


def write_labels(csv_path: Path, recordings: Iterable[Recording]) -> None:
    from io import StringIO

    from fshd_studio.io.atomic import atomic_write_text

    buf = StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in recordings:
        w.writerow([r.session, r.patient, r.camera, CLASSES[r.label]])
    atomic_write_text(csv_path, buf.getvalue())


SPLIT_MODES = ("patient", "study")
LEAKAGE_WARNING = ("split per video as in the study (--split study): other recordings of a test patient (the other "
                   "camera, other visits) can be in the training set, so these figures are optimistic; the "
                   "patient-grouped split (the default) has no such leak")


@dataclass(frozen=True)
class Split:
    """Which recordings train, validate and test. `unit` "patient": the parts hold patient ids (every
    recording of a patient on one side); "recording": they hold `session/camera` keys (the study's per-video
    split, no validation set)."""

    train: tuple[str, ...]
    val: tuple[str, ...]
    test: tuple[str, ...]
    seed: int
    unit: str = "patient"

    def key(self, rec: Recording) -> str:
        return rec.patient if self.unit == "patient" else f"{rec.session}/{rec.camera}"

    def part_of(self, rec: Recording) -> str:
        key = self.key(rec)
        for name in ("train", "val", "test"):
            if key in getattr(self, name):
                return name
        raise KeyError(key)

    @property
    def leakage(self) -> str | None:
        return LEAKAGE_WARNING if self.unit == "recording" else None

    def to_dict(self) -> dict[str, object]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> "Split":
        unit = str(d.get("unit", "patient"))
        if unit not in ("patient", "recording"):
            raise ValueError(f"unknown split unit {unit!r}")
        return cls(tuple(d["train"]), tuple(d["val"]), tuple(d["test"]), int(d["seed"]), unit)  # type: ignore[arg-type]


def make_split(recordings: list[Recording], mode: str, *, test: float = 0.25, val: float = 0.15,
               seed: int = 0) -> Split:
    """`patient` (default): patient_split. `study`: video_split, 70/30, no validation set."""
    if mode == "patient":
        return patient_split(recordings, test=test, val=val, seed=seed)
    if mode == "study":
        return video_split(recordings, test=0.3, seed=seed)
    raise UserError(f"unknown split {mode!r}; choose one of {', '.join(SPLIT_MODES)}")


def patient_split(recordings: list[Recording], *, test: float = 0.25, val: float = 0.15,
                  seed: int = 0) -> Split:
    """Stratified by class, grouped by patient: every recording of a patient (both cameras, all visits) lands
    on one side. A patient's class is their most frequent one. Each class with ≥ 3 patients gives at least
    one patient to test and one to validation."""
    by_patient: dict[str, list[int]] = {}
    for r in recordings:
        by_patient.setdefault(r.patient, []).append(r.label)
    return _stratified({p: max(set(ls), key=ls.count) for p, ls in by_patient.items()}, test, val, seed, "patient")


def video_split(recordings: list[Recording], *, test: float = 0.3, seed: int = 0) -> Split:
    """The study's split (table 1: 198 training and 86 test videos): each recording (session × camera) on its
    own, stratified by class, no validation set. A patient can be on both sides (see LEAKAGE_WARNING)."""
    units = {f"{r.session}/{r.camera}": r.label for r in recordings}
    return _stratified(units, test, 0.0, seed, "recording")


def _stratified(label_of: dict[str, int], test: float, val: float, seed: int, unit: str) -> Split:
    rng = np.random.default_rng(seed)
    parts: dict[str, list[str]] = {"train": [], "val": [], "test": []}
    for label in range(len(CLASSES)):
        keys = sorted(k for k, lab in label_of.items() if lab == label)
        keys = [keys[i] for i in rng.permutation(len(keys))]
        n_test = _share(len(keys), test)
        n_val = _share(len(keys) - n_test, val / max(1e-9, 1 - test))
        parts["test"] += keys[:n_test]
        parts["val"] += keys[n_test:n_test + n_val]
        parts["train"] += keys[n_test + n_val:]
    return Split(tuple(sorted(parts["train"])), tuple(sorted(parts["val"])), tuple(sorted(parts["test"])), seed,
                 unit)


def _share(n: int, fraction: float) -> int:
    if fraction <= 0 or n < 2:
        return 0
    return min(n - 1, max(1, int(round(n * fraction))))


def samples_for(root: Path, recordings: Iterable[Recording], reader: ClipReader,
                exercises: list[int] | None) -> list[Sample]:
    """One sample per recording × exercise present on disk (optionally only `exercises`)."""
    out = []
    for r in recordings:
        folder = root / r.session
        if not folder.is_dir():
            raise UserError(f"session folder {folder} (from the label CSV) does not exist")
        have = reader.exercises(folder, r.camera)
        out += [Sample(r, e) for e in have if exercises is None or e in exercises]
    return out


def save_split(path: Path, split: Split) -> None:
    from fshd_studio.io.atomic import atomic_write_json

    atomic_write_json(path, split.to_dict())


def load_split(path: Path) -> Split:
    try:
        return Split.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"{path} is not a readable split file ({exc})") from None


LoadFn = Callable[[Sample], np.ndarray]
