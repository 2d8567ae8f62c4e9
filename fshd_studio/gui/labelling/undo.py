"""Undo commands of the labelling workspace: each holds the old and the new value and calls the controller."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from fshd_studio.labelling.store import Crop

if TYPE_CHECKING:
    from fshd_studio.gui.labelling.controller import LabellingController

CropState = tuple[Crop | None, str]  # the crop and its source ("auto", "pick", "manual", "none")


class SetCrop(QUndoCommand):
    def __init__(self, ctl: LabellingController, image_id: int, old: CropState, new: CropState) -> None:
        super().__init__("Set the face crop")
        self.ctl, self.image_id, self.old, self.new = ctl, image_id, old, new

    def redo(self) -> None:
        self.ctl.apply_crop(self.image_id, *self.new)

    def undo(self) -> None:
        self.ctl.apply_crop(self.image_id, *self.old)


class SetTags(QUndoCommand):
    def __init__(self, ctl: LabellingController, image_id: int, name: str, old: set[str], new: set[str]) -> None:
        super().__init__(f"Tags of {name}")
        self.ctl, self.image_id, self.old, self.new = ctl, image_id, set(old), set(new)

    def redo(self) -> None:
        self.ctl.apply_tags(self.image_id, self.new)

    def undo(self) -> None:
        self.ctl.apply_tags(self.image_id, self.old)
