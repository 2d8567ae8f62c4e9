"""The protocol checklist beside the timeline: the 15 exercises, each with its state.

States (worst first): missing, overlapping, outside video, no video (a camera's file is missing or cannot be
read), too short for the model's 256 source frames, suggested (not yet reviewed), unusable, done, confirmed.
The summary counts as ready only done and confirmed segments whose videos are there; "to check" counts every
segment that needs the annotator's eyes (suggested ones included). Clicking a row selects that exercise and shows its segment.
The widget only reads the controller; a click calls `select` / `set_playhead` (view state, not undoable).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QHeaderView, QLabel, QStyledItemDelegate, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from fshd_studio.core.session import SegmentStatus, Session
from fshd_studio.core.validation import MODEL_SOURCE_FRAMES, Finding, FindingKind
from fshd_studio.gui.controller import SessionController


class ItemState(str, Enum):
    MISSING = "missing"
    OVERLAP = "overlapping"
    OUTSIDE = "outside video"
    NO_VIDEO = "no video"
    NO_FACE = "no face"
    SEVERAL_FACES = "several faces"
    FACE_CHANGED = "face changed"
    PADDED = "padded"
    TOO_SHORT = "too short"
    SUGGESTED = "suggested"
    UNUSABLE = "unusable"
    DONE = "done"
    CONFIRMED = "confirmed"


STATE_COLORS: dict[ItemState, str] = {
    ItemState.MISSING: "#9aa3ad",
    ItemState.OVERLAP: "#c0392b",
    ItemState.OUTSIDE: "#c0392b",
    ItemState.NO_VIDEO: "#c0392b",
    ItemState.NO_FACE: "#c0392b",
    ItemState.SEVERAL_FACES: "#d68910",
    ItemState.FACE_CHANGED: "#c0392b",
    ItemState.PADDED: "#d68910",
    ItemState.TOO_SHORT: "#d68910",
    ItemState.SUGGESTED: "#7d5ba6",
    ItemState.UNUSABLE: "#6c757d",
    ItemState.DONE: "#2e86c1",
    ItemState.CONFIRMED: "#1e8449",
}
STATE_MARKS: dict[ItemState, str] = {
    ItemState.MISSING: "○", ItemState.OVERLAP: "⚠", ItemState.OUTSIDE: "⚠", ItemState.NO_VIDEO: "⚠",
    ItemState.TOO_SHORT: "◔", ItemState.PADDED: "◔", ItemState.NO_FACE: "⚠", ItemState.SEVERAL_FACES: "⚠",
    ItemState.FACE_CHANGED: "⚠",
    ItemState.SUGGESTED: "◌", ItemState.UNUSABLE: "⊘", ItemState.DONE: "●", ItemState.CONFIRMED: "✔",
}
# worst first; the clip states come from core/validation.py, the rule preprocessing applies too
_FINDING_STATES = ((FindingKind.MISSING, ItemState.MISSING), (FindingKind.OVERLAP, ItemState.OVERLAP),
                   (FindingKind.OUTSIDE_VIDEO, ItemState.OUTSIDE), (FindingKind.VIDEO_MISSING, ItemState.NO_VIDEO),
                   (FindingKind.NO_FACE, ItemState.NO_FACE), (FindingKind.FACE_CHANGED, ItemState.FACE_CHANGED),
                   (FindingKind.SEVERAL_FACES, ItemState.SEVERAL_FACES), (FindingKind.PADDED, ItemState.PADDED),
                   (FindingKind.TOO_SHORT, ItemState.TOO_SHORT))
# what the summary calls ready, and what it asks the annotator to look at
READY_STATES = frozenset({ItemState.DONE, ItemState.CONFIRMED})
CHECK_STATES = frozenset({ItemState.OVERLAP, ItemState.OUTSIDE, ItemState.NO_VIDEO, ItemState.TOO_SHORT,
                          ItemState.SUGGESTED, ItemState.PADDED, ItemState.NO_FACE, ItemState.SEVERAL_FACES,
                          ItemState.FACE_CHANGED})


@dataclass(frozen=True)
class ChecklistItem:
    exercise_id: int
    label: str
    state: ItemState
    duration_s: float | None
    details: tuple[str, ...]
    cameras: tuple[str, ...] = ()  # the cameras the state is about, when not all of them


def checklist_items(session: Session, findings: list[Finding]) -> list[ChecklistItem]:
    """One item per protocol exercise; the worst finding decides the state. A camera whose video is missing
    (a finding about no exercise) concerns every exercise that has a segment."""
    items = []
    no_video = [f for f in findings if f.kind == FindingKind.VIDEO_MISSING]
    for ex in session.protocol.exercises:
        seg = session.segments.get(ex.id)
        mine = [f for f in findings if f.exercise_id == ex.id] + (no_video if seg is not None else [])
        kinds = {f.kind for f in mine}
        state = next((s for k, s in _FINDING_STATES if k in kinds), None)
        if state is None and seg is not None:
            state = {SegmentStatus.SUGGESTED: ItemState.SUGGESTED, SegmentStatus.UNUSABLE: ItemState.UNUSABLE,
                     SegmentStatus.CONFIRMED: ItemState.CONFIRMED}.get(seg.status, ItemState.DONE)
        state = state or ItemState.MISSING
        kind = next((k for k, st in _FINDING_STATES if st == state), None)
        cams = tuple(dict.fromkeys(f.camera_id for f in mine if f.kind == kind and f.camera_id))
        if len(cams) == len(session.cameras):
            cams = ()  # all cameras: no need to name them
        labels = tuple(_camera_label(session, c) for c in cams)
        items.append(ChecklistItem(ex.id, ex.name_en, state, seg.span.duration_ms / 1000.0 if seg else None,
                                   tuple(dict.fromkeys(f.message for f in mine)), labels))
    return items


def summary_text(items: list[ChecklistItem]) -> str:
    """E.g. "3 of 15 ready · 12 to check"; missing exercises are named when there are any."""
    if not items:
        return "No session open"
    ready = sum(1 for i in items if i.state in READY_STATES)
    check = sum(1 for i in items if i.state in CHECK_STATES)
    missing = sum(1 for i in items if i.state == ItemState.MISSING)
    parts = [f"{ready} of {len(items)} ready", f"{check} to check"]
    if missing:
        parts.append(f"{missing} missing")
    return " · ".join(parts)


def _camera_label(session: Session, camera_id: str) -> str:
    try:
        cam = session.camera(camera_id)
    except KeyError:
        return camera_id
    return cam.id if not cam.label else cam.label.split()[0].lower()


class _KeepStateColors(QStyledItemDelegate):
    """A selected row keeps its state colour (the default would paint all selected text alike)."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 - Qt override
        super().initStyleOption(option, index)
        fg = index.data(Qt.ItemDataRole.ForegroundRole)
        color = fg.color() if isinstance(fg, QBrush) else option.palette.color(QPalette.ColorRole.Text)  # theme's ink
        option.palette.setColor(QPalette.ColorRole.HighlightedText, color)


class ProtocolChecklist(QWidget):
    """A compact table: mark, number, exercise, length, state. Emits `activated(exercise_id)` on click."""

    activated = Signal(int)

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("protocolChecklist")
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.title = QLabel("Protocol", self)
        self.title.setObjectName("panelTitle")
        self.summary = QLabel("", self)
        self.summary.setObjectName("checklistSummary")
        self.summary.setWordWrap(True)  # never cut: a narrow side panel wraps the line
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("checklistTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["#", "Exercise", "Length", "State"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the player and the timeline
        self.tree.setItemDelegate(_KeepStateColors(self.tree))
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        lay.addWidget(self.tree, 1)
        self.tree.itemClicked.connect(self._on_clicked)
        controller.session_loaded.connect(self.refresh)
        controller.findings_changed.connect(self.refresh)  # also follows every segment change
        controller.selection_changed.connect(self._on_selection)
        self.items: list[ChecklistItem] = []
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        self.items = checklist_items(session, self.controller.findings()) if session else []
        with QSignalBlocker(self.tree):
            self.tree.clear()
            for it in self.items:
                self.tree.addTopLevelItem(self._row(it))
        self._on_selection(self.controller.selected())
        self.summary.setText(summary_text(self.items))
        self.summary.setToolTip("Ready: done or confirmed, with every camera's video there. To check: suggested, "
                                "overlapping, outside the video, too short, or a camera's video missing.")

    def _row(self, it: ChecklistItem) -> QTreeWidgetItem:
        length = f"{it.duration_s:.1f} s" if it.duration_s is not None else "—"
        where = f" · {', '.join(it.cameras)}" if it.cameras else ""
        row = QTreeWidgetItem([f"{it.exercise_id:02d}", it.label, length,
                               f"{STATE_MARKS[it.state]} {it.state.value}{where}"])
        row.setData(0, Qt.ItemDataRole.UserRole, it.exercise_id)
        color = QColor(STATE_COLORS[it.state])
        row.setForeground(3, QBrush(color))
        row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tip = "\n".join(it.details) or (f"{it.state.value}; the model reads {MODEL_SOURCE_FRAMES} source frames "
                                        "(8 snippets × 16 frames, every 2nd)")
        for col in range(4):
            row.setToolTip(col, tip)
        return row

    def item_for(self, exercise_id: int) -> ChecklistItem | None:
        return next((i for i in self.items if i.exercise_id == exercise_id), None)

    def _on_selection(self, exercise_id: int) -> None:
        with QSignalBlocker(self.tree):
            self.tree.clearSelection()
            for i in range(self.tree.topLevelItemCount()):
                row = self.tree.topLevelItem(i)
                if row.data(0, Qt.ItemDataRole.UserRole) == exercise_id:
                    row.setSelected(True)
                    self.tree.scrollToItem(row)

    def click_exercise(self, exercise_id: int) -> None:
        """What a click on the row does (also used by tests and the keyboard)."""
        self.controller.select(exercise_id)
        session = self.controller.session
        seg = session.segments.get(exercise_id) if session else None
        if seg is not None:
            self.controller.set_playhead(seg.span.start_ms)
        self.activated.emit(exercise_id)

    def _on_clicked(self, row: QTreeWidgetItem, _col: int) -> None:
        self.click_exercise(int(row.data(0, Qt.ItemDataRole.UserRole)))
