"""`fshd-studio compare`: two demo visits of one patient (without, then with the simulated weakness)."""

from __future__ import annotations

import csv
import json

import pytest

from fshd_studio.cli import run
from fshd_studio.core.compare import Visit, compare_visits
from fshd_studio.core.errors import UserError
from fshd_studio.core.results import CLASSES, ExerciseScore, Provenance, SessionResults, severity_of, votes_of
from tests.fixtures_demo import copy_demo


@pytest.mark.slow
def test_two_demo_visits_show_the_change(demo_project, demo_project_weak, tmp_path, capsys):
    first = copy_demo(demo_project, tmp_path / "v1", "2025-11-02")
    second = copy_demo(demo_project_weak, tmp_path / "v2", "2026-11-24")
    assert run(["compare", str(first), str(second), "--out", str(tmp_path / "cmp")]) == 2
    assert "has not been scored" in capsys.readouterr().err
    for project in (first, second):
        assert run(["infer", str(project), "--exercise", "14", "--device", "cpu", "--backend", "torch"]) == 0
    capsys.readouterr()
    out = tmp_path / "cmp"
    assert run(["compare", str(second), str(first), "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["visits"] == ["2025-11-02", "2026-11-24"]  # ordered by date, whatever the order given
    assert any("SYNTHETIC" in w for w in doc["warnings"])
    with open(out / "comparison.csv", newline="") as fh:
        rows = {int(r["exercise"]): r for r in csv.DictReader(fh)}
    r14 = rows[14]
    p1, p2 = float(r14["2025-11-02 p_fshd"]), float(r14["2026-11-24 p_fshd"])
    assert float(r14["change_p_fshd"]) == pytest.approx(p2 - p1, abs=1e-3)
    assert p2 - p1 > 0.2 and r14["trend"] == "higher P(FSHD)"  # the weakness appeared at the second visit
    assert rows[1]["change_p_fshd"] == "" and rows[1]["trend"] == "not enough scored visits"
    html = (out / "comparison.html").read_text()
    assert "Research use only" in html and "higher P(FSHD)" in html
    assert (out / "comparison.pdf").read_bytes().startswith(b"%PDF")


def _results(model_sha, p, patient="P1"):
    scores = [ExerciseScore(14, "front", p, dict(zip(CLASSES, (p, 0.0, 0.0, 1 - p))), CLASSES[0])]
    prov = Provenance("m", model_sha, False, "data", (14,), "research", "cpu", "torch", "fp32", "0", "t", {})
    return SessionResults(scores, votes_of(scores, ["front"]), severity_of(scores), prov)


def test_visits_by_different_models_are_not_compared_silently_and_patients_must_match():
    a = Visit("a", "P1", "2025-01-01", _results("aaaa", 0.2))
    b = Visit("b", "P1", "2026-01-01", _results("bbbb", 0.9))
    cmp = compare_visits([b, a])
    assert [v.session for v in cmp.visits] == ["a", "b"] and cmp.exercises[0].change == pytest.approx(0.7)
    assert any("different models" in w for w in cmp.warnings)
    with pytest.raises(UserError, match="different patients"):
        compare_visits([a, Visit("c", "P2", "2026-02-01", _results("aaaa", 0.5))])
    with pytest.raises(UserError, match="at least two"):
        compare_visits([a])
    three = compare_visits([a, b, Visit("c", "P1", "2027-01-01", _results("aaaa", 0.95))])
    assert len(three.exercises[0].cells) == 3 and three.exercises[0].trend == "higher P(FSHD)"
