"""The votes (per camera and combined, with the rule on screen) and the severity estimate as a bar chart."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from fshd_studio.core.results import CLASS_NAMES, CLASSES, COMBINED, VOTE_RULE, CameraVote, Severity

CLASS_COLOURS = {"fshd_moderate": QColor(226, 120, 80), "fshd_severe": QColor(190, 50, 45),
                 "other_nmd": QColor(140, 110, 180), "control": QColor(70, 140, 90)}


def verdict_text(vote: CameraVote) -> str:
    if vote.fshd is None:
        return "no verdict (nothing scored)"
    return "FSHD" if vote.fshd else "not FSHD"


class VotesView(QFrame):
    """One line per camera and one for both together: votes for FSHD, against, and what the rule gives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsVotes")
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(14)
        self._grid.setVerticalSpacing(3)
        self.rule = QLabel(self)
        self.rule.setObjectName("voteRule")
        self.rule.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setObjectName("voteNote")
        self.note.setWordWrap(True)
        title = QLabel("<b>Majority vote</b>", self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(title)
        lay.addLayout(self._grid)
        lay.addWidget(self.rule)
        lay.addWidget(self.note)
        self.labels: dict[str, tuple[QLabel, ...]] = {}
        self.set_votes([], {}, "")

    def set_votes(self, votes: list[CameraVote], camera_labels: dict[str, str], note: str) -> None:
        if [v.camera_id for v in votes] == list(self.labels):  # same rows: new numbers in place
            for v in votes:
                self._fill(self.labels[v.camera_id], v)
            self._set_rule(votes, note)
            return
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.labels.clear()
        for col, head in enumerate(("", "FSHD", "against", "scored", "the rule gives")):
            lab = QLabel(f"<span style='color:#666'>{head}</span>", self)
            self._grid.addWidget(lab, 0, col)
        for i, v in enumerate(votes, start=1):
            name = "Both cameras" if v.camera_id == COMBINED else camera_labels.get(v.camera_id, v.camera_id)
            row = (QLabel(f"<b>{name}</b>" if v.camera_id == COMBINED else name, self),
                   *(QLabel(self) for _ in range(4)))
            self._fill(row, v)
            for col, lab in enumerate(row):
                self._grid.addWidget(lab, i, col)
            self.labels[v.camera_id] = row
        self._set_rule(votes, note)

    @staticmethod
    def _fill(row: tuple[QLabel, ...], v: CameraVote) -> None:
        colour = "#b8322d" if v.fshd else ("#3c78be" if v.fshd is False else "#666")
        for lab, text in zip(row[1:], (str(v.fshd_votes), str(v.against_votes), str(v.exercises),
                                       f"<b style='color:{colour}'>{verdict_text(v)}</b>")):
            lab.setText(text)

    def _set_rule(self, votes: list[CameraVote], note: str) -> None:
        rules = {v.rule for v in votes} or {VOTE_RULE}
        self.rule.setText("<span style='color:#555'>Rule: " + " / ".join(sorted(rules)) + "</span>")
        self.note.setText(note)
        self.note.setVisible(bool(note))


class SeverityChart(QWidget):
    """The session's severity estimate: one horizontal bar per class (probability 0–1), painted directly."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("severityChart")
        self.severity: Severity | None = None
        self.stale = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.sizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(300, (self.fontMetrics().height() + 6) * 6 + 6)

    def set_severity(self, severity: Severity | None, stale: bool = False) -> None:
        self.severity, self.stale = severity, stale
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fm = p.fontMetrics()
        line = fm.height() + 6
        sev = self.severity
        sub = "no results yet"
        if sev is not None and sev.clips:
            sub = f"mean class probabilities of {sev.clips} clips" + (", some stale" if self.stale else "")
        p.setPen(QColor(30, 30, 30))
        bold = p.font()
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(0, 0, self.width(), line), int(Qt.AlignmentFlag.AlignVCenter), "Severity estimate")
        p.setFont(self.font())
        p.setPen(QColor(90, 90, 90))
        p.drawText(QRectF(0, line - 4, self.width(), line), int(Qt.AlignmentFlag.AlignVCenter), sub)
        name_w = max(QFontMetrics(bold).horizontalAdvance(CLASS_NAMES[c]) for c in CLASSES) + 10
        bar_x, bar_w = name_w, max(40, self.width() - name_w - 50)
        best = sev.predicted_class if sev is not None else None
        for i, c in enumerate(CLASSES):
            y = line * (i + 2) + 2
            prob = sev.class_probs.get(c, 0.0) if sev is not None and sev.clips else None
            font = p.font()
            font.setBold(c == best)
            p.setFont(font)
            p.setPen(QColor(30, 30, 30))
            p.drawText(QRectF(0, y, name_w, line - 4), int(Qt.AlignmentFlag.AlignVCenter), CLASS_NAMES[c])
            track = QRectF(bar_x, y + 2, bar_w, line - 8)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(228, 228, 228))
            p.drawRoundedRect(track, 3, 3)
            if prob is not None:
                colour = QColor(150, 150, 150) if self.stale else CLASS_COLOURS[c]
                p.setBrush(colour)
                p.drawRoundedRect(QRectF(track.left(), track.top(), max(2.0, bar_w * prob), track.height()), 3, 3)
            p.setPen(QColor(30, 30, 30))
            p.drawText(QRectF(track.right() + 6, y, 44, line - 4), int(Qt.AlignmentFlag.AlignVCenter),
                       "—" if prob is None else f"{prob:.0%}")
        p.end()
