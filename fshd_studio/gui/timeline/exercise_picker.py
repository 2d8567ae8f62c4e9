"""Choosing an exercise for a new segment: a small list of the exercises still missing, and number keys.

`DigitBuffer` turns typed digits into an exercise id: "7" picks 7 at once when no longer id starts with 7;
"1" waits briefly for a second digit (10–15); "0" alone means 10.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from fshd_studio.core.protocol import Exercise

DIGIT_WAIT_MS = 700


class DigitBuffer(QObject):
    """Collects digit keys; calls `commit(exercise_id)` when the id is unambiguous or after a short pause."""

    def __init__(self, ids: Callable[[], Sequence[int]], commit: Callable[[int], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = ids
        self._commit = commit
        self.text = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DIGIT_WAIT_MS)
        self._timer.timeout.connect(self.flush)

    def type_digit(self, digit: int) -> None:
        self.text += str(digit)
        longer = [i for i in self._ids() if str(i).startswith(self.text) and str(i) != self.text]
        if longer:
            self._timer.start()
        else:
            self.flush()

    def flush(self) -> None:
        self._timer.stop()
        text, self.text = self.text, ""
        if not text:
            return
        value = 10 if text == "0" else int(text)
        if value in self._ids():
            self._commit(value)

    def clear(self) -> None:
        self._timer.stop()
        self.text = ""


class ExercisePicker(QListWidget):
    """A frameless list over the timeline; clicking an exercise emits `picked(exercise_id)`."""

    picked = Signal(int)
    cancelled = Signal()
    digit_typed = Signal(int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the timeline
        self.itemClicked.connect(lambda item: self.picked.emit(int(item.data(Qt.ItemDataRole.UserRole))))
        self.hide()

    def show_for(self, exercises: Sequence[Exercise], x: int) -> None:
        self.clear()
        for ex in exercises:
            item = QListWidgetItem(ex.label())
            item.setData(Qt.ItemDataRole.UserRole, ex.id)
            self.addItem(item)
        parent = self.parentWidget()
        rows = min(len(exercises), 10)
        h = self.sizeHintForRow(0) * rows + 6 if rows else 24
        w = max(self.sizeHintForColumn(0) + 30, 180)
        height = min(h, parent.height()) if parent else h
        self.setGeometry(max(0, min(x, parent.width() - w)) if parent else x, 0, w, height)
        self.show()
        self.raise_()

    def exercise_ids(self) -> list[int]:
        return [int(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
        elif event.text().isdigit():
            self.digit_typed.emit(int(event.text()))
        else:
            super().keyPressEvent(event)
