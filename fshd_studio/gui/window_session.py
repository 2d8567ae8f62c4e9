"""The window's session and preference actions: New session, Session properties, Preferences (apply and
persist), the start page's wiring, and the Sync adjust mode that the offset keys need.

Every question goes through `win.prompts` (tests script it); every session change goes through the controller.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from fshd_studio.core.errors import UserError
from fshd_studio.gui.session_properties import draft_from_videos, properties_of
from fshd_studio.gui.settings import Preferences

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow


# ---- New session and Session properties ---------------------------------------------------------------
def new_session(win: MainWindow, videos: list[Path] | None = None) -> bool:
    """File → New session (or videos dropped on an empty window, pre-filled): ask, then read the videos'
    timestamps on the window's job runner and show the session. True when the session is on its way."""
    from fshd_studio.gui import controller as ctl
    from fshd_studio.gui.session_properties import build_session
    from fshd_studio.io.protocol_file import DEFAULT_PROTOCOL, load_protocol

    if not win.maybe_keep_changes("New session"):
        return False
    prefs = win.preferences
    protocol = load_protocol(DEFAULT_PROTOCOL)
    draft = draft_from_videos(protocol, list(videos or []), prefs.annotator)
    answer = win.prompts.new_session(draft, prefs.video_dir or win.settings.last_dir())
    if answer is None:
        return False
    try:
        session = build_session(answer, protocol, DEFAULT_PROTOCOL)
    except UserError as exc:
        win.prompts.error("New session", str(exc))
        return False

    def done(timebases: dict) -> None:
        unreadable = [c.label or c.id for c in session.cameras if c.id not in timebases]
        win.controller.set_session(session, None, dirty=True, timebases=timebases)
        if answer.annotator and answer.annotator != win.preferences.annotator:  # proposed next time
            win.apply_preferences(_with(win.preferences, annotator=answer.annotator))
        note = f"; the video of {', '.join(unreadable)} cannot be read" if unreadable else ""
        win.statusBar().showMessage(f"New session for patient {session.patient_id}: save it to give it a project "
                                    f"file (Ctrl+S){note}", 10000)

    win.jobs.start("Reading the videos", lambda _report, cancel: ctl.load_timebases(session, cancel),
                   on_done=done, on_error=lambda text: win.prompts.error("New session", text),
                   on_cancelled=lambda: win.statusBar().showMessage(
                       "New session cancelled while reading the videos; nothing was made", 6000))
    return True


def edit_session_properties(win: MainWindow) -> bool:
    """File → Session properties: one undo step when something changed."""
    c = win.controller
    if c.session is None:
        return False
    videos = {cam.id: str(cam.video) for cam in c.session.cameras}
    answer = win.prompts.session_properties(properties_of(c.session), videos)
    if answer is None:
        return False
    before = c.undo_stack.count()
    c.edit_properties(answer)
    if c.undo_stack.count() != before:
        win.statusBar().showMessage(f"{c.undo_stack.undoText()} (Ctrl+Z undoes it)", 6000)
    return True


def refresh_camera_titles(win: MainWindow) -> None:
    """Camera names changed: the camera views and offset editors show them."""
    media = win._media
    if media is not None:
        for view in media.views.values():
            view.update()
        for editor in media.offset_editors.values():
            editor.refresh()


# ---- Preferences -----------------------------------------------------------------------------------------
def _with(prefs: Preferences, **changes: object) -> Preferences:
    from dataclasses import replace

    return replace(prefs, **changes)


def edit_preferences(win: MainWindow) -> bool:
    answer = win.prompts.preferences(win.preferences)
    if answer is None:
        return False
    win.apply_preferences(answer)
    win.statusBar().showMessage("Preferences saved", 4000)
    return True


def apply_keymap(win: MainWindow, prefs: Preferences) -> None:
    """Every action's keys from the keymap (the first one is shown in menus and tooltips)."""
    keys = prefs.keymap.keys()
    for action_id, act in win.actions_by_id.items():
        if action_id not in keys:
            continue
        act.setShortcuts([QKeySequence(k) for k in keys[action_id]])
        text = act.text().replace("&", "")
        act.setToolTip(f"{text} ({QKeySequence(keys[action_id][0]).toString()})" if keys[action_id] else text)


def apply_preferences(win: MainWindow, prefs: Preferences, *, persist: bool = True) -> None:
    from fshd_studio.gui.theme import apply_theme, current_theme

    win.preferences = prefs
    if persist:
        win.settings.save_preferences(prefs)
    win.autosaver.set_interval(prefs.autosave_seconds)
    apply_keymap(win, prefs)
    if current_theme() != prefs.theme:
        apply_theme(prefs.theme)


# ---- Start page ---------------------------------------------------------------------------------------
def wire_start_page(win: MainWindow) -> None:
    page = win.start_page
    page.new_session.connect(lambda: new_session(win))
    page.open_project.connect(win.open_dialog)
    page.open_demo.connect(win.open_demo)
    page.open_recent.connect(lambda p: win.open_project(p))
    page.clear_recent.connect(win.clear_recent_files)


# ---- Sync adjust mode ---------------------------------------------------------------------------------
class SyncMode(QObject):
    """The offset keys (Ctrl+Shift+←/→ by default) shift the second camera's sync offset only while this mode
    is on; it shows a banner in the status bar, and every shift is said there (one undo step each)."""

    toggled = Signal(bool)

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.on = False
        self.banner = QLabel("", win.statusBar())
        self.banner.setObjectName("syncModeBanner")
        win.statusBar().insertPermanentWidget(0, self.banner)
        self.banner.hide()
        act = win.actions_by_id.get("sync_mode")
        if act is not None:
            act.setCheckable(True)

    def _keys(self, action_id: str) -> str:
        act = self.win.actions_by_id.get(action_id)
        return act.shortcut().toString() if act is not None and not act.shortcut().isEmpty() else "the menu"

    def set_on(self, on: bool) -> None:
        self.on = bool(on)
        act = self.win.actions_by_id.get("sync_mode")
        if act is not None and act.isChecked() != self.on:
            act.setChecked(self.on)
        self.banner.setText("Sync adjust on")
        self.banner.setToolTip(f"{self._keys('offset_prev')} / {self._keys('offset_next')} shift the second camera's "
                               "sync offset by one of its frames; Playback → Sync adjust mode turns this off")
        self.banner.setVisible(self.on)
        self.toggled.emit(self.on)

    def nudge(self, frames: int) -> None:
        win = self.win
        if not self.on:
            win.statusBar().showMessage(
                f"{self._keys('offset_prev' if frames < 0 else 'offset_next')} shifts a camera's sync offset only in "
                "Sync adjust mode (Playback → Sync adjust mode); nothing changed", 6000)
            return
        session = win.controller.session
        ids = win.media.camera_ids()
        if session is None or len(ids) < 2:
            return
        cam = session.camera(ids[1])
        before = cam.offset_ms
        win.media.nudge_offset(ids[1], frames)
        after = session.camera(ids[1]).offset_ms
        if after != before:
            win.statusBar().showMessage(f"{cam.label or cam.id} offset {before:+.1f} → {after:+.1f} ms "
                                        f"({frames:+d} frame; Ctrl+Z undoes it)", 6000)


def set_motion_lane(win: MainWindow, shown: bool) -> None:
    """View → Motion lane: show (and compute) or hide it; remembered in the preferences."""
    win.motion.set_enabled(shown)
    win.apply_preferences(_with(win.preferences, show_motion_lane=bool(shown)))
