"""Right-hand panel: aggregation (rule, agreement, review list), export, classifier training, error analysis."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSpinBox, QTextBrowser, QVBoxLayout, QWidget)

from fshd_studio.labelling.majority import Absent, Aggregate


HOW_IT_WORKS = (
    "<div style='color:#5b6573'><p><b>How it works.</b> Every labeller sorts each image into happy, angry, "
    "surprised or neutral (round 1). The group then re-checks the proposed class with yes / no (round 2).</p>"
    "<p><b>Aggregate votes</b> shows which images keep their label (more than half of the group said yes), the "
    "ties and rejections to review, Fleiss' κ and each labeller's agreement with the majority. "
    "<b>Export dataset</b> writes the kept images for training (every 5th image of a class to validation).</p></div>")


class ResultsPanel(QWidget):
    image_requested = Signal(int)  # an image of the review list was clicked: show it for voting

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        rule = QGroupBox("Group decision")
        form = QFormLayout(rule)
        self.absent = QComboBox()
        self.absent.addItem("count as “no” (majority of the whole group)", Absent.NO)
        self.absent.addItem("are ignored (majority of the votes cast)", Absent.IGNORE)
        form.addRow("Absent votes", self.absent)
        form.addRow(QLabel("An image keeps its label only with more than half “yes”."))
        self.aggregate_button = QPushButton("Aggregate votes")
        self.export_button = QPushButton("Export dataset…")
        row = QHBoxLayout()
        row.addWidget(self.aggregate_button)
        row.addWidget(self.export_button)
        form.addRow(row)
        lay.addWidget(rule)
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.summary.anchorClicked.connect(self._anchor_clicked)
        self.summary.setMinimumWidth(320)
        self.summary.setHtml(HOW_IT_WORKS)  # replaced by the result of the first aggregation
        lay.addWidget(self.summary, 2)
        train = QGroupBox("Emotion classifier (YOLO classification, trained here, offline)")
        tform = QFormLayout(train)
        self.epochs = QSpinBox(minimum=1, maximum=500, value=30)
        self.imgsz = QSpinBox(minimum=32, maximum=640, singleStep=32, value=128)
        self.size = QComboBox()
        self.size.addItems(["n", "s", "m", "l", "x"])
        tform.addRow("Epochs", self.epochs)
        tform.addRow("Image size", self.imgsz)
        tform.addRow("Model size", self.size)
        self.train_button = QPushButton("Train on exported dataset…")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        row2 = QHBoxLayout()
        row2.addWidget(self.train_button)
        row2.addWidget(self.cancel_button)
        tform.addRow(row2)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        tform.addRow(self.progress)
        self.train_result = QLabel("")
        self.train_result.setWordWrap(True)
        tform.addRow(self.train_result)
        lay.addWidget(train)

    def absent_policy(self) -> Absent:
        return Absent(self.absent.currentData())

    def show_aggregate(self, agg: Aggregate, names: dict[int, str]) -> None:
        status = Counter(o.status.value for o in agg.outcomes.values())
        kept = Counter(agg.kept().values())
        fmt: Callable[[float | None], str] = lambda k: "—" if k is None else f"{k:.3f}"
        rows = "".join(f"<tr><td>{c}</td><td align=right>{n}</td></tr>" for c, n in sorted(kept.items()))
        agree = "".join(f"<tr><td>{n}</td><td align=right>{a:.0%}</td></tr>"
                        for n, a in agg.labeller_agreement.items())
        review = "".join(f"<li><a href='image:{o.image_id}'>{html.escape(names[o.image_id])}</a> — "
                         f"{o.status.value} ({o.yes} yes / {o.no} no / {o.absent} absent)</li>"
                         for o in agg.to_review()[:50])
        self.summary.setHtml(
            f"<b>Group:</b> {', '.join(agg.group) or '—'} &nbsp; <b>absent votes</b> {agg.absent_policy.value}<br>"
            f"<b>Status:</b> {', '.join(f'{k} {v}' for k, v in sorted(status.items()))}<br>"
            f"<b>Kept per class</b><table>{rows or '<tr><td>none yet</td></tr>'}</table>"
            f"<p><b>Fleiss' κ</b> first sort {fmt(agg.kappa_sort)}, re-check {fmt(agg.kappa_check)}<br>"
            + "".join(f"&nbsp;κ {c}: {k:.3f}<br>" for c, k in agg.kappa_sort_per_class.items())
            + f"</p><b>Agreement with the majority</b><table>{agree or '<tr><td>no re-check yet</td></tr>'}</table>"
            f"<b>To review</b><ul>{review or '<li>nothing</li>'}</ul>")

    def _anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "image" and url.path().isdigit():
            self.image_requested.emit(int(url.path()))

    def show_training(self, weights: Path, top1: float, names: list[str], confusion: list[list[float]]) -> None:
        header = "".join(f"<th>{n}</th>" for n in names)
        body = "".join(f"<tr><th>{names[i] if i < len(names) else 'bg'}</th>"
                       + "".join(f"<td align=right>{int(v)}</td>" for v in row) + "</tr>"
                       for i, row in enumerate(confusion))
        self.train_result.setText(f"Validation accuracy (top-1): <b>{top1:.1%}</b><br>Weights: {weights}<br>"
                                  f"Confusion (rows predicted, columns true):<table><tr><th></th>{header}</tr>"
                                  f"{body}</table>")
