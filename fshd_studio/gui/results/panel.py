"""The results panel: which model speaks (and that it is research use only), the Score / Cancel / Report
buttons with the running job's stage, device and time left, the exercise × camera table, the votes and the
severity chart. It observes ResultsState and never mutates the session; selecting a row asks the window
(through `row_activated`) to select that segment on the timeline and play it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QTableView, QTabWidget, QVBoxLayout,
    QWidget,
)

from fshd_studio.core.progress import Progress
from fshd_studio.core.results import votes_of
from fshd_studio.gui.job_bar import format_seconds
from fshd_studio.inference.backends import BACKENDS, PRECISIONS
from fshd_studio.gui.results.charts import SeverityChart, VotesView
from fshd_studio.gui.results.state import ResultsState
from fshd_studio.gui.results.table import COL_P, NOT_IN_MODEL, ProbabilityBarDelegate, ResultsTableModel, build_rows

RESEARCH_ONLY = "Research use only — not a diagnosis"
SYNTHETIC_BANNER = "SYNTHETIC MODEL — THESE SCORES MEAN NOTHING CLINICALLY"
BANNER_STYLE = ("QLabel#syntheticBanner { background: #b3261e; color: white; font-size: 16pt; font-weight: bold;"
                " padding: 10px; border-radius: 4px; }")


class ResultsPanel(QWidget):
    row_activated = Signal(int, str)   # exercise_id, camera_id: the user picked a row
    score_requested = Signal()
    cancel_requested = Signal()
    report_requested = Signal()

    def __init__(self, state: ResultsState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsPanel")
        self.state = state
        self._fitted: list = []  # the rows the column widths were fitted to
        self._build()
        state.changed.connect(self.refresh)
        state.progressed.connect(self._on_progress)
        state.message.connect(self._on_message)
        self.refresh()

    # ---- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = QLabel(SYNTHETIC_BANNER, self)
        self.banner.setObjectName("syntheticBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)
        self.model_label = QLabel(self)
        self.model_label.setObjectName("resultsModel")
        self.model_label.setWordWrap(True)
        self.model_label.setTextFormat(Qt.TextFormat.RichText)
        self.research = QLabel(f"<b>{RESEARCH_ONLY}</b>", self)
        self.research.setObjectName("researchOnly")
        self.score_button = QPushButton("Score session", self)
        self.score_button.setObjectName("scoreButton")
        self.score_button.clicked.connect(self.score_requested)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.report_button = QPushButton("Export report…", self)
        self.report_button.clicked.connect(self.report_requested)
        self.backend_box = QComboBox(self)
        self.backend_box.addItems(list(BACKENDS))
        self.backend_box.setToolTip("Where the model runs: auto = torch on a CUDA GPU, otherwise OpenVINO on the CPU")
        self.precision_box = QComboBox(self)
        self.precision_box.addItems(list(PRECISIONS))
        self.precision_box.setToolTip("bf16: about twice as fast as fp32 on CPUs that have it (fp32 otherwise, said "
                                      "in the results); int8 only where the model card records its parity check")
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(160)
        self.job_label = QLabel(self)
        self.job_label.setObjectName("resultsJob")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("resultsStatus")
        self.status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for w in (self.score_button, self.cancel_button, self.report_button, QLabel("Run on", self),
                  self.backend_box, self.precision_box, self.progress):
            buttons.addWidget(w)
        buttons.addStretch(1)
        self.job_label.setWordWrap(True)
        self.model = ResultsTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("resultsTable")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_P, ProbabilityBarDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(8 * self.table.verticalHeader().defaultSectionSize())
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # fitted in _fit_columns, not per change
        head.setStretchLastSection(True)
        head.resizeSection(COL_P, 170)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._on_row(cur.row()))
        self.votes = VotesView(self)
        self.severity = SeverityChart(self)
        summary = QWidget(self)
        bottom = QHBoxLayout(summary)
        bottom.setContentsMargins(6, 6, 6, 6)
        bottom.addWidget(self.votes, 1)
        bottom.addSpacing(16)
        bottom.addWidget(self.severity, 1)
        self.tabs = QTabWidget(self)  # votes and severity; the heatmaps join as a second tab
        self.tabs.setObjectName("resultsTabs")
        self.tabs.addTab(summary, "Votes and severity")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        for w in (self.banner, self.model_label, self.research):
            lay.addWidget(w)
        lay.addLayout(buttons)
        lay.addWidget(self.job_label)
        lay.addWidget(self.status_label)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.tabs)

    # ---- refresh from the state ---------------------------------------------------------------------
    def refresh(self) -> None:
        st = self.state
        session = st.controller.session
        running = st.running
        m = st.model
        self.banner.setVisible(bool(m and m.synthetic))
        self.model_label.setText(self._model_text())
        rows = build_rows(session, st.scores(), m.exercises if m else None, set() if running else st.stale, running)
        fit = not running and [r.state for r in rows] != [r.state for r in self._fitted]
        self.model.set_rows(rows)
        if fit:  # a row changed kind (scored, stale, …): its texts' widths may have changed (not while scoring:
            self._fitted = rows  # measuring every cell costs the event loop tens of ms each time)
            self._fit_columns()
        self.score_button.setEnabled(session is not None and not running)
        self.score_button.setText("Score again" if st.results is not None and not running else "Score session")
        self.cancel_button.setEnabled(running and not (st.job and st.job.cancel_event.is_set()))
        self.report_button.setEnabled(st.results is not None and not running)
        self.progress.setVisible(running)
        if not running:
            self.job_label.setText(self._provenance_text())
        self.status_label.setText(self._status_text())
        self._refresh_votes()

    def _fit_columns(self) -> None:
        head = self.table.horizontalHeader()
        for col in range(self.model.columnCount() - 1):
            if col != COL_P:
                self.table.resizeColumnToContents(col)
        head.resizeSection(COL_P, max(170, self.table.sizeHintForColumn(COL_P)))

    def _model_text(self) -> str:
        m = self.state.model
        if m is None:
            return "Model: <b>not chosen yet</b> — <i>Score session</i> reads the bundled model's card."
        total = len(self.state.controller.session.protocol.exercises) if self.state.controller.session else 15
        if not m.exercises or len(m.exercises) >= total:
            scope = f"scores all {total} exercises"
        else:
            names = ", ".join(str(e) for e in sorted(m.exercises))
            scope = (f"scores only exercise{'s' if len(m.exercises) > 1 else ''} {names}; the other rows are "
                     f"marked “{NOT_IN_MODEL}”")
        data = m.trained_on if m.trained_on.lower().startswith("trained on") else f"Trained on: {m.trained_on}"
        return f"Model <b>{m.model_id}</b> ({scope}).<br><span style='color:#444'>{data}</span>"

    def _provenance_text(self) -> str:
        r = self.state.results
        if r is None:
            return ""
        p = r.provenance
        line = f"Scored on {p.device} ({p.backend}, {p.precision}) · {p.created_at[:16].replace('T', ' ')} UTC"
        return f"{line} — {p.backend_note}" if p.backend_note else line

    def _status_text(self) -> str:
        parts = [self.state.status] if self.state.status else []
        if self.state.stale and not self.state.running:
            ids = ", ".join(str(e) for e in sorted(self.state.stale))
            parts.append(f"<b style='color:#a15c00'>Stale:</b> the segment of exercise{'s' if len(self.state.stale) > 1 else ''} "
                         f"{ids} moved since scoring; those rows are greyed and their scores are not current. "
                         "Score again to update them.")
        if self.state.controller.session is None:
            parts.append("Open a session to score it.")
        return "<br>".join(parts)

    def _refresh_votes(self) -> None:
        st = self.state
        session = st.controller.session
        labels = {c.id: c.label or c.id for c in session.cameras} if session else {}
        if st.running:
            votes = votes_of(list(st.live.values()), list(labels)) if st.live else []
            note = "Counting so far: the scoring is still running." if votes else ""
        elif st.results is not None:
            votes = st.results.votes
            note = ("<b style='color:#a15c00'>Includes stale results</b> (see above)." if st.stale else "")
        else:
            votes, note = [], ""
        self.votes.set_votes(votes, labels, note)
        self.severity.set_severity(st.results.severity if st.results is not None and not st.running else None,
                                   stale=bool(st.stale))

    def _on_progress(self, p: Progress) -> None:
        job = self.state.job
        if job is None:
            return
        if p.total > 0:
            self.progress.setRange(0, p.total)
            self.progress.setValue(min(p.done, p.total))
        else:
            self.progress.setRange(0, 0)
        left = format_seconds(job.seconds_left())
        engine = f" on {self.state.engine}" if self.state.engine else ""
        self.job_label.setText(f"Scoring{engine}: {p.stage.replace('_', ' ')}" + (f" · {left}" if left else ""))

    def _on_message(self, _text: str) -> None:
        self.status_label.setText(self._status_text())
        self.cancel_button.setEnabled(self.state.running and not self.state.job.cancel_event.is_set())

    # ---- selection ----------------------------------------------------------------------------------
    def _on_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            r = self.model.row(row)
            self.row_activated.emit(r.exercise_id, r.camera_id)

    def select_exercise(self, exercise_id: int) -> None:
        """Follow the window's selection without echoing it back as a new activation."""
        row = self.model.row_of(exercise_id)
        current = self.table.currentIndex().row()
        if row < 0 or (current >= 0 and self.model.row(current).exercise_id == exercise_id):
            return
        blocker = self.table.selectionModel().blockSignals(True)
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().blockSignals(blocker)
        self.table.scrollTo(self.model.index(row, 0))
        self.table.viewport().update()
