"""Start page, New session from two real videos (protocol camera names, patient id, visit date, annotator),
Session properties as one undo step each."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fshd_studio.core.session import SegmentStatus, Span
from fshd_studio.gui.dialogs import SaveChoice
from fshd_studio.gui.session_properties import NewCamera, NewSession, SessionProperties, properties_of
from tests.gui.window_fixtures import open_window

SHOTS = Path("/work/notes/shots")


def _shot(qtbot, widget, name: str, theme: str = "light") -> None:
    """A screenshot as the app looks (its stylesheet), under /work/notes/shots when that folder exists."""
    from PySide6.QtWidgets import QApplication

    from fshd_studio.gui.theme import stylesheet

    if not SHOTS.parent.is_dir():
        return
    SHOTS.mkdir(exist_ok=True)
    app = QApplication.instance()
    before = app.styleSheet()
    app.setStyleSheet(stylesheet(theme))
    qtbot.wait(200)  # the new style's layout
    try:
        widget.grab().save(str(SHOTS / name))
    finally:
        app.setStyleSheet(before)


@pytest.fixture
def two_videos(external) -> tuple[Path, Path]:
    front = external / "video" / "pyfeat_WolfgangLanger_Pexels.mp4"
    side = external / "video" / "pyfeat_single_face.mp4"
    if not (front.is_file() and side.is_file()):
        pytest.skip("the shared face videos are not in ../shared/data/external/video")
    return front, side


def _close(w) -> None:
    w.prompts.save_choice = SaveChoice.DISCARD
    w.close()


def test_the_empty_window_offers_new_open_recent_and_demo(qtbot, app_settings, window_project) -> None:
    w = open_window(qtbot, None)
    page = w.start_page
    assert page.isVisible() and set(page.buttons) == {"new", "open", "demo"}
    assert not page.clear_button.isEnabled()  # nothing to clear yet
    _shot(qtbot, w, "start_page.png")
    with qtbot.waitSignal(w.project_opened, timeout=10000):
        w.open_project(window_project)
    assert not page.isVisible()
    _close(w)
    w2 = open_window(qtbot, None)
    assert w2.start_page.recent_paths() == [window_project]
    assert w2.recent_menu.actions()[-1].text() == "Clear recent files"
    w2.start_page.clear_button.click()  # privacy: forget which patients' projects were opened
    assert w2.start_page.recent_paths() == [] and w2.settings.recent_files() == []
    assert not w2.recent_menu.isEnabled()
    _close(w2)


def test_new_session_from_two_videos_is_saved_and_reopened(qtbot, app_settings, two_videos, tmp_path) -> None:
    from fshd_studio.io.project import load_project

    front, side = two_videos
    w = open_window(qtbot, None)
    w.prompts.new_session_answer = NewSession(
        (NewCamera("front", "Front camera", front), NewCamera("side", "Side camera", side)),
        "FSHD-0107", "2026-03-02", "AB")
    w.actions_by_id["new_session"].trigger()
    (draft, _), = [args for name, args in w.prompts.asked if name == "new_session"]
    assert [c.id for c in draft.cameras] == ["front", "side"]  # the protocol's names, not Left/Right
    qtbot.waitUntil(lambda: w.controller.session is not None, timeout=20000)
    s = w.controller.session
    assert [(c.id, c.label, c.video) for c in s.cameras] == [("front", "Front camera", front),
                                                             ("side", "Side camera", side)]
    assert (s.patient_id, s.visit_date, s.annotator) == ("FSHD-0107", "2026-03-02", "AB")
    assert not w.start_page.isVisible() and "Patient FSHD-0107" in w.status.patient.text()
    w.controller.create_segment(3, Span(1000.0, 12000.0))
    assert s.segments[3].annotator == "AB"  # segments made in the app carry the annotator
    w.prompts.save_path = tmp_path / "visit.fshd.json"
    assert w.save()
    loaded = load_project(tmp_path / "visit.fshd.json").session
    assert (loaded.patient_id, loaded.visit_date, loaded.annotator) == ("FSHD-0107", "2026-03-02", "AB")
    assert [(c.id, c.label, c.video) for c in loaded.cameras] == [(c.id, c.label, c.video) for c in s.cameras]
    assert loaded.segments[3].annotator == "AB"
    assert w.preferences.annotator == "AB"  # proposed for the next new session
    _close(w)


def test_new_session_needs_both_videos_and_a_study_id(qtbot, two_videos) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from fshd_studio.gui.session_dialog import NewSessionDialog
    from fshd_studio.gui.session_properties import draft_from_videos
    from fshd_studio.io.protocol_file import load_protocol

    dlg = NewSessionDialog(draft_from_videos(load_protocol(), [two_videos[0]], "AB"))
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "Side camera" in dlg.problems.text()
    dlg.paths[1].setText(str(two_videos[1]))
    dlg.fields.patient.setText("Jane Doe")  # a name, not a study code
    assert not ok.isEnabled() and "never a name" in dlg.problems.text()
    dlg.fields.patient.setText("FSHD-0107")
    assert ok.isEnabled()
    draft = dlg.draft()
    assert draft.patient_id == "FSHD-0107" and [c.video for c in draft.cameras] == list(two_videos)
    dlg.resize(760, dlg.sizeHint().height())
    dlg.show()
    _shot(qtbot, dlg, "new_session_dialog.png")


def test_each_properties_edit_is_one_undo_step(qtbot, app_settings, window_project) -> None:
    w = open_window(qtbot, window_project)
    c = w.controller
    old = properties_of(c.session)
    new = replace(old, patient_id="FSHD-0099", annotator="CD",
                  camera_labels=(("left", "Front camera"), ("right", "Side camera")))
    w.prompts.properties_answer = new
    steps = c.undo_stack.count()
    w.actions_by_id["session_properties"].trigger()
    assert c.undo_stack.count() == steps + 1 and c.is_dirty()
    assert c.undo_stack.undoText() == "Change patient id, annotator, camera names"
    assert properties_of(c.session) == new and "FSHD-0099" in w.status.patient.text()
    assert w.media.offset_editors["right"].label.text() == "Side camera offset"
    c.undo_stack.undo()
    assert properties_of(c.session) == old and "FSHD-0042" in w.status.patient.text()
    assert w.media.offset_editors["right"].label.text() == "Right offset"
    c.undo_stack.redo()
    assert properties_of(c.session) == new
    w.prompts.properties_answer = new  # OK without a change: no step
    w.actions_by_id["session_properties"].trigger()
    assert c.undo_stack.count() == steps + 1
    c.set_segment_status(2, SegmentStatus.CONFIRMED)
    assert c.session.segments[2].annotator == "CD"  # who confirmed it
    _close(w)


def test_properties_dialog_returns_the_edit(qtbot) -> None:
    from fshd_studio.gui.session_dialog import SessionPropertiesDialog

    props = SessionProperties("FSHD-0042", "2026-11-24", "", (("front", "Front camera"), ("side", "Side camera")))
    dlg = SessionPropertiesDialog(props, {"front": "/v/front.mp4", "side": "/v/side.mp4"})
    qtbot.addWidget(dlg)
    dlg.fields.annotator.setText("AB")
    dlg.labels["side"].setText("Profile camera")
    got = dlg.properties()
    assert got.annotator == "AB" and got.label_of("side") == "Profile camera" and got.patient_id == "FSHD-0042"
