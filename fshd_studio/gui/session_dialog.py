"""File → New session and File → Session properties: one form for the patient's study id, the visit date, the
annotator and the cameras (named by the protocol: front, side). New session also takes one video per camera.

The dialogs only ask: they return a NewSession / SessionProperties (gui/session_properties.py) or None; the
window builds the session, and a properties edit goes through the controller as one undo step.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox, QLabel,
    QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from fshd_studio.gui.session_properties import NewCamera, NewSession, SessionProperties

VIDEO_FILTER = "Videos (*.mp4 *.mov *.avi *.mkv *.m4v *.mpg *.mpeg *.webm);;All files (*)"
PATIENT_HINT = "Study code, e.g. FSHD-0042 — never the patient's name"


class _PatientFields(QWidget):
    """Patient id, visit date, annotator."""

    def __init__(self, patient_id: str, visit_date: str, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.patient = QLineEdit(patient_id, self)
        self.patient.setObjectName("patientId")
        self.patient.setPlaceholderText(PATIENT_HINT)
        self.patient.setToolTip(PATIENT_HINT + ". The project file and exports carry it.")
        self.date = QDateEdit(self)
        self.date.setObjectName("visitDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        day = QDate.fromString(visit_date, "yyyy-MM-dd")
        self.date.setDate(day if day.isValid() else QDate.currentDate())
        self.annotator = QLineEdit(annotator, self)
        self.annotator.setObjectName("annotator")
        self.annotator.setPlaceholderText("Your initials or study code")
        self.annotator.setToolTip("Recorded on every segment you create or confirm in this session")
        form.addRow("Patient id", self.patient)
        form.addRow("Visit date", self.date)
        form.addRow("Annotator", self.annotator)

    def values(self) -> tuple[str, str, str]:
        return (self.patient.text().strip(), self.date.date().toString("yyyy-MM-dd"),
                self.annotator.text().strip())


def _lay_out(dialog: QDialog, cams: QWidget, ok_text: str = "") -> None:
    """Patient fields, cameras, the problems line and OK/Cancel — the frame both session dialogs share."""
    dialog.problems = QLabel(dialog)
    dialog.problems.setWordWrap(True)
    dialog.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                      dialog)
    if ok_text:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    dialog.buttons.accepted.connect(dialog.accept)
    dialog.buttons.rejected.connect(dialog.reject)
    dialog.fields.patient.textChanged.connect(dialog._refresh)
    lay = QVBoxLayout(dialog)
    for w in (dialog.fields, cams, dialog.problems, dialog.buttons):
        lay.addWidget(w)
    dialog._refresh()


class NewSessionDialog(QDialog):
    def __init__(self, draft: NewSession, start_dir: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newSessionDialog")
        self.setWindowTitle("New session")
        self._draft = draft
        self._start_dir = start_dir
        self.fields = _PatientFields(draft.patient_id, draft.visit_date, draft.annotator, self)
        cams = QGroupBox("Cameras (named by the protocol)", self)
        grid = QGridLayout(cams)
        self.labels: list[QLineEdit] = []
        self.paths: list[QLineEdit] = []
        for row, cam in enumerate(draft.cameras):
            label = QLineEdit(cam.label, cams)
            label.setObjectName(f"cameraLabel_{cam.id}")
            label.setToolTip(f"The name shown for camera '{cam.id}'")
            path = QLineEdit(str(cam.video) if cam.video else "", cams)
            path.setObjectName(f"cameraVideo_{cam.id}")
            path.setPlaceholderText(f"the {cam.label or cam.id} recording")
            path.setMinimumWidth(320)
            browse = QPushButton("Choose…", cams)
            browse.clicked.connect(lambda _c=False, i=row: self._browse(i))
            for w in (label, path):
                w.textChanged.connect(self._refresh)
            grid.addWidget(label, row, 0)
            grid.addWidget(path, row, 1)
            grid.addWidget(browse, row, 2)
            self.labels.append(label)
            self.paths.append(path)
        grid.setColumnStretch(1, 1)
        _lay_out(self, cams, ok_text="Create session")
        self.problems.setObjectName("newSessionProblems")

    def draft(self) -> NewSession:
        patient, date, annotator = self.fields.values()
        cams = tuple(replace(c, label=lab.text().strip() or c.id, video=Path(p.text().strip()) if p.text().strip()
                             else None)
                     for c, lab, p in zip(self._draft.cameras, self.labels, self.paths))
        return NewSession(cams, patient, date, annotator)

    def _browse(self, row: int) -> None:
        cam: NewCamera = self._draft.cameras[row]
        start = self.paths[row].text() or self._start_dir
        path, _ = QFileDialog.getOpenFileName(self, f"Video of the {cam.label or cam.id}", start, VIDEO_FILTER)
        if path:
            self.paths[row].setText(path)

    def _refresh(self) -> None:
        problems = self.draft().problems()
        self.problems.setText("To do: " + "; ".join(problems) if problems else "Ready.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)


class SessionPropertiesDialog(QDialog):
    """Edit patient id, visit date, annotator and camera names of the open session (one undo step)."""

    def __init__(self, props: SessionProperties, videos: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionPropertiesDialog")
        self.setWindowTitle("Session properties")
        self._props = props
        self.fields = _PatientFields(props.patient_id, props.visit_date, props.annotator, self)
        cams = QGroupBox("Camera names", self)
        form = QFormLayout(cams)
        self.labels: dict[str, QLineEdit] = {}
        for camera_id, label in props.camera_labels:
            edit = QLineEdit(label, cams)
            edit.setObjectName(f"cameraLabel_{camera_id}")
            edit.setToolTip(f"video: {videos.get(camera_id, '')} (File → Relocate video changes it)")
            form.addRow(f"{camera_id}", edit)
            self.labels[camera_id] = edit
        _lay_out(self, cams)

    def properties(self) -> SessionProperties:
        patient, date, annotator = self.fields.values()
        labels = tuple((cid, self.labels[cid].text().strip() or cid) for cid, _ in self._props.camera_labels)
        return SessionProperties(patient, date, annotator, labels)

    def _refresh(self) -> None:
        p = self.properties()
        probe = NewSession((), p.patient_id, p.visit_date, p.annotator).problems()
        self.problems.setText("; ".join(probe))
        self.problems.setVisible(bool(probe))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not probe)


def ask_new_session(parent: QWidget, draft: NewSession, start_dir: str) -> NewSession | None:
    dlg = NewSessionDialog(draft, start_dir, parent)
    return dlg.draft() if dlg.exec() == QDialog.DialogCode.Accepted else None


def ask_session_properties(parent: QWidget, props: SessionProperties, videos: dict[str, str]
                           ) -> SessionProperties | None:
    dlg = SessionPropertiesDialog(props, videos, parent)
    return dlg.properties() if dlg.exec() == QDialog.DialogCode.Accepted else None
