"""Crowd tables in the FER+ format: one row per image, ten vote counts (8 emotions, unknown, not a face).

Two layouts are read, nothing else:
- `fer2013new.csv`: the header `Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,
  unknown,NF`, exactly (a table with missing, renamed or extra columns is refused, not guessed at);
- FER+'s headerless `label.csv` of its training-pipeline folders (FER2013Train/Valid/Test): file name, face box
  `"(x, y, w, h)"`, then the same ten counts in the same order.

The rule (`absolute`, the study's): an image keeps a label when that column holds **over half of all ten
columns** of its row (a crowd member who answered "unknown" or "not a face" is a vote against every label), **and
the winner must be an emotion** (a majority of unknown / not-a-face keeps nothing). FER+'s own `majority` mode
(its `ferplus.py`) first drops every column with a single vote (outliers), then applies the same rule to what is
left. FER+ classes map to the study's four as happiness→happy, anger→angry, surprise→surprised, neutral→neutral;
an image whose majority is another emotion (sadness, disgust, fear, contempt) keeps that FER+ label but is outside
the four-class set.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fshd_studio.core.errors import UserError

COLUMNS = ("neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF")
HEADER = ("Usage", "Image name", *COLUMNS)
TO_STUDY = {"happiness": "happy", "anger": "angry", "surprise": "surprised", "neutral": "neutral"}
NOT_LABELS = ("unknown", "NF")
MODES = ("absolute", "majority")
MAX_COUNT = 1_000_000  # a crowd of more than a million per image is a damaged file, not a vote
RULE_TEXT = {
    "absolute": "kept when one column holds over half of all ten columns of its row, and the winner is an emotion "
                "(not unknown / not a face)",
    "majority": "FER+ 'majority' mode: columns with a single vote dropped first, then kept when one column holds "
                "over half of what is left, and the winner is an emotion",
}
_BOX = re.compile(r"^\(\s*-?\d+\s*,\s*-?\d+\s*,\s*-?\d+\s*,\s*-?\d+\s*\)$")
_EXPECTED = (f"expected FER+'s fer2013new.csv (header {','.join(HEADER)}) or its headerless label.csv "
             "(file name, \"(x, y, w, h)\", then the ten counts)")


@dataclass(frozen=True)
class CrowdTable:
    names: list[str]
    usage: list[str]  # "" in the headerless layout
    columns: list[str]
    counts: np.ndarray  # (images, columns) int64
    layout: str = "header"  # or "label.csv"


@dataclass(frozen=True)
class CrowdResult:
    label: np.ndarray  # (images,) column index of the kept label, -1 when none
    kept_any: int  # images with a majority on an emotion
    kept_study: dict[str, int]  # per study class
    no_majority: int
    majority_not_a_label: int  # unknown / NF won


def read_crowd_table(path: Path) -> CrowdTable:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"crowd table {path} does not exist; check the path")
    rows = [r for r in _csv_rows(path) if r]
    if not rows:
        raise UserError(f"crowd table {path} is empty; {_EXPECTED}")
    first = [c.strip() for c in rows[0]]
    if first == list(HEADER):
        body, layout, name_col, skip = rows[1:], "header", 1, 1
    elif len(first) == 12 and _BOX.match(first[1]):
        body, layout, name_col, skip = rows, "label.csv", 0, 0
    elif [c.lower() for c in first[:2]] == ["usage", "image name"] or "neutral" in [c.lower() for c in first]:
        raise UserError(f"crowd table {path} has the header {','.join(first)}, not FER+'s; {_EXPECTED}")
    else:
        raise UserError(f"crowd table {path} is not in a FER+ layout; {_EXPECTED}")
    if not body:
        raise UserError(f"crowd table {path} has no data rows; {_EXPECTED}")
    for k, r in enumerate(body, start=1 + skip):
        if len(r) != 12:
            raise UserError(f"crowd table {path}: line {k} has {len(r)} fields, FER+ rows have 12; fix the file")
        if layout == "label.csv" and not _BOX.match(r[1].strip()):
            raise UserError(f"crowd table {path}: line {k} has no face box \"(x, y, w, h)\" in its 2nd field; "
                            "fix the file")
    counts = _counts(path, body, skip)
    usage = [r[0] for r in body] if layout == "header" else [""] * len(body)
    return CrowdTable([r[name_col] for r in body], usage, list(COLUMNS), counts, layout)


def _counts(path: Path, body: list[list[str]], skip: int) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():  # fast path; a cell it cannot read makes it stop short: then the slow one
        warnings.simplefilter("ignore")
        flat = np.fromstring(",".join(",".join(r[2:]) for r in body), sep=",", dtype=np.float64)
    if flat.size == 10 * len(body) and all(x.strip() for r in body for x in r[2:]):
        counts = flat.reshape(len(body), 10)
    else:
        counts = _counts_slowly(path, body, skip)
    bad = ~np.isfinite(counts) | (counts != np.round(counts)) | (counts < 0) | (counts > MAX_COUNT)
    if bad.any():
        k, c = (int(v) for v in np.argwhere(bad)[0])
        raise UserError(f"crowd table {path}: line {k + 1 + skip}, column {COLUMNS[c]}: {body[k][2 + c]!r} is not a "
                        f"vote count (a whole number from 0 to {MAX_COUNT:,}); fix the file")
    return counts.astype(np.int64)


def _counts_slowly(path: Path, body: list[list[str]], skip: int) -> np.ndarray:
    """Cell by cell, to name the one that is not a number."""
    try:
        return np.array([r[2:] for r in body], dtype=np.float64)
    except ValueError:
        for k, r in enumerate(body, start=1 + skip):
            for c, x in zip(COLUMNS, r[2:]):
                try:
                    float(x)
                except ValueError:
                    raise UserError(f"crowd table {path}: line {k}, column {c}: {x!r} is not a vote count; "
                                    "fix the file") from None
        raise


def _csv_rows(path: Path) -> list[list[str]]:
    """Comma-separated, or semicolon-separated as spreadsheets save it in French locales; UTF-8 (BOM allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"crowd table {path} is not UTF-8 text (byte {exc.start}); {_EXPECTED}") from exc
    except OSError as exc:
        raise UserError(f"crowd table {path} cannot be read ({exc.strerror}); check its permissions") from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(text.splitlines(), delimiter=delimiter))
    except csv.Error as exc:
        raise UserError(f"crowd table {path} is not a valid CSV file ({exc})") from exc


def absolute_majority(table: CrowdTable, mode: str = "absolute") -> CrowdResult:
    """The rule of the module docstring; `mode="majority"` is FER+'s own (single votes dropped first)."""
    if mode not in MODES:
        raise ValueError(f"mode is one of {MODES}")
    counts = table.counts
    if mode == "majority":
        counts = np.where(counts <= 1, 0, counts)
    votes = counts.sum(1)
    best = counts.argmax(1)  # the first column on a tie, as FER+'s np.argmax
    top = counts[np.arange(len(counts)), best]
    majority = (2 * top > votes) & (votes > 0)
    cols = np.array(table.columns)
    not_label = np.isin(cols[best], NOT_LABELS) & majority
    label = np.where(majority & ~not_label, best, -1)
    kept_study = {study: int((label == table.columns.index(col)).sum())
                  for col, study in TO_STUDY.items() if col in table.columns}
    return CrowdResult(label, int((label >= 0).sum()), kept_study, int((~majority).sum()), int(not_label.sum()))
