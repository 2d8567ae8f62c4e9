"""The roster of a folder's labellers: shown and edited explicitly (add, rename, retire, bring back)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QInputDialog, QLabel, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QVBoxLayout, QWidget)

from fshd_studio.core.errors import UserError
from fshd_studio.gui.labelling.controller import LabellingController


class RosterDialog(QDialog):
    def __init__(self, ctl: LabellingController, threshold_text, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Labellers of this folder")
        self.ctl, self._threshold_text = ctl, threshold_text
        self.list = QListWidget()
        self.threshold = QLabel()
        self.threshold.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot in (("Add…", self._add), ("Rename…", self._rename), ("Retire / bring back", self._toggle)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Only the members of the group count for the majority. A retired member's votes "
                             "no longer count; renaming corrects a name on all of its votes."))
        lay.addWidget(self.list)
        lay.addWidget(self.threshold)
        lay.addLayout(buttons)
        lay.addWidget(close)
        ctl.roster_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for m in self.ctl.roster():
            item = QListWidgetItem(f"{m.name}  (retired)" if m.retired else m.name)
            item.setData(Qt.ItemDataRole.UserRole, m.name)
            if m.retired:
                item.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(item)
        self.threshold.setText(self._threshold_text())

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _add(self) -> None:
        name, ok = QInputDialog.getText(self, "Add a labeller", "Name:")
        if ok and name.strip():
            self._do(lambda: self.ctl.add_member(name))

    def _rename(self) -> None:
        old = self._selected()
        if old is None:
            return
        new, ok = QInputDialog.getText(self, "Rename a labeller", f"New name for {old}:", text=old)
        if ok and new.strip():
            self._do(lambda: self.ctl.rename(old, new))

    def _toggle(self) -> None:
        name = self._selected()
        if name is None:
            return
        retired = next(m.retired for m in self.ctl.roster() if m.name == name)
        self._do(lambda: self.ctl.retire(name, not retired))

    def _do(self, fn) -> None:  # noqa: ANN001
        try:
            fn()
        except UserError as exc:
            QMessageBox.warning(self, "Labellers", str(exc))
