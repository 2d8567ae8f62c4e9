"""The vote file: only the app's own is opened, reading never writes, a busy file is retried then explained,
created files and folders are group-readable; the roster decides who counts; unconfirmed crops are not exported."""

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.labelling import store as store_module
from fshd_studio.labelling.export import export_dataset, split_problems
from fshd_studio.labelling.majority import Absent, aggregate
from fshd_studio.labelling.store import DB_NAME, Round, Vote, VoteStore

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _foreign(folder):
    db = sqlite3.connect(folder / DB_NAME)
    db.execute("CREATE TABLE photos (name TEXT)")
    db.execute("INSERT INTO photos VALUES ('x')")
    db.commit()
    db.close()


@pytest.mark.parametrize("make", ["zero", "foreign", "text"])
def test_a_file_that_is_not_the_apps_vote_file_is_refused_and_left_untouched(tmp_path, make):
    path = tmp_path / DB_NAME
    if make == "zero":
        path.write_bytes(b"")
    elif make == "foreign":
        _foreign(tmp_path)
    else:
        path.write_text("image,vote\na.png,happy\n")
    digest = _digest(path)
    for readonly in (True, False):
        with pytest.raises(UserError, match="not an FSHD Studio vote file|another program"):
            VoteStore(tmp_path, readonly=readonly)
    res = subprocess.run(FSHD + ["votes", "aggregate", "--db", str(tmp_path)], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 2 and res.stderr.startswith("error:") and DB_NAME in res.stderr
    assert "Traceback" not in res.stderr and _digest(path) == digest
    if make == "foreign":
        tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
        assert tables == [("photos",)]


def test_aggregate_only_reads_the_vote_file(tmp_path):
    with VoteStore(tmp_path) as store:
        i = store.add_image("a.png", 10, 10, (0, 0, 10, 10), 1)
        store.vote(Vote(i, "ana", Round.SORT, "happy"))
    digest = _digest(tmp_path / DB_NAME)
    res = subprocess.run(FSHD + ["votes", "aggregate", "--db", str(tmp_path), "--csv", str(tmp_path / "t.csv")],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert _digest(tmp_path / DB_NAME) == digest
    assert (tmp_path / "t.csv").read_text().splitlines()[1] == \
        "a.png,happy,0,0,1,waiting: nobody has re-checked the proposed class yet"
    with VoteStore(tmp_path, readonly=True) as store, pytest.raises(UserError, match="read-only"):
        store.vote(Vote(i, "ana", Round.SORT, "angry"))


def test_a_busy_vote_file_is_retried_then_explained(tmp_path, monkeypatch):
    store = VoteStore(tmp_path)
    i = store.add_image("a.png", 10, 10, None, 0)
    other = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")  # another labeller's app in the middle of a write
    monkeypatch.setattr(store_module, "BUSY_WAIT_S", 0.3)
    with pytest.raises(UserError, match="is busy: another labeller's app kept it locked.*not saved"):
        store.vote(Vote(i, "ana", Round.SORT, "happy"))
    monkeypatch.setattr(store_module, "BUSY_WAIT_S", 20.0)
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()  # the other app finishes: the retry gets in
    t0 = time.monotonic()
    store.vote(Vote(i, "ana", Round.SORT, "happy"))
    assert time.monotonic() - t0 >= 0.4 and store.vote_count() == 1
    store.close()
    other.close()


def test_created_files_and_folders_are_group_readable(tmp_path):
    old = os.umask(0o022)
    try:
        (tmp_path / "f").mkdir()
        with VoteStore(tmp_path / "f") as store:
            i = store.add_image("a.png", 10, 10, (0, 0, 10, 10), 1)
            store.vote(Vote(i, "ana", Round.SORT, "happy"))
            store.vote(Vote(i, "ana", Round.CHECK, "yes", "happy"))
            import cv2
            import numpy as np
            cv2.imwrite(str(tmp_path / "f" / "a.png"), np.zeros((10, 10, 3), np.uint8))
            agg = aggregate([i], store.latest_votes(Round.SORT), store.latest_votes(Round.CHECK), ["ana"])
            res = export_dataset(store, agg, tmp_path / "ds")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f" / DB_NAME).stat().st_mode) & 0o044 == 0o044
    for p in [res.folder, *res.folder.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode & (0o055 if p.is_dir() else 0o044) == (0o055 if p.is_dir() else 0o044), (p, oct(mode))


def test_roster_rename_and_retire_decide_who_counts(tmp_path):
    with VoteStore(tmp_path) as store:
        i = store.add_image("a.png", 10, 10, (0, 0, 10, 10), 1)
        for who in ("ana", "ben", "alcie"):
            store.vote(Vote(i, who, Round.SORT, "happy"))
        store.vote(Vote(i, "ana", Round.CHECK, "yes", "happy"))
        store.vote(Vote(i, "alcie", Round.CHECK, "yes", "happy"))
        with pytest.raises(UserError, match="already a labeller"):
            store.rename_labeller("alcie", "ana")
        store.rename_labeller("alcie", "alice")  # a typo corrected: its votes follow
        assert {v.labeller for v in store.latest_votes(Round.CHECK)} == {"ana", "alice"}
        agg = lambda: aggregate([i], store.latest_votes(Round.SORT), store.latest_votes(Round.CHECK),  # noqa: E731
                                store.labellers(), Absent.NO)
        assert agg().outcomes[i].yes == 2 and agg().kept() == {i: "happy"}  # 2 of 3
        store.retire_labeller("alice")
        assert store.labellers() == ["ana", "ben"] and agg().outcomes[i].yes == 1  # 1 of 2: a tie
        assert agg().kept() == {}
        store.add_labeller("alice")  # back in the group
        assert store.labellers() == ["alice", "ana", "ben"]


def test_kept_images_without_a_confirmed_crop_are_left_out_and_named(tmp_path):
    import cv2
    import numpy as np

    with VoteStore(tmp_path) as store:
        ids = []
        for k, (crop, faces) in enumerate([((0, 0, 8, 8), 1), (None, 0), ((0, 0, 8, 8), 2)]):
            cv2.imwrite(str(tmp_path / f"{k}.png"), np.full((10, 10, 3), 40 * k, np.uint8))
            ids.append(store.add_image(f"{k}.png", 10, 10, crop, faces, [(0, 0, 8, 8, .9)] * faces))
            store.vote(Vote(ids[-1], "ana", Round.SORT, "happy"))
            store.vote(Vote(ids[-1], "ana", Round.CHECK, "yes", "happy"))
        agg = aggregate(ids, store.latest_votes(Round.SORT), store.latest_votes(Round.CHECK), ["ana"])
        res = export_dataset(store, agg, tmp_path / "ds")
    assert [p.name for p in (tmp_path / "ds" / "train" / "happy").iterdir()] == ["0.png"]
    assert res.skipped == ["1.png: no face found and no crop drawn — left out (not exported as the whole picture)",
                           "2.png: several faces, none picked yet — left out (not exported as the whole picture)"]
    assert split_problems(res.counts)[0].startswith("the validation split is empty")
    assert any("every-5th rule needs at least 5 images per class" in p for p in split_problems(res.counts))


def test_a_vote_file_of_the_first_version_is_read_as_is_and_migrated_when_written(tmp_path):
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1');
        CREATE TABLE images (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, width INTEGER, height INTEGER,
            crop_x0 INTEGER, crop_y0 INTEGER, crop_x1 INTEGER, crop_y1 INTEGER,
            crop_source TEXT NOT NULL DEFAULT 'none', faces INTEGER NOT NULL DEFAULT 0, added_at REAL NOT NULL);
        CREATE TABLE labellers (name TEXT PRIMARY KEY, added_at REAL NOT NULL);
        CREATE TABLE votes (id INTEGER PRIMARY KEY, image_id INTEGER NOT NULL, labeller TEXT NOT NULL,
            round TEXT NOT NULL, value TEXT NOT NULL, proposed TEXT, at REAL NOT NULL);
        CREATE TABLE tags (image_id INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (image_id, tag));
        INSERT INTO images VALUES (1, 'a.png', 10, 10, 0, 0, 10, 10, 'auto', 1, 0);
        INSERT INTO labellers VALUES ('ana', 0);
        INSERT INTO votes VALUES (1, 1, 'ana', 'sort', 'happy', NULL, 0);
    """)
    db.close()
    digest = _digest(tmp_path / DB_NAME)
    with VoteStore(tmp_path, readonly=True) as store:
        assert store.labellers() == ["ana"] and store.faces(1) == [] and store.vote_count() == 1
    assert _digest(tmp_path / DB_NAME) == digest
    with VoteStore(tmp_path) as store:
        store.retire_labeller("ana")
        assert store.roster()[0].retired and store.faces(1) == []
