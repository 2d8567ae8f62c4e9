"""Below the checklist: the selected exercise, its instruction and its segment (read-only view)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from fshd_studio.gui.controller import SessionController
from fshd_studio.gui.status import format_ms


class SegmentInfo(QFrame):
    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentInfo")
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(3)
        self.title = QLabel("", self)
        self.title.setObjectName("segmentTitle")
        self.instruction = QLabel("", self)
        self.instruction.setObjectName("segmentInstruction")
        self.instruction.setWordWrap(True)
        self.span = QLabel("", self)
        self.span.setObjectName("segmentSpan")
        for w in (self.title, self.instruction, self.span):
            lay.addWidget(w)
        controller.selection_changed.connect(lambda _i: self.refresh())
        controller.segment_changed.connect(lambda _i: self.refresh())
        controller.session_loaded.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        c = self.controller
        ex_id = c.selected()
        if c.session is None or ex_id < 0:
            self.title.setText("No exercise selected")
            self.instruction.setText("Click an exercise in the list, or mark in (I) and out (O) on the "
                                     "timeline and type its number.")
            self.span.setText("")
            return
        try:
            ex = c.session.protocol.by_id(ex_id)
            self.title.setText(ex.label())
            self.instruction.setText(ex.instruction_en)
        except KeyError:
            self.title.setText(f"Exercise {ex_id} (not in the protocol)")
            self.instruction.setText("")
        seg = c.session.segments.get(ex_id)
        if seg is None:
            self.span.setText("Not segmented yet")
        else:
            self.span.setText(f"{format_ms(seg.span.start_ms)} → {format_ms(seg.span.end_ms)}  "
                              f"({seg.span.duration_ms / 1000.0:.2f} s) · {seg.status.value}")


class SessionSummary(QFrame):
    """Patient, visit, and per camera: frame rate, length, sync offset; plus session-level findings."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionSummary")
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 4)
        lay.setSpacing(2)
        self.heading = QLabel("Session", self)
        self.heading.setObjectName("summaryHeading")
        self.body = QLabel("", self)
        self.body.setObjectName("summaryBody")
        self.body.setWordWrap(True)
        lay.addWidget(self.heading)
        lay.addWidget(self.body)
        controller.session_loaded.connect(self.refresh)
        controller.offset_changed.connect(lambda _c: self.refresh())
        controller.findings_changed.connect(self.refresh)
        self.refresh()

    def lines(self) -> list[str]:
        c = self.controller
        s = c.session
        if s is None:
            return ["No session open."]
        out = [f"Patient {s.patient_id or '—'} · visit {s.visit_date or '—'} · protocol {s.protocol.name}"]
        for cam in s.cameras:
            problem = c.video_problem(cam.id)
            if problem:
                out.append(f"⚠ {cam.label or cam.id}: {problem} ({cam.video.name})")
                continue
            tb = c.timebase(cam.id)
            vfr = " VFR" if tb.is_variable else ""
            out.append(f"{cam.label or cam.id}: {tb.fps:.2f} fps{vfr} · {format_ms(tb.duration_ms)[:-2]} · "
                       f"offset {cam.offset_ms:+.0f} ms")
        return out

    def refresh(self) -> None:
        self.body.setText("\n".join(self.lines()))
        s = self.controller.session
        self.body.setToolTip("\n".join(f"{c.label or c.id}: {c.video}" for c in s.cameras) if s else "")
