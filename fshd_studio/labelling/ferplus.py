"""Crowd tables in the FER+ format: one row per image, one vote-count column per class.

The absolute-majority rule on such a table: an image keeps the label whose count is more than half of the
row's votes, every column counting as a vote (unknown and "not a face" included: a crowd member who could not
tell is a vote against every label). FER+ classes map to the study's four as happiness→happy, anger→angry,
surprise→surprised, neutral→neutral; an image whose majority is another emotion (sadness, disgust, fear,
contempt) keeps that FER+ label but is outside the four-class set; a majority of unknown/NF keeps nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fshd_studio.core.errors import UserError

TO_STUDY = {"happiness": "happy", "anger": "angry", "surprise": "surprised", "neutral": "neutral"}
NOT_LABELS = ("unknown", "NF")


@dataclass(frozen=True)
class CrowdTable:
    names: list[str]
    usage: list[str]
    columns: list[str]
    counts: np.ndarray  # (images, columns) int


@dataclass(frozen=True)
class CrowdResult:
    label: np.ndarray  # (images,) column index of the kept label, -1 when none
    kept_any: int  # images with an absolute majority on an emotion
    kept_study: dict[str, int]  # per study class
    no_majority: int
    majority_not_a_label: int  # unknown / NF won


def read_crowd_table(path: Path) -> CrowdTable:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"crowd table {path} does not exist; check the path")
    rows = _csv_rows(path)
    if len(rows) < 2 or len(rows[0]) < 4:
        raise UserError(f"crowd table {path} has no data rows; expected a FER+ style CSV "
                        "(usage, image name, one count column per class)")
    header = rows[0]
    body = [r for r in rows[1:] if r]
    ragged = next((k for k, r in enumerate(body, start=2) if len(r) != len(header)), None)
    if ragged is not None:
        raise UserError(f"crowd table {path}: line {ragged} has {len(body[ragged - 2])} fields but the header has "
                        f"{len(header)}; fix the file")
    try:
        counts = np.array([[int(x or 0) for x in r[2:]] for r in body], dtype=np.int64)
    except ValueError as exc:
        raise UserError(f"crowd table {path}: a vote count is not a whole number ({exc}); fix the file") from exc
    if (counts < 0).any():
        raise UserError(f"crowd table {path}: a vote count is negative; fix the file")
    return CrowdTable([r[1] for r in body], [r[0] for r in body], header[2:], counts)


def _csv_rows(path: Path) -> list[list[str]]:
    """Comma-separated, or semicolon-separated as spreadsheets save it in French locales; UTF-8 (BOM allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as exc:
        raise UserError(f"crowd table {path} cannot be read as UTF-8 text ({exc}); "
                        "expected a FER+ style CSV") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(text.splitlines(), delimiter=delimiter))
    except csv.Error as exc:
        raise UserError(f"crowd table {path} is not a valid CSV file ({exc})") from exc


def absolute_majority(table: CrowdTable) -> CrowdResult:
    counts = table.counts
    votes = counts.sum(1)
    best = counts.argmax(1)
    top = counts[np.arange(len(counts)), best]
    majority = 2 * top > votes
    cols = np.array(table.columns)
    not_label = np.isin(cols[best], NOT_LABELS) & majority
    label = np.where(majority & ~not_label, best, -1)
    kept_study = {study: int((label == table.columns.index(col)).sum())
                  for col, study in TO_STUDY.items() if col in table.columns}
    return CrowdResult(label, int((label >= 0).sum()), kept_study, int((~majority).sum()), int(not_label.sum()))
