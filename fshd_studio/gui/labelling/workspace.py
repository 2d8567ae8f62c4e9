"""The labelling workspace: a group sorts face images into four emotions, then re-checks them by vote."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QSplitter, QStackedWidget, QTabWidget,
                               QVBoxLayout, QWidget)

from fshd_studio.gui.labelling.image_view import FaceImageView
from fshd_studio.gui.labelling.mistakes_panel import MistakesPanel
from fshd_studio.gui.labelling.predict_panel import PredictPanel
from fshd_studio.gui.labelling.thumbnails import icon_of, thumbnails
from fshd_studio.gui.labelling.results_panel import ResultsPanel
from fshd_studio.gui.labelling.worker import Job
from fshd_studio.labelling.classes import CLASSES, UNUSABLE
from fshd_studio.labelling.images import import_folder, thumbnail
from fshd_studio.labelling.majority import Aggregate, Status, aggregate, proposals
from fshd_studio.labelling.store import ImageRecord, Round, Vote, VoteStore

KEYS_HELP = ("Keys: 1 happy · 2 angry · 3 surprised · 4 neutral (first sort) · Y / N (re-check) · U unusable · "
             "← back · → skip · C fix the crop · F full image · G grid")


class LabellingWorkspace(QWidget):
    status = Signal(str)
    import_done = Signal(int)

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.store: VoteStore | None = None
        self.records: list[ImageRecord] = []
        self.index = 0
        self.last_aggregate: Aggregate | None = None
        self.last_dataset: Path | None = None
        self._job: Job | None = None
        self._thumb_job: Job | None = None
        self._thumbs: dict[tuple, QIcon] = {}  # (image id, crop) -> grid icon
        self._build()
        if folder is not None:
            self.open_folder(Path(folder))

    def _build(self) -> None:
        top = QHBoxLayout()
        self.import_button = QPushButton("Import image folder…")
        self.import_button.clicked.connect(self._ask_folder)
        self.folder_label = QLabel("No image folder")
        self.labeller = QComboBox(editable=True)
        self.labeller.setMinimumWidth(140)
        self.labeller.lineEdit().setPlaceholderText("your name")
        self.round = QComboBox()
        self.round.addItem("1 · First sort", Round.SORT)
        self.round.addItem("2 · Group re-check", Round.CHECK)
        self.round.currentIndexChanged.connect(self._round_changed)
        for w in (self.import_button, self.folder_label, QLabel("Labeller"), self.labeller, QLabel("Round"),
                  self.round):
            top.addWidget(w)
        top.addStretch(1)
        self.view = FaceImageView()
        self.view.crop_drawn.connect(self._crop_fixed)
        self.grid = QListWidget()
        self.grid.setViewMode(QListWidget.ViewMode.IconMode)
        self.grid.setIconSize(QSize(96, 96))
        self.grid.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.grid.itemActivated.connect(lambda item: self._goto_grid(item))
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.grid)
        self.tags = QLineEdit(placeholderText="tags of this image, comma separated (e.g. glasses)")
        self.tags.editingFinished.connect(self._save_tags)
        hint = QLabel(KEYS_HELP)
        hint.setWordWrap(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.addLayout(top)
        ll.addWidget(self.pages, 1)
        ll.addWidget(self.tags)
        ll.addWidget(hint)
        self.results = ResultsPanel()
        self.results.aggregate_button.clicked.connect(self.run_aggregate)
        self.results.export_button.clicked.connect(self._ask_export)
        self.results.train_button.clicked.connect(self._ask_train)
        self.results.cancel_button.clicked.connect(self.cancel_job)
        self.results.image_requested.connect(self.goto_image)
        self.predict = PredictPanel()
        self.mistakes = MistakesPanel(self._tags_of_sources, self._save_source_tags)
        for panel in (self.predict, self.mistakes):
            panel.status.connect(self.status)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.results, "Votes && classifier")
        self.tabs.addTab(self.predict, "Predict")
        self.tabs.addTab(self.mistakes, "Mistakes")
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        lay = QVBoxLayout(self)
        lay.addWidget(split)

    # --- folder and images -------------------------------------------------------------------------------
    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of face images")
        if folder:
            self.open_folder(Path(folder))

    def open_folder(self, folder: Path) -> None:
        """Open (or create) the folder's vote file and import new images in the background."""
        if self.store is not None:
            self.store.close()
        self.store = VoteStore(folder)
        self.folder_label.setText(str(folder))
        self.labeller.clear()
        self.labeller.addItems(self.store.labellers())
        job = Job(lambda report, cancel: _import_in_thread(folder, report, cancel))
        job.signals.finished.connect(self._imported)
        job.signals.failed.connect(lambda msg: (QMessageBox.warning(self, "Import", msg), self.import_done.emit(0)))
        self._run(job)

    def _imported(self, warnings: list[str]) -> None:
        self._job = None
        self.results.progress.setVisible(False)
        self.reload()
        if warnings:
            self.status.emit(f"{len(warnings)} image(s) need attention: {warnings[0]}")
        self.import_done.emit(len(self.records))

    def reload(self) -> None:
        assert self.store is not None
        all_records = self.store.images()
        if self.current_round() == Round.CHECK:
            prop = proposals(self.store.latest_votes(Round.SORT))
            all_records = [r for r in all_records if prop.get(r.id) not in (None, UNUSABLE)]
        self.records = all_records
        self.index = min(self.index, max(0, len(self.records) - 1))
        self._fill_grid()
        self.show_current()

    def _fill_grid(self) -> None:
        """Names at once; thumbnails decoded on the pool (big photos take ~40 ms each) and cached."""
        self.grid.clear()
        if self.store is None:
            return
        shown = self.records[:500]  # thumbnails of the first 500; the single view has them all
        for i, r in enumerate(shown):
            item = QListWidgetItem(Path(r.path).name)
            item.setData(Qt.ItemDataRole.UserRole, i)
            if (r.id, r.crop) in self._thumbs:
                item.setIcon(self._thumbs[(r.id, r.crop)])
            self.grid.addItem(item)
        missing = [r for r in shown if (r.id, r.crop) not in self._thumbs]
        if self._thumb_job is not None:
            self._thumb_job.cancel.set()
        if missing:
            folder = self.store.folder
            job = Job(lambda report, cancel: thumbnails(folder, missing, cancel))
            job.signals.finished.connect(self._thumbnails_loaded)
            self._thumb_job = job
            job.start()

    def _thumbnails_loaded(self, thumbs: dict) -> None:
        for key, rgb in thumbs.items():
            self._thumbs[key] = icon_of(rgb)
        for i in range(min(self.grid.count(), len(self.records))):
            r = self.records[i]
            if (r.id, r.crop) in thumbs:
                self.grid.item(i).setIcon(self._thumbs[(r.id, r.crop)])

    def _goto_grid(self, item: QListWidgetItem) -> None:
        self.index = int(item.data(Qt.ItemDataRole.UserRole))
        self.pages.setCurrentWidget(self.view)
        self.show_current()

    def goto_image(self, image_id: int) -> None:
        """Show an image of the review list for voting: a tie or a rejection in the re-check, else the sort."""
        outcome = self.last_aggregate.outcomes.get(image_id) if self.last_aggregate else None
        recheck = outcome is not None and outcome.status in (Status.TIE, Status.REJECTED, Status.PENDING)
        self.round.setCurrentIndex(1 if recheck else 0)
        for i, r in enumerate(self.records):
            if r.id == image_id:
                self.index = i
                self.pages.setCurrentWidget(self.view)
                self.show_current()
                self.setFocus()
                return

    def current(self) -> ImageRecord | None:
        return self.records[self.index] if self.records else None

    def current_round(self) -> Round:
        return Round(self.round.currentData())

    def show_current(self) -> None:
        rec = self.current()
        if rec is None or self.store is None:
            self.view.set_image(None, None, "")
            return
        from fshd_studio.labelling.images import load_rgb

        caption = f"{self.index + 1} / {len(self.records)} — {rec.path}"
        prop = None
        if self.current_round() == Round.CHECK:
            prop = proposals(self.store.latest_votes(Round.SORT)).get(rec.id)
            caption += f" — proposed: {prop.upper() if prop else '—'}   (Y keep · N remove)"
        mine = self.store.vote_of(rec.id, self.labeller_name(), self.current_round(), prop)
        if mine:
            caption += f" — your vote: {mine}"
        if rec.crop_source == "none":
            caption += " — no face found: press C to draw the crop"
        self.view.set_image(load_rgb(self.store.folder / rec.path), rec.crop, caption)
        self.tags.setText(", ".join(sorted(self.store.tags().get(rec.id, set()))))

    def _round_changed(self) -> None:
        if self.store is not None:
            self.index = 0
            self.reload()

    # --- voting -------------------------------------------------------------------------------------------
    def labeller_name(self) -> str:
        return self.labeller.currentText().strip()

    def vote(self, value: str) -> bool:
        rec = self.current()
        if rec is None or self.store is None:
            return False
        name = self.labeller_name()
        if not name:
            self.status.emit("Enter your name as labeller first")
            self.labeller.setFocus()
            return False
        if self.current_round() == Round.SORT:
            if value not in (*CLASSES, UNUSABLE):
                return False
            self.store.vote(Vote(rec.id, name, Round.SORT, value))
        else:
            prop = proposals(self.store.latest_votes(Round.SORT)).get(rec.id)
            if value not in ("yes", "no") or prop in (None, UNUSABLE):
                return False
            self.store.vote(Vote(rec.id, name, Round.CHECK, value, prop))
        if self.labeller.findText(name) < 0:
            self.labeller.addItem(name)
        self.status.emit(f"{name}: {value} for {rec.path}")
        self.step(1)
        return True

    def step(self, delta: int) -> None:
        if self.records:
            self.index = max(0, min(len(self.records) - 1, self.index + delta))
            self.show_current()

    def keyPressEvent(self, e: QKeyEvent) -> None:
        key = e.key()
        classes = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}
        if key in classes:
            self.vote(CLASSES[classes[key]])
        elif key == Qt.Key.Key_Y:
            self.vote("yes")
        elif key == Qt.Key.Key_N:
            self.vote("no")
        elif key == Qt.Key.Key_U:
            self.vote(UNUSABLE)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Backspace):
            self.step(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_S):
            self.step(1)
        elif key == Qt.Key.Key_C:
            self.view.crop_mode = not self.view.crop_mode
            self.view.update()
        elif key == Qt.Key.Key_F:
            self.view.show_full = not self.view.show_full
            self.view.update()
        elif key == Qt.Key.Key_G:
            self.pages.setCurrentIndex(1 - self.pages.currentIndex())
        else:
            super().keyPressEvent(e)

    def _crop_fixed(self, crop: tuple) -> None:
        rec = self.current()
        if rec is not None and self.store is not None:
            self.store.set_crop(rec.id, tuple(int(v) for v in crop))
            self.view.crop_mode = False
            fixed = next(r for r in self.store.images() if r.id == rec.id)  # one record and one thumbnail only
            self.records[self.index] = fixed
            self._refresh_thumbnail(self.index)
            self.show_current()

    def _refresh_thumbnail(self, i: int) -> None:
        item = self.grid.item(i)
        if item is None or self.store is None:
            return
        rec = self.records[i]
        self._thumbs[(rec.id, rec.crop)] = icon_of(thumbnail(self.store.folder, rec.path, rec.crop))
        item.setIcon(self._thumbs[(rec.id, rec.crop)])

    def _save_tags(self) -> None:
        rec = self.current()
        if rec is None or self.store is None:
            return
        self.store.set_tags(rec.id, set(self.tags.text().split(",")))

    # --- aggregate, export, train -------------------------------------------------------------------------
    def run_aggregate(self) -> Aggregate | None:
        if self.store is None:
            return None
        agg = aggregate([r.id for r in self.store.images()], self.store.latest_votes(Round.SORT),
                        self.store.latest_votes(Round.CHECK), self.store.labellers(), self.results.absent_policy())
        self.last_aggregate = agg
        self.results.show_aggregate(agg, {r.id: r.path for r in self.store.images()})
        return agg

    def _ask_export(self) -> None:
        out = QFileDialog.getExistingDirectory(self, "Empty folder for the dataset")
        if out:
            self.export_to(Path(out))

    def export_to(self, out: Path) -> None:
        from fshd_studio.labelling.export import export_dataset

        agg = self.run_aggregate()
        if agg is None or self.store is None:
            return
        folder = self.store.folder
        def export(report, cancel):
            with VoteStore(folder) as store:  # sqlite connections belong to the thread that made them
                return export_dataset(store, agg, out, report=report, cancel=cancel)
        job = Job(export)
        job.signals.finished.connect(self._exported)
        self._run(job)

    def _exported(self, res) -> None:  # noqa: ANN001 - an ExportResult from the worker
        self._done()
        self.last_dataset = res.folder
        self.status.emit(f"Dataset written to {res.folder}")

    def _ask_train(self) -> None:
        ds = QFileDialog.getExistingDirectory(self, "Exported dataset (with train/ and val/)")
        if ds:
            self.train_on(Path(ds), Path(ds).parent / (Path(ds).name + "-classifier"))

    def train_on(self, dataset: Path, out: Path) -> None:
        from fshd_studio.labelling.classifier import train_classifier

        p = self.results
        kw = dict(epochs=p.epochs.value(), imgsz=p.imgsz.value(), size=p.size.currentText())
        job = Job(lambda report, cancel: train_classifier(dataset, out, report=report, cancel=cancel, **kw))
        job.signals.finished.connect(lambda r: self._trained(r, dataset))
        self._run(job)

    def _trained(self, res, dataset: Path) -> None:  # noqa: ANN001 - a TrainResult from the worker
        self._done()
        self.results.show_training(res.weights, res.top1, res.names, res.confusion.tolist())
        self.predict.set_weights(res.weights)
        self.mistakes.set_model(res.weights, dataset)
        self.status.emit(f"Classifier trained: validation accuracy {res.top1:.1%}")

    def _tags_of_sources(self) -> dict[str, set[str]]:
        if self.store is None:
            return {}
        tags = self.store.tags()
        return {r.path: tags[r.id] for r in self.store.images() if r.id in tags}

    def _save_source_tags(self, rel: str, wanted: set[str]) -> None:
        if self.store is None:
            return
        image_id = next((r.id for r in self.store.images() if r.path == rel), None)
        if image_id is not None:
            self.store.set_tags(image_id, wanted)

    def _run(self, job: Job) -> None:
        self._job = job
        p = self.results
        p.progress.setVisible(True)
        p.cancel_button.setEnabled(True)
        job.signals.progress.connect(lambda stage, done, total: (p.progress.setMaximum(max(total, 1)),
                                                                 p.progress.setValue(done), p.progress.setFormat(
                                                                     f"{stage} %v/%m")))
        job.signals.failed.connect(lambda msg: (self._done(), self.status.emit(msg)))
        job.signals.cancelled.connect(lambda: (self._done(), self.status.emit("Cancelled")))
        job.start()

    def _done(self) -> None:
        self._job = None
        self.results.progress.setVisible(False)
        self.results.cancel_button.setEnabled(False)

    def cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel.set()


def _import_in_thread(folder: Path, report, cancel) -> list[str]:
    with VoteStore(folder) as store:  # sqlite connections belong to the thread that made them
        return import_folder(folder, store, report=report, cancel=cancel)

