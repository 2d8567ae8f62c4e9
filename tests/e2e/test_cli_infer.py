"""`fshd-studio infer` on the demo session with the bundled synthetic model."""

import json

import pytest

from fshd_studio.cli import run
from fshd_studio.io.resources import models_dir
from tests.fixtures_demo import copy_demo


@pytest.mark.slow
def test_infer_writes_scores_vote_and_disclaimer(demo_project, tmp_path, capsys):
    out = tmp_path / "results.json"
    project = copy_demo(demo_project, tmp_path / "session")  # results are saved beside it, not beside the shared one
    rc = run(["infer", str(project), "--model", str(models_dir() / "demo-synthetic"),
              "--exercise", "14", "--device", "cpu", "--json", str(out), "--preprocessed", str(tmp_path / "pre")])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "SYNTHETIC MODEL" in captured.err and "SYNTHETIC MODEL" in json.loads(captured.out)["warning"]
    doc = json.loads(out.read_text())
    assert doc["warning"].startswith("SYNTHETIC MODEL") and "MEAN NOTHING CLINICALLY" in doc["warning"]
    assert doc["model_id"] == "demo-synthetic" and doc["model_synthetic"] is True
    assert "not for diagnosis" in doc["disclaimer"].lower()
    assert "means nothing clinically" in doc["model_trained_on"]
    assert {r["camera"] for r in doc["results"]} == set(demo_project.videos)
    assert len(doc["results"]) == 15 * 2  # one row per exercise × camera, scored or not
    scored = [r for r in doc["results"] if r["p_fshd"] is not None]
    assert {r["exercise"] for r in scored} == {14} and len(scored) == 2
    for r in scored:
        assert 0.0 <= r["p_fshd"] <= 1.0
        assert sum(r["class_probs"].values()) == pytest.approx(1.0, abs=1e-4)
    assert set(doc["vote"]) == set(demo_project.videos) | {"combined"}
    assert doc["vote"]["combined"]["exercises"] == 2
    assert sum(v["exercises"] for k, v in doc["vote"].items() if k != "combined") == 2
    assert doc["provenance"]["weights_sha256"] and doc["provenance"]["device"] == "cpu"
    assert len(doc["provenance"]["segment_fingerprints"]) == 15
    assert sum(doc["severity"]["class_probs"].values()) == pytest.approx(1.0, abs=1e-4)


def test_infer_errors_are_one_line(tmp_path, capsys):
    assert run(["infer", str(tmp_path / "none.fshd.json"), "--json", str(tmp_path / "r.json")]) == 2
    assert run(["infer", str(tmp_path / "none.fshd.json"), "--model", str(tmp_path / "nomodel"),
                "--json", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(e.startswith("error: ") for e in err)
    assert not (tmp_path / "r.json").exists()


def test_infer_with_no_readable_video_says_so(tmp_path, capsys):
    from fshd_studio.core.session import Camera, Segment, Session, Span
    from fshd_studio.io.project import save_project
    from fshd_studio.io.protocol_file import load_protocol

    session = Session("P1", "2026-11-24", load_protocol(), [Camera("front", tmp_path / "gone.mp4")],
                      {14: Segment(14, Span(0.0, 9000.0))})
    project = tmp_path / "s.fshd.json"
    save_project(session, project)
    out = tmp_path / "r.json"
    assert run(["infer", str(project), "--device", "cpu", "--json", str(out)]) == 2
    err = [e for e in capsys.readouterr().err.splitlines() if e.startswith("error:")]
    assert len(err) == 1 and "could be scored" in err[0] and "gone.mp4" in err[0]
    doc = json.loads(out.read_text())  # the record of what could not be scored, with the disclaimer
    assert all(r["p_fshd"] is None for r in doc["results"]) and doc["disclaimer"]
    assert any(u["exercise"] == 14 and "gone.mp4" in u["reason"] for u in doc["unusable"])


@pytest.mark.slow
def test_infer_scores_only_what_the_model_was_trained_on_unless_asked(demo_project, tmp_path, capsys):
    import torch

    from fshd_studio.model.checkpoint import ModelCard, save_model
    from fshd_studio.model.config import preset
    from fshd_studio.model.network import FSHDModel

    torch.manual_seed(0)
    model = tmp_path / "ex14-model"  # a model whose card says it learned exercise 14 only
    save_model(FSHDModel(preset("tiny")), model, ModelCard(model_id="ex14", trained_on="nothing", synthetic=True,
                                                           exercises=[14]))
    out = tmp_path / "r.json"
    pre = str(tmp_path / "pre")
    project = copy_demo(demo_project, tmp_path / "session")
    base = ["infer", str(project), "--model", str(model), "--device", "cpu", "--json", str(out),
            "--preprocessed", pre]
    assert run(base) == 0
    err = capsys.readouterr().err
    doc = json.loads(out.read_text())
    scored = {r["exercise"] for r in doc["results"] if r["p_fshd"] is not None}
    assert doc["model_exercises"] == [14] and scored == {14}
    assert "trained on exercise(s) [14]" in err
    assert all("not scored by this model" in r["reason"] for r in doc["results"] if r["exercise"] != 14)
    assert run([*base, "--exercise", "7"]) == 0
    assert "not [7]" in capsys.readouterr().err
    assert {r["exercise"] for r in json.loads(out.read_text())["results"] if r["p_fshd"] is not None} == {7}
