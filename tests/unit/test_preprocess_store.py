"""The on-disk format: written atomically, read back by load_preprocessed."""

import numpy as np
import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.preprocess.store import ClipOutput, load_preprocessed, write_clip, write_index


def test_clip_folder_round_trip_and_replace(tmp_path):
    snippets = np.random.default_rng(0).integers(0, 255, (8, 16, 224, 224, 3), dtype=np.uint8)
    meta = {"exercise_id": 14, "camera_id": "left", "usable": True, "reason": ""}
    clip = ClipOutput(14, "left", meta, snippets=snippets,
                      transforms=np.tile(np.eye(2, 3, dtype=np.float32), (5, 1, 1)))
    write_clip(tmp_path, clip)
    write_clip(tmp_path, ClipOutput(14, "left", {**meta, "usable": False, "reason": "no face"}))
    write_index(tmp_path, [{"exercise_id": 14, "camera_id": "left", "folder": "14_left"}])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["14_left", "index.json"]
    (back,) = load_preprocessed(tmp_path)
    assert back.exercise_id == 14 and not back.usable
    with pytest.raises(UserError, match="no face"):
        back.snippets()  # the replaced folder has no snippets any more


def test_missing_index_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="preprocess"):
        load_preprocessed(tmp_path)
