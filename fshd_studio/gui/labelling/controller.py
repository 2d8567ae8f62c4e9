"""The labelling controller: owns the vote file, the images shown, the round, the labeller and the undo stack.

Like the review side's SessionController: widgets observe its signals and call its gesture methods; crop and
tag edits are undo commands (gui/labelling/undo.py) that call `apply_crop` / `apply_tags`. Votes are not undone:
a vote is appended to the shared file and a labeller changes it by voting again (the latest vote counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.classes import CLASSES, UNUSABLE
from fshd_studio.labelling.majority import Absent, Aggregate, Status, aggregate, needed_yes, proposals
from fshd_studio.labelling.store import Crop, ImageRecord, Labeller, Round, Vote, VoteStore


@dataclass(frozen=True)
class ImageState:
    """What the grid shows about one image."""

    word: str  # "voted", "not voted", "tie", "kept", "not kept", "no face", "pick a face", "unusable"
    colour: str


BUSY_WAIT_GUI_S = 5.0  # a vote on a busy shared file is retried this long (the window waits), then explained
STATE_COLOURS = {"kept": "#1a7f4b", "voted": "#2f6fb0", "tie": "#c77c02", "not kept": "#b03a2e",
                 "no face": "#8e44ad", "pick a face": "#8e44ad", "unusable": "#7f8c8d", "not voted": "#95a5a6",
                 "split sort": "#c77c02"}


class LabellingController(QObject):
    changed = Signal()  # the image list or the current image changed
    record_changed = Signal(int)  # index of a record whose crop changed (its thumbnail is redrawn)
    roster_changed = Signal()
    aggregated = Signal(object)  # Aggregate
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store: VoteStore | None = None
        self.records: list[ImageRecord] = []
        self.index = 0
        self.round = Round.SORT
        self.labeller = ""
        self.last_aggregate: Aggregate | None = None
        self.undo_stack = QUndoStack(self)

    # --- folder -------------------------------------------------------------------------------------------
    def open_store(self, folder: Path) -> None:
        store = VoteStore(folder, busy_wait_s=BUSY_WAIT_GUI_S)
        if self.store is not None:
            self.store.close()
        self.store, self.index, self.last_aggregate, self.labeller = store, 0, None, ""
        self.undo_stack.clear()
        self.roster_changed.emit()
        self.reload()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def reload(self) -> None:
        if self.store is None:
            return
        records = self.store.images()
        if self.round == Round.CHECK:
            prop = self.proposals()
            records = [r for r in records if prop.get(r.id) not in (None, UNUSABLE)]
        self.records = records
        self.index = min(self.index, max(0, len(records) - 1))
        self.changed.emit()

    def proposals(self) -> dict[int, str | None]:
        assert self.store is not None
        group = set(self.store.labellers())
        return proposals([v for v in self.store.latest_votes(Round.SORT) if v.labeller in group])

    def current(self) -> ImageRecord | None:
        return self.records[self.index] if self.records else None

    def step(self, delta: int) -> None:
        if self.records:
            self.index = max(0, min(len(self.records) - 1, self.index + delta))
            self.changed.emit()

    def goto_index(self, i: int) -> None:
        if 0 <= i < len(self.records):
            self.index = i
            self.changed.emit()

    def goto_image(self, image_id: int) -> None:
        """Show an image for voting: in the re-check when it is tied, rejected or waiting there, else the sort."""
        outcome = self.last_aggregate.outcomes.get(image_id) if self.last_aggregate else None
        recheck = outcome is not None and outcome.status in (Status.TIE, Status.REJECTED, Status.PENDING)
        self.set_round(Round.CHECK if recheck else Round.SORT)
        for i, r in enumerate(self.records):
            if r.id == image_id:
                self.goto_index(i)
                return

    def set_round(self, round_: Round) -> None:
        if round_ != self.round:
            self.round, self.index = round_, 0
            self.reload()

    # --- roster -------------------------------------------------------------------------------------------
    def roster(self) -> list[Labeller]:
        return self.store.roster() if self.store else []

    def group(self) -> list[str]:
        return self.store.labellers() if self.store else []

    def set_labeller(self, name: str) -> bool:
        """Vote as `name` (a member of the group); False when the name is not in the group."""
        name = " ".join(name.split())
        if name not in self.group():
            return False
        self.labeller = name
        self.changed.emit()
        return True

    def add_member(self, name: str) -> None:
        assert self.store is not None
        self.store.add_labeller(name)
        self.roster_changed.emit()

    def join(self, name: str) -> None:
        """Add a member (or bring a retired one back) and vote as them."""
        assert self.store is not None
        self.store.add_labeller(name)
        self.labeller = " ".join(name.split())
        self.roster_changed.emit()
        self.changed.emit()

    def rename(self, old: str, new: str) -> None:
        assert self.store is not None
        self.store.rename_labeller(old, new)
        if self.labeller == old:
            self.labeller = " ".join(new.split())
        self.roster_changed.emit()
        self.changed.emit()

    def retire(self, name: str, retired: bool = True) -> None:
        assert self.store is not None
        self.store.retire_labeller(name, retired)
        if retired and self.labeller == name:
            self.labeller = ""
        self.roster_changed.emit()
        self.changed.emit()

    def threshold_text(self, absent: Absent) -> str:
        group = self.group()
        if not group:
            return "No group yet: enter your name to join"
        if absent == Absent.NO:
            need = needed_yes(len(group), 0, 0, absent)
            return f"Group of {len(group)} ({', '.join(group)}): an image is kept with {need} “yes” or more"
        return f"Group of {len(group)} ({', '.join(group)}): kept with more than half of the votes cast"

    # --- votes --------------------------------------------------------------------------------------------
    def vote(self, value: str) -> bool:
        rec = self.current()
        if rec is None or self.store is None:
            return False
        if not self.labeller:
            self.message.emit("Enter your name as labeller first (press Enter after it)")
            return False
        if self.round == Round.SORT:
            if value not in (*CLASSES, UNUSABLE):
                return False
            vote = Vote(rec.id, self.labeller, Round.SORT, value)
        else:
            prop = self.proposals().get(rec.id)
            if value not in ("yes", "no") or prop in (None, UNUSABLE):
                return False
            vote = Vote(rec.id, self.labeller, Round.CHECK, value, prop)
        try:
            self.store.vote(vote)
        except UserError as exc:
            self.message.emit(str(exc))
            return False
        self.message.emit(f"{self.labeller}: {value} for {rec.path}")
        self.step(1) if self.index < len(self.records) - 1 else self.changed.emit()
        return True

    def my_vote(self, rec: ImageRecord) -> tuple[str | None, str | None]:
        """(the labeller's vote on it in this round, the proposed class in the re-check)."""
        assert self.store is not None
        prop = self.proposals().get(rec.id) if self.round == Round.CHECK else None
        return self.store.vote_of(rec.id, self.labeller, self.round, prop) if self.labeller else None, prop

    def states(self) -> dict[int, ImageState]:
        """Each shown image's state for the grid: crop problems first, then the decision or this labeller's vote."""
        if self.store is None:
            return {}
        mine = {v.image_id for v in self.store.latest_votes(self.round) if v.labeller == self.labeller}
        outcomes = self.last_aggregate.outcomes if self.last_aggregate else {}
        words = {Status.KEPT: "kept", Status.TIE: "tie", Status.REJECTED: "not kept", Status.UNUSABLE: "unusable",
                 Status.NO_PROPOSAL: "split sort"}
        out = {}
        for r in self.records:
            if r.crop is None:
                word = "no face"
            elif r.crop_source == "pick":
                word = "pick a face"
            elif r.id in outcomes and outcomes[r.id].status in words:
                word = words[outcomes[r.id].status]
            else:
                word = "voted" if r.id in mine else "not voted"
            out[r.id] = ImageState(word, STATE_COLOURS[word])
        return out

    # --- crops and tags (undoable) ------------------------------------------------------------------------
    def set_crop(self, crop: Crop) -> None:
        from fshd_studio.gui.labelling.undo import SetCrop

        rec = self.current()
        if rec is not None and rec.crop != crop or (rec is not None and rec.crop_source == "pick"):
            self.undo_stack.push(SetCrop(self, rec.id, (rec.crop, rec.crop_source), (crop, "manual")))

    def pick_face(self, k: int | None = None) -> int | None:
        """Choose face k (or the next one) of the current image as its crop; returns the face number."""
        rec = self.current()
        if rec is None or self.store is None:
            return None
        faces = self.store.faces(rec.id)
        if not faces:
            self.message.emit("No face was found in this image: press C and draw the crop")
            return None
        if k is None:
            k = (faces.index(rec.crop) + 1) % len(faces) if rec.crop in faces and rec.crop_source != "pick" else 0
        self.set_crop(faces[k % len(faces)])
        return k % len(faces)

    def apply_crop(self, image_id: int, crop: Crop | None, source: str) -> None:
        assert self.store is not None
        self.store.set_crop(image_id, crop, source)
        for i, r in enumerate(self.records):
            if r.id == image_id:
                self.records[i] = self.store.image(image_id)
                self.record_changed.emit(i)
        self.changed.emit()

    def tags_of(self, image_id: int) -> set[str]:
        return self.store.tags().get(image_id, set()) if self.store else set()

    def set_tags(self, wanted: set[str]) -> None:
        from fshd_studio.gui.labelling.undo import SetTags

        rec = self.current()
        if rec is None:
            return
        wanted = {t.strip().lower() for t in wanted if t.strip()}
        old = self.tags_of(rec.id)
        if wanted != old:
            self.undo_stack.push(SetTags(self, rec.id, rec.path, old, wanted))

    def apply_tags(self, image_id: int, tags: set[str]) -> None:
        assert self.store is not None
        self.store.set_tags(image_id, tags)
        self.changed.emit()

    def tags_by_source(self) -> dict[str, set[str]]:
        if self.store is None:
            return {}
        tags = self.store.tags()
        return {r.path: tags[r.id] for r in self.store.images() if r.id in tags}

    def set_source_tags(self, rel: str, wanted: set[str]) -> None:
        if self.store is None:
            return
        image_id = next((r.id for r in self.store.images() if r.path == rel), None)
        if image_id is not None:
            self.store.set_tags(image_id, wanted)

    # --- aggregate ----------------------------------------------------------------------------------------
    def aggregate(self, absent: Absent) -> Aggregate | None:
        if self.store is None:
            return None
        s = self.store
        self.last_aggregate = aggregate([r.id for r in s.images()], s.latest_votes(Round.SORT),
                                        s.latest_votes(Round.CHECK), s.labellers(), absent)
        self.aggregated.emit(self.last_aggregate)
        self.changed.emit()
        return self.last_aggregate

    def names(self) -> dict[int, str]:
        return {r.id: r.path for r in self.store.images()} if self.store else {}
