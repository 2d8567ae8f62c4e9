"""`fshd-studio infer FOLDER --summary OUT.csv`: many sessions, a broken one reported, a re-run resumes."""

from __future__ import annotations

import csv
import json
import threading

import pytest

from fshd_studio.cli import run
from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled
from fshd_studio.inference.batch import find_projects, parse_shard, score_batch, shard
from fshd_studio.io.resources import models_dir
from fshd_studio.io.results_file import results_path
from tests.fixtures_demo import copy_demo

MODEL = models_dir() / "demo-synthetic"


@pytest.fixture
def three_sessions(demo_project, tmp_path):
    root = tmp_path / "clinic"
    a = copy_demo(demo_project, root / "patient-a" / "visit-1")
    b = copy_demo(demo_project, root / "patient-b" / "visit-1")
    broken = root / "patient-c" / "visit-1" / "broken.fshd.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"schema_version": 2, "cameras": [')
    return root, a, b, broken


def _summary(path):
    with open(path, newline="") as fh:
        return {r["project"]: r for r in csv.DictReader(fh)}


@pytest.mark.slow
def test_a_folder_is_scored_a_broken_session_reported_and_a_rerun_resumes(three_sessions, tmp_path, capsys):
    root, a, b, broken = three_sessions
    assert [p.name for p in find_projects([root])] == [a.name, b.name, "broken.fshd.json"]
    # an interruption after the first session (the user pressed Ctrl+C, the machine went down, ...)
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        score_batch(find_projects([root]), MODEL, exercises=[14], device="cpu", cancel=cancel,
                    on_row=lambda row: cancel.set())
    assert results_path(a).is_file() and not results_path(b).exists()
    first_mtime = results_path(a).stat().st_mtime_ns
    out = tmp_path / "summary.csv"
    rc = run(["infer", str(root), "--exercise", "14", "--device", "cpu", "--summary", str(out)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert json.loads(captured.out)["failed"] == 1 and "1 of 3 sessions failed" in captured.err
    rows = _summary(out)
    assert len(rows) == 3
    assert rows[str(a)]["status"] == "reused" and results_path(a).stat().st_mtime_ns == first_mtime  # not redone
    assert rows[str(b)]["status"] == "scored" and results_path(b).is_file()
    bad = rows[str(broken)]
    assert bad["status"] == "failed" and "broken.fshd.json" in bad["reason"] and bad["combined_vote"] == ""
    for project in (a, b):
        r = rows[str(project)]
        doc = json.loads(results_path(project).read_text())
        comb = doc["vote"]["combined"]
        assert (int(r["combined_fshd_votes"]), int(r["combined_against_votes"])) == (comb["fshd_votes"],
                                                                                      comb["against_votes"])
        assert r["patient_id"] and r["model_id"] == "demo-synthetic" and r["synthetic_model"] == "yes"
        assert r["severity"] == doc["severity"]["predicted_class"]


def test_shards_split_the_list_without_overlap(tmp_path):
    for name in ("b", "a", "c", "d", "e"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.fshd.json").write_text("{}")
    projects = find_projects([tmp_path])
    parts = [shard(projects, i, 2) for i in (1, 2)]
    assert sorted(parts[0] + parts[1]) == sorted(projects) and not set(parts[0]) & set(parts[1])
    assert [p.parent.name for p in parts[0]] == ["a", "c", "e"]
    with pytest.raises(UserError, match="I/N"):
        parse_shard("2of3")
    with pytest.raises(UserError, match="between 1 and N"):
        parse_shard("3/2")


def test_batch_refuses_what_it_cannot_do(tmp_path, capsys):
    assert run(["infer", str(tmp_path), "--summary", str(tmp_path / "s.csv")]) == 2
    assert "no *.fshd.json" in capsys.readouterr().err
    (tmp_path / "x.fshd.json").write_text("{}")
    assert run(["infer", str(tmp_path), "--json", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --json is for one session")
