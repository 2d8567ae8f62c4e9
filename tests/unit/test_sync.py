"""Automatic camera sync from facial motion: the demo's known offset within one frame; the lag's sign and size
from signals with a known shift; no confident answer from a motionless or periodic recording."""

import numpy as np
import pytest

from fshd_studio.io.project import load_project
from fshd_studio.preprocess.sync import MotionEnergy, align, confidence_of, estimate_offsets


def _energy(times_ms, values, frame_ms):
    return MotionEnergy(np.asarray(times_ms, float), np.asarray(values, float), True, frame_ms)


def _bursts(t_ms, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.cumsum(rng.uniform(1500, 6000, 40))
    return sum(np.exp(-0.5 * ((t_ms - c) / rng.uniform(80, 600)) ** 2) for c in centres) + 0.05


@pytest.mark.parametrize("lag_ms", [-2345.6, 0.0, 731.0, 12000.0])
def test_align_finds_a_known_shift_between_two_frame_rates(lag_ms):
    t_ref = np.arange(0, 120000, 1000 / 30)  # ref camera time
    t_other = np.arange(0, 120000, 1000 / 25)  # the other camera sees the same motion `lag_ms` later
    ref = _energy(t_ref, _bursts(t_ref), 1000 / 30)
    other = _energy(t_other, 0.7 * _bursts(t_other - lag_ms) + 0.01, 40.0)
    found, r, runner_up = align(ref, other)
    assert found == pytest.approx(lag_ms, abs=10.0)
    assert r > 0.9 and confidence_of(r, runner_up) > 0.5


def test_no_motion_or_a_regular_rhythm_is_not_confident():
    t = np.arange(0, 60000, 40.0)
    rng = np.random.default_rng(1)
    noise = _energy(t, rng.random(t.size), 40.0)
    _, r, r2 = align(noise, _energy(t, rng.random(t.size), 40.0))
    assert confidence_of(r, r2) < 0.2
    tick = _energy(t, 1 + np.sin(2 * np.pi * t / 3000.0), 40.0)  # the same movement every 3 s
    _, r, r2 = align(tick, tick)
    assert confidence_of(r, r2) < 0.2


def test_demo_offset_found_within_one_frame(demo_project):
    session = load_project(demo_project.project).session
    for cam in session.cameras:
        session.set_offset(cam.id, 0.0)  # forget the sync
    est = estimate_offsets(session)
    frame_ms = 1000.0 / 25.0  # the side camera's frame
    for cam_id, truth in demo_project.offsets.items():
        assert est.offsets_ms[cam_id] == pytest.approx(truth, abs=frame_ms)
    assert est.reference == "front" and 0.3 < est.confidence <= 1.0
