"""The window's scoring state: the current results of the open project, the scores arriving from a running
scoring job, the model they come from, and which results have gone stale since.

Scoring runs `inference.session.score_session` through the window's one job runner (`window.jobs`); each
exercise × camera score reaches the GUI thread through `job.partial` as it is computed. Results are loaded
with the project and saved beside it (io/results_file) when a scoring job finishes.
"""

from __future__ import annotations

import copy
import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from fshd_studio.core.child_process import call_in_child
from fshd_studio.core.errors import UserError
from fshd_studio.core.results import ExerciseScore, SessionResults
from fshd_studio.gui.results.scoring_work import EngineChoice, ModelInfo, score_with_card

if TYPE_CHECKING:
    from fshd_studio.gui.jobs import Job, JobRunner

JOB_NAME = "Scoring the session"
COALESCE_MS = 50
DEFAULT_MODEL = "demo-synthetic"


def save_beside(project: Path, results: SessionResults) -> str:
    """Save the results beside the project; says what happened in one line for the panel."""
    from fshd_studio.io.results_file import results_path, save_results

    try:
        save_results(results_path(project), results)
    except OSError as exc:
        return f"Scored, but the results could not be saved beside {project.name}: {exc}"
    return f"Scored and saved to {results_path(project).name}"


def default_model_dir() -> Path:
    from fshd_studio.io.resources import models_dir

    return models_dir() / DEFAULT_MODEL


class ResultsState(QObject):
    changed = Signal()              # results, live scores, model or staleness changed: redraw everything
    progressed = Signal(object)     # Progress of the running job
    message = Signal(str)           # one line for the panel's status (errors, saved, cancelled)

    def __init__(self, controller: Any, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.runner = runner
        self.model_dir = default_model_dir()
        self.backend, self.precision = "auto", "fp32"   # what the panel's back-end choice asks for
        self.results: SessionResults | None = None
        self.live: dict[tuple[int, str], ExerciseScore] = {}
        self.model: ModelInfo | None = None
        self.job: Job | None = None
        self.stale: set[int] = set()
        self.engine = ""                # where the running job's model runs, once it is known
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self.changed)
        self.status = ""
        controller.session_loaded.connect(self.load_for_project)
        controller.segment_changed.connect(lambda _ex: self._refresh_stale())
        controller.offset_changed.connect(lambda _cam: self._refresh_stale())

    # ---- what the panel shows ----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None and self.job.running

    def scores(self) -> dict[tuple[int, str], ExerciseScore]:
        if self.running:
            return dict(self.live)
        if self.results is None:
            return {}
        return {(s.exercise_id, s.camera_id): s for s in self.results.scores}

    # ---- loading and saving with the project --------------------------------------------------------
    def load_for_project(self) -> None:
        """The project changed: stop a job scoring the old one, read the new one's saved results."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.results, self.live, self.model = None, {}, None
        path = self.controller.project_path
        self.say("")
        if path is not None and self.controller.session is not None:
            from fshd_studio.io.results_file import load_results, results_path

            try:
                self.results = load_results(results_path(path))
            except UserError as exc:
                self.say(str(exc))
            if self.results is not None:
                self.model = ModelInfo.of_provenance(self.results.provenance)
                self.say(f"Results of {self.results.provenance.created_at[:16].replace('T', ' ')} UTC "
                                 f"loaded from {results_path(path).name}")
        self._refresh_stale(emit=False)
        self.changed.emit()

    def _refresh_stale(self, emit: bool = True) -> None:
        session = self.controller.session
        stale = self.results.stale_exercises(session) if self.results is not None and session is not None else set()
        if stale != self.stale:
            self.stale = stale
            if emit:
                self.changed.emit()

    def say(self, text: str) -> None:
        self.status = text
        self.message.emit(text)

    # ---- scoring ------------------------------------------------------------------------------------
    def start(self) -> Job | None:
        """Score the open session (non-modal). Returns the job, or None when it cannot start (said why)."""
        c = self.controller
        if self.running:
            return self.job
        if c.session is None:
            self.say("Open a session first.")
            return None
        if c.project_path is None:
            self.say("Save the project first: its results and preprocessing cache are kept beside it.")
            return None
        session, project, model_dir = copy.deepcopy(c.session), c.project_path, self.model_dir
        backend, precision = self.backend, self.precision
        ready, box = threading.Event(), []

        def work(report: Any, cancel: threading.Event) -> tuple[SessionResults, str]:
            ready.wait(10)  # until start() below has returned the job whose partial() relays the scores
            scoring = functools.partial(score_with_card, session, model_dir, project, backend=backend,
                                        precision=precision)
            results = call_in_child(scoring, report=report, cancel=cancel, partial=box[0].partial)
            return results, save_beside(project, results)  # the write (fsync) off the GUI thread

        self.live, self.engine = {}, ""
        job = self.runner.start(JOB_NAME, work, on_done=lambda r: self._done(job, r),
                                on_error=lambda m: self._failed(job, m), on_cancelled=lambda: self._cancelled(job),
                                on_progress=self.progressed.emit, on_partial=lambda obj: self._partial(job, obj))
        box.append(job)
        ready.set()
        self.job = job
        self.say("Scoring started")
        self.changed.emit()
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.say("Cancelling…")

    def _partial(self, job: Job, obj: object) -> None:
        if job is not self.job:
            return
        if isinstance(obj, ModelInfo):
            self.model = obj
        elif isinstance(obj, EngineChoice):
            self.engine = obj.text
        elif isinstance(obj, ExerciseScore):
            self.live[(obj.exercise_id, obj.camera_id)] = obj
        if not self._coalesce.isActive():  # a burst of scores (e.g. the rows the model does not score) is one redraw
            self._coalesce.start()

    def _done(self, job: Job, outcome: tuple[SessionResults, str]) -> None:
        if job is not self.job:
            return
        results, saved = outcome
        self.job = None
        self.results, self.live = results, {}
        self.model = ModelInfo.of_provenance(results.provenance)
        self._refresh_stale(emit=False)
        self.say(saved)
        self.changed.emit()

    def _failed(self, job: Job, message: str) -> None:
        if job is self.job:
            self.job, self.live = None, {}
            self.say(f"Scoring failed: {message}")
            self.changed.emit()

    def _cancelled(self, job: Job) -> None:
        if job is self.job:
            self.job, self.live = None, {}
            self.say("Scoring cancelled; nothing was saved" +
                             (" (the previous results are shown)" if self.results is not None else ""))
            if self.results is not None:
                self.model = ModelInfo.of_provenance(self.results.provenance)
            self.changed.emit()
