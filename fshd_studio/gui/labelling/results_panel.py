"""Side panel: who counts (the group and the majority threshold), aggregation, export and training settings."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from fshd_studio.labelling.majority import Absent

HOW_IT_WORKS = ("Every labeller sorts each image into happy, angry, surprised or neutral (round 1). The group then "
                "re-checks the proposed class with yes / no (round 2). An image keeps its label only with more than "
                "half “yes”. The export puts every 5th image of a class into validation.")


class ResultsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumWidth(300)
        self.setMaximumWidth(420)
        lay = QVBoxLayout(self)
        rule = QGroupBox("Group decision")
        form = QFormLayout(rule)
        self.threshold = QLabel("No image folder yet")
        self.threshold.setWordWrap(True)
        self.roster_button = QPushButton("Labellers…")
        form.addRow(self.threshold)
        form.addRow(self.roster_button)
        self.absent = QComboBox()
        self.absent.addItem("count as “no” (majority of the whole group)", Absent.NO)
        self.absent.addItem("are ignored (majority of the votes cast)", Absent.IGNORE)
        form.addRow("Absent votes", self.absent)
        self.aggregate_button = QPushButton("Aggregate votes")
        self.export_button = QPushButton("Export dataset…")
        row = QHBoxLayout()
        row.addWidget(self.aggregate_button)
        row.addWidget(self.export_button)
        form.addRow(row)
        lay.addWidget(rule)
        how = QLabel(HOW_IT_WORKS)
        how.setWordWrap(True)
        how.setStyleSheet("color:#5b6573")
        lay.addWidget(how)
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
        tform.addRow(self.train_button)
        self.train_status = QLabel("")
        self.train_status.setWordWrap(True)
        tform.addRow(self.train_status)
        lay.addWidget(train)
        lay.addStretch(1)

    def absent_policy(self) -> Absent:
        return Absent(self.absent.currentData())
