"""The neurologist's order on real camera files (../shared/data/external): a session of two real face videos
is scored (`infer`), read back, then reported (`report --pseudonymise`). The side video is 2.4 s long, so every
segment after its end must come back "not scored" with its reason, never scored from frames that are not there."""

import json
import shutil
import subprocess

import pytest

from fshd_studio.cli import run
from fshd_studio.core.session import Camera, Segment, Session, Span
from fshd_studio.io.project import save_project
from fshd_studio.io.protocol_file import load_protocol
from fshd_studio.io.resources import models_dir
from fshd_studio.io.results_file import load_results, results_path
from fshd_studio.model.checkpoint import read_card

pytestmark = pytest.mark.slow
PATIENT = "REAL-0042"


@pytest.fixture()
def real_session(external, tmp_path):
    video = external / "video"
    front, side = tmp_path / "front.mp4", tmp_path / "side.mp4"
    shutil.copy(video / "pyfeat_WolfgangLanger_Pexels.mp4", front)   # 19.7 s, one face
    shutil.copy(video / "pyfeat_single_face.mp4", side)               # 2.4 s, one face
    exercises = sorted(read_card(models_dir() / "demo-synthetic").exercises)
    segments = {ex: Segment(ex, Span(k * 4500.0, k * 4500.0 + 4000.0)) for k, ex in enumerate(exercises)}
    session = Session(PATIENT, "2026-12-02", load_protocol(), [Camera("front", front), Camera("side", side)],
                      segments)
    project = tmp_path / "visit.fshd.json"
    save_project(session, project)
    return project, exercises


def test_score_read_report_on_real_videos(real_session, tmp_path, capsys):
    project, exercises = real_session
    assert run(["infer", str(project), "--device", "cpu", "--backend", "torch"]) == 0
    capsys.readouterr()
    results = load_results(results_path(project))   # what the window reads back with the project
    assert results is not None and len(results.scores) == 15 * 2
    for s in results.scores:
        if s.exercise_id not in exercises:
            assert not s.scored
            continue
        in_side_video = s.exercise_id == exercises[0]   # only the first segment starts inside the 2.4 s video
        if s.camera_id == "front" or in_side_video:
            assert s.scored and abs(sum(s.class_probs.values()) - 1.0) < 1e-4, s
        else:
            assert not s.scored and s.reason, s   # past the end of the side video: said, not scored
    assert any("short" in s.flags for s in results.scores if s.scored and s.camera_id == "side")
    front, side = results.vote("front"), results.vote("side")
    assert front.exercises == len(exercises) and side.exercises == 1
    assert results.provenance.synthetic and results.provenance.model_exercises == tuple(exercises)

    out = tmp_path / "report"
    assert run(["report", str(project), "--out", str(out), "--pseudonymise", "--no-heatmaps"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF") and doc["pages"] >= 2
    for name in ("report.html", "results.csv", "results.json"):
        assert PATIENT not in (out / name).read_text(encoding="utf-8")
    assert "Research use only" in (out / "report.html").read_text(encoding="utf-8")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert PATIENT not in text and "pseudonymised" in text and "SYNTHETIC MODEL" in text
