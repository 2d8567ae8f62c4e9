"""The main pane's reports: the aggregate as a sortable table (CSV export) and the classifier's accuracy with its
confusion matrix as a shaded table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from fshd_studio.labelling.majority import Aggregate, Status
from fshd_studio.labelling.report import HEADER, AggregateRow, aggregate_rows, write_aggregate_csv

WAITING = (Status.PENDING, Status.UNSORTED)


def row_colour(status: Status) -> str:
    """Kept green, a tie amber, not kept red, still waiting for votes plain."""
    if status == Status.KEPT:
        return "#e3f4ea"
    if status == Status.TIE:
        return "#fdf1dc"
    return "#ffffff" if status in WAITING else "#fbeaea"


class AggregateTable(QWidget):
    image_requested = Signal(int)  # a row was activated: show that image for voting

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AggregateRow] = []
        self.summary = QLabel("Aggregate the votes to see, for every image, its proposed class, the yes / no / "
                              "absent counts and whether it is kept — or why not.")
        self.summary.setWordWrap(True)
        self.model = QStandardItemModel(0, len(HEADER), self)
        self.model.setHorizontalHeaderLabels([h.capitalize() for h in HEADER])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(len(HEADER) - 1, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._activated)
        self.view.doubleClicked.connect(self._activated)
        self.csv_button = QPushButton("Export table as CSV…")
        self.csv_button.setEnabled(False)
        self.csv_button.clicked.connect(self._ask_csv)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.csv_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)

    def show_aggregate(self, agg: Aggregate, names: dict[int, str]) -> None:
        self.rows = aggregate_rows(agg, names)
        self.model.setRowCount(0)
        for r in self.rows:
            cells = [(r.image, r.image), (r.proposed or "—", r.proposed), (str(r.yes), r.yes), (str(r.no), r.no),
                     (str(r.absent), r.absent), (r.decision, (not r.kept, r.decision))]
            items = []
            for text, key in cells:
                item = QStandardItem(text)
                item.setData(key if not isinstance(key, tuple) else f"{int(key[0])}{key[1]}", Qt.ItemDataRole.UserRole)
                item.setData(r.image_id, Qt.ItemDataRole.UserRole + 1)
                item.setBackground(QBrush(QColor(row_colour(r.status))))
                items.append(item)
            self.model.appendRow(items)
        self.view.resizeColumnsToContents()
        self.csv_button.setEnabled(bool(self.rows))
        kept = Counter(r.proposed for r in self.rows if r.kept)
        per_class = ", ".join(f"{c} {n}" for c, n in sorted(kept.items())) or "none yet"
        fmt = lambda k: "—" if k is None else f"{k + 0.0:.2f}".replace("-0.00", "0.00")  # noqa: E731
        group = ", ".join(agg.group) or "—"
        self.summary.setText(
            f"<b>{sum(kept.values())} of {len(self.rows)} images kept</b> ({per_class}). Group: {group}. "
            f"Agreement (Fleiss' κ): first sort {fmt(agg.kappa_sort)}, re-check {fmt(agg.kappa_check)}. "
            "Click a column to sort; double-click a row to vote on that image.")

    def cell(self, row: int, column: int) -> str:
        """The text shown (in the current sort order)."""
        return str(self.proxy.index(row, column).data())

    def _activated(self, index) -> None:  # noqa: ANN001 - QModelIndex
        image_id = index.data(Qt.ItemDataRole.UserRole + 1)
        if image_id is not None:
            self.image_requested.emit(int(image_id))

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the aggregate table", "votes-aggregate.csv",
                                              "CSV (*.csv)")
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> None:
        write_aggregate_csv(path, self.rows)


class TrainingResultView(QWidget):
    """Validation accuracy and the confusion matrix (rows: true class, columns: predicted), shaded by count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Train a classifier to see its validation accuracy and confusion matrix here.")
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)

    def show_result(self, weights: Path, top1: float, names: list[str], confusion_pred_by_true: np.ndarray) -> None:
        cm = np.asarray(confusion_pred_by_true, dtype=float)
        n = len(names)
        cm = cm[:n, :n].T if cm.shape[0] >= n and cm.shape[1] >= n else np.zeros((n, n))  # rows = true now
        self.title.setText(f"<b>Validation accuracy: {top1:.0%}</b> (top-1, {int(cm.sum())} validation images)"
                           f" — classifier {weights}. Rows: true class; columns: predicted class.")
        self.table.setRowCount(n)
        self.table.setColumnCount(n)
        self.table.setHorizontalHeaderLabels([f"→ {c}" for c in names])
        self.table.setVerticalHeaderLabels(names)
        top = max(1.0, float(cm.max()))
        for i in range(n):
            for j in range(n):
                item = QTableWidgetItem(str(int(cm[i, j])))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                shade = int(255 - 110 * cm[i, j] / top)  # right: green, wrong: red, darker with more images
                item.setBackground(QColor(shade, 255, shade) if i == j else QColor(255, shade, shade))
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def cells(self) -> list[list[str]]:
        return [[self.table.item(i, j).text() for j in range(self.table.columnCount())]
                for i in range(self.table.rowCount())]
