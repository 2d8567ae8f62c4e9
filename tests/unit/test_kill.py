"""Crash safety: a writer killed with SIGKILL at a random moment, 100 times. Each time the file on disk is the
last acknowledged version or the next one (never damaged, never older), and after the next start (opening the
project, writing the clip again) no temp file or folder of the killed writer is left. Forked children: fast."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.session import Segment, Span
from fshd_studio.io.project import load_project, save_autosave, save_project
from tests.unit.test_session import make_session

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX")
KILLS = 100


def _kill_loop(tmp_path: Path, write, iterations: int = KILLS, max_delay_s: float = 0.005) -> list[int]:
    """Fork a child that calls write(i) for i = 0, 1, ... and reports each i after it returns; once it has
    acknowledged a random number (0-3) of writes, kill it after a random delay, so that the kill lands anywhere
    in a write however slow the machine is. Returns the last acknowledged i of each round (-1: none)."""
    rng = random.Random(0)
    acked = []
    for _round in range(iterations):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(r)
            try:
                i = 0
                while True:
                    write(i)
                    os.write(w, f"{i}\n".encode())
                    i += 1
            finally:
                os._exit(0)
        os.close(w)
        wait_for = rng.randint(0, 3)
        seen = b""
        while seen.count(b"\n") < wait_for:
            ready, _, _ = select.select([r], [], [], 10.0)
            if not ready:
                break
            seen += os.read(r, 4096)
        time.sleep(rng.uniform(0, max_delay_s))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(r, "rb") as fh:
            lines = (seen + fh.read()).split()
        acked.append(int(lines[-1]) if lines else -1)
    return acked


def _session(tmp_path: Path):
    s = make_session()
    s.cameras = [type(c)(c.id, tmp_path / c.video.name, c.offset_ms, c.label) for c in s.cameras]
    return s


def _leftovers(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


@pytest.mark.parametrize("kind", ["save", "autosave"])
def test_killed_project_saves_lose_nothing_acknowledged(tmp_path, kind):
    session = _session(tmp_path)
    project = tmp_path / "visit.fshd.json"
    target = project if kind == "save" else tmp_path / "visit.fshd.json.autosave"
    save_project(session, project)
    version = {"n": 0}

    def write(i: int) -> None:
        session.notes = f"{version['n']}:{i}"
        seg = session.segments[1]
        session.segments[1] = Segment(1, Span(seg.span.start_ms, seg.span.start_ms + 1000 + i), seg.status)
        if kind == "save":
            save_project(session, project)
        else:
            save_autosave(session, target, project)

    outcomes = {"acknowledged": 0, "next": 0}
    rng = random.Random(1)
    if kind == "autosave":
        save_autosave(session, target, project)
    for n in range(KILLS):
        version["n"] = n
        last = _kill_loop(tmp_path, write, iterations=1, max_delay_s=rng.uniform(0.0005, 0.005))[0]
        if not target.exists():  # killed before its first autosave: nothing was acknowledged
            assert last == -1 and kind == "autosave"
            continue
        loaded = load_project(target)  # the next start: reads it and removes the killed writer's temp files
        got = loaded.session.notes
        if last >= 0:
            assert got in (f"{n}:{last}", f"{n}:{last + 1}"), (n, last, got)
            outcomes["acknowledged" if got == f"{n}:{last}" else "next"] += 1
        assert loaded.session.segments[1].span.duration_ms >= 1000
        assert _leftovers(tmp_path, target.name) == [], f"round {n}: temp files left"
    print(f"{kind}: {KILLS} kills, file = last acknowledged {outcomes['acknowledged']}, = the next one "
          f"{outcomes['next']}, nothing acknowledged yet {KILLS - sum(outcomes.values())}")
    assert sum(outcomes.values()) >= KILLS // 2, outcomes  # most rounds were killed after a save


def test_killed_clip_writes_leave_whole_clips_and_no_leftovers(tmp_path):
    from fshd_studio.preprocess.store import ClipOutput, read_meta, write_clip

    out = tmp_path / "pre"

    def write(i: int) -> None:
        clip = ClipOutput(14, "front", {"i": i, "usable": False, "exercise_id": 14, "camera_id": "front"},
                          landmarks=np.full((40, 468, 2), i, np.float32))
        write_clip(out, clip)

    acked = _kill_loop(tmp_path, write)
    # each round the clip folder is absent (killed between the two renames: recomputed next time) or whole
    folder = out / "14_front"
    meta = read_meta(folder)
    if meta is not None:
        assert np.load(folder / "landmarks.npy")[0, 0, 0] == meta["i"]
    write(10_000)  # the next run writes the clip again: leftovers of every killed run go
    assert _leftovers(out, "14_front") == [] and _leftovers(out, "index.json") == []
    assert read_meta(folder)["i"] == 10_000
    assert sum(a >= 0 for a in acked) >= KILLS // 2


def test_stale_temps_of_live_and_foreign_writers_are_kept(tmp_path):
    """Only a dead writer's temp files go: a running one's (this process) and another machine's (shared folder,
    younger than a day) stay."""
    from fshd_studio.io.atomic import clean_stale_temps, temp_prefix

    target = tmp_path / "visit.fshd.json"
    mine = tmp_path / f"{temp_prefix(target.name)}abc.json.tmp"
    foreign = tmp_path / ".visit.fshd.json.123@otherhost.abc.json.tmp"
    old_style = tmp_path / ".visit.fshd.json.abc123.json.tmp"
    for f in (mine, foreign, old_style):
        f.write_text("{")
    day_ago = time.time() - 2 * 86400
    os.utime(old_style, (day_ago, day_ago))
    removed = clean_stale_temps(target)
    assert removed == [old_style] and mine.exists() and foreign.exists()


def test_infer_temp_folders_of_killed_runs_removed_at_start(tmp_path):
    from fshd_studio.io.atomic import owner_tag
    from fshd_studio.io.leftovers import clean_leftovers

    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # a process id that has ended
    host = owner_tag().split("@", 1)[1]
    old = tmp_path / "fshd-infer-abc123"
    dead = tmp_path / f"fshd-score-{pid}@{host}-xyz"
    live = tmp_path / f"fshd-score-{owner_tag()}-xyz"
    anonymous = tmp_path / "fshd-score-q1w2e3"
    unrelated = tmp_path / "something-else"
    for d in (old, dead, live, anonymous, unrelated):
        (d / "14_front").mkdir(parents=True)
        (d / "14_front" / "snippets.npy").write_bytes(b"face crops")
    removed = clean_leftovers(tmp_path)
    assert sorted(removed) == sorted([old, dead])
    assert live.exists() and anonymous.exists() and unrelated.exists()
    assert clean_leftovers(tmp_path, now=time.time() + 7200) == [anonymous]  # idle for two hours


def test_save_content_is_valid_json_after_every_kill(tmp_path):
    """The raw bytes, not only the loader: the target is always complete JSON."""
    session = _session(tmp_path)
    project = tmp_path / "p.fshd.json"
    save_project(session, project)

    def write(i: int) -> None:
        session.notes = "x" * (i % 5000)
        save_project(session, project)

    _kill_loop(tmp_path, write, iterations=20)
    json.loads(project.read_text())
