"""`fshd-studio elan import PROJECT FILE.eaf [--tier NAME]`: certain -> the project is updated; uncertain -> exit 2,
the candidates named, the project byte for byte unchanged."""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from fshd_studio.io.project import load_project

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


def _run(*args):
    return subprocess.run(FSHD + [str(a) for a in args], capture_output=True, text=True, timeout=120)


def _copy(demo_project, tmp_path) -> Path:
    project = tmp_path / "visit.fshd.json"
    shutil.copy(demo_project.project, project)
    for video in demo_project.videos.values():
        (tmp_path / video.name).symlink_to(video)
    return project


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_certain_tier_updates_the_project(demo_project, tmp_path):
    project = _copy(demo_project, tmp_path)
    data = json.loads(project.read_text())
    data["segments"] = data["segments"][:3]  # a half-segmented session, one segment moved
    data["segments"][0]["start_ms"] += 500
    data["cameras"][1]["offset_ms"] = 0
    project.write_text(json.dumps(data))
    res = _run("elan", "import", project, demo_project.eaf)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    first = data["segments"][0]["exercise_id"]
    assert out["tier"] == "Exercise" and out["moved"] == [first] and len(out["added"]) == 12
    session = load_project(project).session
    assert session.segments.keys() == demo_project.segments.keys()
    assert session.segments[first].span == demo_project.segments[first].span
    assert session.camera("side").offset_ms == demo_project.offsets["side"]
    assert session.linked_eaf == demo_project.eaf.absolute()


def test_uncertain_tier_changes_nothing_and_names_the_candidates(demo_project, external, tmp_path):
    project = _copy(demo_project, tmp_path)
    before = _sha(project)
    res = _run("elan", "import", project, external / "elan" / "pympi_sample_3.0.eaf")
    assert res.returncode == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "'words-timesub'" in lines[0] and "'words-symsub'" in lines[0] and "--tier" in lines[0]
    assert _sha(project) == before
    res = _run("elan", "import", project, external / "elan" / "pympi_sample_3.0.eaf", "--tier", "words-timesub")
    assert res.returncode == 0, res.stderr  # the user's explicit choice is taken
    assert len(load_project(project).session.segments) == 15


def test_unknown_tier_is_refused(demo_project, tmp_path):
    project = _copy(demo_project, tmp_path)
    before = _sha(project)
    res = _run("elan", "import", project, demo_project.eaf, "--tier", "Nope")
    assert res.returncode == 2 and "no tier 'Nope'" in res.stderr and _sha(project) == before
