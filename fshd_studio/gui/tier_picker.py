"""The two questions of an ELAN import: which tier holds the exercises (when the file leaves it in doubt), and
whether to replace the segments the session already has (saying how many change)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from fshd_studio.io.elan_import import ImportChanges
from fshd_studio.io.elan_session import TierCandidate


def _why(c: TierCandidate) -> str:
    if c.ours:
        return "written by FSHD Studio"
    if c.numbers_only:
        return "bare numbers only: may be counts or glosses"
    if c.share < 0.8:
        return "most of its annotations are something else"
    return "values name exercises" + (", named like an exercise tier" if c.named else "")


class TierPickerDialog(QDialog):
    """A table of the candidate tiers (how many of their annotations name exercises, and why that is not enough
    to decide), the likeliest first and selected; OK takes the selected tier, Cancel imports nothing."""

    def __init__(self, eaf: Path, candidates: list[TierCandidate], reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tierPicker")
        self.setWindowTitle("Which tier holds the exercises?")
        self.candidates = list(candidates)
        lay = QVBoxLayout(self)
        text = QLabel(f"<b>{eaf.name}</b>: {reason or 'the exercise tier is not certain'}.<br>"
                      "Choose the tier whose annotations mark the exercises. Cancel imports nothing.", self)
        text.setWordWrap(True)
        lay.addWidget(text)
        self.table = QTreeWidget(self)
        self.table.setObjectName("tierTable")
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(["Tier", "Exercise annotations", "Exercises", "Note"])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for c in self.candidates:
            row = QTreeWidgetItem([c.name, f"{c.exercises} of {c.annotations}", str(c.distinct), _why(c)])
            row.setToolTip(0, c.describe())
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.addTopLevelItem(row)
        header = self.table.header()
        for col in (0, 1, 2):  # headers and values whole, the note takes the rest
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if self.candidates:
            self.table.setCurrentItem(self.table.topLevelItem(0))
        self.table.itemDoubleClicked.connect(lambda *_: self.accept())
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import this tier")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(720, 130 + 28 * min(8, len(self.candidates)))

    def choice(self) -> str | None:
        row = self.table.currentItem()
        return row.text(0) if row is not None else None


def pick_tier(parent: QWidget, eaf: Path, candidates: list[TierCandidate], reason: str = "") -> str | None:
    dlg = TierPickerDialog(eaf, candidates, reason, parent)
    return dlg.choice() if dlg.exec() == QDialog.DialogCode.Accepted else None


def replace_question(eaf: Path, tier: str, changes: ImportChanges) -> tuple[str, str]:
    """The confirm dialog's question and its details (also what tests read)."""
    n = changes.replaced
    question = (f"Importing tier {tier!r} of {eaf.name} changes {n} of your segment{'s' if n != 1 else ''} "
                f"({len(changes.moved)} moved, {len(changes.removed)} removed).")
    return question, f"In all: {changes.describe()}. Undo (Ctrl+Z) brings them back."


def confirm_import(parent: QWidget, eaf: Path, tier: str, changes: ImportChanges) -> bool:
    question, details = replace_question(eaf, tier, changes)
    box = QMessageBox(QMessageBox.Icon.Question, "Replace segments?", question, parent=parent)
    box.setInformativeText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Yes).setText("Replace")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes
