"""Votes in an SQLite file beside the image set: one row per vote, appended, never updated.

WAL mode (the rollback journal on a network share, where WAL cannot work) and one short transaction per vote:
several labellers on a shared folder never overwrite each other, and a vote acknowledged to the user is on disk
even if the app dies right after. A labeller's latest vote in a
round is the one that counts; older rows stay as the audit trail.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.classes import CLASSES, UNUSABLE
from fshd_studio.labelling.shares import on_network_share

DB_NAME = "fshd-votes.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER,
    crop_x0 INTEGER, crop_y0 INTEGER, crop_x1 INTEGER, crop_y1 INTEGER, crop_source TEXT NOT NULL DEFAULT 'none',
    faces INTEGER NOT NULL DEFAULT 0, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS labellers (name TEXT PRIMARY KEY, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY, image_id INTEGER NOT NULL REFERENCES images(id), labeller TEXT NOT NULL,
    round TEXT NOT NULL CHECK (round IN ('sort', 'check')), value TEXT NOT NULL, proposed TEXT, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS votes_by_image ON votes (image_id, round, labeller);
CREATE TABLE IF NOT EXISTS tags (image_id INTEGER NOT NULL REFERENCES images(id), tag TEXT NOT NULL,
    PRIMARY KEY (image_id, tag));
"""


class Round(str, Enum):
    SORT = "sort"  # first sort: each labeller proposes a class (or "unusable")
    CHECK = "check"  # group re-check: yes/no to the proposed class


@dataclass(frozen=True)
class ImageRecord:
    id: int
    path: str  # relative to the image folder
    width: int
    height: int
    crop: tuple[int, int, int, int] | None  # x0, y0, x1, y1 in image pixels
    crop_source: str  # "auto", "manual" or "none"
    faces: int


@dataclass(frozen=True)
class Vote:
    image_id: int
    labeller: str
    round: Round
    value: str  # a class or "unusable" (sort); "yes"/"no" (check)
    proposed: str | None = None  # the class being checked


class VoteStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        try:
            self._db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            wanted = "delete" if on_network_share(self.folder) else "wal"  # WAL needs one machine: see shares
            self.journal_mode = str(self._db.execute(f"PRAGMA journal_mode={wanted}").fetchone()[0]).lower()
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except sqlite3.OperationalError as exc:
            raise UserError(f"vote file {self.path} cannot be opened or written ({exc}); check that the folder "
                            "exists and that you may write in it") from exc
        except sqlite3.DatabaseError as exc:
            raise UserError(f"vote file {self.path} cannot be opened ({exc}); it may be damaged — "
                            "restore it from a backup or move it away to start a new one") from exc
        version = int(self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise UserError(f"vote file {self.path} was written by a newer FSHD Studio; update the app")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> VoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_labeller(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise UserError("a labeller needs a name")
        self._db.execute("INSERT OR IGNORE INTO labellers VALUES (?, ?)", (name, time.time()))

    def labellers(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT name FROM labellers ORDER BY name")]

    def add_image(self, path: str, width: int, height: int, crop: tuple[int, int, int, int] | None,
                  faces: int) -> int:
        crop_vals = tuple(crop) if crop else (None, None, None, None)
        self._db.execute(
            "INSERT INTO images (path, width, height, crop_x0, crop_y0, crop_x1, crop_y1, crop_source, faces, added_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(path) DO NOTHING",
            (path, width, height, *crop_vals, "auto" if crop else "none", faces, time.time()))
        return int(self._db.execute("SELECT id FROM images WHERE path=?", (path,)).fetchone()[0])

    def set_crop(self, image_id: int, crop: tuple[int, int, int, int]) -> None:
        self._db.execute("UPDATE images SET crop_x0=?, crop_y0=?, crop_x1=?, crop_y1=?, crop_source='manual' "
                         "WHERE id=?", (*crop, image_id))

    def images(self) -> list[ImageRecord]:
        rows = self._db.execute("SELECT id, path, width, height, crop_x0, crop_y0, crop_x1, crop_y1, crop_source, "
                                "faces FROM images ORDER BY path")
        return [ImageRecord(r[0], r[1], r[2], r[3], None if r[4] is None else (r[4], r[5], r[6], r[7]), r[8], r[9])
                for r in rows]

    def vote(self, vote: Vote) -> None:
        """Record one vote; returns only when it is committed to disk."""
        if vote.round == Round.SORT and vote.value not in (*CLASSES, UNUSABLE):
            raise ValueError(f"a sort vote is one of {CLASSES} or {UNUSABLE!r}, not {vote.value!r}")
        if vote.round == Round.CHECK and (vote.value not in ("yes", "no") or vote.proposed not in CLASSES):
            raise ValueError("a check vote is yes/no about a proposed class")
        self.add_labeller(vote.labeller)
        self._db.execute("INSERT INTO votes (image_id, labeller, round, value, proposed, at) VALUES (?,?,?,?,?,?)",
                         (vote.image_id, vote.labeller, vote.round.value, vote.value, vote.proposed, time.time()))

    def latest_votes(self, round_: Round) -> list[Vote]:
        """Each labeller's latest vote per image in a round (for check: per proposed class too)."""
        rows = self._db.execute(
            "SELECT v.image_id, v.labeller, v.value, v.proposed FROM votes v JOIN ("
            " SELECT MAX(id) AS id FROM votes WHERE round=? GROUP BY image_id, labeller, IFNULL(proposed, '')"
            ") last ON v.id = last.id ORDER BY v.image_id, v.labeller", (round_.value,))
        return [Vote(r[0], r[1], round_, r[2], r[3]) for r in rows]

    def vote_of(self, image_id: int, labeller: str, round_: Round, proposed: str | None = None) -> str | None:
        """A labeller's latest vote on one image in a round (for check: on that proposed class), or None."""
        row = self._db.execute(
            "SELECT value FROM votes WHERE image_id=? AND labeller=? AND round=? AND IFNULL(proposed, '')=? "
            "ORDER BY id DESC LIMIT 1", (image_id, labeller, round_.value, proposed or "")).fetchone()
        return None if row is None else str(row[0])

    def vote_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM votes").fetchone()[0])

    def tag(self, image_id: int, tag: str, on: bool = True) -> None:
        if on:
            self._db.execute("INSERT OR IGNORE INTO tags VALUES (?, ?)", (image_id, tag.strip().lower()))
        else:
            self._db.execute("DELETE FROM tags WHERE image_id=? AND tag=?", (image_id, tag.strip().lower()))

    def set_tags(self, image_id: int, wanted: set[str]) -> None:
        """Make an image's tags exactly `wanted` (lower case, trimmed)."""
        wanted = {t.strip().lower() for t in wanted if t.strip()}
        have = self.tags().get(image_id, set())
        for t in wanted - have:
            self.tag(image_id, t)
        for t in have - wanted:
            self.tag(image_id, t, on=False)

    def tags(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for image_id, tag in self._db.execute("SELECT image_id, tag FROM tags"):
            out.setdefault(image_id, set()).add(tag)
        return out
