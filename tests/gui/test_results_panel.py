"""The results panel in the review window: scoring from the window (cancel, score again, the table fills as
scores arrive), votes that add up, the synthetic model's banner, stale rows after a segment moves, and a row
that selects and plays its segment."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fshd_studio.core.results import (
    CLASSES, COMBINED, AsymmetrySummary, ExerciseScore, Provenance, SessionResults, segment_fingerprint,
    severity_of, votes_of,
)
from fshd_studio.core.session import Span
from fshd_studio.gui.dialogs import SaveChoice
from fshd_studio.gui.results.table import NOT_IN_MODEL
from fshd_studio.io.results_file import results_path, save_results
from tests.gui.window_fixtures import open_window, wait_frames


@pytest.fixture
def demo_copy(demo_project, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(demo_project.project.parent, folder)
    return folder / demo_project.project.name


def made_results(session, model_exercises=(3, 5), synthetic=True) -> SessionResults:
    """Results as score_session shapes them: every exercise × camera, those outside the model not scored."""
    scores = []
    for ex in session.protocol.ids():
        for k, cam in enumerate(session.cameras):
            if ex not in model_exercises:
                scores.append(ExerciseScore(ex, cam.id, None, reason="not scored by this model"))
                continue
            p = 0.2 + 0.5 * k + 0.05 * ex
            probs = {"fshd_moderate": p * 0.6, "fshd_severe": p * 0.4, "other_nmd": (1 - p) * 0.3,
                     "control": (1 - p) * 0.7}
            scores.append(ExerciseScore(ex, cam.id, p, probs, max(probs, key=probs.get), ("short",) if k else (),
                                        asymmetry=AsymmetrySummary("cheek_bulge", 1.0, 0.6, 0.25, "left")))
    cams = [c.id for c in session.cameras]
    prov = Provenance("test-model", "0" * 64, synthetic, "made-up clips for a test", tuple(model_exercises),
                      "Research use only.", "cpu", "torch", "fp32", "0", "2026-12-02T08:00:00+00:00",
                      {ex: segment_fingerprint(session, ex) for ex in session.protocol.ids()})
    return SessionResults(scores, votes_of(scores, cams), severity_of(scores), prov)


def open_demo(qtbot, project):
    """The window with `project` opened (opening indexes the videos on a job: wait for the session)."""
    w = open_window(qtbot, None)
    assert w.open_project(project)
    qtbot.waitUntil(lambda: w.controller.session is not None, timeout=20000)
    wait_frames(qtbot, w)
    return w


def close(w) -> None:
    w.prompts.save_choice = SaveChoice.DISCARD
    w.close()


def votes_add_up(results: SessionResults, cameras: list[str]) -> None:
    for cam in cameras:
        said = [s for s in results.scores if s.camera_id == cam and s.scored]
        v = results.vote(cam)
        assert v.fshd_votes + v.against_votes == len(said)
        assert v.fshd_votes == sum(1 for s in said if s.p_fshd >= 0.5)
    both = results.vote(COMBINED)
    assert both.fshd_votes == sum(results.vote(c).fshd_votes for c in cameras)
    assert both.against_votes == sum(results.vote(c).against_votes for c in cameras)


def test_score_from_window_cancel_then_score_again(qtbot, app_settings, demo_copy) -> None:
    w = open_demo(qtbot, demo_copy)
    dock, state = w.results, w.results.state
    seen = []
    state.changed.connect(lambda: seen.append((state.running, len(state.live))))
    assert not dock.isVisible() and w.actions_by_id["score_session"].isEnabled()
    QTest.keyClick(w, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Analysis → Score session
    assert state.running and dock.isVisible()
    assert not dock.panel.score_button.isEnabled() and dock.panel.cancel_button.isEnabled()
    QTest.mouseClick(dock.panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not state.running, timeout=60000)
    assert state.results is None and "cancelled" in dock.panel.status_label.text()
    assert not results_path(demo_copy).exists()  # a cancelled job saves nothing
    assert dock.panel.score_button.isEnabled()
    # score again (the toolbar's button this time), and let it finish
    said = []
    state.progressed.connect(lambda _p: said.append(dock.panel.job_label.text()))
    dock.panel.backend_box.setCurrentText("torch")  # the user picks where the model runs
    w.actions_by_id["score_session"].trigger()
    assert state.running
    qtbot.waitUntil(lambda: state.results is not None, timeout=240000)
    assert state.results.provenance.backend == "torch"
    assert any(t.startswith(f"Scoring on {state.results.provenance.backend}") for t in said), said  # device named
    assert any(running and live for running, live in seen)  # rows appeared while the job was running
    model = dock.panel.model
    session = w.controller.session
    assert model.rowCount() == 30 == len(session.protocol.ids()) * len(session.cameras)
    r = state.results
    cams = [c.id for c in session.cameras]
    votes_add_up(r, cams)
    shown = dock.panel.votes.labels
    for v in r.votes:  # the numbers on screen are the results' numbers
        assert shown[v.camera_id][1].text() == str(v.fshd_votes) and shown[v.camera_id][2].text() == str(
            v.against_votes)
    assert r.votes[0].rule in dock.panel.votes.rule.text()  # the rule is stated on screen
    assert r.provenance.synthetic and dock.panel.banner.isVisible()  # the demo model is synthetic
    text = dock.panel.model_label.text()
    assert r.provenance.model_id in text and r.provenance.trained_on[:40] in text
    outside = [ex for ex in session.protocol.ids() if ex not in r.provenance.model_exercises]
    rows = model.rows()
    assert all(row.p_text() == NOT_IN_MODEL for row in rows if row.exercise_id in outside)
    assert all(row.state in ("current", "unscored") for row in rows if row.exercise_id not in outside)
    assert results_path(demo_copy).is_file()  # saved beside the project
    assert r.provenance.device in dock.panel.job_label.text()
    close(w)


def test_results_load_with_project_and_go_stale(qtbot, app_settings, demo_copy) -> None:
    from fshd_studio.io.project import load_project

    session = load_project(demo_copy).session
    save_results(results_path(demo_copy), made_results(session))
    w = open_demo(qtbot, demo_copy)
    dock, panel = w.results, w.results.panel
    assert dock.isVisible() and dock.state.results is not None  # loaded with the project
    rows = {(r.exercise_id, r.camera_id): r for r in panel.model.rows()}
    assert len(rows) == 30
    assert rows[(3, "front")].state == "current" and rows[(1, "front")].p_text() == NOT_IN_MODEL
    assert "scores only exercises 3, 5" in panel.model_label.text()
    assert panel.banner.isVisible()
    assert rows[(3, "side")].asymmetry_text() == "0.25 · patient's left weaker" and "cheek_bulge" in rows[(3, "side")].asymmetry_tip()
    assert "shorter" in rows[(3, "side")].flags_text()
    # move exercise 3's segment: its rows turn stale, the others stay current
    seg = w.controller.session.segments[3]
    w.controller.move_segment(3, Span(seg.span.start_ms + 200.0, seg.span.end_ms + 200.0))
    rows = {(r.exercise_id, r.camera_id): r for r in panel.model.rows()}
    assert rows[(3, "front")].state == "stale" and rows[(5, "front")].state == "current"
    assert "(stale)" in rows[(3, "front")].p_text() and "moved since" in rows[(3, "front")].flags_text()
    assert "Stale" in panel.status_label.text() and "stale" in panel.votes.note.text()
    w.controller.undo_stack.undo()  # back where it was scored: current again
    assert {r.state for r in panel.model.rows() if r.exercise_id == 3} == {"current"}
    close(w)


def test_real_model_banner_absent(qtbot, app_settings, demo_copy) -> None:
    from fshd_studio.io.project import load_project

    session = load_project(demo_copy).session
    save_results(results_path(demo_copy), made_results(session, model_exercises=tuple(session.protocol.ids()),
                                                       synthetic=False))
    w = open_demo(qtbot, demo_copy)
    panel = w.results.panel
    assert not panel.banner.isVisible()
    assert "scores all 15 exercises" in panel.model_label.text()
    assert "Research use only" in panel.research.text()
    assert not [r for r in panel.model.rows() if r.p_text() == NOT_IN_MODEL]
    sev = w.results.state.results.severity
    assert panel.severity.severity is sev and abs(sum(sev.class_probs[c] for c in CLASSES) - 1) < 1e-6
    close(w)


def test_row_selects_and_plays_its_segment(qtbot, app_settings, demo_copy) -> None:
    from fshd_studio.io.project import load_project

    session = load_project(demo_copy).session
    save_results(results_path(demo_copy), made_results(session))
    w = open_demo(qtbot, demo_copy)
    panel, c = w.results.panel, w.controller
    row = panel.model.row_of(7, "side")
    panel.table.selectRow(row)
    assert c.selected() == 7
    assert c.playhead_ms() >= c.session.segments[7].span.start_ms
    assert w.media.transport.clock.playing
    w.media.transport.pause()
    # the window's own selection (timeline / checklist) follows into the table without replaying
    c.select(9)
    assert panel.model.row(panel.table.currentIndex().row()).exercise_id == 9
    assert not w.media.transport.clock.playing
    close(w)
