"""`fshd-studio preprocess` end to end: JSON-lines progress, outputs, cache, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fshd_studio.core.session import Camera, Segment, Session, Span
from fshd_studio.io.project import save_project
from fshd_studio.io.protocol_file import load_protocol


def _cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fshd_studio", *args], capture_output=True, text=True,
                          timeout=timeout)


def _project(tmp_path: Path, video: Path) -> Path:
    session = Session("P1", "2026-11-24", load_protocol(), [Camera("front", video)],
                      {7: Segment(7, Span(0.0, 2400.0)), 9: Segment(9, Span(300.0, 1500.0))})
    path = tmp_path / "s.fshd.json"
    save_project(session, path)
    return path


@pytest.mark.slow
def test_preprocess_writes_index_and_reports_progress(external, tmp_path):
    project = _project(tmp_path, external / "video" / "pyfeat_single_face.mp4")
    out = tmp_path / "out"
    res = _cli("preprocess", str(project), "--out", str(out), "--exercise", "7")
    assert res.returncode == 0, res.stderr[-2000:]
    lines = [json.loads(x) for x in res.stderr.splitlines() if x.startswith("{")]
    assert lines and lines[-1] == {"stage": "preprocess", "done": 1, "total": 1}
    summary = json.loads(res.stdout)
    assert summary["computed"] == 1 and summary["unusable"] == []
    index = json.loads((out / "index.json").read_text())
    assert [e["folder"] for e in index["entries"]] == ["07_front"]
    assert (out / "07_front" / "snippets.npy").is_file()
    again = _cli("preprocess", str(project), "--out", str(out), "--exercise", "7")
    assert again.returncode == 0 and json.loads(again.stdout)["cached"] == 1


def test_bad_input_is_one_line_exit_2(tmp_path):
    res = _cli("preprocess", str(tmp_path / "nope.fshd.json"), "--out", str(tmp_path / "o"))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and res.stderr.startswith("error:")
    project = _project(tmp_path, tmp_path / "missing.mp4")
    res = _cli("preprocess", str(project))
    assert res.returncode == 2 and "--out" in res.stderr and "Traceback" not in res.stderr
    res = _cli("preprocess", str(project), "--out", str(tmp_path / "o"), "--exercise", "3")
    assert res.returncode == 2 and "exercises [3]" in res.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("kind", ["missing", "not a video"])
def test_unreadable_video_is_reported_per_exercise_and_fails(tmp_path, kind):
    video = tmp_path / "front.mp4"
    if kind == "not a video":
        video.write_bytes(b"\x00\x00\x00 this is no video")
    project = _project(tmp_path, video)
    out = tmp_path / "o"
    res = _cli("preprocess", str(project), "--out", str(out))
    assert res.returncode == 2, res.stderr  # nothing usable came out: that is an error the user must act on
    errors = [x for x in res.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1 and "no exercise" in errors[0] and "front.mp4" in errors[0]
    assert "Traceback" not in res.stderr
    summary = json.loads(res.stdout)  # the summary still says what happened to each exercise
    assert len(summary["unusable"]) == 2
    reason = summary["unusable"][0]["reason"]
    assert ("missing" if kind == "missing" else "cannot be read") in reason
    assert reason.count("cannot be read") <= 1  # said once, not wrapped in itself
    assert json.loads((out / "09_front" / "meta.json").read_text())["usable"] is False


@pytest.mark.slow
def test_suggest_boundaries_command_writes_segments(demo_project, tmp_path):
    out = tmp_path / "suggested.json"
    res = _cli("preprocess", str(demo_project.project), "--suggest-boundaries", "--json", str(out))
    assert res.returncode == 0, res.stderr[-2000:]
    # mediapipe's native logger may write into the same line of stderr: look for the JSON object itself
    assert '{"stage": "motion"' in res.stderr
    doc = json.loads(out.read_text())
    assert [s["exercise_id"] for s in doc["segments"]] == list(range(1, 16))
    assert all(s["status"] == "suggested" and s["end_ms"] > s["start_ms"] for s in doc["segments"])
    bad = _cli("preprocess", str(demo_project.project), "--suggest-boundaries", "--camera", "nope")
    assert bad.returncode == 2 and bad.stderr.startswith("error:")
