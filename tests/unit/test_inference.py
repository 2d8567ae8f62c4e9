"""Scoring: the back-end's forward pass, typed results, votes, severity, stale detection, score_session."""

import threading

import numpy as np
import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled
from fshd_studio.core.results import (COMBINED, CameraVote, ExerciseScore, SessionResults, segment_fingerprint,
                                      severity_of, votes_of)
from fshd_studio.core.session import Span
from fshd_studio.inference.backends import open_backend
from fshd_studio.inference.session import score_session
from fshd_studio.io.results_file import load_results, results_path, save_results
from fshd_studio.model.checkpoint import ModelCard, save_model
from fshd_studio.model.config import CLASSES, preset
from fshd_studio.model.network import FSHDModel

TINY = preset("tiny")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    import torch

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("model") / "tiny"
    save_model(FSHDModel(TINY), folder, ModelCard(model_id="tiny-test", trained_on="nothing", synthetic=True,
                                                  exercises=[14]))
    return folder


def _clips(n=5, size=48):
    return np.random.default_rng(0).integers(0, 256, (n, 8, 16, size, size, 3), dtype=np.uint8)


def test_backend_gives_probabilities_and_batching_does_not_change_them(model_dir):
    engine = open_backend(model_dir, "torch", device="cpu")
    assert (engine.name, engine.device, engine.precision) == ("torch", "cpu", "fp32")
    p, probs = engine.forward(_clips())
    assert p.shape == (5,) and probs.shape == (5, 4) and ((0 <= p) & (p <= 1)).all()
    assert np.allclose(probs.sum(1), 1, atol=1e-5)
    one = np.concatenate([engine.forward(_clips()[i:i + 1])[0] for i in range(5)])
    assert np.allclose(one, p, atol=1e-5)


def test_bad_input_and_unknown_backend_are_user_errors(model_dir):
    engine = open_backend(model_dir, "torch", device="cpu")
    with pytest.raises(UserError, match="uint8"):
        engine.forward(np.zeros((1, 4, 16, 32, 32, 3), np.uint8))
    with pytest.raises(UserError, match="back-end"):
        open_backend(model_dir, "tensorrt")


def _score(ex, cam, p):
    probs = {c: 0.25 for c in CLASSES}
    return ExerciseScore(ex, cam, p, probs if p is not None else {}, CLASSES[0] if p is not None else None)


def test_votes_per_camera_and_combined_with_the_tie_rule():
    scores = [_score(1, "A", 0.9), _score(2, "A", 0.2), _score(1, "B", 0.1), _score(2, "B", 0.3),
              _score(3, "B", 0.7), _score(3, "A", None)]
    votes = {v.camera_id: v for v in votes_of(scores, ["A", "B"])}
    assert (votes["A"].fshd_votes, votes["A"].against_votes, votes["A"].fshd) == (1, 1, True)  # tie: FSHD
    assert (votes["B"].fshd_votes, votes["B"].against_votes, votes["B"].fshd) == (1, 2, False)
    assert (votes[COMBINED].fshd_votes, votes[COMBINED].against_votes) == (2, 3)
    assert votes[COMBINED].fshd is False and "tie" in votes[COMBINED].rule
    assert CameraVote("A", 0, 0).fshd is None  # nothing scored: no verdict


def test_severity_is_the_mean_of_scored_class_probabilities():
    a = ExerciseScore(1, "A", 0.9, dict(zip(CLASSES, (0.7, 0.1, 0.1, 0.1))), CLASSES[0])
    b = ExerciseScore(2, "A", 0.4, dict(zip(CLASSES, (0.1, 0.1, 0.2, 0.6))), CLASSES[3])
    sev = severity_of([a, b, ExerciseScore(3, "A", None)])
    assert sev.clips == 2 and sev.class_probs["fshd_moderate"] == pytest.approx(0.4)
    assert sev.class_probs["control"] == pytest.approx(0.35) and sev.predicted_class == "fshd_moderate"


@pytest.mark.slow
def test_score_session_fills_every_row_saves_and_marks_moved_segments_stale(demo_project, model_dir, tmp_path):
    from fshd_studio.io.project import load_project

    session = load_project(demo_project.project).session
    seen, progress = [], []
    res = score_session(session, model_dir, cache_dir=tmp_path / "cache", device="cpu", on_score=seen.append,
                        report=progress.append)
    cams = [c.id for c in session.cameras]
    assert len(res.scores) == 15 * len(cams) and seen == res.scores
    scored = [s for s in res.scores if s.scored]
    assert {s.exercise_id for s in scored} == {14} and len(scored) == len(cams)
    assert all("not scored by this model" in s.reason for s in res.scores if s.exercise_id != 14)
    assert res.vote(COMBINED).exercises == len(cams) and res.provenance.weights_sha256
    assert progress[-1].stage == "model" and progress[-1].done == progress[-1].total == 1
    path = results_path(tmp_path / "s.fshd.json")
    save_results(path, res)
    back = load_results(path)
    assert isinstance(back, SessionResults) and back.to_dict() == res.to_dict()
    assert back.stale_exercises(session) == set()
    seg = session.segments[14]
    session.segments[14] = type(seg)(14, Span(seg.span.start_ms + 500, seg.span.end_ms + 500))
    assert back.stale_exercises(session) == {14} and segment_fingerprint(session, 14) != seen[-1].segment_fingerprint


def test_score_session_cancel_and_no_cameras(demo_project, model_dir, tmp_path):
    from fshd_studio.io.project import load_project

    session = load_project(demo_project.project).session
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        score_session(session, model_dir, cache_dir=tmp_path / "c", device="cpu", cancel=cancel)
    session.cameras = []
    with pytest.raises(UserError, match="no cameras"):
        score_session(session, model_dir, device="cpu")


def test_a_damaged_results_file_is_a_clear_error(tmp_path):
    path = tmp_path / "s.results.json"
    path.write_text('{"schema_version": 2, "results": [{"exercise": "x"}]}')
    with pytest.raises(UserError, match="damaged"):
        load_results(path)
    path.write_text('{"schema_version": 99}')
    with pytest.raises(UserError, match="schema version"):
        load_results(path)
    assert load_results(tmp_path / "none.json") is None
