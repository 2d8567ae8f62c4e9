"""The results table: one row per exercise × camera (15 × 2), P(FSHD) drawn as a bar by a delegate.

A row is one of: scored (current), scored but stale (its segment moved since: shown greyed and hatched,
never as current), not scored by this model (outside the model's exercises), not scored (a reason, e.g. no
segment or no face), or still waiting while a scoring job runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from fshd_studio.core.results import CLASS_NAMES, FLAG_TEXT, ExerciseScore

NOT_IN_MODEL = "not scored by this model"
COLUMNS = ("Exercise", "Camera", "P(FSHD)", "Most likely class", "Asymmetry", "Flags")
COL_P = 2
BAR_ROLE = Qt.ItemDataRole.UserRole + 1   # (p or None, state) for the bar delegate
FSHD_COLOUR = QColor(200, 70, 60)
AGAINST_COLOUR = QColor(60, 120, 190)
STALE_COLOUR = QColor(150, 150, 150)
MUTED = QColor(120, 120, 120)
BAND_COLOUR = QColor(234, 239, 246)
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Row:
    exercise_id: int
    exercise_label: str
    camera_id: str
    camera_label: str
    score: ExerciseScore | None
    in_model: bool = True     # False: the model does not score this exercise
    stale: bool = False
    waiting: bool = False     # a scoring job is running and has not reached this row yet

    @property
    def state(self) -> str:
        if not self.in_model:
            return "not_in_model"
        if self.score is None:
            return "waiting" if self.waiting else "empty"
        if not self.score.scored:
            return "unscored"
        return "stale" if self.stale else "current"

    def p_text(self) -> str:
        state = self.state
        if state == "not_in_model":
            return NOT_IN_MODEL
        if state == "waiting":
            return "waiting…"
        if state == "empty":
            return "not scored yet"
        if state == "unscored":
            return f"not scored: {self.score.reason}" if self.score.reason else "not scored"
        text = f"{self.score.p_fshd:.2f}"
        return f"{text} (stale)" if self.stale else text

    def class_text(self) -> str:
        s = self.score
        if s is None or not s.scored or not s.predicted_class:
            return ""
        prob = s.class_probs.get(s.predicted_class)
        name = CLASS_NAMES.get(s.predicted_class, s.predicted_class)
        return f"{name} {prob:.2f}" if prob is not None else name

    def asymmetry_text(self) -> str:
        a = self.score.asymmetry if self.score is not None else None
        if a is None:
            return ""
        side = f" · patient's {a.weaker_side} weaker" if a.weaker_side else ""
        return f"{a.asymmetry_index:.2f}{side}"

    def asymmetry_tip(self) -> str:
        a = self.score.asymmetry if self.score is not None else None
        if a is None:
            return ""
        return (f"{a.measure}: peak on the patient's right {a.peak_right:.3g}, left {a.peak_left:.3g} (IOD), "
                f"asymmetry index {a.asymmetry_index:.3f}"
                + (f"; weaker side: the patient's {a.weaker_side}" if a.weaker_side else "")
                + (f" ({a.note})" if a.note else ""))

    def flags(self) -> list[str]:
        flags = list(self.score.flags) if self.score is not None else []
        if self.stale and "stale" not in flags:
            flags.append("stale")
        return flags

    def flags_text(self) -> str:
        return "; ".join(FLAG_TEXT.get(f, f.replace("_", " ")) for f in self.flags())


class ResultsTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        if [(r.exercise_id, r.camera_id) for r in rows] == [(r.exercise_id, r.camera_id) for r in self._rows]:
            self._rows = rows  # same shape: repaint in place (keeps the selection)
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row(self, i: int) -> Row:
        return self._rows[i]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_of(self, exercise_id: int, camera_id: str | None = None) -> int:
        return next((i for i, r in enumerate(self._rows) if r.exercise_id == exercise_id
                     and (camera_id is None or r.camera_id == camera_id)), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col, index.row())
        if role == BAR_ROLE:
            return (r.score.p_fshd if r.score is not None else None), r.state
        if role == Qt.ItemDataRole.BackgroundRole and self._exercise_parity(index.row()):
            return QBrush(BAND_COLOUR)  # the two cameras of one exercise share a band
        if role == Qt.ItemDataRole.ToolTipRole:
            return {COL_P: r.p_text(), 4: r.asymmetry_tip(), 5: r.flags_text()}.get(col) or None
        if role == Qt.ItemDataRole.ForegroundRole and r.state in ("not_in_model", "stale", "empty", "waiting"):
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.FontRole and r.state == "stale" and col in (3, 4):
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def _exercise_parity(self, i: int) -> bool:
        ids = sorted({r.exercise_id for r in self._rows})
        return ids.index(self._rows[i].exercise_id) % 2 == 1

    def _text(self, r: Row, col: int, i: int) -> str:
        if col == 0:  # the exercise name once, on its first camera's row
            first = i == 0 or self._rows[i - 1].exercise_id != r.exercise_id
            return r.exercise_label if first else ""
        return (r.camera_label, r.p_text(), r.class_text(), r.asymmetry_text(), r.flags_text())[col - 1] \
            if col <= 5 else ""


class ProbabilityBarDelegate(QStyledItemDelegate):
    """P(FSHD) as a bar from 0 to 1 with a tick at the 0.5 decision threshold; words when not scored."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        p, state = index.data(BAR_ROLE)
        if p is None or state not in ("current", "stale"):
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        r = QRectF(option.rect).adjusted(4, 5, -52, -5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(225, 225, 225))
        painter.drawRoundedRect(r, 3, 3)
        colour = STALE_COLOUR if state == "stale" else (FSHD_COLOUR if p >= 0.5 else AGAINST_COLOUR)
        fill = QRectF(r.left(), r.top(), max(2.0, r.width() * min(max(p, 0.0), 1.0)), r.height())
        painter.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern if state == "stale" else Qt.BrushStyle.SolidPattern))
        painter.drawRoundedRect(fill, 3, 3)
        painter.setPen(QPen(QColor(40, 40, 40), 1))
        mid = r.left() + r.width() / 2
        painter.drawLine(int(mid), int(r.top()) - 2, int(mid), int(r.bottom()) + 2)
        painter.setPen(option.palette.highlightedText().color() if option.state & QStyle.StateFlag.State_Selected
                       else (MUTED if state == "stale" else QColor(30, 30, 30)))
        text_rect = QRectF(r.right() + 6, option.rect.top(), 48, option.rect.height())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         f"{p:.2f}" + ("*" if state == "stale" else ""))
        painter.restore()


def build_rows(session, scores: dict[tuple[int, str], ExerciseScore], model_exercises: tuple[int, ...] | None,
               stale: set[int], waiting: bool) -> list[Row]:
    """Every exercise of the session's protocol × every camera, in protocol order. `model_exercises` None
    or empty: the model's exercises are not known yet (or it scores all of them)."""
    if session is None:
        return []
    rows = []
    for ex in session.protocol.exercises:
        in_model = not model_exercises or ex.id in model_exercises
        for cam in session.cameras:
            label = (cam.label or cam.id).removesuffix(" camera")  # the column says "Camera"
            rows.append(Row(ex.id, ex.label(), cam.id, label, scores.get((ex.id, cam.id)),
                            in_model, ex.id in stale, waiting))
    return rows
