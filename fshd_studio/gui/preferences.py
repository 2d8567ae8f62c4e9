"""Edit → Preferences: autosave interval, theme, keymap (preset + remapping per action), default folders.

The dialog only asks: it returns a Preferences value (gui/settings.py) or None; the window saves and applies it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
    QKeySequenceEdit, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
    QWidget,
)

from fshd_studio.gui.keymap import PRESETS, Keymap
from fshd_studio.gui.settings import THEMES, Preferences
from fshd_studio.gui.shortcuts import SHORTCUTS


def _keys_text(keys: tuple[str, ...]) -> str:
    return " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


class KeymapEditor(QWidget):
    """A table of every action and its keys; pick a row, press the new key, Set. Conflicts are named."""

    def __init__(self, keymap: Keymap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keymap = keymap
        self.preset = QComboBox(self)
        self.preset.setObjectName("keymapPreset")
        for key, text in PRESETS.items():
            self.preset.addItem(text, key)
        self.preset.setCurrentIndex(max(0, self.preset.findData(keymap.preset)))
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("keymapTable")
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.recorder = QKeySequenceEdit(self)
        self.recorder.setObjectName("keyRecorder")
        self.recorder.setToolTip("Click here, press the new key (or chord), then Set")
        set_button = QPushButton("Set", self)
        set_button.clicked.connect(self._set_selected)
        clear_button = QPushButton("No key", self)
        clear_button.clicked.connect(lambda: self.remap_selected(()))
        reset_button = QPushButton("Reset to preset", self)
        reset_button.clicked.connect(self._reset_selected)
        self.conflicts = QLabel(self)
        self.conflicts.setObjectName("keymapConflicts")
        self.conflicts.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("New key:", self))
        row.addWidget(self.recorder, 1)
        for b in (set_button, clear_button, reset_button):
            row.addWidget(b)
        lay = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow("Preset", self.preset)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(self.conflicts)
        self._fill()

    def _fill(self) -> None:
        keys = self.keymap.keys()
        selected = self.selected_action()
        self.table.setRowCount(0)
        for s in SHORTCUTS:
            r = self.table.rowCount()
            self.table.insertRow(r)
            cells = (s.menu.replace("/", " › "), s.text.replace("&", ""), _keys_text(keys.get(s.action_id, ())))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s.action_id)
                if c == 2 and s.action_id in self.keymap.overrides:
                    font = item.font()
                    font.setBold(True)  # remapped by the user
                    item.setFont(font)
                self.table.setItem(r, c, item)
            if s.action_id == selected:
                self.table.selectRow(r)
        clashes = self.keymap.conflicts()
        self.conflicts.setText("" if not clashes else "Keys used twice (only one action gets them): " + "; ".join(
            f"{_keys_text((k,))}: {', '.join(ids)}" for k, ids in clashes.items()))

    def selected_action(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def select_action(self, action_id: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == action_id:
                self.table.selectRow(r)

    def remap_selected(self, keys: tuple[str, ...]) -> None:
        action_id = self.selected_action()
        if action_id is not None:
            self.keymap = self.keymap.remapped(action_id, keys)
            self._fill()

    def _set_selected(self) -> None:
        seq = self.recorder.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        if seq:
            self.remap_selected((seq,))
            self.recorder.clear()

    def _reset_selected(self) -> None:
        action_id = self.selected_action()
        if action_id is not None:
            over = {k: v for k, v in self.keymap.overrides.items() if k != action_id}
            self.keymap = Keymap(self.keymap.preset, over)
            self._fill()

    def _preset_changed(self) -> None:
        self.keymap = Keymap(str(self.preset.currentData()), dict(self.keymap.overrides))
        self._fill()


class FolderField(QWidget):
    def __init__(self, value: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(value, self)
        self.edit.setPlaceholderText("the last folder used")
        button = QPushButton("Choose…", self)
        button.clicked.connect(lambda: self._choose(title))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit, 1)
        lay.addWidget(button)

    def _choose(self, title: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, title, self.edit.text())
        if folder:
            self.edit.setText(folder)

    def text(self) -> str:
        return self.edit.text().strip()


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.resize(720, 560)
        self._prefs = prefs
        general = QWidget(self)
        form = QFormLayout(general)
        self.autosave = QDoubleSpinBox(general)
        self.autosave.setObjectName("autosaveSeconds")
        self.autosave.setRange(1.0, 3600.0)
        self.autosave.setDecimals(0)
        self.autosave.setSuffix(" s")
        self.autosave.setValue(prefs.autosave_seconds)
        self.autosave.setToolTip("How often unsaved work is written to the recovery file beside the project")
        self.theme = QComboBox(general)
        self.theme.setObjectName("theme")
        for t in THEMES:
            self.theme.addItem(t.capitalize(), t)
        self.theme.setCurrentIndex(max(0, self.theme.findData(prefs.theme)))
        self.annotator = QLineEdit(prefs.annotator, general)
        self.annotator.setPlaceholderText("proposed in New session")
        self.video_dir = FolderField(prefs.video_dir, "Default folder for videos", general)
        self.project_dir = FolderField(prefs.project_dir, "Default folder for projects", general)
        form.addRow("Autosave every", self.autosave)
        form.addRow("Theme", self.theme)
        form.addRow("Annotator", self.annotator)
        form.addRow("Videos folder", self.video_dir)
        form.addRow("Projects folder", self.project_dir)
        self.keys = KeymapEditor(prefs.keymap, self)
        tabs = QTabWidget(self)
        tabs.addTab(general, "General")
        tabs.addTab(self.keys, "Keys")
        self.tabs = tabs
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(tabs, 1)
        lay.addWidget(buttons)

    def preferences(self) -> Preferences:
        return replace(self._prefs, autosave_seconds=self.autosave.value(), theme=str(self.theme.currentData()),
                       keymap=self.keys.keymap, video_dir=self.video_dir.text(),
                       project_dir=self.project_dir.text(), annotator=self.annotator.text().strip())


def ask_preferences(parent: QWidget, prefs: Preferences) -> Preferences | None:
    dlg = PreferencesDialog(prefs, parent)
    return dlg.preferences() if dlg.exec() == QDialog.DialogCode.Accepted else None
