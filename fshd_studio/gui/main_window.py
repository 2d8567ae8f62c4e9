"""The main window: menus and toolbar built from the shortcut table, the Review workspace (synced camera
views, transport, offsets, timeline, protocol checklist) and the Labelling workspace, status bar.

The window owns no session state: the SessionController does. File actions live in FileActions, the
Review/Labelling modes in ModeSwitch (mixins).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox, QApplication, QMainWindow, QMessageBox, QSplitter, QStackedWidget,
    QVBoxLayout, QWidget,
)

from fshd_studio import __version__
from fshd_studio.core.session import SegmentStatus
from fshd_studio.gui.autosave import Autosaver
from fshd_studio.gui.checklist import ProtocolChecklist
from fshd_studio.gui.controller import SessionController
from fshd_studio.gui.dialogs import Prompts, ShortcutsDialog
from fshd_studio.gui.job_bar import JobBar
from fshd_studio.gui.jobs import JobRunner
from fshd_studio.gui.motion_track import MotionTrack
from fshd_studio.gui.results.dock import install_results
from fshd_studio.gui.segment_info import SegmentInfo, SessionSummary
from fshd_studio.gui.settings import AppSettings
from fshd_studio.gui.shortcuts import MENUS, SHORTCUTS
from fshd_studio.gui.start_page import StartPage
from fshd_studio.gui.status import MessageBar, StatusLine
from fshd_studio.gui.window_actions import action_handlers, build_toolbar
from fshd_studio.gui.window_files import FileActions
from fshd_studio.gui.window_modes import ModeSwitch
from fshd_studio.gui import window_session

RESEARCH_NOTE = "Research use only — not for diagnosis"


class MainWindow(FileActions, ModeSwitch, QMainWindow):
    project_opened = Signal(object)  # the project's path, once its session is shown
    suggestions_added = Signal(int)   # how many suggested segments a Suggest job added

    def __init__(self, controller: SessionController | None = None, settings: AppSettings | None = None,
                 autosave_s: float | None = None, restore_layout: bool = True, video_opener=None) -> None:
        QMainWindow.__init__(self)
        self.setObjectName("mainWindow")
        self.setWindowTitle("FSHD Studio")
        self.setAcceptDrops(True)
        self.controller = controller or SessionController(self)
        self.settings = settings or AppSettings()
        self.prompts = Prompts(self)
        self.autosaver = Autosaver(self.controller, autosave_s or self.settings.autosave_seconds(), self)
        self.actions_by_id: dict[str, QAction] = {}
        self._labelling: QWidget | None = None
        self._video_opener = video_opener  # tests may pass a reader factory; default: io.video.open_video
        self._build_review()
        self._build_stack()
        self._build_actions()
        self.toolbar = build_toolbar(self)
        self.setStatusBar(MessageBar(self))  # long messages wrap instead of being cut
        self.status = StatusLine(self.controller, self.statusBar(), RESEARCH_NOTE)
        self.jobs = JobRunner(self)  # the window's one job runner; its jobs are cancelled on close
        self.job_bar = JobBar(self.jobs, self)
        self.statusBar().addPermanentWidget(self.job_bar)
        # the job bar takes room from the session fields while it shows and gives it back when it goes
        self.jobs.changed.connect(lambda: QTimer.singleShot(0, self.status.refit))
        self.results = install_results(self)  # the results panel (docked) and scoring
        self.sync_mode = window_session.SyncMode(self)  # the offset keys act only in this visible mode
        self.preferences = self.settings.preferences()
        window_session.apply_keymap(self, self.preferences)
        window_session.wire_start_page(self)
        self.motion = MotionTrack(self, enabled=self.preferences.show_motion_lane)  # the timeline's motion lane
        self.actions_by_id["motion_lane"].setCheckable(True)
        self.actions_by_id["motion_lane"].setChecked(self.preferences.show_motion_lane)
        self.controller.properties_changed.connect(self.status.refresh)
        self.controller.properties_changed.connect(self.checklist.refresh)
        self.controller.properties_changed.connect(lambda: window_session.refresh_camera_titles(self))
        self.autosaver.failed.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.controller.dirty_changed.connect(lambda _d: self._update_title())
        self.controller.project_path_changed.connect(self._update_title)
        self.controller.session_loaded.connect(self._on_session_loaded)
        self.controller.elan_link_changed.connect(lambda: self._timeline is not None and self._show_linked_tiers())
        QApplication.instance().installEventFilter(self)  # see eventFilter: Enter in a number field
        self.resize(1600, 1000)
        if restore_layout:
            self._restore_layout()
        self._update_title()
        self._on_session_loaded()

    # ---- layout -------------------------------------------------------------------------------------
    def _build_review(self) -> None:
        self.review = QWidget(self)
        self.review.setObjectName("reviewPage")
        self._media = None
        self.media_slot = QWidget(self.review)  # camera views: built with the timeline, just after the first paint
        self.media_slot.setObjectName("mediaSlot")
        media_lay = QVBoxLayout(self.media_slot)
        media_lay.setContentsMargins(0, 0, 0, 0)
        self._timeline = None
        self.timeline_slot = QWidget(self.review)  # the timeline (pyqtgraph) is built just after the first show
        self.timeline_slot.setObjectName("timelineSlot")
        self.timeline_slot.setMinimumHeight(150)
        slot_lay = QVBoxLayout(self.timeline_slot)
        slot_lay.setContentsMargins(0, 0, 0, 0)
        self._timeline_scheduled = False
        self._lane_key: list[tuple[str, int]] = []
        self.checklist = ProtocolChecklist(self.controller, self.review)
        self.segment_info = SegmentInfo(self.controller, self.review)
        self.session_summary = SessionSummary(self.controller, self.review)
        self.checklist.activated.connect(self._show_exercise)
        side = QWidget(self.review)
        side.setObjectName("sidePanel")
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(10, 10, 10, 10)
        side_lay.addWidget(self.checklist, 1)
        side_lay.addWidget(self.segment_info)
        side_lay.addWidget(self.session_summary)
        self.left_split = QSplitter(Qt.Orientation.Vertical, self.review)
        self.left_split.addWidget(self.media_slot)
        self.left_split.addWidget(self.timeline_slot)
        self.left_split.setStretchFactor(0, 3)
        self.left_split.setStretchFactor(1, 1)
        self.left_split.setSizes([640, 240])
        self.main_split = QSplitter(Qt.Orientation.Horizontal, self.review)
        self.main_split.addWidget(self.left_split)
        self.main_split.addWidget(side)
        self.main_split.setStretchFactor(0, 1)
        self.main_split.setStretchFactor(1, 0)
        self.main_split.setSizes([1200, 400])
        lay = QVBoxLayout(self.review)
        lay.setContentsMargins(6, 6, 6, 0)
        lay.addWidget(self.main_split)
        self.start_page = StartPage(RESEARCH_NOTE, self.review)  # covers the Review page while no session is open
        self.review.installEventFilter(self)  # see eventFilter: the start page follows the page's size

    @property
    def timeline(self):  # noqa: ANN201 - TimelineWidget, imported lazily
        return self.ensure_timeline()

    @property
    def media(self):  # noqa: ANN201 - MediaPanel, imported lazily
        return self.ensure_media()

    def ensure_media(self):  # noqa: ANN201
        """Build the camera views on first use (their decoders pull in numpy and PyAV): after the first paint."""
        if self._media is None:
            from fshd_studio.gui.media import MediaPanel

            self._media = MediaPanel(self.controller, self._video_opener, parent=self.media_slot)
            self._media.relocate_requested.connect(self.relocate_camera)
            self.media_slot.layout().addWidget(self._media)
        return self._media

    def ensure_workspace(self) -> None:
        """Everything the first paint left out: camera views and timeline."""
        self.ensure_media()
        self.ensure_timeline()

    def ensure_timeline(self):  # noqa: ANN201
        """Build the timeline on first use: importing pyqtgraph costs ~0.2 s, so the window shows first."""
        if self._timeline is None:
            from fshd_studio.gui.timeline import TimelineWidget

            self._timeline = TimelineWidget(self.controller, self.timeline_slot)
            self._timeline.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
            self.timeline_slot.layout().addWidget(self._timeline)
            self._show_linked_tiers()
        return self._timeline

    def _build_stack(self) -> None:
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.review)
        self.setCentralWidget(self.stack)

    def apply_preferences(self, prefs) -> None:  # noqa: ANN001 - settings.Preferences
        """Save and apply new preferences (autosave interval, keys, theme)."""
        window_session.apply_preferences(self, prefs)

    def clear_recent_files(self) -> None:
        self.settings.clear_recent()
        self.refresh_recent_menu()
        self.statusBar().showMessage("Recent files cleared", 4000)

    # ---- actions ------------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        handlers = action_handlers(self)
        self.menus = {name: self.menuBar().addMenu(f"&{name}") for name in MENUS}
        last_section: dict[str, str] = {}
        for s in SHORTCUTS:
            menu = self._menu_for(s.menu)
            if s.menu in last_section and last_section[s.menu] != s.section:
                menu.addSeparator()
            last_section[s.menu] = s.section
            act = QAction(s.text, self)
            act.setObjectName(f"action_{s.action_id}")
            act.setShortcuts([QKeySequence(k) for k in s.keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setStatusTip(s.help)
            act.setToolTip(f"{s.text.replace('&', '')} ({s.keys[0]})" if s.keys else s.text.replace("&", ""))
            act.triggered.connect(lambda _checked=False, f=handlers[s.action_id]: f())
            menu.addAction(act)
            self.addAction(act)
            self.actions_by_id[s.action_id] = act
            if s.action_id == "open":
                self.recent_menu = menu.addMenu("Open &recent")
                self.recent_menu.setObjectName("recentMenu")
        self._wire_undo_actions()
        self._wire_mode_actions()
        self.refresh_recent_menu()

    def _menu_for(self, path: str):  # noqa: ANN202 - QMenu
        """The menu of a shortcut entry: "Segment" or a submenu such as "Segment/Assign exercise"."""
        if path not in self.menus:
            parent, _, name = path.rpartition("/")
            self.menus[path] = self._menu_for(parent).addMenu(name)
        return self.menus[path]

    def _wire_undo_actions(self) -> None:
        stack = self.controller.undo_stack
        undo_a, redo_a = self.actions_by_id["undo"], self.actions_by_id["redo"]
        undo_a.setEnabled(stack.canUndo())
        redo_a.setEnabled(stack.canRedo())
        stack.canUndoChanged.connect(undo_a.setEnabled)
        stack.canRedoChanged.connect(redo_a.setEnabled)
        stack.undoTextChanged.connect(lambda text: undo_a.setText(f"&Undo {text}".strip()))
        stack.redoTextChanged.connect(lambda text: redo_a.setText(f"&Redo {text}".strip()))

    # ---- reactions ----------------------------------------------------------------------------------
    def _on_session_loaded(self) -> None:
        has = self.controller.session is not None
        for key in ("save", "save_as", "import_eaf", "export_eaf", "relocate", "suggest", "session_properties"):
            self.actions_by_id[key].setEnabled(has)
        self.start_page.setVisible(not has)
        self._update_title()
        if self._timeline is not None:
            self._show_linked_tiers()

    def _show_linked_tiers(self) -> None:
        """The other tiers of the session's linked .eaf as read-only lanes under the exercise tier."""
        session = self.controller.session
        tiers: list = list(self.controller.elan_lanes or [])  # known since an ELAN import (or its undo)
        if self.controller.elan_lanes is None and session is not None and session.linked_eaf is not None \
                and session.linked_eaf.is_file():
            try:
                from fshd_studio.gui.elan_actions import lane_tiers, read_doc

                tiers = lane_tiers(read_doc(session.linked_eaf), session.exercise_tier)
            except Exception as exc:  # optional lanes: never stop a project from opening
                self.statusBar().showMessage(f"Other ELAN tiers not shown: {exc}", 6000)
        key = [(t.name, len(t.annotations)) for t in tiers]
        if key != self._lane_key:  # set_other_tiers rebuilds the whole timeline: only when the lanes change
            self._lane_key = key
            self._timeline.set_other_tiers(tiers)

    def _update_title(self) -> None:
        c = self.controller
        name = c.project_path.name if c.project_path else ("Untitled session" if c.session else "")
        title = f"{name} — FSHD Studio" if name else "FSHD Studio"
        self.setWindowModified(c.is_dirty())
        self.setWindowTitle(title.replace(" — ", "[*] — ", 1) if name else title)

    def _show_exercise(self, exercise_id: int) -> None:
        seg = self.controller.session.segments.get(exercise_id) if self.controller.session else None
        if seg is not None:
            self.timeline.ensure_visible(seg.span)

    def _nudge_second_camera(self, frames: int) -> None:
        self.sync_mode.nudge(frames)

    def mark_selected(self, status: SegmentStatus) -> None:
        """Confirm (C) or mark unusable (U) the selected segment; pressing it again returns it to draft."""
        ex = self.controller.selected()
        seg = self.controller.session.segments.get(ex) if self.controller.session else None
        if seg is not None:
            self.controller.set_segment_status(ex, SegmentStatus.DRAFT if seg.status == status else status)

    def show_shortcuts(self) -> None:
        dlg = ShortcutsDialog(self, self.preferences.keymap.keys())
        dlg.setModal(False)
        dlg.show()
        self._shortcuts_dialog = dlg

    def show_about(self) -> None:
        QMessageBox.about(self, "About FSHD Studio",
                          f"<b>FSHD Studio</b> {__version__}<br>Segmentation and scoring of facial exercises "
                          f"for FSHD research.<br><br><b>{RESEARCH_NOTE}.</b>")

    def open_log_folder(self) -> None:
        """Help → Open log folder: the rotating log a user can attach to a bug report."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from fshd_studio.core.logsetup import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.prompts.error("Log folder", f"The log files are in {folder}")

    # ---- layout persistence and closing -------------------------------------------------------------
    def _restore_layout(self) -> None:
        geo, state = self.settings.geometry(), self.settings.state()
        if geo is not None:
            self.restoreGeometry(geo)
        if state is not None:
            self.restoreState(state)
        for name, split in (("main", self.main_split), ("left", self.left_split)):
            value = self.settings.splitter(name)
            if value is not None:
                split.restoreState(value)

    def _save_layout(self) -> None:
        self.settings.save_layout(self.saveGeometry(), self.saveState(),
                                  {"main": self.main_split.saveState(), "left": self.left_split.saveState()})

    def event(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self._timeline_scheduled:
            self._timeline_scheduled = True  # the window is on screen: now the heavy parts
            QTimer.singleShot(0, self.ensure_workspace)
        return super().event(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.review and event.type() == QEvent.Type.Resize:
            self.start_page.setGeometry(self.review.rect())
            self.start_page.raise_()
        # after Enter or Esc in a number field (e.g. an offset), the keys go back to the timeline, so the
        # next I, O, digits or arrows act on the session instead of typing into that field
        if (event.type() == QEvent.Type.KeyPress and isinstance(obj, QAbstractSpinBox)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
                and self.review.isAncestorOf(obj)):
            QTimer.singleShot(0, self._focus_timeline)
        return False

    def _focus_timeline(self) -> None:
        if self._timeline is not None:
            self._timeline.setFocus(Qt.FocusReason.OtherFocusReason)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.maybe_keep_changes("Quit"):
            event.ignore()
            return
        self._save_layout()
        self.settings.sync()
        self.autosaver.timer.stop()
        self.jobs.shutdown()
        if self._media is not None:
            self._media.shutdown()
        QApplication.instance().removeEventFilter(self)
        event.accept()

    def open_path(self, path: Path) -> bool:  # convenience for app_main and tests
        return self.open_project(path)
