"""Analysis → Score many sessions: a queue of projects (add files or a folder), run as one job of the window's
runner, each session's state shown as it changes; open a session's results, or compare selected visits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from fshd_studio.core.batch import BatchRow
from fshd_studio.core.errors import UserError

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow

COLUMNS = ("Session", "Patient", "Visit", "State", "Vote (both cameras)", "Severity")
STATE_TEXT = {"scored": "scored", "reused": "already scored (results current)", "failed": "failed"}


class QueueDialog(QDialog):
    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        self.setWindowTitle("Score many sessions")
        self.resize(900, 420)
        self.projects: list[Path] = []
        self.rows: dict[Path, BatchRow] = {}
        self.job = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.note = QLabel("Research use only — not a diagnosis. Sessions already scored by this model, whose "
                           "segments have not moved, are not scored again.")
        self.note.setWordWrap(True)
        self.buttons = {name: QPushButton(text) for name, text in (
            ("add", "Add projects…"), ("folder", "Add folder…"), ("run", "Run"), ("cancel", "Cancel"),
            ("open", "Open results"), ("compare", "Compare visits…"))}
        self.buttons["add"].clicked.connect(self._add_files)
        self.buttons["folder"].clicked.connect(self._add_folder)
        self.buttons["run"].clicked.connect(self.run)
        self.buttons["cancel"].clicked.connect(self.cancel)
        self.buttons["open"].clicked.connect(self.open_selected)
        self.buttons["compare"].clicked.connect(self.compare_selected)
        bar = QHBoxLayout()
        for b in self.buttons.values():
            bar.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(self.note)
        lay.addLayout(bar)
        self._refresh_buttons()

    # ---- the queue --------------------------------------------------------------------------------
    def add(self, paths: list[Path]) -> int:
        from fshd_studio.inference.batch import find_projects

        try:
            found = find_projects(paths)
        except UserError as exc:
            self.win.prompts.error("Score many sessions", str(exc))
            return 0
        new = [p for p in found if p not in self.projects]
        self.projects += new
        for p in new:
            r = self.table.rowCount()
            self.table.insertRow(r)
            self._set_row(r, p, None, "waiting")
        self._refresh_buttons()
        return len(new)

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add projects", self.win.settings.last_dir(),
                                                "FSHD Studio projects (*.fshd.json)")
        self.add([Path(f) for f in files])

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add every project in a folder", self.win.settings.last_dir())
        if folder:
            self.add([Path(folder)])

    def run(self) -> None:
        from fshd_studio.gui.results.state import default_model_dir
        from fshd_studio.inference.batch import score_batch

        todo = list(self.projects)
        if not todo or self.job is not None:
            return
        model_dir = default_model_dir()
        for r, p in enumerate(todo):
            self._set_row(r, p, None, "waiting")

        def work(report, cancel):
            return score_batch(todo, model_dir, report=report, cancel=cancel, on_row=job.partial)

        job = self.win.jobs.start("Scoring many sessions", work, on_partial=self._row_done,
                                  on_done=lambda _rows: self._ended("All sessions done"),
                                  on_error=lambda text: self._ended(f"Stopped: {text}"),
                                  on_cancelled=lambda: self._ended("Cancelled; finished sessions keep their "
                                                                   "results, a new run goes on from there"))
        self.job = job
        self._refresh_buttons()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _row_done(self, row: BatchRow) -> None:
        self.rows[row.project] = row
        self._set_row(self.projects.index(row.project), row.project, row, STATE_TEXT[row.status])

    def _ended(self, text: str) -> None:
        self.job = None
        self.note.setText(text + ". Research use only — not a diagnosis.")
        self._refresh_buttons()

    def _set_row(self, r: int, project: Path, row: BatchRow | None, state: str) -> None:
        name = project.name.removesuffix(".fshd.json")
        vote = ""
        if row is not None and row.status != "failed":
            verdict = "no verdict" if row.combined_fshd is None else ("FSHD" if row.combined_fshd else "not FSHD")
            vote = f"{verdict} ({row.combined[0]} for, {row.combined[1]} against)"
        if row is not None and row.status == "failed":
            state = f"failed: {row.reason}"
        cells = (name, row.patient_id if row else "", row.visit_date if row else "", state, vote,
                 (row.severity or "") if row else "")
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(str(project) if c == 0 else text)
            if c == 3 and row is not None and row.status == "failed":
                item.setForeground(Qt.GlobalColor.red)
            self.table.setItem(r, c, item)

    def _selected(self) -> list[Path]:
        return [self.projects[i.row()] for i in self.table.selectionModel().selectedRows()]

    def _refresh_buttons(self) -> None:
        running = self.job is not None
        self.buttons["run"].setEnabled(bool(self.projects) and not running)
        self.buttons["cancel"].setEnabled(running)
        for name in ("add", "folder"):
            self.buttons[name].setEnabled(not running)

    # ---- from the queue ---------------------------------------------------------------------------
    def open_selected(self) -> None:
        chosen = self._selected()
        if chosen:
            self.win.open_project(chosen[0])

    def compare_selected(self) -> None:
        from fshd_studio.gui.visits.compare_dialog import show_comparison

        chosen = self._selected()
        if len(chosen) < 2:
            self.win.prompts.info("Compare visits", "Select two or more sessions of one patient in the list.")
            return
        show_comparison(self.win, chosen)


def show_queue(win: MainWindow) -> QueueDialog:
    dlg = getattr(win, "_queue_dialog", None)
    if dlg is None:
        dlg = win._queue_dialog = QueueDialog(win)
    dlg.show()
    dlg.raise_()
    return dlg
