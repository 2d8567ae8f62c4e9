"""On the demo sessions: one-sided weakness shows in the asymmetry index; boundaries match the truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.io.project import load_project
from fshd_studio.preprocess import suggest_boundaries
from tests.fixtures_demo import preprocessed

pytestmark = pytest.mark.slow


def _asymmetry(demo) -> dict[int, dict]:
    """The front camera's asymmetry measures, from the demo's preprocessing (shared by the tests of a run)."""
    front = load_project(demo.project).session.cameras[0].id
    return {c.exercise_id: c.asymmetry for c in preprocessed(demo).clips
            if c.camera_id == front and c.asymmetry is not None}


def test_weakened_side_has_a_larger_asymmetry_index(demo_project, demo_project_weak):
    plain = _asymmetry(demo_project)
    weak = _asymmetry(demo_project_weak)
    assert set(plain) == set(weak) and len(plain) == 14  # every exercise but rest is measured
    a_plain = np.mean([a["asymmetry_index"] for a in plain.values()])
    a_weak = np.mean([a["asymmetry_index"] for a in weak.values()])
    assert a_weak > a_plain + 0.08 and a_weak > 1.8 * a_plain, (a_plain, a_weak)
    left = sum(a["weaker_side"] == "left" for a in weak.values())
    assert left >= 9, {k: (a["asymmetry_index"], a["weaker_side"]) for k, a in weak.items()}


@pytest.mark.parametrize("which", ["demo_project", "demo_project_weak", "demo_project_weak_long"])
def test_suggested_boundaries_are_near_the_true_ones(which, request):
    demo = request.getfixturevalue(which)
    session = load_project(demo.project).session
    truth = json.loads(Path(demo.truth).read_text())["segments"]
    segments = suggest_boundaries(session)
    assert [s.exercise_id for s in segments] == session.protocol.ids()
    errors = []
    for seg in segments:
        start, end = truth[str(seg.exercise_id)]
        errors += [abs(seg.span.start_ms - start), abs(seg.span.end_ms - end)]
    assert np.mean(np.array(errors) <= 500.0) >= 0.8, np.round(errors)
