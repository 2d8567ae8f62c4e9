"""File → Export report… (and the panel's button): one dialog (folder, pseudonymise), then report.pdf,
report.html, results.csv and results.json written on the window's job runner by gui/report_pdf's
`write_report_pdf` (io/report), with the selected exercise's heatmap stills when they are computed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from fshd_studio.gui.jobs import Job
    from fshd_studio.gui.main_window import MainWindow
    from fshd_studio.gui.results.heatmap import HeatmapOverlay
    from fshd_studio.gui.results.state import ResultsState

JOB_NAME = "Writing the report"


@dataclass(frozen=True)
class ReportChoice:
    folder: Path
    pseudonymise: bool


class ReportDialog(QDialog):
    def __init__(self, folder: Path, warning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report")
        self.folder = QLineEdit(str(folder), self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        self.pseudonymise = QCheckBox("Pseudonymise: a pseudonymous patient id, no names in any file", self)
        self.pseudonymise.setChecked(True)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Write report")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Folder for report.pdf, report.html, results.csv and results.json:", self))
        lay.addLayout(row)
        lay.addWidget(self.pseudonymise)
        if warning:
            note = QLabel(f"<b style='color:#a15c00'>{warning}</b>", self)
            note.setWordWrap(True)
            lay.addWidget(note)
        lay.addWidget(buttons)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Report folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def choice(self) -> ReportChoice:
        return ReportChoice(Path(self.folder.text()).expanduser(), self.pseudonymise.isChecked())


def ask_report_choice(win: MainWindow, folder: Path, warning: str) -> ReportChoice | None:
    dlg = ReportDialog(folder, warning, win)
    return dlg.choice() if dlg.exec() == QDialog.DialogCode.Accepted else None


def default_folder(project: Path) -> Path:
    name = project.name.removesuffix(".fshd.json")
    return project.with_name(f"{name}-report")


def export_report(win: MainWindow, state: ResultsState, heatmaps: HeatmapOverlay | None = None) -> Job | None:
    c = win.controller
    if state.results is None or c.session is None or c.project_path is None or state.running:
        win.statusBar().showMessage("Score the session first: the report is written from its results", 5000)
        return None
    warning = ""
    if state.stale:
        ids = ", ".join(str(e) for e in sorted(state.stale))
        warning = (f"The segments of exercise(s) {ids} moved since scoring: their scores in the report are "
                   "stale. Score again first for a current report.")
    choice = ask_report_choice(win, default_folder(c.project_path), warning)
    if choice is None:
        return None
    from copy import deepcopy

    from fshd_studio.io.report import HeatmapStill

    session, results = deepcopy(c.session), state.results
    stills = [HeatmapStill(heatmaps.exercise_id, cam, ch.heatmaps.still_frame(), ch.still)
              for cam, ch in (heatmaps.heat.items() if heatmaps is not None and heatmaps.exercise_id else ())]

    def work(report, cancel):  # noqa: ANN001, ANN202
        from fshd_studio.core.progress import Progress
        from fshd_studio.gui.report_pdf import write_report_pdf

        report(Progress("writing the report", 0, 1))
        return write_report_pdf(session, results, choice.folder, pseudonymise=choice.pseudonymise, heatmaps=stills)

    def done(files) -> None:  # noqa: ANN001
        win.statusBar().showMessage(f"Report written to {files.folder} ({files.pdf_pages} PDF pages)", 8000)
        state.say(f"Report written: {files.pdf}")

    return win.jobs.start(JOB_NAME, work, on_done=done,
                          on_error=lambda m: win.prompts.error("Cannot write the report", m))
