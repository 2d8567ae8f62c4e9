"""Validation mistakes by true/predicted class, free tags on the images (e.g. glasses), accuracy per tag."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from fshd_studio.gui.jobs import Job, JobRunner
from fshd_studio.labelling.analysis import accuracy_by_tag, mistakes
from fshd_studio.labelling.review import ValidationReview, review_validation

TagsOfSources = Callable[[], dict[str, set[str]]]  # source image path -> its tags (from the vote file)
SaveTags = Callable[[str, set[str]], None]  # source image path, its new tags


class MistakesPanel(QWidget):
    status = Signal(str)
    reviewed = Signal()

    def __init__(self, jobs: JobRunner, tags_of_sources: TagsOfSources, save_tags: SaveTags,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.jobs = jobs
        self._tags_of_sources, self._save_tags = tags_of_sources, save_tags
        self.weights: Path | None = None
        self.dataset: Path | None = None
        self.review: ValidationReview | None = None
        self._job: Job | None = None
        self.model_label = QLabel("Train a classifier first: its validation mistakes are browsed here")
        self.model_label.setWordWrap(True)
        self.run_button = QPushButton("Review validation mistakes")
        self.run_button.clicked.connect(self.run_review)
        self.pair = QComboBox()
        self.pair.currentIndexChanged.connect(self._fill_images)
        self.images = QListWidget()
        self.images.setViewMode(QListWidget.ViewMode.IconMode)
        self.images.setIconSize(QSize(96, 96))
        self.images.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.images.currentItemChanged.connect(self._image_selected)
        self.tags = QLineEdit(placeholderText="tags of the selected image, comma separated (e.g. glasses)")
        self.tags.setEnabled(False)
        self.tags.editingFinished.connect(self._tags_edited)
        self.by_tag = QTableWidget(0, 3)
        self.by_tag.setHorizontalHeaderLabels(["tag", "images", "accuracy"])
        self.by_tag.setMaximumHeight(160)
        top = QHBoxLayout()
        top.addWidget(self.run_button)
        top.addWidget(QLabel("true → predicted"))
        top.addWidget(self.pair, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.model_label)
        lay.addLayout(top)
        lay.addWidget(self.images, 1)
        lay.addWidget(self.tags)
        lay.addWidget(QLabel("Accuracy per tag (validation images)"))
        lay.addWidget(self.by_tag)
        self.set_model(None, None)

    def set_model(self, weights: Path | None, dataset: Path | None) -> None:
        self.weights, self.dataset = weights, dataset
        if weights and dataset:
            self.model_label.setText(f"Classifier {weights}\nValidation images of {dataset}")
        self.run_button.setEnabled(bool(weights and dataset) and self._job is None)

    def run_review(self) -> None:
        if not (self.weights and self.dataset) or self._job is not None:
            return
        weights, dataset, tags = self.weights, self.dataset, self._tags_of_sources()
        self._job = self.jobs.start("Reviewing validation mistakes", lambda report, cancel: review_validation(
            weights, dataset, tags, report=report, cancel=cancel), on_done=self._reviewed, on_error=self._failed,
            on_cancelled=lambda: self._failed("Cancelled"))
        self.run_button.setEnabled(False)

    def _failed(self, message: str) -> None:
        self._job = None
        self.set_model(self.weights, self.dataset)
        self.status.emit(message)

    def _reviewed(self, review: ValidationReview) -> None:
        self._job = None
        self.set_model(self.weights, self.dataset)
        self.review = review
        wrong = mistakes(review.predictions)
        self.pair.blockSignals(True)
        self.pair.clear()
        self.pair.addItem(f"all mistakes ({sum(len(v) for v in wrong.values())})", None)
        for (true, pred), files in sorted(wrong.items()):
            self.pair.addItem(f"{true} → {pred} ({len(files)})", (true, pred))
        self.pair.blockSignals(False)
        self._fill_images()
        self._fill_tag_table()
        self.status.emit(f"Validation: {review.top1():.1%} correct, {len(review.predictions)} images")
        self.reviewed.emit()

    def _fill_images(self) -> None:
        self.images.clear()
        if self.review is None:
            return
        wanted = self.pair.currentData()
        for p in self.review.predictions:
            if p.true == p.predicted or (wanted is not None and (p.true, p.predicted) != tuple(wanted)):
                continue
            item = QListWidgetItem(QIcon(QPixmap(p.image)), f"{p.true} → {p.predicted}")
            item.setData(Qt.ItemDataRole.UserRole, p.image)
            item.setToolTip(self.review.source_of(p.image) or p.image)
            self.images.addItem(item)

    def _image_selected(self, item: QListWidgetItem | None) -> None:
        source = self._selected_source(item)
        self.tags.setEnabled(bool(source))
        self.tags.setText(", ".join(sorted(self._tags_of_sources().get(source, set()))) if source else "")

    def _selected_source(self, item: QListWidgetItem | None = None) -> str:
        item = item if item is not None else self.images.currentItem()
        if item is None or self.review is None:
            return ""
        return self.review.source_of(str(item.data(Qt.ItemDataRole.UserRole)))

    def _tags_edited(self) -> None:
        source = self._selected_source()
        if not source or self.review is None:
            return
        self._save_tags(source, {t.strip().lower() for t in self.tags.text().split(",") if t.strip()})
        self.review = self.review.with_tags(self._tags_of_sources())
        self._fill_tag_table()

    def _fill_tag_table(self) -> None:
        rows = accuracy_by_tag(self.review.predictions) if self.review else {}
        self.by_tag.setRowCount(len(rows))
        for r, (tag, (acc, n)) in enumerate(rows.items()):
            for c, text in enumerate((tag, str(n), f"{acc:.0%}")):
                self.by_tag.setItem(r, c, QTableWidgetItem(text))

    def accuracy_rows(self) -> dict[str, tuple[str, str]]:
        """What the tag table shows: tag -> (images, accuracy) as text."""
        return {self.by_tag.item(r, 0).text(): (self.by_tag.item(r, 1).text(), self.by_tag.item(r, 2).text())
                for r in range(self.by_tag.rowCount())}
