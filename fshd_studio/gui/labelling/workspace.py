"""The labelling workspace: a group sorts face images into four emotions, then re-checks them by vote.

Keyboard-first: after the name is entered (Enter) the focus is on the image, whose keys vote; the round changes
only with its two buttons (they never take the focus); every vote is also a button. The Labelling mode has its
own toolbar; the main pane shows the image, the grid, the aggregate table with the training result, or Predict.
State lives in the LabellingController; long work (import, thumbnails, export, training) runs on the window's job
runner (`jobs`), or on the workspace's own when it stands alone (tests).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QSplitter, QStackedWidget, QToolBar, QToolButton, QVBoxLayout,
                               QWidget)

from fshd_studio.gui.jobs import JobRunner
from fshd_studio.gui.labelling.controller import LabellingController
from fshd_studio.gui.labelling.image_view import FaceImageView
from fshd_studio.gui.labelling.mistakes_panel import MistakesPanel
from fshd_studio.gui.labelling.predict_panel import PredictPanel
from fshd_studio.gui.labelling.prompts import LabellingPrompts
from fshd_studio.gui.labelling.results_panel import ResultsPanel
from fshd_studio.gui.labelling.results_view import AggregateTable, TrainingResultView
from fshd_studio.gui.labelling.thumbnails import badge_icon
from fshd_studio.gui.labelling.vote_bar import VoteBar
from fshd_studio.gui.labelling.work import WorkspaceJobs
from fshd_studio.labelling.classes import CLASSES, UNUSABLE
from fshd_studio.labelling.store import Round

KEYS_HELP = ("Keys on the image: 1 happy · 2 angry · 3 surprised · 4 neutral · U unusable (first sort) · Y / N "
             "(re-check) · ← back · → skip · Home first not voted · C draw the crop · P pick the next face · "
             "F full image · G grid · Ctrl+Z undo a crop or tag edit · Ctrl+L labeller name · Alt+1 / Alt+2 round")
PAGES = ("Image", "Grid", "Results", "Predict", "Mistakes")
VOTE_KEYS = {Qt.Key.Key_1: CLASSES[0], Qt.Key.Key_2: CLASSES[1], Qt.Key.Key_3: CLASSES[2], Qt.Key.Key_4: CLASSES[3],
             Qt.Key.Key_U: UNUSABLE, Qt.Key.Key_Y: "yes", Qt.Key.Key_N: "no"}


class LabellingWorkspace(WorkspaceJobs, QWidget):
    status = Signal(str)
    import_done = Signal(int)

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None, jobs: JobRunner | None = None):
        QWidget.__init__(self, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        window_jobs = getattr(self.window(), "jobs", None) if parent is not None else None
        self.jobs = jobs or (window_jobs if isinstance(window_jobs, JobRunner) else JobRunner(self))
        self.owns_jobs = self.jobs.parent() is self
        self.ctl = LabellingController(self)
        self.prompts = LabellingPrompts(self)
        self.last_dataset: Path | None = None
        self._thumb_job = None
        self._thumbs: dict[tuple, object] = {}  # (image id, crop) -> small RGB face crop (numpy array)
        self._build()
        self.ctl.changed.connect(self.show_current)
        self.ctl.changed.connect(self._refresh_grid_states)
        self.ctl.record_changed.connect(self._refresh_thumbnail)
        self.ctl.roster_changed.connect(self._roster_changed)
        self.ctl.message.connect(self.status)
        self.ctl.aggregated.connect(lambda agg: self.table.show_aggregate(agg, self.ctl.names()))
        self.show_current()
        if folder is not None:
            self.open_folder(Path(folder))

    # --- layout -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.toolbar = self._build_toolbar()
        self.view = FaceImageView()
        self.view.crop_drawn.connect(self._crop_drawn)
        self.view.face_clicked.connect(lambda k: self.ctl.pick_face(k))
        self.votes = VoteBar()
        self.votes.voted.connect(self.vote)
        self.votes.stepped.connect(self.step)
        self.tags = QLineEdit(placeholderText="tags of this image, comma separated (e.g. glasses) — Enter saves")
        self.tags.returnPressed.connect(self._tags_entered)
        hint = QLabel(KEYS_HELP)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#5b6573")
        image_page = QWidget()
        il = QVBoxLayout(image_page)
        il.addWidget(self.view, 1)
        il.addWidget(self.votes)
        il.addWidget(self.tags)
        il.addWidget(hint)
        self.grid = QListWidget()
        self.grid.setViewMode(QListWidget.ViewMode.IconMode)
        self.grid.setIconSize(QSize(104, 104))
        self.grid.setGridSize(QSize(130, 150))
        self.grid.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.grid.setWordWrap(True)
        self.grid.itemActivated.connect(self._goto_grid)
        self.table = AggregateTable()
        self.table.image_requested.connect(self.goto_image)
        self.training = TrainingResultView()
        results_page = QSplitter(Qt.Orientation.Vertical)
        results_page.addWidget(self.table)
        results_page.addWidget(self.training)
        results_page.setSizes([500, 260])
        self.predict = PredictPanel(self.jobs)
        self.mistakes = MistakesPanel(self.jobs, self.ctl.tags_by_source, self.ctl.set_source_tags)
        for panel in (self.predict, self.mistakes):
            panel.status.connect(self.status)
        self.pages = QStackedWidget()
        for page in (image_page, self.grid, results_page, self.predict, self.mistakes):
            self.pages.addWidget(page)
        self.results = ResultsPanel()
        self.results.aggregate_button.clicked.connect(self.run_aggregate)
        self.results.export_button.clicked.connect(self._ask_export)
        self.results.train_button.clicked.connect(self._ask_train)
        self.results.roster_button.clicked.connect(self.edit_roster)
        self.results.absent.currentIndexChanged.connect(self._roster_changed)
        split = QSplitter()
        split.addWidget(self.pages)
        split.addWidget(self.results)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([1000, 400])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 4)
        lay.addWidget(self.toolbar)
        lay.addWidget(split, 1)
        if self.owns_jobs:  # standing alone: its own progress bar, time left and Cancel
            from fshd_studio.gui.job_bar import JobBar

            self.job_bar = JobBar(self.jobs, self)
            lay.addWidget(self.job_bar)

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Labelling")
        bar.setObjectName("labellingToolbar")
        bar.addAction("Import image folder…", self._ask_folder)
        self.folder_label = QLabel("  No image folder  ")
        bar.addWidget(self.folder_label)
        bar.addSeparator()
        bar.addWidget(QLabel(" Labeller "))
        self.labeller = QComboBox(editable=True)
        self.labeller.setMinimumWidth(150)
        self.labeller.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.labeller.lineEdit().setPlaceholderText("your name, then Enter")
        self.labeller.lineEdit().returnPressed.connect(self._name_entered)
        self.labeller.activated.connect(lambda _i: self._name_entered())
        bar.addWidget(self.labeller)
        bar.addAction("Labellers…", self.edit_roster)
        bar.addSeparator()
        self.round_group = QButtonGroup(self)
        for k, (text, round_) in enumerate((("1 · First sort", Round.SORT), ("2 · Group re-check", Round.CHECK))):
            b = QToolButton(text=text, checkable=True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab never lands here: the round changes only on purpose
            b.setChecked(k == 0)
            self.round_group.addButton(b, k)
            bar.addWidget(b)
        self.round_group.idClicked.connect(lambda k: self.set_round(Round.SORT if k == 0 else Round.CHECK))
        bar.addSeparator()
        self.page_actions = QActionGroup(self)
        for k, name in enumerate(PAGES):
            a = QAction(name, self, checkable=True, checked=k == 0)
            a.triggered.connect(lambda _c=False, i=k: self.show_page(i))
            self.page_actions.addAction(a)
            bar.addAction(a)
        bar.addSeparator()
        for keys, slot in (("Ctrl+L", self._focus_name), ("Alt+1", lambda: self.set_round(Round.SORT)),
                           ("Alt+2", lambda: self.set_round(Round.CHECK))):
            a = QAction(self)
            a.setShortcut(QKeySequence(keys))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
        for text, keys, slot in (("Undo", QKeySequence.StandardKey.Undo, self.ctl.undo_stack.undo),
                                 ("Redo", QKeySequence.StandardKey.Redo, self.ctl.undo_stack.redo)):
            a = QAction(text, self)
            a.setShortcut(keys)
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            bar.addAction(a)
        for w in bar.findChildren(QToolButton):
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return bar

    def show_page(self, i: int) -> None:
        self.pages.setCurrentIndex(i)
        self.page_actions.actions()[i].setChecked(True)
        if i == 0:
            self.view.setFocus()

    # --- the labeller -------------------------------------------------------------------------------------
    def _name_entered(self) -> None:
        """Enter in the name field: a member votes at once (focus on the image); a new name asks first."""
        name = " ".join(self.labeller.currentText().split())
        if not name or self.ctl.store is None:
            return
        if not self.ctl.set_labeller(name):
            roster = {m.name: m.retired for m in self.ctl.roster()}
            group = self.ctl.group()
            if name in roster:
                question = f"{name} has retired from this folder's group. Bring {name} back into the group?"
            else:
                question = f"“{name}” is not in this folder's group ({', '.join(group) or 'nobody yet'}). " \
                           f"Add {name} as a new member?"
            detail = (f"The majority threshold will then count {len(group) + 1} members. If this is a typo, "
                      "answer No and correct the name.")
            answer = self.prompts.ask("New labeller", question, detail)
            self.window().activateWindow()  # back from the question: the keys belong to this window again
            if not answer:
                self.labeller.lineEdit().selectAll()
                self.labeller.setFocus()
                return
            self.ctl.join(name)
        self.ctl.index = self._first_not_voted()
        self.ctl.changed.emit()
        self.view.setFocus()

    def _focus_name(self) -> None:
        self.labeller.setFocus()
        self.labeller.lineEdit().selectAll()

    def _first_not_voted(self) -> int:
        states = self.ctl.states()
        return next((i for i, r in enumerate(self.ctl.records) if states[r.id].word not in ("voted", "kept")),
                    self.ctl.index)

    def labeller_name(self) -> str:
        return self.ctl.labeller

    def _roster_changed(self) -> None:
        current = self.ctl.labeller
        self.labeller.blockSignals(True)
        self.labeller.clear()
        self.labeller.addItems(self.ctl.group())
        self.labeller.setEditText(current)
        self.labeller.blockSignals(False)
        self.results.threshold.setText(self.ctl.threshold_text(self.results.absent_policy()))

    def edit_roster(self) -> None:
        from fshd_studio.gui.labelling.roster import RosterDialog

        if self.ctl.store is None:
            self.status.emit("Import a folder of face images first")
            return
        RosterDialog(self.ctl, lambda: self.ctl.threshold_text(self.results.absent_policy()), self).exec()

    # --- showing ------------------------------------------------------------------------------------------
    def current_round(self) -> Round:
        return self.ctl.round

    def set_round(self, round_: Round) -> None:
        self.round_group.button(0 if round_ == Round.SORT else 1).setChecked(True)
        self.ctl.set_round(round_)
        self._fill_grid()

    @property
    def records(self) -> list:
        return self.ctl.records

    def current(self):  # noqa: ANN201 - ImageRecord | None
        return self.ctl.current()

    def show_current(self) -> None:
        rec, ctl = self.ctl.current(), self.ctl
        if rec is None or ctl.store is None:
            self.view.empty_text = ("No image has a proposed class yet: the re-check starts when the first sort "
                                    "agrees on a class" if ctl.store is not None and ctl.round == Round.CHECK
                                    else "No image — import a folder of face images")
            self.view.set_image(None, None, "")
            self.votes.set_round(ctl.round, None)
            return
        from fshd_studio.labelling.images import load_rgb

        mine, prop = ctl.my_vote(rec)
        who = ctl.labeller or "no labeller: type your name and press Enter"
        caption = f"{ctl.index + 1} / {len(ctl.records)} — {rec.path} — {who}"
        if ctl.round == Round.CHECK:
            caption += f" — proposed: {prop.upper() if prop else '—'} (Y keep · N remove)"
        if mine:
            caption += f" — your vote: {mine}"
        faces = ctl.store.faces(rec.id)
        if rec.crop is None:
            caption += " — no face found: press C and draw the crop"
        elif rec.crop_source == "pick":
            caption += f" — {len(faces)} faces: press P (or click a face) to choose the one to label"
        self.view.show_full = rec.crop_source == "pick" or self.view.show_full and len(faces) > 1
        try:
            rgb = load_rgb(ctl.store.folder / rec.path)
        except Exception as exc:  # noqa: BLE001 - a file removed or damaged since the import: say so, keep going
            rgb, caption = None, f"{caption} — cannot be shown ({exc})"
        self.view.set_image(rgb, rec.crop, caption, faces)
        self.votes.set_round(ctl.round, mine)
        if not self.tags.hasFocus():
            self.tags.setText(", ".join(sorted(ctl.tags_of(rec.id))))
        item = self.grid.item(ctl.index)
        if item is not None:
            self.grid.setCurrentItem(item)

    # --- voting and keys ----------------------------------------------------------------------------------
    def vote(self, value: str) -> bool:
        ok = self.ctl.vote(value)
        if not ok and not self.ctl.labeller:
            self.labeller.setFocus()
        return ok

    def step(self, delta: int) -> None:
        self.ctl.step(delta)

    def goto_image(self, image_id: int) -> None:
        self.ctl.goto_image(image_id)
        self.round_group.button(0 if self.ctl.round == Round.SORT else 1).setChecked(True)
        self._fill_grid()
        self.show_page(0)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key, mods = e.key(), e.modifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(e)
        elif key in VOTE_KEYS:
            self.vote(VOTE_KEYS[key])
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Backspace):
            self.step(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_S):
            self.step(1)
        elif key == Qt.Key.Key_Home:
            self.ctl.goto_index(self._first_not_voted())
        elif key == Qt.Key.Key_C:
            self.view.crop_mode = not self.view.crop_mode
            self.view.update()
        elif key == Qt.Key.Key_P:
            self.ctl.pick_face()
        elif key == Qt.Key.Key_F:
            self.view.show_full = not self.view.show_full
            self.view.update()
        elif key == Qt.Key.Key_G:
            self.show_page(1 if self.pages.currentIndex() != 1 else 0)
        else:
            super().keyPressEvent(e)

    def _crop_drawn(self, crop: tuple) -> None:
        self.view.crop_mode = False
        self.ctl.set_crop(tuple(int(v) for v in crop))

    def _tags_entered(self) -> None:
        self.ctl.set_tags(set(self.tags.text().split(",")))
        self.view.setFocus()

    # --- grid ---------------------------------------------------------------------------------------------
    def _fill_grid(self) -> None:
        """Names and states at once; thumbnails decoded on the runner (big photos take ~40 ms each), cached."""
        from fshd_studio.gui.labelling.thumbnails import thumbnails

        self.grid.clear()
        if self.ctl.store is None:
            return
        shown = self.ctl.records[:500]  # thumbnails of the first 500; the single view has them all
        for i, r in enumerate(shown):
            item = QListWidgetItem(Path(r.path).name)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.grid.addItem(item)
        self._refresh_grid_states()
        missing = [r for r in shown if (r.id, r.crop) not in self._thumbs]
        if self._thumb_job is not None:
            self._thumb_job.cancel()
        if missing:
            folder = self.ctl.store.folder
            self._thumb_job = self.jobs.start("Thumbnails", lambda report, cancel: thumbnails(folder, missing, cancel),
                                              on_done=self._thumbnails_loaded)

    def _thumbnails_loaded(self, thumbs: dict) -> None:
        self._thumbs.update(thumbs)
        self._refresh_grid_states()

    def _refresh_grid_states(self) -> None:
        states = self.ctl.states()
        for i in range(min(self.grid.count(), len(self.ctl.records))):
            r, item = self.ctl.records[i], self.grid.item(i)
            st = states.get(r.id)
            if st is None:
                continue
            item.setText(f"{Path(r.path).name}\n{st.word}")
            item.setToolTip(f"{r.path}: {st.word}")
            item.setIcon(badge_icon(self._thumbs.get((r.id, r.crop)), st.word, st.colour))

    def _refresh_thumbnail(self, i: int) -> None:
        from fshd_studio.labelling.images import thumbnail

        rec = self.ctl.records[i] if i < len(self.ctl.records) else None
        if rec is None or self.ctl.store is None:
            return
        try:
            self._thumbs[(rec.id, rec.crop)] = thumbnail(self.ctl.store.folder, rec.path, rec.crop)
        except Exception:  # noqa: BLE001 - an unreadable image keeps its name and state only
            pass
        self._refresh_grid_states()

    def _goto_grid(self, item: QListWidgetItem) -> None:
        self.ctl.goto_index(int(item.data(Qt.ItemDataRole.UserRole)))
        self.show_page(0)
