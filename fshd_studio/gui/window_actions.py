"""The main window's action handlers (one per entry of the shortcut table) and its toolbar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QWidget

from fshd_studio.core.session import SegmentStatus
from fshd_studio.gui import window_session
from fshd_studio.gui.privacy_action import export_pseudonymised
from fshd_studio.gui.suggest_actions import suggest_segments
from fshd_studio.gui.visits.compare_dialog import compare_dialog
from fshd_studio.gui.visits.queue_dialog import show_queue
from fshd_studio.gui.sync_action import propose_sync

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow


def action_handlers(win: MainWindow) -> dict[str, Callable[[], object]]:
    """What each entry of the shortcut table does (by action id); media and timeline are looked up at
    call time, since they are built only after the first paint."""
    c = win.controller

    def md(name: str, *args: object) -> Callable[[], object]:
        return lambda: getattr(win.media, name)(*args)

    def tr(name: str) -> Callable[[], object]:
        return lambda: getattr(win.media.transport, name)()

    def tl(name: str, *args: object) -> Callable[[], object]:
        return lambda: getattr(win.timeline, name)(*args)

    h: dict[str, Callable[[], object]] = {
        "new_session": lambda: window_session.new_session(win),
        "session_properties": lambda: window_session.edit_session_properties(win),
        "preferences": lambda: window_session.edit_preferences(win),
        "sync_mode": lambda: win.sync_mode.set_on(win.actions_by_id["sync_mode"].isChecked()),
        "motion_lane": lambda: window_session.set_motion_lane(win, win.actions_by_id["motion_lane"].isChecked()),
        "open": win.open_dialog, "open_demo": win.open_demo, "save": win.save, "save_as": win.save_as,
        "import_eaf": win.import_eaf_dialog, "export_eaf": win.export_eaf_dialog,
        "relocate": win.relocate_dialog, "quit": win.close,
        "undo": c.undo_stack.undo, "redo": c.undo_stack.redo,
        "play": md("toggle_play"), "loop": md("toggle_loop"),
        "frame_prev": md("step_frames", -1), "frame_next": md("step_frames", 1),
        "second_prev": md("step_seconds", -1.0), "second_next": md("step_seconds", 1.0),
        "go_start": tr("go_to_start"), "go_end": tr("go_to_end"), "faster": tr("faster"), "slower": tr("slower"),
        "offset_prev": lambda: win._nudge_second_camera(-1), "offset_next": lambda: win._nudge_second_camera(1),
        "mark_in": tl("mark_in"), "mark_out": tl("mark_out"), "cancel": tl("cancel_pending"),
        "seg_prev": tl("previous_segment"), "seg_next": tl("next_segment"),
        "start_earlier": tl("nudge_start", -1), "start_later": tl("nudge_start", 1),
        "end_earlier": tl("nudge_end", -1), "end_later": tl("nudge_end", 1),
        "confirm": lambda: win.mark_selected(SegmentStatus.CONFIRMED),
        "unusable": lambda: win.mark_selected(SegmentStatus.UNUSABLE), "delete": tl("delete_selected"),
        "mode_review": lambda: win.set_mode("review"), "mode_labelling": lambda: win.set_mode("labelling"),
        "zoom_in": tl("zoom", 0.5), "zoom_out": tl("zoom", 2.0), "zoom_fit": tl("zoom_to_fit"),
        "suggest": lambda: suggest_segments(win),
        "sync_auto": lambda: propose_sync(win),
        "score_session": lambda: win.results.score(), "export_report": lambda: win.results.export_report(),
        "score_many": lambda: show_queue(win), "compare_visits": lambda: compare_dialog(win),
        "shortcuts": win.show_shortcuts, "about": win.show_about, "log_folder": win.open_log_folder,
        "export_pseudonymised": lambda: export_pseudonymised(win),
    }
    for n in range(1, 10):
        h[f"exercise_{n}"] = tl("type_digit", n)
    h["exercise_10"] = tl("type_digit", 0)
    for n in range(11, 16):
        h[f"exercise_{n}"] = tl("assign_exercise", n)
    return h


def build_toolbar(win: MainWindow) -> QToolBar:
    """File and edit buttons on the left, the Review | Labelling switch on the right."""
    bar = QToolBar("Main", win)
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setIconSize(QSize(16, 16))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for key in ("open", "save", None, "import_eaf", "export_eaf", None, "suggest", "score_session", None, "undo",
                "redo"):
        if key is None:
            bar.addSeparator()
            continue
        a = win.actions_by_id[key]
        btn_text = {"open": "Open", "save": "Save", "import_eaf": "Import ELAN", "export_eaf": "Export ELAN",
                    "suggest": "Suggest segments", "score_session": "Score session", "undo": "Undo",
                    "redo": "Redo"}[key]
        tool = QAction(btn_text, bar)
        tool.setToolTip(a.toolTip())
        tool.triggered.connect(a.trigger)
        a.changed.connect(lambda t=tool, src=a: t.setEnabled(src.isEnabled()))
        tool.setEnabled(a.isEnabled())
        bar.addAction(tool)
    spacer = QWidget(bar)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    win.mode_label = QLabel("Mode", bar)
    win.mode_label.setObjectName("modeLabel")
    bar.addWidget(win.mode_label)
    for key in ("mode_review", "mode_labelling"):
        bar.addAction(win.actions_by_id[key])
        bar.widgetForAction(win.actions_by_id[key]).setObjectName(f"modeButton_{key}")
    win.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar
