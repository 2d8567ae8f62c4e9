"""The bundled synthetic model, through the app's own pipeline: it must tell a weakened face from a plain one.

The clips are filmed by the demo's two cameras (seeds the training never used), encoded like the demo's
videos and preprocessed like a session; only then does the model score them. A model trained on clips
that bypass this path can score ~99 % FSHD on everything (it did): this test is the guard.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.demo.clip import render_camera_clip
from fshd_studio.demo.generate import default_cameras
from fshd_studio.inference.backends import open_backend
from fshd_studio.io.resources import models_dir
from fshd_studio.io.video import open_video
from fshd_studio.io.video_write import write_video
from fshd_studio.model.checkpoint import read_card
from fshd_studio.preprocess.clip import process_clip
from fshd_studio.preprocess.params import PreprocessParams

MODEL = models_dir() / "demo-synthetic"
SEED = 987_654_321  # not drawn by the benchmark's generator


def _pipeline_input(tmp_path, camera: int, weakness: float) -> np.ndarray:
    cam = default_cameras()[camera]
    frames = render_camera_clip(14, int(10 * cam.fps), cam, SEED + camera, weakness, "left")
    path = tmp_path / f"{cam.id}-{weakness}.mp4"
    write_video(path, frames, cam.fps, crf=26)
    with open_video(path) as reader:
        res = process_clip(reader, reader.timebase, 0, reader.timebase.frame_count - 1, PreprocessParams(), "none")
    assert res.usable and res.snippets is not None
    return res.snippets


def test_the_shipped_model_card_records_its_recipe_and_names_no_machine_path():
    card = read_card(MODEL)
    assert card.synthetic and "nothing clinically" in card.trained_on
    assert card.exercises and set(card.exercises) <= set(range(1, 16))
    assert card.training["recipe"] and card.training["encoder"]
    text = json.dumps(json.loads((MODEL / "model_card.json").read_text(encoding="utf-8")))
    for machine in ("/tmp", "/work", "/home", "C:\\\\", str(Path.home())):
        assert machine not in text, machine


@pytest.mark.slow
def test_the_shipped_model_separates_weak_from_plain_through_the_pipeline(tmp_path):
    card = read_card(MODEL)
    assert card.synthetic and "nothing clinically" in card.trained_on
    names = [f"{cam}-{w}" for cam in ("front", "side") for w in (0.0, 0.9)]
    clips = np.stack([_pipeline_input(tmp_path, cam, w) for cam in (0, 1) for w in (0.0, 0.9)])
    p = dict(zip(names, open_backend(MODEL, "torch", device="cpu").forward(clips)[0]))
    for cam in ("front", "side"):
        assert p[f"{cam}-0.9"] > 0.5 > p[f"{cam}-0.0"], p
    assert np.mean([p["front-0.9"], p["side-0.9"]]) - np.mean([p["front-0.0"], p["side-0.0"]]) > 0.4, p
