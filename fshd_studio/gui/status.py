"""The status bar: project, patient, unsaved marker, playhead time and reference-camera frame, and the
permanent "Research use only" note."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from fshd_studio.gui.controller import SessionController


def format_ms(ms: float) -> str:
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    m, s = divmod(ms / 1000.0, 60.0)
    h, m = divmod(int(m), 60)
    return f"{sign}{h:d}:{m:02d}:{s:06.3f}" if h else f"{sign}{m:d}:{s:06.3f}"


class StatusLine:
    def __init__(self, controller: SessionController, bar: QStatusBar, note: str) -> None:
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
        self.refresh()

    def _label(self, name: str) -> QLabel:
        lab = QLabel("", self.bar)
        lab.setObjectName(name)
        self.bar.addPermanentWidget(lab)  # permanent: temporary messages never hide them
        return lab

    def set_visible_for_review(self, review: bool) -> None:
        """The session fields belong to the Review mode; the research note stays in both."""
        for lab in (self.project, self.patient, self.dirty, self.frame):
            lab.setVisible(review)

    def refresh(self) -> None:
        c = self.controller
        if c.session is None:
            self.project.setText("No project open — File → Open, or drop a project, videos or an .eaf here")
            self.patient.setText("")
        else:
            self.project.setText(c.project_path.name if c.project_path else "Untitled session")
            s = c.session
            self.patient.setText(f"Patient {s.patient_id or '—'} · visit {s.visit_date or '—'} · "
                                 f"{len(s.cameras)} camera{'s' if len(s.cameras) != 1 else ''}")
        self.refresh_dirty()
        self.refresh_frame(c.playhead_ms())

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
