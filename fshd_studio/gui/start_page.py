"""What the window shows when no session is open: New session, Open, Open recent (with Clear recent files),
Open demo, and where to drop files. It only emits what the user asked for; the window does it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)


class StartPage(QWidget):
    new_session = Signal()
    open_project = Signal()
    open_demo = Signal()
    open_recent = Signal(Path)
    clear_recent = Signal()

    def __init__(self, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        self.setAutoFillBackground(True)  # it covers the empty Review page
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the stylesheet's background too
        card = QFrame(self)
        card.setObjectName("startCard")
        card.setAutoFillBackground(True)
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(720)
        card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        title = QLabel("FSHD Studio", card)
        title.setObjectName("startTitle")
        sub = QLabel("Segment and score the 15 facial exercises of a two-camera session.", card)
        sub.setObjectName("startSubtitle")
        sub.setWordWrap(True)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, tip, signal in (
            ("new", "New session…", "Two videos (front and side camera), the patient's study id, visit date "
                                    "and annotator", self.new_session),
            ("open", "Open project…", "Open an FSHD Studio project (.fshd.json)", self.open_project),
            ("demo", "Open demo session", "A synthetic session to try the app (no patient data)", self.open_demo),
        ):
            b = QPushButton(text, card)
            b.setObjectName(f"start_{key}")
            b.setToolTip(tip)
            b.setMinimumHeight(40)
            b.clicked.connect(signal.emit)
            buttons.addWidget(b)
            self.buttons[key] = b
        self.buttons["new"].setDefault(True)
        recent_title = QLabel("Recent projects", card)
        recent_title.setObjectName("panelTitle")
        self.recent = QListWidget(card)
        self.recent.setObjectName("startRecent")
        self.recent.setMaximumHeight(200)
        self.recent.itemActivated.connect(self._open_item)
        self.recent.itemClicked.connect(self._open_item)
        self.clear_button = QPushButton("Clear recent files", card)
        self.clear_button.setObjectName("start_clear_recent")
        self.clear_button.setToolTip("Forget the list of recent projects (the files themselves are not touched)")
        self.clear_button.clicked.connect(self.clear_recent.emit)
        self.empty = QLabel("No recent projects.", card)
        self.empty.setObjectName("startHint")
        hint = QLabel("Or drop a project, two videos or an ELAN .eaf file on this window.", card)
        hint.setObjectName("startHint")
        hint.setWordWrap(True)
        research = QLabel(note, card)
        research.setObjectName("startNote")
        lay = QVBoxLayout(card)
        lay.setSpacing(10)
        for w in (title, sub):
            lay.addWidget(w)
        lay.addLayout(buttons)
        lay.addSpacing(8)
        lay.addWidget(recent_title)
        lay.addWidget(self.recent)
        lay.addWidget(self.empty)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_button)
        lay.addLayout(row)
        lay.addWidget(hint)
        lay.addWidget(research)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        mid = QHBoxLayout()
        mid.addStretch(1)
        mid.addWidget(card, 3)
        mid.addStretch(1)
        outer.addLayout(mid)
        outer.addStretch(2)
        self.set_recent([])

    def set_recent(self, files: list[Path]) -> None:
        self.recent.clear()
        for p in files:
            missing = not p.is_file()
            item = QListWidgetItem(f"{p.name}   —   {p.parent}" + ("   (missing)" if missing else ""))
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            item.setToolTip(str(p))
            if missing:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.recent.addItem(item)
        self.recent.setVisible(bool(files))
        self.clear_button.setEnabled(bool(files))
        self.empty.setVisible(not files)

    def recent_paths(self) -> list[Path]:
        return [Path(self.recent.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.recent.count())]

    def _open_item(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.open_recent.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
