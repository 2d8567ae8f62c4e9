"""The "ask" half of the window's actions: every question to the user goes through `Prompts`.

Tests replace the window's `prompts` with a scripted double, so they drive the real actions without
modal dialogs. Each method returns plain values; nothing here mutates the session.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QTextBrowser,
    QVBoxLayout, QWidget,
)

from fshd_studio.gui.shortcuts import shortcut_html

PROJECT_FILTER = "FSHD Studio project (*.fshd.json);;All files (*)"
EAF_FILTER = "ELAN annotation file (*.eaf);;All files (*)"
VIDEO_FILTER = "Videos (*.mp4 *.mov *.avi *.mkv *.m4v *.mpg *.mpeg *.webm);;All files (*)"


class SaveChoice(str, Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Prompts:
    """Modal questions (real dialogs). `parent` is the main window."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def open_project(self, start_dir: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open project", start_dir, PROJECT_FILTER)
        return Path(path) if path else None

    def save_project_as(self, suggestion: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save project as", suggestion, PROJECT_FILTER)
        if not path:
            return None
        p = Path(path)
        return p if p.name.endswith(".fshd.json") else p.with_name(p.name.removesuffix(".json") + ".fshd.json")

    def open_eaf(self, start_dir: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Import ELAN file", start_dir, EAF_FILTER)
        return Path(path) if path else None

    def save_eaf(self, suggestion: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Export ELAN file", suggestion, EAF_FILTER)
        if not path:
            return None
        p = Path(path)
        return p if p.suffix.lower() == ".eaf" else p.with_name(p.name + ".eaf")

    def save_changes(self, what: str) -> SaveChoice:
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"{what} has unsaved changes.", parent=self.parent)
        box.setInformativeText("Save them before closing?")
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: SaveChoice.SAVE,
                QMessageBox.StandardButton.Discard: SaveChoice.DISCARD}.get(
                    QMessageBox.StandardButton(answer), SaveChoice.CANCEL)

    def recover(self, project: str, sidecar: Path) -> bool:
        answer = QMessageBox.question(
            self.parent, "Recover unsaved work",
            f"FSHD Studio did not close cleanly while {project} had unsaved changes.\n\n"
            f"Recover the autosaved work from {sidecar.name}?\n(No discards it and opens the saved project.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def relocate(self, camera_label: str, old_path: Path) -> Path | None:
        answer = QMessageBox.question(
            self.parent, "Video not found",
            f"The video of camera {camera_label} was not found:\n{old_path}\n\nLocate it now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return None
        start = str(old_path.parent if old_path.parent.is_dir() else Path.home())
        path, _ = QFileDialog.getOpenFileName(self.parent, f"Locate the video of {camera_label}", start,
                                              VIDEO_FILTER)
        return Path(path) if path else None

    def pick_camera(self, camera_ids: list[str], video: Path) -> str | None:
        dlg = ListChoiceDialog("Which camera?", f"Use {video.name} as the video of which camera?",
                               camera_ids, self.parent)
        return dlg.choice() if dlg.exec() == QDialog.DialogCode.Accepted else None

    def pick_tier(self, candidates: list, eaf: Path, reason: str = "") -> str | None:
        from fshd_studio.gui.tier_picker import pick_tier

        return pick_tier(self.parent, eaf, candidates, reason)

    def confirm_import(self, eaf: Path, tier: str, changes: object) -> bool:
        from fshd_studio.gui.tier_picker import confirm_import

        return confirm_import(self.parent, eaf, tier, changes)

    def confirm_sync(self, session: object, estimate: object) -> bool:
        from fshd_studio.gui.sync_action import confirm_sync

        return confirm_sync(self.parent, session, estimate)

    def error(self, title: str, message: str) -> None:
        QMessageBox.critical(self.parent, title, message)

    def info(self, title: str, message: str) -> None:
        QMessageBox.information(self.parent, title, message)

    def new_session(self, draft, start_dir: str):  # noqa: ANN001, ANN201 - session_properties.NewSession
        from fshd_studio.gui.session_dialog import ask_new_session

        return ask_new_session(self.parent, draft, start_dir)

    def session_properties(self, props, videos: dict[str, str]):  # noqa: ANN001, ANN201 - SessionProperties
        from fshd_studio.gui.session_dialog import ask_session_properties

        return ask_session_properties(self.parent, props, videos)

    def preferences(self, prefs):  # noqa: ANN001, ANN201 - settings.Preferences
        from fshd_studio.gui.preferences import ask_preferences

        return ask_preferences(self.parent, prefs)


class ListChoiceDialog(QDialog):
    def __init__(self, title: str, question: str, options: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        text = QLabel(question, self)
        text.setWordWrap(True)
        lay.addWidget(text)
        self.list = QListWidget(self)
        for o in options:
            QListWidgetItem(o, self.list)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        lay.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def index(self) -> int:
        return self.list.currentRow()

    def choice(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item else None


class ShortcutsDialog(QDialog):
    """Help → Shortcuts: the table generated from fshd_studio.gui.shortcuts.SHORTCUTS."""

    def __init__(self, parent: QWidget | None = None, keymap: dict[str, tuple[str, ...]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 720)
        lay = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setHtml(shortcut_html(keymap))  # the keys in use (Edit → Preferences → Keys)
        lay.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.close)
        lay.addWidget(buttons)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
