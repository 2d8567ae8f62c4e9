"""ELAN from the window: export validates against the EAF 3.0 XSD and re-imports to the same segments;
an ambiguous file asks for the exercise tier; an import is one undo step; a dropped .eaf is imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from fshd_studio.core.session import Span
from tests.gui.window_fixtures import OFFSET_MS, open_window

from lxml import etree


def imported(qtbot, w, path: Path, tier: str | None = None) -> bool:
    """Run the window's import (parse on the job runner) to its end; True when the session took it."""
    n = w.controller.undo_stack.count()
    if w.import_eaf(path, tier) is not None:  # the job may end before a signal could be waited for
        qtbot.waitUntil(lambda: not w.jobs.running(), timeout=30000)
    return w.controller.undo_stack.count() > n


def spans(session) -> dict[int, tuple[float, float]]:
    return {i: (s.span.start_ms, s.span.end_ms) for i, s in session.segments.items()}


@pytest.fixture
def exported(main_window, tmp_path) -> Path:
    w = main_window
    w.controller.create_segment(9, Span(3000.0, 3960.0))
    out = tmp_path / "export" / "visit.eaf"
    out.parent.mkdir()
    w.prompts.save_path = out
    w.actions_by_id["export_eaf"].trigger()
    assert out.is_file() and "error" not in w.prompts.names()
    return out


def test_export_validates_and_reimports_to_the_same_segments(qtbot, main_window, exported, schema) -> None:
    doc = etree.parse(str(exported))
    assert schema.validate(doc), schema.error_log.last_error
    w = main_window
    before = spans(w.controller.session)
    w.controller.replace_all({}, {"right": 0.0}, "clear")  # forget everything, then import it back
    assert w.controller.session.segments == {} and w.controller.session.camera("right").offset_ms == 0.0
    assert imported(qtbot, w, exported)
    after = spans(w.controller.session)
    assert after.keys() == before.keys()
    for i in before:
        assert after[i] == pytest.approx(before[i], abs=1.0)
    assert w.controller.session.camera("right").offset_ms == pytest.approx(OFFSET_MS)
    assert w.controller.session.linked_eaf == exported
    again = exported.with_name("again.eaf")  # exporting over the linked file's own exercise tier stays valid
    assert w.export_eaf(again)
    assert schema.validate(etree.parse(str(again))), schema.error_log.last_error


def test_import_is_one_undo_step_and_undo_restores_the_link(qtbot, main_window, exported) -> None:
    w = main_window
    c = w.controller
    c.replace_all({}, {}, "clear")
    before = (c.session.linked_eaf, c.session.exercise_tier)
    n = c.undo_stack.count()
    assert imported(qtbot, w, exported)
    assert c.undo_stack.count() == n + 1 and len(c.session.segments) == 5
    assert c.session.linked_eaf == exported
    assert "confirm_import" not in w.prompts.names()  # nothing of the annotator's was replaced: no question
    c.undo_stack.undo()
    assert c.session.segments == {} and (c.session.linked_eaf, c.session.exercise_tier) == before
    c.undo_stack.redo()
    assert c.session.linked_eaf == exported and len(c.session.segments) == 5


def test_ambiguous_tiers_ask_which_one(qtbot, main_window, exported, tmp_path) -> None:
    tree = etree.parse(str(exported))
    root = tree.getroot()
    tier = next(t for t in root.iterfind("TIER") if t.findall("ANNOTATION"))
    copy = etree.fromstring(etree.tostring(tier))
    copy.set("TIER_ID", "Exercise (second annotator)")
    for ann in copy.findall("ANNOTATION")[2:]:
        copy.remove(ann)
    for a in copy.iter("ALIGNABLE_ANNOTATION"):
        a.set("ANNOTATION_ID", a.get("ANNOTATION_ID") + "_b")
    tier.addnext(copy)
    two = tmp_path / "two.eaf"
    tree.write(str(two), xml_declaration=True, encoding="UTF-8")
    w = main_window
    w.prompts.tier = "Exercise (second annotator)"
    assert imported(qtbot, w, two)
    (_, (candidates, eaf)), = [a for a in w.prompts.asked if a[0] == "pick_tier"]
    assert {c.name for c in candidates} == {tier.get("TIER_ID"), "Exercise (second annotator)"}
    assert len(w.controller.session.segments) == 2 and w.controller.session.exercise_tier == w.prompts.tier
    w.prompts.tier = None  # cancelling the question imports nothing
    assert not imported(qtbot, w, two)


def test_dropped_eaf_is_imported(qtbot, main_window, exported) -> None:
    w = main_window
    w.controller.replace_all({}, {}, "clear")
    w.handle_dropped([exported])
    qtbot.waitUntil(lambda: len(w.controller.session.segments) == 5, timeout=30000)


def test_a_broken_eaf_shows_an_error(qtbot, main_window, tmp_path) -> None:
    bad = tmp_path / "bad.eaf"
    bad.write_text("<ANNOTATION_DOCUMENT><TIER")
    w = main_window
    assert not imported(qtbot, w, bad)
    assert "error" in w.prompts.names() and len(w.controller.session.segments) == 4


def test_a_project_and_an_eaf_dropped_together_open_then_import(qtbot, main_window, exported, window_project,
                                                                 tmp_path) -> None:
    from fshd_studio.gui.dialogs import SaveChoice
    from tests.gui.window_fixtures import open_window

    w = main_window
    w.prompts.save_choice = SaveChoice.DISCARD
    w.autosaver.timer.stop()
    w.autosaver.remove_sidecar()  # the first window's autosave would be offered as a recovery: not this test's
    w2 = open_window(qtbot, None)
    w2.prompts.save_choice = SaveChoice.DISCARD
    try:
        w2.handle_dropped([exported, window_project])  # the project opens as a job; the import waits for it
        qtbot.waitUntil(lambda: w2.controller.session is not None
                        and w2.controller.session.linked_eaf == exported, timeout=30000)
        assert len(w2.controller.session.segments) == 5
    finally:
        w2.close()
