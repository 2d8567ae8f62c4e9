"""The session report's HTML, CSV and JSON (no Qt: the PDF is tested in tests/e2e/test_cli_report.py)."""

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.results import (CLASSES, AsymmetrySummary, ExerciseScore, Provenance, SessionResults,
                                      segment_fingerprint, severity_of, votes_of)
from fshd_studio.core.session import Camera, Segment, Session, Span
from fshd_studio.io.protocol_file import load_protocol
from fshd_studio.io.report import DISCLAIMER, HeatmapStill, write_report
from fshd_studio.io.results_file import load_results

NAME = "Marie Dupont"


def make_session(tmp_path: Path) -> Session:
    protocol = load_protocol()
    cams = [Camera("front", tmp_path / "Dupont_Marie_front.mp4", 0.0, "front camera"),
            Camera("side", tmp_path / "Dupont_Marie_side.mp4", 120.0, "side camera")]
    segs = {ex: Segment(ex, Span(1000.0 * i * 10, 1000.0 * i * 10 + 8000)) for i, ex in enumerate(protocol.ids())}
    return Session(NAME, "2026-11-24", protocol, cams, segs, notes="Mme Dupont tired today")


def make_results(session: Session, *, synthetic: bool = True, seed: int = 0) -> SessionResults:
    rng = np.random.default_rng(seed)
    scores = []
    for ex in session.protocol.ids():
        for cam in ("front", "side"):
            if ex == 3:
                scores.append(ExerciseScore(ex, cam, None, reason="not an exercise the model was trained on"))
                continue
            probs = rng.dirichlet(np.ones(4))
            cp = {c: float(p) for c, p in zip(CLASSES, probs)}
            flags = ("short", "several_faces") if (ex, cam) == (7, "side") else ()
            asym = AsymmetrySummary("smile", 0.3, 0.1, float(rng.uniform(0, 1)), "left" if ex % 2 else "right")
            scores.append(ExerciseScore(ex, cam, float(rng.uniform()), cp, max(cp, key=cp.get), flags, "", asym,
                                        segment_fingerprint(session, ex)))
    prov = Provenance("demo-synthetic", "ab" * 32, synthetic, "synthetic animations of one face", (1, 2, 14),
                      "Research use only. Not a medical device; not for diagnosis or treatment decisions.",
                      "cpu", "torch", "fp32", "0.1.0", "2026-12-02T08:00:00+00:00",
                      {ex: segment_fingerprint(session, ex) for ex in session.protocol.ids()})
    return SessionResults(scores, votes_of(scores, ["front", "side"]), severity_of(scores), prov)


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FSHD_STUDIO_DATA_DIR", str(tmp_path / "userdata"))   # the pseudonym key lives there


def _still(ex, cam):
    img = np.zeros((120, 160, 3), np.uint8)
    img[40:80, 60:100] = (255, 80, 0)
    return HeatmapStill(ex, cam, 1234, img)


def test_report_files_hold_the_exercise_table_votes_and_disclaimer(tmp_path):
    session = make_session(tmp_path)
    results = make_results(session)
    files = write_report(session, results, tmp_path / "out", heatmaps=[_still(14, "front"), _still(14, "side")])
    html = files.html.read_text(encoding="utf-8")
    assert DISCLAIMER in html and "SYNTHETIC MODEL" in html
    for ex in session.protocol.exercises:
        assert ex.name_en in html
    rows = list(csv.DictReader(io.StringIO(files.csv.read_text(encoding="utf-8"))))
    assert len(rows) == 15 * 2
    for row in rows:
        s = results.score(int(row["exercise"]), row["camera"])
        if s.p_fshd is None:
            assert row["p_fshd"] == "" and "not an exercise" in row["not_scored_reason"]
            continue
        assert float(row["p_fshd"]) == pytest.approx(s.p_fshd, abs=1e-6)
        assert row["predicted_class"] == s.predicted_class
        assert sum(float(row[f"p_{c}"]) for c in CLASSES) == pytest.approx(1.0, abs=1e-5)
        assert f"{s.p_fshd:.2f}" in html
    flagged = next(r for r in rows if (r["exercise"], r["camera"]) == ("7", "side"))
    assert "several faces in view" in flagged["flags"] and "shorter than" in flagged["flags"]
    combined = results.vote("combined")
    assert combined.exercises == 28 and f"<td align='right'>{combined.fshd_votes}</td>" in html
    assert results.votes[0].rule in html and "<b>28 of 30</b> exercise × camera clips were scored" in html
    back = load_results(files.json)     # results.json reads back as the results file does
    assert [s.p_fshd for s in back.scores] == pytest.approx([s.p_fshd for s in results.scores], abs=1e-6)
    for rel in ("report_images/asymmetry.png", "report_images/heatmap_14_front.png"):
        assert rel in html and (files.folder / rel).is_file() and (files.folder / rel) in files.images


def test_no_synthetic_banner_for_a_real_model(tmp_path):
    session = make_session(tmp_path)
    files = write_report(session, make_results(session, synthetic=False), tmp_path / "out")
    html = files.html.read_text(encoding="utf-8")
    assert "SYNTHETIC MODEL" not in html and DISCLAIMER in html
    assert NAME in html and "Dupont_Marie_front.mp4" in html      # names shown when not pseudonymised


def test_pseudonymised_report_leaves_names_out_of_every_file(tmp_path):
    session = make_session(tmp_path)
    results = make_results(session)
    scores = [s if (s.exercise_id, s.camera_id) != (3, "side") else
              ExerciseScore(3, "side", None, reason=f"video {session.cameras[1].video} cannot be read")
              for s in results.scores]
    results = SessionResults(scores, results.votes, results.severity, results.provenance)
    files = write_report(session, results, tmp_path / "out", pseudonymise=True, heatmaps=[_still(1, "front")])
    texts = [p.read_text(encoding="utf-8") for p in (files.html, files.csv, files.json)]
    for text in texts:
        for part in ("Marie", "Dupont", "dupont"):
            assert part not in text
    html = texts[0]
    assert "pseudonymised" in html and "P-" in html and "not anonymous" in html
    again = write_report(session, results, tmp_path / "again", pseudonymise=True)
    pseudonym = html.split("<th width='150'>Patient</th><td>")[1].split(" ")[0]
    assert pseudonym.startswith("P-") and pseudonym in again.html.read_text(encoding="utf-8")  # stable


def test_moved_segment_marks_its_rows_stale(tmp_path):
    session = make_session(tmp_path)
    results = make_results(session)
    seg = session.segments[5]
    session.segments[5] = Segment(5, Span(seg.span.start_ms + 500, seg.span.end_ms + 500))
    files = write_report(session, results, tmp_path / "out")
    rows = list(csv.DictReader(io.StringIO(files.csv.read_text(encoding="utf-8"))))
    assert {r["exercise"] for r in rows if r["stale"] == "yes"} == {"5"}
    assert "segment moved since it was scored" in files.html.read_text(encoding="utf-8")
