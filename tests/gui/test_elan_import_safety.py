"""ELAN import from the window never takes a doubtful tier silently, never replaces segments without saying how
many, and a linked file's notes (a tier depending on the exercise tier) survive delete + export + re-import."""

from __future__ import annotations

from pathlib import Path

import pytest

from fshd_studio.core.session import Span
from tests.gui.test_main_window_elan import imported

from lxml import etree


def state(c) -> tuple:
    s = c.session
    return (dict(s.segments), {cam.id: cam.offset_ms for cam in s.cameras}, s.linked_eaf, s.exercise_tier,
            c.undo_stack.count())


def test_numeric_linguistic_tier_asks_and_cancel_changes_nothing(qtbot, main_window, external) -> None:
    w = main_window
    c = w.controller
    before = state(c)
    w.prompts.tier = None  # the annotator cancels the tier picker
    w.handle_dropped([external / "elan" / "pympi_sample_3.0.eaf"])
    qtbot.waitUntil(lambda: "pick_tier" in w.prompts.names(), timeout=60000)
    (_, (candidates, eaf)), = [a for a in w.prompts.asked if a[0] == "pick_tier"]
    assert {x.name for x in candidates} == {"words-timesub", "words-symsub"}
    assert all(x.numbers_only for x in candidates) and eaf.name == "pympi_sample_3.0.eaf"
    assert state(c) == before and "confirm_import" not in w.prompts.names()


def test_replacing_segments_says_how_many_and_cancel_changes_nothing(qtbot, main_window, external) -> None:
    w = main_window
    c = w.controller
    before = state(c)
    w.prompts.tier, w.prompts.confirm_answer = "words-timesub", False
    assert not imported(qtbot, w, external / "elan" / "pympi_sample_3.0.eaf")
    (_, (eaf, tier, changes)), = [a for a in w.prompts.asked if a[0] == "confirm_import"]
    assert tier == "words-timesub" and changes.replaced == len(before[0]) == 4  # every existing segment changes
    assert state(c) == before
    from fshd_studio.gui.tier_picker import replace_question

    assert "changes 4 of your segments" in replace_question(eaf, tier, changes)[0]
    w.prompts.confirm_answer = True
    assert imported(qtbot, w, external / "elan" / "pympi_sample_3.0.eaf")
    assert len(c.session.segments) == 15 and c.session.exercise_tier == "words-timesub"
    c.undo_stack.undo()
    assert state(c)[:4] == before[:4]  # segments, offsets and the link as they were


def _add_notes(eaf: Path, out: Path) -> dict[str, str]:
    """A Notes tier depending on the exercise tier: one note per exercise annotation, saying its exercise."""
    tree = etree.parse(str(eaf))
    root = tree.getroot()
    root.append(etree.fromstring('<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="note" TIME_ALIGNABLE="false" '
                                 'CONSTRAINTS="Symbolic_Association"/>'))
    root.append(etree.fromstring('<CONSTRAINT STEREOTYPE="Symbolic_Association"/>'))
    notes = etree.SubElement(root, "TIER", TIER_ID="Notes", LINGUISTIC_TYPE_REF="note", PARENT_REF="Exercise")
    said = {}
    for i, a in enumerate(root.iterfind("TIER[@TIER_ID='Exercise']/ANNOTATION/ALIGNABLE_ANNOTATION")):
        label = a.findtext("ANNOTATION_VALUE")
        wrap = etree.SubElement(notes, "ANNOTATION")
        ref = etree.SubElement(wrap, "REF_ANNOTATION", ANNOTATION_ID=f"note{i}", ANNOTATION_REF=a.get("ANNOTATION_ID"))
        etree.SubElement(ref, "ANNOTATION_VALUE").text = f"about {label}"
        said[f"about {label}"] = label
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return said


def test_dependent_tier_keeps_every_note_under_its_exercise(qtbot, main_window, tmp_path, schema) -> None:
    w = main_window
    c = w.controller
    c.create_segment(9, Span(3000.0, 3960.0))
    first = tmp_path / "first.eaf"
    assert w.export_eaf(first)
    linked = tmp_path / "linked.eaf"
    said = _add_notes(first, linked)
    assert imported(qtbot, w, linked)  # the same segments: nothing replaced, the file is now linked
    assert c.session.linked_eaf == linked and "confirm_import" not in w.prompts.names()
    assert [t.name for t in c.elan_lanes] == ["Notes"]
    c.delete_segment(2)
    c.move_segment(9, Span(2000.0, 2900.0))
    out = tmp_path / "out.eaf"
    assert w.export_eaf(out)
    assert schema.validate(etree.parse(str(out))), schema.error_log.last_error
    c.replace_all({}, {}, "clear")
    assert imported(qtbot, w, out) and "pick_tier" not in w.prompts.names()
    assert sorted(c.session.segments) == [1, 3, 4, 9]
    from fshd_studio.io.elan import read_eaf

    doc = read_eaf(out)
    owner = {a.id: a.value for a in doc.tier("Exercise").annotations}
    notes = doc.tier("Notes").annotations
    assert len(notes) == len(said) - 1  # the note on the deleted exercise 2 went with it
    for note in notes:
        assert owner[note.ref] == said[note.value]  # under the exercise it was written about
    nine = next(a for a in doc.tier("Exercise").annotations if a.value == said["about " + owner[next(
        n.ref for n in notes if "09" in n.value or "9 " in n.value)]])
    assert nine.start_ms == 2000.0  # the moved exercise carries its note along
