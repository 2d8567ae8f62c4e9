"""The labelling workspace's questions (real dialogs); tests may replace them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class LabellingPrompts:
    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def ask(self, title: str, text: str, detail: str = "", default_yes: bool = True) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        if detail:
            box.setInformativeText(detail)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.parent, title, text)

    def folder(self, title: str) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self.parent, title)
        return Path(folder) if folder else None
