"""The status-bar view of the job runner: the newest running job's name, stage, bar, time left and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from fshd_studio.gui.jobs import Job, JobRunner


LABEL_MAX = 360


def format_seconds(s: float | None) -> str:
    if s is None:
        return ""
    s = int(round(s))
    return f"{s // 60} min {s % 60:02d} s left" if s >= 60 else f"{s} s left"


class JobBar(QWidget):
    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        # a long job name must never widen the window: the label takes what is left and elides the rest
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(120)
        self.label.setMaximumWidth(LABEL_MAX)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this job (what it finished so far is kept)")
        self.cancel_button.clicked.connect(self._cancel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.cancel_button):
            lay.addWidget(w)
        runner.changed.connect(self.refresh)
        self.refresh()

    def current(self) -> Job | None:
        running = self.runner.running()
        return running[-1] if running else None

    def refresh(self) -> None:
        job = self.current()
        self.setVisible(job is not None)
        if job is None:
            return
        p = job.latest
        stage = p.stage.replace("_", " ") if p else "starting"
        more = len(self.runner.running()) - 1
        extra = f" (+{more} more)" if more > 0 else ""
        text = f"{job.name}: {stage}{extra}  {format_seconds(job.seconds_left())}".rstrip()
        self.label.setToolTip(text)
        self.label.setText(self.label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, LABEL_MAX))
        if p is not None and p.total > 0:
            self.bar.setRange(0, p.total)
            self.bar.setValue(min(p.done, p.total))
        else:
            self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(not job.cancel_event.is_set())

    def _cancel(self) -> None:
        job = self.current()
        if job is not None:
            job.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(f"{job.name}: cancelling…")
