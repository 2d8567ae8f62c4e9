"""Analysis → Compare visits: two or more scored sessions of one patient side by side, with the change;
visits scored by different models carry a warning; Export writes PDF, HTML and CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from fshd_studio.core.compare import CHANGE_NOTICE, VisitComparison
from fshd_studio.core.errors import UserError
from fshd_studio.core.protocol import Protocol
from fshd_studio.core.results import CLASS_NAMES

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow


class CompareDialog(QDialog):
    def __init__(self, win: MainWindow, cmp: VisitComparison, protocol: Protocol) -> None:
        super().__init__(win)
        self.win, self.cmp, self.protocol = win, cmp, protocol
        self.setWindowTitle(f"Visits of {cmp.patient_id or 'a patient'}")
        self.resize(1000, 560)
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>Patient {cmp.patient_id or '(no id)'}</b> — " + "; ".join(
            f"{v.visit_date}: {text}" for v, text in zip(cmp.visits, cmp.verdicts()))
            + "<br><span style='color:#b00020'><b>Research use only — not a diagnosis.</b></span>")
        head.setWordWrap(True)
        lay.addWidget(head)
        for w in cmp.warnings:
            banner = QLabel(w)
            banner.setWordWrap(True)
            banner.setStyleSheet("background:#fff3cd; color:#5c3b00; border:2px solid #b26a00; padding:6px; "
                                 "font-size:13pt; font-weight:bold")
            lay.addWidget(banner)
        self.table = self._table()
        lay.addWidget(self.table)
        bar = QHBoxLayout()
        export = QPushButton("Export PDF, HTML and CSV…")
        export.clicked.connect(self.export)
        bar.addStretch(1)
        bar.addWidget(export)
        lay.addLayout(bar)

    def _table(self) -> QTableWidget:
        cmp = self.cmp
        cols = ["Exercise"] + [f"{v.visit_date}\nP(FSHD) · class · asym." for v in cmp.visits] + ["Change", "Trend"]
        t = QTableWidget(len(cmp.exercises), len(cols))
        t.setHorizontalHeaderLabels(cols)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        for r, tr in enumerate(cmp.exercises):
            t.setItem(r, 0, QTableWidgetItem(self.protocol.by_id(tr.exercise_id).label()))
            for c, cell in enumerate(tr.cells, start=1):
                if cell.p_fshd is None:
                    text = "not scored"
                else:
                    text = f"{cell.p_fshd:.2f} · {CLASS_NAMES.get(cell.predicted_class or '', '—')}"
                if cell.asymmetry_index is not None:
                    text += f" · {cell.asymmetry_index:.2f}" + (f" (patient's {cell.weaker_side} weaker)"
                                                               if cell.weaker_side else "")
                t.setItem(r, c, QTableWidgetItem(text))
            ch = tr.change
            item = QTableWidgetItem("" if ch is None else f"{ch:+.2f}")
            if ch is not None and abs(ch) >= CHANGE_NOTICE:
                item.setForeground(QColor("#b00020" if ch > 0 else "#1b5e20"))
            t.setItem(r, len(cols) - 2, item)
            t.setItem(r, len(cols) - 1, QTableWidgetItem(tr.trend))
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return t

    def export(self, folder: Path | None = None) -> Path | None:
        from fshd_studio.gui.report_pdf import html_to_pdf
        from fshd_studio.io.compare_report import write_comparison

        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, "Export the comparison into", self.win.settings.last_dir())
            if not chosen:
                return None
            folder = Path(chosen)
        try:
            files = write_comparison(self.cmp, self.protocol, folder)
            html_to_pdf(files["html"].read_text(encoding="utf-8"), folder / "comparison.pdf", base=folder)
        except (UserError, OSError) as exc:
            self.win.prompts.error("Export comparison", str(exc))
            return None
        self.win.statusBar().showMessage(f"Comparison written to {folder}", 6000)
        return folder


def show_comparison(win: MainWindow, projects: list[Path]) -> CompareDialog | None:
    from fshd_studio.core.compare import compare_visits
    from fshd_studio.io.compare_report import load_visits

    try:
        visits, protocol = load_visits(projects)
        cmp = compare_visits(visits)
    except UserError as exc:
        win.prompts.error("Compare visits", str(exc))
        return None
    dlg = CompareDialog(win, cmp, protocol)
    dlg.show()
    return dlg


def compare_dialog(win: MainWindow) -> CompareDialog | None:
    """Analysis → Compare visits…: pick the visits' project files."""
    files, _ = QFileDialog.getOpenFileNames(win, "Compare visits of one patient", win.settings.last_dir(),
                                            "FSHD Studio projects (*.fshd.json)")
    if len(files) < 2:
        if files:
            win.prompts.info("Compare visits", "Choose two or more scored sessions of one patient.")
        return None
    return show_comparison(win, [Path(f) for f in files])
