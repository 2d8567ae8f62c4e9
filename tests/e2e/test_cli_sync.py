"""`fshd-studio sync PROJECT [--apply]`: JSON offsets per camera and a confidence; --apply saves them."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fshd_studio.io.project import load_project

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


def test_sync_finds_the_demo_offset_and_applies_it(demo_project, tmp_path):
    project = tmp_path / "visit.fshd.json"
    data = json.loads(Path(demo_project.project).read_text())
    for cam in data["cameras"]:
        cam["offset_ms"] = 0.0
        cam["video"] = str(demo_project.videos[cam["id"]])
    project.write_text(json.dumps(data))
    before = project.read_bytes()
    res = subprocess.run(FSHD + ["sync", str(project)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["offsets_ms"]["side"] == pytest.approx(demo_project.offsets["side"], abs=40.0)  # one 25 fps frame
    assert 0.0 < out["confidence"] <= 1.0 and out["applied"] is False
    assert project.read_bytes() == before  # without --apply nothing is written
    assert all(json.loads(line)["stage"] for line in res.stderr.splitlines() if line.startswith("{"))
    res = subprocess.run(FSHD + ["sync", str(project), "--apply"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    session = load_project(project).session
    assert session.camera("side").offset_ms == pytest.approx(demo_project.offsets["side"], abs=40.0)
    assert session.camera("front").offset_ms == 0.0


def test_sync_of_a_missing_video_is_one_error_line(demo_project, tmp_path):
    project = tmp_path / "visit.fshd.json"
    shutil.copy(demo_project.project, project)  # videos are relative: absent beside the copy
    res = subprocess.run(FSHD + ["sync", str(project)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().startswith("error: ") and "missing" in res.stderr and len(res.stderr.splitlines()) == 1
