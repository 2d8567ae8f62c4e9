"""The inference API: per exercise × camera scores, batching, progress, cancel (heatmaps: test_attention*)."""

import threading

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from fshd_studio.core.errors import UserError  # noqa: E402
from fshd_studio.core.progress import Cancelled  # noqa: E402
from fshd_studio.inference.inputs import vote_per_camera  # noqa: E402
from fshd_studio.inference.run import ClipInput, run_inference  # noqa: E402
from fshd_studio.model.checkpoint import ModelCard, save_model  # noqa: E402
from fshd_studio.model.config import CLASSES, preset  # noqa: E402
from fshd_studio.model.network import FSHDModel  # noqa: E402

TINY = preset("tiny")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("model") / "tiny"
    save_model(FSHDModel(TINY), folder, ModelCard(model_id="tiny-test", trained_on="nothing", synthetic=True))
    return folder


def _inputs(n=5, size=48):
    rng = np.random.default_rng(0)
    return [ClipInput(1 + i // 2, "AB"[i % 2], rng.integers(0, 256, (8, 16, size, size, 3), dtype=np.uint8))
            for i in range(n)]


def test_results_per_input_with_probabilities(model_dir):
    seen = []
    results = list(run_inference(_inputs(), model_dir, device="cpu", batch_size=2,
                                 report=seen.append))
    assert [(r.exercise_id, r.camera_id) for r in results] == [(i.exercise_id, i.camera_id) for i in _inputs()]
    for r in results:
        assert 0.0 <= r.p_fshd <= 1.0
        assert set(r.class_probs) == set(CLASSES) and sum(r.class_probs.values()) == pytest.approx(1.0, abs=1e-5)
        assert r.predicted_class == max(r.class_probs, key=r.class_probs.get)
    assert seen[-1].done == seen[-1].total == 5 and len(seen) == 4  # 0, then after each of 3 batches


def test_batching_does_not_change_scores(model_dir):
    a = [r.p_fshd for r in run_inference(_inputs(), model_dir, device="cpu", batch_size=1)]
    b = [r.p_fshd for r in run_inference(_inputs(), model_dir, device="cpu", batch_size=5)]
    assert np.allclose(a, b, atol=1e-5)


def test_cancel_stops_before_the_next_batch(model_dir):
    cancel = threading.Event()
    gen = run_inference(_inputs(), model_dir, device="cpu", batch_size=2, cancel=cancel)
    next(gen)
    cancel.set()
    with pytest.raises(Cancelled):
        list(gen)


def test_bad_input_is_a_user_error(model_dir):
    bad = [ClipInput(14, "A", np.zeros((4, 16, 32, 32, 3), np.uint8))]
    with pytest.raises(UserError, match="uint8"):
        list(run_inference(bad, model_dir, device="cpu"))


def test_vote_per_camera(model_dir):
    results = list(run_inference(_inputs(6), model_dir, device="cpu"))
    for r, p in zip(results, [0.9, 0.1, 0.8, 0.2, 0.1, 0.3]):
        r.p_fshd = p
    v = vote_per_camera(results)
    assert v["A"] == {"exercises": 3, "fshd_votes": 2, "fshd": True}
    assert v["B"] == {"exercises": 3, "fshd_votes": 0, "fshd": False}
