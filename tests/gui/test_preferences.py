"""Preferences: persisted with a schema_version (in a test settings folder), keys remappable (ELAN preset by
default), dark theme, autosave interval."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from fshd_studio.gui.dialogs import SaveChoice
from fshd_studio.gui.keymap import Keymap
from fshd_studio.gui.settings import PREFERENCES_SCHEMA, AppSettings, Preferences
from tests.gui.test_start_page import _shot
from tests.gui.window_fixtures import open_window


def test_preferences_are_persisted_with_a_schema_version(app_settings) -> None:
    s = AppSettings()
    assert s.preferences() == Preferences()  # nothing saved yet: the defaults
    prefs = Preferences(autosave_seconds=30.0, theme="dark", keymap=Keymap("classic", {"play": ("P",)}),
                        video_dir="/data/videos", project_dir="/data/projects", annotator="AB",
                        show_motion_lane=False)
    s.save_preferences(prefs)
    again = AppSettings()
    assert again.preferences() == prefs
    assert int(again.q.value("preferences/schema_version")) == PREFERENCES_SCHEMA
    assert again.q.fileName().startswith(str(app_settings))  # never the user's own settings


def test_old_and_damaged_settings_fall_back(app_settings) -> None:
    s = AppSettings()
    s.q.setValue("autosave/seconds", 12)  # what the app wrote before preferences had a schema
    s.q.setValue("appearance/theme", "purple")
    s.q.setValue("keymap/preset", "vim")
    s.q.sync()
    prefs = AppSettings().preferences()
    assert prefs.autosave_seconds == 12.0 and prefs.theme == "light" and prefs.keymap.preset == "elan"
    s.q.setValue("autosave/seconds", "soon")
    assert AppSettings().preferences().autosave_seconds == 5.0


def test_remapped_key_drives_the_action_and_elan_keys_work(qtbot, app_settings, window_project) -> None:
    w = open_window(qtbot, window_project)
    play = w.actions_by_id["play"]
    with qtbot.waitSignal(play.triggered, timeout=2000):  # ELAN's play/pause, in the default preset
        qtbot.keyClick(w, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    w.media.transport.toggle_play()  # pause again
    prefs = w.preferences
    w.prompts.preferences_answer = replace(prefs, keymap=prefs.keymap.remapped("play", ("P",)),
                                           autosave_seconds=42.0)
    w.actions_by_id["preferences"].trigger()
    assert [k.toString() for k in play.shortcuts()] == ["P"]
    w.show_shortcuts()  # Help → Shortcuts shows the keys in use
    rows = w._shortcuts_dialog.browser.toPlainText()
    assert "\nP\nPlay or pause" in rows and "Ctrl+Space" not in rows
    w._shortcuts_dialog.close()
    with qtbot.waitSignal(play.triggered, timeout=2000):
        qtbot.keyClick(w, Qt.Key.Key_P)
    w.media.transport.toggle_play()
    assert w.autosaver.timer.interval() == 42000
    assert AppSettings().preferences().keymap.keys_of("play") == ("P",)  # saved for the next start
    w.prompts.save_choice = SaveChoice.DISCARD
    w.close()


def test_keymap_editor_remaps_and_names_conflicts(qtbot) -> None:
    from fshd_studio.gui.preferences import PreferencesDialog

    dlg = PreferencesDialog(Preferences())
    qtbot.addWidget(dlg)
    editor = dlg.keys
    editor.select_action("loop")
    editor.remap_selected(("I",))  # I already marks in
    assert editor.keymap.keys_of("loop") == ("I",)
    assert "mark_in" in editor.conflicts.text() and "loop" in editor.conflicts.text()
    editor.remap_selected(("L",))  # back to the preset's key: no override left
    assert editor.keymap.overrides == {} and editor.conflicts.text() == ""
    dlg.theme.setCurrentIndex(dlg.theme.findData("dark"))
    dlg.autosave.setValue(20)
    got = dlg.preferences()
    assert got.theme == "dark" and got.autosave_seconds == 20.0


def test_dark_theme_applies(qtbot, app_settings, window_project) -> None:
    app = QApplication.instance()
    style_before, palette_before = app.styleSheet(), QPalette(app.palette())
    w = open_window(qtbot, window_project)
    try:
        w.apply_preferences(replace(w.preferences, theme="dark"))
        qtbot.wait(100)
        assert "#1a1d22" in app.styleSheet() and app.palette().color(QPalette.ColorRole.Window).lightness() < 60
        image = w.grab().toImage()
        panel = w.checklist.tree.viewport()
        spot = panel.mapTo(w, panel.rect().bottomLeft()) + QPoint(10, -10)
        assert image.pixelColor(spot).lightness() < 80  # the checklist's empty area is dark
        assert AppSettings().preferences().theme == "dark"
        _shot(qtbot, w, "dark_theme.png", theme="dark")
    finally:
        w.prompts.save_choice = SaveChoice.DISCARD
        w.close()
        app.setStyleSheet(style_before)
        app.setPalette(palette_before)
        app.setProperty("fshd_theme", None)


def test_default_folders_are_where_the_dialogs_start(qtbot, app_settings, tmp_path) -> None:
    w = open_window(qtbot, None)
    w.apply_preferences(replace(w.preferences, project_dir=str(tmp_path / "projects"),
                                video_dir=str(tmp_path / "videos")))
    w.actions_by_id["open"].trigger()  # the scripted file dialog is cancelled
    w.actions_by_id["new_session"].trigger()  # answered with the empty draft: no videos, refused, nothing made
    asked = dict(w.prompts.asked)
    assert asked["open_project"] == (str(tmp_path / "projects"),)
    assert asked["new_session"][1] == str(tmp_path / "videos")
    assert w.controller.session is None and "error" in asked
    w.close()
