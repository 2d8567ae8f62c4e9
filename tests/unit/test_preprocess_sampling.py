"""The study's snippet rule and the frame-rate rule (pure, no video)."""

import numpy as np
import pytest

from fshd_studio.core.timebase import Timebase
from fshd_studio.preprocess.params import PreprocessParams
from fshd_studio.preprocess.sampling import clip_frames, full_grid_steps, snippet_frame_indices, snippet_steps

P = PreprocessParams()


def test_snippet_rule_at_the_reference_rate_is_exact():
    tb = Timebase.constant(2000, 30.0)
    start = 117
    clip = clip_frames(tb, start, 1500, P)
    idx = snippet_frame_indices(clip, P)
    assert idx.shape == (8, 16)
    for k in range(8):
        assert idx[k].tolist() == list(range(start + 32 * k, start + 32 * k + 32, 2))
    assert not clip.short and clip.real_steps == 256


def test_snippet_steps_are_every_second_of_32():
    steps = snippet_steps(P)
    assert steps[0, :3].tolist() == [0, 2, 4] and steps[7, -1] == 32 * 7 + 30


@pytest.mark.parametrize("fps", [25.0, 60.0, 24000 / 1001])
def test_other_frame_rates_are_resampled_by_time(fps):
    tb = Timebase.constant(3000, fps)
    clip = clip_frames(tb, 10, 2999, P)
    idx = snippet_frame_indices(clip, P)
    want_ms = tb.time_of(10) + snippet_steps(P) * 1000.0 / 30.0
    got_ms = tb.pts_ms[idx]
    assert np.all(np.abs(got_ms - want_ms) <= 500.0 / fps + 1e-6)  # nearest frame
    assert tb.pts_ms[idx[-1, -1]] - tb.pts_ms[idx[0, 0]] == pytest.approx(254 * 1000 / 30, abs=1000 / fps)
    assert np.all(np.diff(idx.reshape(-1)) >= 0)


def test_variable_frame_rate_takes_nearest_frame():
    rng = np.random.default_rng(0)
    pts = np.cumsum(rng.uniform(20, 50, 600))
    tb = Timebase(pts - pts[0])
    clip = clip_frames(tb, 0, 599, P)
    want = np.arange(256) * 1000.0 / 30.0
    got = tb.pts_ms[clip.grid]
    assert np.all(np.abs(got - want) <= 25.0 + 1e-6)


def test_short_exercise_repeats_its_last_frame():
    tb = Timebase.constant(1000, 30.0)
    clip = clip_frames(tb, 100, 199, P)  # 100 frames < 256
    idx = snippet_frame_indices(clip, P)
    assert clip.short and clip.real_steps == 100
    assert idx.max() == 199
    assert idx[0].tolist() == list(range(100, 132, 2))
    assert np.all(idx[4:] == 199)  # steps ≥ 100 repeat the last frame


def test_landmark_grid_covers_long_segments():
    tb = Timebase.constant(1000, 30.0)
    clip = clip_frames(tb, 0, 599, P)
    full = full_grid_steps(clip, tb, P)
    assert full.grid.size == 600 and full.grid[-1] == 599
