"""The status bar: project, patient, unsaved marker, playhead time and reference-camera frame, and the
permanent "Research use only" note.

A temporary message (e.g. "Suggested 15 segments …") is never cut: while it shows, the session fields that
leave it too little room step aside (frame first, then patient, then project) and come back when it goes;
if it is still too long for the window, MessageBar wraps it onto a second line instead of clipping it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizeGrip, QStatusBar, QStyle, QStyleOption, QWidget

from fshd_studio.gui.controller import SessionController


def format_ms(ms: float) -> str:
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    m, s = divmod(ms / 1000.0, 60.0)
    h, m = divmod(int(m), 60)
    return f"{sign}{h:d}:{m:02d}:{s:06.3f}" if h else f"{sign}{m:d}:{s:06.3f}"


def message_room(bar: QStatusBar) -> int:
    """The width (px) of a temporary message: QStatusBar draws it from x = 6 to 2 px left of the first
    visible widget it holds."""
    bar.layout().activate()
    xs = [w.x() for w in bar.findChildren(QWidget) if w.parentWidget() is bar and w.isVisible()
          and not w.isWindow() and not isinstance(w, QSizeGrip)]
    return min(xs, default=bar.width() - 12) - 2 - 6


class MessageBar(QStatusBar):
    """A status bar whose temporary message wraps (the bar grows a line) instead of being clipped mid-word."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.messageChanged.connect(lambda _t: self.update())

    def message_rect(self) -> QRect:
        """Where the message goes: left of the first visible widget the bar holds (as QStatusBar does)."""
        return QRect(6, 0, message_room(self), self.height())

    def wrap_for(self, text: str, width: int) -> None:
        """Grow to as many lines as `text` needs in `width` px (none when it fits on one)."""
        fm = self.fontMetrics()
        lines = 1 if not text or width <= 0 else fm.boundingRect(0, 0, width, 10000,
                                                                 int(Qt.TextFlag.TextWordWrap), text).height() \
            // max(1, fm.lineSpacing())
        self.setMinimumHeight(fm.lineSpacing() * lines + 8 if lines > 1 else 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        text = self.currentMessage()
        if not text:
            super().paintEvent(event)
            return
        p = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, opt, p, self)
        p.setPen(self.palette().windowText().color())
        p.drawText(self.message_rect(), int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                                            | Qt.TextFlag.TextWordWrap), text)


class StatusLine(QObject):
    def __init__(self, controller: SessionController, bar: QStatusBar, note: str) -> None:
        super().__init__(bar)
        self.controller = controller
        self.bar = bar
        self.project = self._label("statusProject")
        self.patient = self._label("statusPatient")
        self.dirty = self._label("statusDirty")
        self.frame = self._label("statusFrame")
        self.note = QLabel(note, bar)
        self.note.setObjectName("researchNote")
        bar.addPermanentWidget(self.note)
        controller.session_loaded.connect(self.refresh)
        controller.project_path_changed.connect(self.refresh)
        controller.dirty_changed.connect(lambda _d: self.refresh_dirty())
        controller.playhead_moved.connect(self.refresh_frame)
        controller.offset_changed.connect(lambda _c: self.refresh_frame(controller.playhead_ms()))
        self._review = True
        self._stepped_aside: list[QLabel] = []
        bar.messageChanged.connect(self._fit_message)
        bar.installEventFilter(self)
        self.refresh()

    def _label(self, name: str) -> QLabel:
        lab = QLabel("", self.bar)
        lab.setObjectName(name)
        lab.setMinimumWidth(24)  # the window may be narrower than the fields: they step aside (see _fit_message)
        self.bar.addPermanentWidget(lab)  # permanent: temporary messages never hide them
        return lab

    def set_visible_for_review(self, review: bool) -> None:
        """The session fields belong to the Review mode; the research note stays in both."""
        self._review = review
        self._stepped_aside.clear()
        for lab in (self.project, self.patient, self.dirty, self.frame):
            lab.setVisible(review)
        self._fit_message(self.bar.currentMessage())

    def message_room(self) -> int:
        return message_room(self.bar)

    def message_width(self, text: str) -> int:
        return self.bar.fontMetrics().horizontalAdvance(text) + 4

    def refit(self) -> None:
        """Fit again when something else in the bar came or went (e.g. the job bar)."""
        self._fit_message(self.bar.currentMessage())

    def _fit_message(self, text: str) -> None:
        """Make room for `text` (and, in a narrow window, for the fields themselves): hide the least needed
        session fields until everything fits whole; restore them when there is room again."""
        for lab in self._stepped_aside:
            lab.setVisible(self._review)
        self._stepped_aside.clear()
        self.bar.setToolTip(text)
        if not self.bar.isVisible():
            return
        need = self.message_width(text) if text else 0
        for lab in (self.frame, self.patient, self.project):
            if self.message_room() >= need and self._fields_fit():
                break
            if lab.isVisible():
                lab.hide()
                self._stepped_aside.append(lab)
        if isinstance(self.bar, MessageBar):
            self.bar.wrap_for(text, self.message_room() if text else 0)

    def _fields_fit(self) -> bool:
        """Whether every visible widget of the bar gets the width its text needs (none is squeezed)."""
        shown = [w for w in self.bar.findChildren(QWidget) if w.parentWidget() is self.bar and w.isVisible()
                 and not w.isWindow() and not isinstance(w, QSizeGrip)]
        return sum(w.sizeHint().width() + 6 for w in shown) <= self.bar.width() - 20

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.bar and event.type() == QEvent.Type.Resize:
            self._fit_message(self.bar.currentMessage())
        return False

    def refresh(self) -> None:
        c = self.controller
        if c.session is None:
            self.project.setText("No project open — File → Open, or drop a project, videos or an .eaf here")
            self.patient.setText("")
        else:
            self.project.setText(c.project_path.name if c.project_path else "Untitled session")
            s = c.session
            self.patient.setText(f"Patient {s.patient_id or '—'} · visit {s.visit_date or '—'} · "
                                 f"{len(s.cameras)} camera{'s' if len(s.cameras) != 1 else ''}"
                                 + (f" · annotator {s.annotator}" if s.annotator else ""))
        self.refresh_dirty()
        self.refresh_frame(c.playhead_ms())
        self._fit_message(self.bar.currentMessage())

    def refresh_dirty(self) -> None:
        dirty = self.controller.is_dirty()
        self.dirty.setText("● Unsaved changes" if dirty else ("Saved" if self.controller.session else ""))
        self.dirty.setProperty("dirty", dirty)
        self.dirty.style().unpolish(self.dirty)
        self.dirty.style().polish(self.dirty)

    def frame_text(self, ms: float) -> str:
        c = self.controller
        if c.session is None:
            return ""
        parts = [format_ms(ms)]
        for cam in c.session.cameras:
            tb = c.timebase(cam.id)
            if tb is not None:
                parts.append(f"{cam.label or cam.id} frame {tb.frame_at(cam.camera_ms(ms))}")
        return "  ·  ".join(parts)

    def refresh_frame(self, ms: float) -> None:
        self.frame.setText(self.frame_text(ms))
