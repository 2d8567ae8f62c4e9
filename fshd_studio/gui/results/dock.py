"""The results panel docked in the review window, and what its buttons and the window's actions do:
Analysis → Score session (toolbar, Ctrl+R), Cancel, File → Export report…, and a row → its segment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea

from fshd_studio.gui.results.heatmap import HeatmapOverlay
from fshd_studio.gui.results.heatmap_controls import HeatmapControls
from fshd_studio.gui.results.panel import ResultsPanel
from fshd_studio.gui.results.state import ResultsState

WIDTH = 780  # wide enough for the table's columns
MIN_WIDTH = 320  # the panel scrolls below its own width: showing it, or a long status line, never widens the window

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow


class ResultsDock(QDockWidget):
    def __init__(self, win: MainWindow) -> None:
        super().__init__("Results", win)
        self.setObjectName("resultsDock")
        self.win = win
        self.state = ResultsState(win.controller, win.jobs, self)
        self.panel = ResultsPanel(self.state, self)
        self.heatmaps = HeatmapOverlay(win, self.state, self)
        self.heatmap_controls = HeatmapControls(self.heatmaps, self.panel)
        self.panel.tabs.addTab(self.heatmap_controls, "Attention heatmaps")
        scroll = QScrollArea(self)  # a top-level window that grows re-lays out and repaints everything (~200 ms)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setMinimumWidth(MIN_WIDTH)
        scroll.setWidget(self.panel)
        self.setWidget(scroll)
        self.panel.score_requested.connect(self.score)
        self.panel.cancel_requested.connect(self.state.cancel)
        self.panel.report_requested.connect(self.export_report)
        self.panel.row_activated.connect(self.show_segment)
        win.controller.selection_changed.connect(self.panel.select_exercise)
        self.state.changed.connect(self._sync_actions)
        win.controller.session_loaded.connect(self._on_session_loaded)
        win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.setVisible(False)  # shown when there are results or the user scores
        toggle = self.toggleViewAction()
        toggle.setText("Results &panel")
        win.menus["Analysis"].addAction(toggle)
        self._sync_actions()

    # ---- actions ------------------------------------------------------------------------------------
    def reveal(self) -> None:
        if not self.isVisible():
            self.setVisible(True)
            room = self.win.width() - self.win.centralWidget().minimumSizeHint().width() - 12
            width = max(self.minimumSizeHint().width(), min(WIDTH, room))  # never widens the window
            self.win.resizeDocks([self], [width], Qt.Orientation.Horizontal)
        self.raise_()

    def score(self) -> None:
        self.reveal()
        self.state.backend = self.panel.backend_box.currentText()
        self.state.precision = self.panel.precision_box.currentText()
        self.state.start()

    def export_report(self) -> None:
        from fshd_studio.gui.results.report_action import export_report

        export_report(self.win, self.state, self.heatmaps)

    def show_segment(self, exercise_id: int, _camera_id: str) -> None:
        """Select the row's segment on the timeline, go to its start and play it."""
        c = self.win.controller
        seg = c.session.segments.get(exercise_id) if c.session is not None else None
        c.select(exercise_id)
        if seg is None:
            self.win.statusBar().showMessage(f"Exercise {exercise_id} has no segment in this session", 4000)
            return
        c.set_playhead(seg.span.start_ms)
        self.win.timeline.ensure_visible(seg.span)
        self.win.media.transport.play()

    # ---- reactions ----------------------------------------------------------------------------------
    def _on_session_loaded(self) -> None:
        if self.state.results is not None:
            self.reveal()

    def _sync_actions(self) -> None:
        acts = self.win.actions_by_id
        has = self.win.controller.session is not None
        acts["score_session"].setEnabled(has and not self.state.running)
        acts["export_report"].setEnabled(self.state.results is not None and not self.state.running)


def install_results(win: MainWindow) -> ResultsDock:
    return ResultsDock(win)
