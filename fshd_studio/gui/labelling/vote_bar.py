"""Clickable vote buttons (the same votes as the keys); they never take the keyboard focus from the image."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from fshd_studio.labelling.classes import CLASSES, UNUSABLE
from fshd_studio.labelling.store import Round

SORT_BUTTONS = [(f"{k + 1} · {c.capitalize()}", c) for k, c in enumerate(CLASSES)] + [("U · Unusable", UNUSABLE)]
CHECK_BUTTONS = [("Y · Keep (yes)", "yes"), ("N · Remove (no)", "no")]


class VoteBar(QWidget):
    voted = Signal(str)
    stepped = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.back = self._button("← Back", lambda: self.stepped.emit(-1))
        lay.addWidget(self.back)
        self.buttons: dict[str, QPushButton] = {}
        for text, value in SORT_BUTTONS + CHECK_BUTTONS:
            b = self._button(text, lambda _=False, v=value: self.voted.emit(v))
            b.setMinimumHeight(34)
            self.buttons[value] = b
            lay.addWidget(b)
        self.skip = self._button("Skip →", lambda: self.stepped.emit(1))
        lay.addWidget(self.skip)

    @staticmethod
    def _button(text: str, slot) -> QPushButton:  # noqa: ANN001
        b = QPushButton(text)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.clicked.connect(slot)
        return b

    def set_round(self, round_: Round, mine: str | None) -> None:
        """Show the buttons of the round; the labeller's own vote on this image is shown pressed."""
        shown = {v for _, v in (SORT_BUTTONS if round_ == Round.SORT else CHECK_BUTTONS)}
        for value, b in self.buttons.items():
            b.setVisible(value in shown)
            b.setStyleSheet("font-weight:bold; background:#d6eadf" if value == mine else "")
