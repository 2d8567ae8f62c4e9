"""Votes in an SQLite file beside the image set: one row per vote, appended, never updated.

WAL mode (the rollback journal on a network share, where WAL cannot work) and one short transaction per vote:
several labellers on a shared folder never overwrite each other, and a vote acknowledged to the user is on disk
even if the app dies right after. A labeller's latest vote in a round is the one that counts; older rows stay as
the audit trail.

The file is only ever one the app made: a new vote file is built under a temporary name and renamed into place
(never a half-made file), an existing file is checked before anything is written to it (a zero-byte file or a
database of another program is refused, never "repaired"), and a read-only opening (`readonly=True`, what
`votes aggregate` uses) cannot change a byte of it. A busy file (another labeller's app writing on a shared
folder) is retried with back-off before the user is told, in plain words, that the vote was not saved.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable, TypeVar
from urllib.parse import quote

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.classes import CLASSES, UNUSABLE
from fshd_studio.labelling.shares import on_network_share

DB_NAME = "fshd-votes.sqlite"
SCHEMA_VERSION = 2
APPLICATION = "fshd-studio votes"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_WAIT_S = 30.0  # how long a busy vote file is retried before the user is told
FIRST_RETRY_S = 0.05
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER,
    crop_x0 INTEGER, crop_y0 INTEGER, crop_x1 INTEGER, crop_y1 INTEGER, crop_source TEXT NOT NULL DEFAULT 'none',
    faces INTEGER NOT NULL DEFAULT 0, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS labellers (name TEXT PRIMARY KEY, added_at REAL NOT NULL, retired_at REAL);
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY, image_id INTEGER NOT NULL REFERENCES images(id), labeller TEXT NOT NULL,
    round TEXT NOT NULL CHECK (round IN ('sort', 'check')), value TEXT NOT NULL, proposed TEXT, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS votes_by_image ON votes (image_id, round, labeller);
CREATE TABLE IF NOT EXISTS tags (image_id INTEGER NOT NULL REFERENCES images(id), tag TEXT NOT NULL,
    PRIMARY KEY (image_id, tag));
"""
_FACES = """CREATE TABLE IF NOT EXISTS faces (image_id INTEGER NOT NULL REFERENCES images(id), idx INTEGER NOT NULL,
    x0 INTEGER NOT NULL, y0 INTEGER NOT NULL, x1 INTEGER NOT NULL, y1 INTEGER NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (image_id, idx))"""
_REQUIRED_TABLES = {"meta", "images", "labellers", "votes", "tags"}


class Round(str, Enum):
    SORT = "sort"  # first sort: each labeller proposes a class (or "unusable")
    CHECK = "check"  # group re-check: yes/no to the proposed class


Crop = tuple[int, int, int, int]  # x0, y0, x1, y1 in image pixels


@dataclass(frozen=True)
class ImageRecord:
    id: int
    path: str  # relative to the image folder
    width: int
    height: int
    crop: Crop | None
    crop_source: str  # "auto" (the one face found), "pick" (several faces: one must be chosen), "manual", "none"
    faces: int

    @property
    def confirmed(self) -> bool:
        """A crop the labeller can stand behind: the only face found, or one chosen or drawn by hand."""
        return self.crop is not None and self.crop_source in ("auto", "manual")


@dataclass(frozen=True)
class Vote:
    image_id: int
    labeller: str
    round: Round
    value: str  # a class or "unusable" (sort); "yes"/"no" (check)
    proposed: str | None = None  # the class being checked


@dataclass(frozen=True)
class Labeller:
    name: str
    retired: bool


class VoteStore:
    def __init__(self, folder: Path, *, readonly: bool = False, busy_wait_s: float | None = None):
        """`busy_wait_s`: how long a busy file is retried (default BUSY_WAIT_S; the window waits less)."""
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self.readonly = readonly
        self.busy_wait_s = busy_wait_s
        if self.path.exists():
            _check_file(self.path)
        elif readonly:
            raise UserError(f"no vote file {DB_NAME} in {self.folder}; import the images first (`votes import`)")
        else:
            self._create()
        self._db = self._connect()
        self.journal_mode = str(self._db.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        self._check_tables()
        version = self._version()
        if version > SCHEMA_VERSION:
            self._db.close()
            raise UserError(f"vote file {self.path} was written by a newer FSHD Studio; update the app")
        if version < SCHEMA_VERSION and not readonly:
            self._retry(self._migrate)
        self._v1 = version < 2 and readonly  # read as it is: no retired members, no face list

    # --- opening ----------------------------------------------------------------------------------------
    def _create(self) -> None:
        from fshd_studio.io.atomic import atomic_path

        if not self.folder.is_dir():
            raise UserError(f"vote file {self.path} cannot be made: the folder does not exist; check that the "
                            "folder exists and that you may write in it")
        wanted = "delete" if on_network_share(self.folder) else "wal"  # WAL needs one machine: see shares
        try:
            with atomic_path(self.path) as tmp:
                db = sqlite3.connect(tmp, isolation_level=None)
                try:
                    db.execute(f"PRAGMA journal_mode={wanted}")
                    db.executescript(_SCHEMA + _FACES + ";")
                    db.executemany("INSERT INTO meta VALUES (?, ?)",
                                   [("schema_version", str(SCHEMA_VERSION)), ("application", APPLICATION)])
                finally:
                    db.close()
                Path(f"{tmp}-wal").unlink(missing_ok=True)
                Path(f"{tmp}-shm").unlink(missing_ok=True)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(f"vote file {self.path} cannot be made ({exc}); check that the folder exists and "
                            "that you may write in it") from exc

    def _connect(self) -> sqlite3.Connection:
        try:
            if self.readonly:
                db = sqlite3.connect(f"file:{quote(str(self.path.absolute()))}?mode=ro", uri=True,
                                     timeout=FIRST_RETRY_S * 20, isolation_level=None)
            else:
                db = sqlite3.connect(self.path, timeout=FIRST_RETRY_S * 20, isolation_level=None)
                db.execute("PRAGMA synchronous=FULL")
            return db
        except sqlite3.Error as exc:
            raise UserError(f"vote file {self.path} cannot be opened ({exc}); check that you may read and "
                            "write in its folder") from exc

    def _check_tables(self) -> None:
        try:
            tables = {r[0] for r in self._retry(lambda: self._db.execute(
                "SELECT name FROM sqlite_master WHERE type='table'").fetchall())}
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise UserError(f"vote file {self.path} cannot be read ({exc}); it may be damaged — restore it from a "
                            "backup or move it away to start a new one") from exc
        if not _REQUIRED_TABLES <= tables:
            self._db.close()
            raise UserError(f"{self.path} is an SQLite database of another program, not an FSHD Studio vote file; "
                            "it was left untouched — move it away (or choose another folder) to start voting")

    def _version(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        try:
            return int(row[0])
        except (TypeError, ValueError):
            self._db.close()
            raise UserError(f"{self.path} has no FSHD Studio schema version; it is not a vote file of this app — "
                            "move it away to start a new one") from None

    def _migrate(self) -> None:
        """Schema 1 -> 2: retired labellers, every face found in an image."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            cols = {r[1] for r in self._db.execute("PRAGMA table_info(labellers)")}
            if "retired_at" not in cols:
                self._db.execute("ALTER TABLE labellers ADD COLUMN retired_at REAL")
            self._db.execute(_FACES)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('application', ?)", (APPLICATION,))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> VoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- busy file: retried with back-off -----------------------------------------------------------------
    def _retry(self, fn: Callable[[], T]) -> T:
        delay, start = FIRST_RETRY_S, time.monotonic()
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if "locked" not in text and "busy" not in text:
                    what = "read" if self.readonly else "written"
                    raise UserError(f"vote file {self.path} cannot be {what} ({exc}); check that you may "
                                    "write in its folder and that the disk is not full") from exc
                waited = time.monotonic() - start
                if waited >= (BUSY_WAIT_S if self.busy_wait_s is None else self.busy_wait_s):
                    raise UserError(f"vote file {self.path} is busy: another labeller's app kept it locked for "
                                    f"{waited:.0f} s; your last action was not saved — try again in a moment "
                                    "(if it persists, close FSHD Studio on the other computers)") from exc
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        if self.readonly:
            raise UserError(f"vote file {self.path} was opened read-only")
        return self._retry(lambda: self._db.execute(sql, params))

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple]:
        return self._retry(lambda: self._db.execute(sql, params).fetchall())

    # --- roster -------------------------------------------------------------------------------------------
    def add_labeller(self, name: str) -> None:
        """Add a member to the group (a retired member who is added again is back in the group)."""
        name = _clean_name(name)
        self._write("INSERT INTO labellers (name, added_at) VALUES (?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET retired_at = NULL", (name, time.time()))

    def retire_labeller(self, name: str, retired: bool = True) -> None:
        """A retired member is out of the group: the majority threshold no longer counts them, nor their votes."""
        self._write("UPDATE labellers SET retired_at = ? WHERE name = ?", (time.time() if retired else None, name))

    def rename_labeller(self, old: str, new: str) -> None:
        """Correct a name (e.g. a typo): the member and their votes carry the new name."""
        new = _clean_name(new)
        if new == old:
            return
        if any(r.name == new for r in self.roster()):
            raise UserError(f"there is already a labeller called {new!r}; choose another name")

        def rename() -> None:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("UPDATE labellers SET name = ? WHERE name = ?", (new, old))
                self._db.execute("UPDATE votes SET labeller = ? WHERE labeller = ?", (new, old))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if self.readonly:
            raise UserError(f"vote file {self.path} was opened read-only")
        self._retry(rename)

    def roster(self) -> list[Labeller]:
        retired = "NULL" if self._v1 else "retired_at"
        return [Labeller(r[0], r[1] is not None)
                for r in self._read(f"SELECT name, {retired} FROM labellers ORDER BY name")]

    def labellers(self) -> list[str]:
        """The group: the members who are not retired."""
        return [r.name for r in self.roster() if not r.retired]

    # --- images and faces ---------------------------------------------------------------------------------
    def add_image(self, path: str, width: int, height: int, crop: Crop | None, faces: int,
                  boxes: list[tuple[int, int, int, int, float]] | None = None) -> int:
        """One image; with several faces the crop is only a proposal until the labeller picks one."""
        crop_vals = tuple(crop) if crop else (None, None, None, None)
        source = "none" if not crop else ("pick" if faces > 1 else "auto")
        self._write(
            "INSERT INTO images (path, width, height, crop_x0, crop_y0, crop_x1, crop_y1, crop_source, faces, added_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(path) DO NOTHING",
            (path, width, height, *crop_vals, source, faces, time.time()))
        image_id = int(self._read("SELECT id FROM images WHERE path=?", (path,))[0][0])
        for k, box in enumerate(boxes or []):
            self._write("INSERT OR IGNORE INTO faces VALUES (?,?,?,?,?,?,?)", (image_id, k, *box))
        return image_id

    def set_crop(self, image_id: int, crop: Crop | None, source: str = "manual") -> None:
        vals = tuple(crop) if crop else (None, None, None, None)
        self._write("UPDATE images SET crop_x0=?, crop_y0=?, crop_x1=?, crop_y1=?, crop_source=? WHERE id=?",
                    (*vals, source if crop else "none", image_id))

    def image(self, image_id: int) -> ImageRecord:
        return _record(self._read(f"{_IMAGE_SELECT} WHERE id=?", (image_id,))[0])

    def images(self) -> list[ImageRecord]:
        return [_record(r) for r in self._read(f"{_IMAGE_SELECT} ORDER BY path")]

    def faces(self, image_id: int) -> list[Crop]:
        """Every face found in the image (crop boxes with their margin), largest first."""
        if self._v1:
            return []
        return [(r[0], r[1], r[2], r[3]) for r in
                self._read("SELECT x0, y0, x1, y1 FROM faces WHERE image_id=? ORDER BY idx", (image_id,))]

    # --- votes --------------------------------------------------------------------------------------------
    def vote(self, vote: Vote) -> None:
        """Record one vote; returns only when it is committed to disk."""
        if vote.round == Round.SORT and vote.value not in (*CLASSES, UNUSABLE):
            raise ValueError(f"a sort vote is one of {CLASSES} or {UNUSABLE!r}, not {vote.value!r}")
        if vote.round == Round.CHECK and (vote.value not in ("yes", "no") or vote.proposed not in CLASSES):
            raise ValueError("a check vote is yes/no about a proposed class")
        self._write("INSERT OR IGNORE INTO labellers (name, added_at) VALUES (?, ?)",
                    (_clean_name(vote.labeller), time.time()))
        self._write("INSERT INTO votes (image_id, labeller, round, value, proposed, at) VALUES (?,?,?,?,?,?)",
                    (vote.image_id, vote.labeller, vote.round.value, vote.value, vote.proposed, time.time()))

    def latest_votes(self, round_: Round) -> list[Vote]:
        """Each labeller's latest vote per image in a round (for check: per proposed class too)."""
        rows = self._read(
            "SELECT v.image_id, v.labeller, v.value, v.proposed FROM votes v JOIN ("
            " SELECT MAX(id) AS id FROM votes WHERE round=? GROUP BY image_id, labeller, IFNULL(proposed, '')"
            ") last ON v.id = last.id ORDER BY v.image_id, v.labeller", (round_.value,))
        return [Vote(r[0], r[1], round_, r[2], r[3]) for r in rows]

    def vote_of(self, image_id: int, labeller: str, round_: Round, proposed: str | None = None) -> str | None:
        """A labeller's latest vote on one image in a round (for check: on that proposed class), or None."""
        rows = self._read(
            "SELECT value FROM votes WHERE image_id=? AND labeller=? AND round=? AND IFNULL(proposed, '')=? "
            "ORDER BY id DESC LIMIT 1", (image_id, labeller, round_.value, proposed or ""))
        return None if not rows else str(rows[0][0])

    def vote_count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM votes")[0][0])

    # --- tags ---------------------------------------------------------------------------------------------
    def tag(self, image_id: int, tag: str, on: bool = True) -> None:
        if on:
            self._write("INSERT OR IGNORE INTO tags VALUES (?, ?)", (image_id, tag.strip().lower()))
        else:
            self._write("DELETE FROM tags WHERE image_id=? AND tag=?", (image_id, tag.strip().lower()))

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
        for image_id, tag in self._read("SELECT image_id, tag FROM tags"):
            out.setdefault(image_id, set()).add(tag)
        return out


_IMAGE_SELECT = ("SELECT id, path, width, height, crop_x0, crop_y0, crop_x1, crop_y1, crop_source, faces "
                 "FROM images")


def _record(r: tuple) -> ImageRecord:
    return ImageRecord(r[0], r[1], r[2], r[3], None if r[4] is None else (r[4], r[5], r[6], r[7]), r[8], r[9])


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise UserError("a labeller needs a name")
    return name


def _check_file(path: Path) -> None:
    """Refuse, without writing to it, a file that cannot be an SQLite database."""
    try:
        if path.is_dir():
            raise UserError(f"{path} is a folder, not a vote file; move it away to start voting here")
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise UserError(f"vote file {path} cannot be read ({exc}); check that you may read its folder") from exc
    if not head:
        raise UserError(f"vote file {path} is empty (0 bytes): it is not an FSHD Studio vote file and was left "
                        "untouched; restore it from a backup or move it away to start a new one")
    if head != SQLITE_MAGIC:
        raise UserError(f"{path} is not an FSHD Studio vote file (not an SQLite database); it was left untouched "
                        "— restore it from a backup or move it away to start a new one")


def group_readable(path: Path) -> None:
    """Files and folders the app creates get the permissions a plain open()/mkdir() would give (shared folders:
    colleagues of the same group can read them), also where a library made them private (mkdtemp: 0700)."""
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(path, (0o777 if Path(path).is_dir() else 0o666) & ~umask)
    except OSError:
        pass
